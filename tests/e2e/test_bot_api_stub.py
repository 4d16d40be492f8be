"""The Bot API stand-in is as strict as Telegram, and aiogram itself talks to it."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetUpdates
from aiogram.types import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)

from tests.e2e import bot_api_stub as stub_module
from tests.e2e.bot_api_stub import (
    BotApiStub,
    StubServerThread,
    callback,
    command,
    contact,
    document,
    edited_message,
    group_chat,
    group_message,
    location,
    message,
    my_chat_member,
    photo,
    sticker,
    user,
    voice,
)

ALICE = user(501, "Alice", last_name="Smith", username="alice", language_code="uk")
BORIS = user(502, "Борис", language_code=None)


def make_bot(api: BotApiStub, token: str | None = None) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.url), timeout=5)
    return Bot(token or api.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))


@pytest.fixture
async def api() -> AsyncIterator[BotApiStub]:
    async with BotApiStub() as stub:
        yield stub


async def close(bot: Bot) -> None:
    # AiohttpSession.close() waits 250 ms for TLS connections; plain HTTP needs no wait.
    client = getattr(bot.session, "_session", None)
    if client is not None:
        await client.close()


@pytest.fixture
async def tg(api: BotApiStub) -> AsyncIterator[Bot]:
    bot = make_bot(api)
    yield bot
    await close(bot)


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data)] for text, data in pairs
        ]
    )


async def test_get_me_and_unknown_method(api: BotApiStub, tg: Bot) -> None:
    me = await tg.get_me()
    assert me.is_bot and me.id == 123456789 and me.username == "stub_test_bot"
    with pytest.raises(TelegramNotFound, match="method not found"):
        await tg.session.make_request(tg, _Unknown())


class _Unknown(GetUpdates):
    __api_method__ = "noSuchMethod"


async def test_wrong_token_is_unauthorized(api: BotApiStub) -> None:
    other = make_bot(api, token="987654321:WRONGtoken")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await other.get_me()
    finally:
        await close(other)
    assert api.calls[-1].status == 401


async def test_send_message_returns_a_full_message(api: BotApiStub, tg: Bot) -> None:
    api.push(command(ALICE, "/start"))
    sent = await tg.send_message(
        ALICE["id"],
        "<b>Hello</b> &amp; welcome",
        reply_markup=keyboard(("Next", "next")),
        protect_content=True,
    )
    assert isinstance(sent, Message)
    assert sent.text == "Hello & welcome"
    assert sent.chat.id == ALICE["id"] and sent.chat.type == "private"
    assert sent.from_user.id == api.bot_user["id"]
    assert sent.message_id == 2  # the user's /start was message 1 in this chat
    assert sent.has_protected_content
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "next"
    method, params = api.calls[-1]
    assert method == "sendMessage"
    assert params["parse_mode"] == "HTML" and params["protect_content"] is True
    assert params["reply_markup"]["inline_keyboard"][0][0]["text"] == "Next"
    assert api.message_source(ALICE["id"], 2)["text"] == "<b>Hello</b> &amp; welcome"
    assert [m["message_id"] for m in api.messages_in(ALICE["id"])] == [1, 2]
    assert api.sent_texts(ALICE["id"]) == ["<b>Hello</b> &amp; welcome"]


async def test_unknown_chat_is_not_found(api: BotApiStub, tg: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await tg.send_message(777, "hi")


@pytest.mark.parametrize(
    "text",
    [
        "<b>open",
        "<div>x</div>",
        "a < b",
        "Tom & Jerry",
        "&nbsp;",
        '<span class="x">s</span>',
        "<br/>",
    ],
)
async def test_bad_html_is_refused(api: BotApiStub, tg: Bot, text: str) -> None:
    api.add_chat({"id": ALICE["id"], "type": "private", "first_name": "Alice"})
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await tg.send_message(ALICE["id"], text)
    assert api.messages_in(ALICE["id"]) == []


async def test_length_counts_after_parsing(api: BotApiStub, tg: Bot) -> None:
    api.push(message(ALICE, "hi"))
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await tg.send_message(ALICE["id"], "x" * 4097)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await tg.send_message(ALICE["id"], "<b> </b>")
    ok = await tg.send_message(ALICE["id"], "<b>" + "я" * 4096 + "</b>")
    assert len(ok.text) == 4096
    # Without parse_mode the tags are text and count.
    with pytest.raises(TelegramBadRequest, match="too long"):
        await tg.send_message(ALICE["id"], "<b>" + "x" * 4094 + "</b>", parse_mode=None)


async def test_callback_data_is_at_most_64_bytes(api: BotApiStub, tg: Bot) -> None:
    api.push(message(ALICE, "hi"))
    await tg.send_message(ALICE["id"], "ok", reply_markup=keyboard(("A", "я" * 32)))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await tg.send_message(ALICE["id"], "no", reply_markup=keyboard(("A", "x" * 65)))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await tg.send_message(ALICE["id"], "no", reply_markup=keyboard(("A", "я" * 33)))


async def test_inline_buttons_are_checked(api: BotApiStub, tg: Bot) -> None:
    api.push(message(ALICE, "hi"))
    good = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="Site", url="https://example.org/x"),
                InlineKeyboardButton(text="Chat", url="tg://resolve?domain=example"),
            ]
        ]
    )
    await tg.send_message(ALICE["id"], "links", reply_markup=good)
    for bad_url in ("ftp://example.org", "javascript:alert(1)", "https://"):
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="X", url=bad_url)]]
        )
        with pytest.raises(TelegramBadRequest, match="URL"):
            await tg.send_message(ALICE["id"], "no", reply_markup=markup)
    with pytest.raises(TelegramBadRequest, match="non-empty"):
        await tg.send_message(ALICE["id"], "no", reply_markup=keyboard(("", "d")))
    with pytest.raises(TelegramBadRequest, match="text buttons are unallowed"):
        await tg.send_message(
            ALICE["id"],
            "no",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="bare")]]
            ),
        )


async def test_identical_edit_is_not_modified(api: BotApiStub, tg: Bot) -> None:
    api.push(message(ALICE, "hi"))
    sent = await tg.send_message(ALICE["id"], "<b>Step 1</b>", reply_markup=keyboard(("Go", "g")))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await tg.edit_message_text(
            "<b>Step 1</b>",
            chat_id=ALICE["id"],
            message_id=sent.message_id,
            reply_markup=keyboard(("Go", "g")),
        )
    # Same words, other formatting: a change.
    edited = await tg.edit_message_text(
        "<i>Step 1</i>",
        chat_id=ALICE["id"],
        message_id=sent.message_id,
        reply_markup=keyboard(("Go", "g")),
    )
    assert edited.edit_date is not None
    # Same text, keyboard dropped: a change too, and the keyboard is gone.
    edited = await tg.edit_message_text(
        "<i>Step 1</i>", chat_id=ALICE["id"], message_id=sent.message_id
    )
    assert edited.reply_markup is None
    assert "reply_markup" not in api.message(ALICE["id"], sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await tg.edit_message_text("x", chat_id=ALICE["id"], message_id=999)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await tg.edit_message_text("<b>x", chat_id=ALICE["id"], message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await tg.edit_message_text("x", chat_id=ALICE["id"], message_id=1)  # the user's


async def test_edit_reply_markup(api: BotApiStub, tg: Bot) -> None:
    api.push(message(ALICE, "hi"))
    sent = await tg.send_message(ALICE["id"], "menu", reply_markup=keyboard(("A", "a")))
    with pytest.raises(TelegramBadRequest, match="not modified"):
        await tg.edit_message_reply_markup(
            chat_id=ALICE["id"], message_id=sent.message_id, reply_markup=keyboard(("A", "a"))
        )
    done = await tg.edit_message_reply_markup(
        chat_id=ALICE["id"], message_id=sent.message_id, reply_markup=keyboard(("B", "b"))
    )
    assert done.reply_markup.inline_keyboard[0][0].text == "B"
    assert api.messages_in(ALICE["id"])[-1]["reply_markup"]["inline_keyboard"][0][0]["text"] == "B"


async def test_injected_429_and_403(api: BotApiStub, tg: Bot) -> None:
    api.push(message(ALICE, "hi"))
    api.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as caught:
        await tg.send_message(ALICE["id"], "x")
    assert caught.value.retry_after == 7
    api.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await tg.send_message(ALICE["id"], "x")
    api.fail_next("sendMessage", 500)
    with pytest.raises(TelegramServerError):
        await tg.send_message(ALICE["id"], "x")
    api.fail_next("sendMessage", drop=True)
    with pytest.raises(TelegramNetworkError):
        await tg.send_message(ALICE["id"], "x")
    assert (await tg.send_message(ALICE["id"], "through")).text == "through"
    assert [c.status for c in api.calls_to("sendMessage")] == [429, 403, 500, 0, 200]


async def test_blocked_user_gets_403(api: BotApiStub, tg: Bot) -> None:
    api.push(message(ALICE, "hi"))
    api.push(
        my_chat_member(
            ALICE,
            {"id": ALICE["id"], "type": "private", "first_name": "Alice"},
            old_status="member",
            new_status="kicked",
        )
    )
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await tg.send_message(ALICE["id"], "x")
    api.push(command(ALICE, "/start"))  # writing again means unblocked
    await tg.send_message(ALICE["id"], "back")


async def test_flood_limit_per_chat() -> None:
    async with BotApiStub(flood_limit_per_chat_per_second=1) as api:
        tg = make_bot(api)
        try:
            api.push(message(ALICE, "hi"))
            api.push(message(BORIS, "hi"))
            await tg.send_message(ALICE["id"], "one")
            await tg.send_message(BORIS["id"], "other chat is fine")
            with pytest.raises(TelegramRetryAfter) as caught:
                await tg.send_message(ALICE["id"], "two")
            assert caught.value.retry_after == 1
        finally:
            await close(tg)


async def test_long_poll_returns_a_pushed_update_promptly(api: BotApiStub, tg: Bot) -> None:
    async def push_later() -> None:
        await asyncio.sleep(0.2)
        api.push(command(ALICE, "/start"))

    started = time.monotonic()
    pusher = asyncio.create_task(push_later())
    updates = await tg.get_updates(timeout=10, request_timeout=15)
    await pusher
    assert time.monotonic() - started < 2
    assert len(updates) == 1 and updates[0].message.text == "/start"
    assert updates[0].message.from_user.language_code == "uk"
    # Not confirmed yet: offers it again; confirmed by the offset: gone.
    again = await tg.get_updates(timeout=0)
    assert [u.update_id for u in again] == [updates[0].update_id]
    assert await tg.get_updates(offset=updates[0].update_id + 1, timeout=0) == []
    assert api.pending_updates() == []


async def test_a_second_long_poll_ends_the_first(api: BotApiStub, tg: Bot) -> None:
    first = asyncio.create_task(tg.get_updates(timeout=5, request_timeout=10))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(tg.get_updates(timeout=0))
    with pytest.raises(TelegramConflictError):
        await first
    assert await second == []


async def test_allowed_updates(api: BotApiStub, tg: Bot) -> None:
    api.push(message(ALICE, "hi"))
    api.push(my_chat_member(ALICE))
    kinds = [u.event_type for u in await tg.get_updates(allowed_updates=["my_chat_member"])]
    assert kinds == ["my_chat_member"]
    kinds = [u.event_type for u in await tg.get_updates(allowed_updates=[])]
    assert kinds == ["message", "my_chat_member"]


async def test_delete_webhook_drops_pending_updates(api: BotApiStub, tg: Bot) -> None:
    api.push(message(ALICE, "old"))
    assert await tg.delete_webhook(drop_pending_updates=True)
    assert await tg.get_updates(timeout=0) == []


async def test_delete_messages_of_the_user(api: BotApiStub, tg: Bot) -> None:
    mine = api.push(message(ALICE, "my secret"))["message"]["message_id"]
    reply = await tg.send_message(ALICE["id"], "answer")
    old = api.push(message(ALICE, "old", date=int(time.time()) - 49 * 3600))
    assert await tg.delete_messages(
        ALICE["id"], [mine, reply.message_id, 999, old["message"]["message_id"]]
    )
    assert [m["text"] for m in api.messages_in(ALICE["id"])] == ["old"]
    assert {m["text"] for m in api.deleted_in(ALICE["id"])} == {"my secret", "answer"}
    with pytest.raises(TelegramBadRequest, match="message can't be deleted"):
        await tg.delete_message(ALICE["id"], old["message"]["message_id"])
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await tg.delete_message(ALICE["id"], mine)
    with pytest.raises(TelegramBadRequest):
        await tg.delete_messages(ALICE["id"], list(range(1, 102)))


async def test_advance_time_ages_messages(api: BotApiStub, tg: Bot) -> None:
    sent_id = api.push(message(ALICE, "hi"))["message"]["message_id"]
    api.advance_time(48 * 3600 + 1)
    with pytest.raises(TelegramBadRequest, match="can't be deleted"):
        await tg.delete_message(ALICE["id"], sent_id)


async def test_callback_query_is_answered_once(api: BotApiStub, tg: Bot) -> None:
    api.push(message(ALICE, "hi"))
    sent = await tg.send_message(ALICE["id"], "menu", reply_markup=keyboard(("Rights", "rights")))
    pressed = api.click(ALICE, "Rights")
    query = pressed["callback_query"]
    assert query["data"] == "rights" and query["message"]["text"] == "menu"
    assert query["message"]["message_id"] == sent.message_id
    assert [q["id"] for q in api.unanswered_callback_queries()] == [query["id"]]
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await tg.answer_callback_query(query["id"], text="x" * 201)
    assert await tg.answer_callback_query(query["id"], text="ok")
    assert api.unanswered_callback_queries() == []
    assert api.callback_answer(query["id"])["text"] == "ok"
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await tg.answer_callback_query(query["id"])
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await tg.answer_callback_query("12345")


async def test_commands_and_descriptions(api: BotApiStub, tg: Bot) -> None:
    assert await tg.set_my_commands(
        [BotCommand(command="start", description="Begin")], language_code="ru"
    )
    assert api.commands("ru") == [{"command": "start", "description": "Begin"}]
    assert [c.command for c in await tg.get_my_commands(language_code="ru")] == ["start"]
    for bad in (
        BotCommand(command="Start", description="x"),
        BotCommand(command="a" * 33, description="x"),
        BotCommand(command="help", description=""),
        BotCommand(command="help", description="x" * 257),
    ):
        with pytest.raises(TelegramBadRequest, match="BOT_COMMAND"):
            await tg.set_my_commands([bad])
    with pytest.raises(TelegramBadRequest, match="too many"):
        await tg.set_my_commands([BotCommand(command=f"c{i}", description="d") for i in range(101)])
    with pytest.raises(TelegramBadRequest, match="language code"):
        await tg.set_my_commands(
            [BotCommand(command="start", description="d")], language_code="rus"
        )
    assert await tg.set_my_description("d" * 512, language_code="uk")
    assert api.description("uk") == "d" * 512
    with pytest.raises(TelegramBadRequest, match="too long"):
        await tg.set_my_description("d" * 513)
    assert await tg.set_my_short_description("s" * 120)
    with pytest.raises(TelegramBadRequest, match="too long"):
        await tg.set_my_short_description("s" * 121)


async def test_groups_chat_actions_and_get_chat(api: BotApiStub, tg: Bot) -> None:
    group = group_chat(-100555, "Readers")
    api.push(my_chat_member(ALICE, group))
    api.push(group_message(ALICE, "hello all", group))
    chat = await tg.get_chat(group["id"])
    assert chat.title == "Readers" and chat.type == "supergroup"
    assert await tg.send_chat_action(group["id"], "typing")
    with pytest.raises(TelegramBadRequest, match="action"):
        await tg.send_chat_action(group["id"], "dancing")
    with pytest.raises(TelegramBadRequest, match="can't be deleted"):  # not an admin
        await tg.delete_message(group["id"], 1)
    assert await tg.leave_chat(group["id"])
    with pytest.raises(TelegramForbiddenError, match="not a member"):
        await tg.send_message(group["id"], "still here?")
    api.push(message(BORIS, "hi"))
    with pytest.raises(TelegramBadRequest, match="private"):
        await tg.leave_chat(BORIS["id"])


def test_every_factory_makes_a_valid_update() -> None:
    updates = [
        message(ALICE, "hi"),
        command(BORIS, "/start ref"),
        callback(ALICE, 5, "x"),
        photo(ALICE, caption="c"),
        sticker(ALICE),
        location(ALICE),
        contact(ALICE),
        voice(ALICE),
        document(ALICE),
        edited_message(ALICE, 3, "fixed"),
        my_chat_member(ALICE),
        group_message(BORIS, "hey"),
        my_chat_member(ALICE, group_chat(), old_status="member", new_status="administrator"),
        my_chat_member(ALICE, group_chat(), old_status="member", new_status="kicked"),
    ]
    kinds = [Update.model_validate(u).event_type for u in updates]
    assert kinds == [
        "message",
        "message",
        "callback_query",
        "message",
        "message",
        "message",
        "message",
        "message",
        "message",
        "edited_message",
        "my_chat_member",
        "message",
        "my_chat_member",
        "my_chat_member",
    ]
    assert "language_code" not in message(BORIS, "x")["message"]["from"]
    assert json.loads(json.dumps(updates)) == updates  # plain data


def test_thread_mode_serves_plain_http_and_waits() -> None:
    with StubServerThread() as api:

        def call(method: str, body: dict) -> tuple[int, dict]:
            request = urllib.request.Request(
                f"{api.url}/bot{api.token}/{method}",
                data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    return response.status, json.loads(response.read())
            except urllib.error.HTTPError as error:
                return error.code, json.loads(error.read())

        api.push(command(ALICE, "/start"))
        status, body = call("getUpdates", {"timeout": 1})
        assert status == 200 and body["result"][0]["message"]["text"] == "/start"
        status, body = call(
            "sendMessage", {"chat_id": ALICE["id"], "text": "<b>hi</b>", "parse_mode": "HTML"}
        )
        assert status == 200 and body["result"]["text"] == "hi"
        assert api.wait_for_call("sendMessage", timeout=1).params["chat_id"] == ALICE["id"]
        status, body = call(
            "sendMessage", {"chat_id": ALICE["id"], "text": "<x>", "parse_mode": "HTML"}
        )
        assert status == 400 and body["description"].startswith(
            "Bad Request: can't parse entities:"
        )
        assert call("nope", {}) == (
            404,
            {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
        )
        with pytest.raises(TimeoutError):
            api.wait_for(lambda: api.calls_to("deleteMessage"), timeout=0.1)
        assert len(api.messages_in(ALICE["id"])) == 2
    assert stub_module.StubServerThread is StubServerThread


async def test_aiogram_polling_round_trip(api: BotApiStub, tg: Bot) -> None:
    from aiogram import Dispatcher, F
    from aiogram.filters import CommandStart
    from aiogram.types import CallbackQuery

    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(msg: Message) -> None:
        await msg.answer("Choose:", reply_markup=keyboard(("Rights", "rights")))

    @dp.callback_query(F.data == "rights")
    async def rights(query: CallbackQuery) -> None:
        await query.message.edit_text("<b>Art. 13</b>: humane treatment")
        await query.answer()

    polling = asyncio.create_task(
        dp.start_polling(tg, handle_signals=False, polling_timeout=5, close_bot_session=False)
    )
    try:
        api.push(command(ALICE, "/start"))
        await api.wait_for(lambda: api.last_bot_message(ALICE["id"]))
        api.click(ALICE, "Rights")
        await api.wait_for(
            lambda: not api.unanswered_callback_queries() and api.calls_to("answerCallbackQuery")
        )
        shown = api.last_bot_message(ALICE["id"])
        assert shown["text"] == "Art. 13: humane treatment" and "reply_markup" not in shown
        await api.wait_for(lambda: not api.pending_updates())  # confirmed by the offset
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 5)

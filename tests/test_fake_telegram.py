"""The fake Telegram is as strict as Telegram, the same through both front doors (aiogram's own
HTTP client against the server, and the in-process session), and its flood limits hold."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable
from typing import Any

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
from aiogram.types import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from fake_telegram import FloodLimits, OfflineSession, Telegram, updates
from fake_telegram.http import Server, ServerThread
from fake_telegram.updates import callback, group_chat, message, my_chat_member, user

ALICE = user(501, "Alice", last_name="Smith", username="alice", language_code="uk")
BORIS = user(502, "Борис", language_code=None)
HTML = DefaultBotProperties(parse_mode="HTML")


def http_bot(api: Telegram, token: str | None = None) -> Bot:
    assert api.url
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.url), timeout=5)
    return Bot(token or api.token, session=session, default=HTML)


async def close(bot: Bot) -> None:
    # AiohttpSession.close() waits 250 ms for TLS connections; plain HTTP needs no wait.
    client = getattr(bot.session, "_session", None)
    if client is not None:
        await client.close()


@pytest.fixture(params=["http", "in-process"])
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Telegram]:
    """One model, behind the front door the test is run through."""
    if request.param == "in-process":
        yield Telegram()
        return
    async with Server(Telegram()) as telegram:
        yield telegram


@pytest.fixture
async def served() -> AsyncIterator[Telegram]:
    async with Server(Telegram()) as telegram:
        yield telegram


@pytest.fixture
async def tg(api: Telegram) -> AsyncIterator[Bot]:
    if api.url is None:
        yield Bot(api.token, session=OfflineSession(api), default=HTML)
        return
    bot = http_bot(api)
    yield bot
    await close(bot)


@pytest.fixture
async def polling(served: Telegram) -> AsyncIterator[Bot]:
    bot = http_bot(served)
    yield bot
    await close(bot)


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data)] for text, data in pairs
        ]
    )


async def until(predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, predicate
        await asyncio.sleep(0.01)
    return value


class _Unknown(GetUpdates):
    __api_method__ = "noSuchMethod"


async def test_get_me_and_unknown_method(api: Telegram, tg: Bot) -> None:
    me = await tg.get_me()
    assert me.is_bot and me.id == 123456789 and me.username == "offline_bot"
    with pytest.raises(TelegramNotFound, match="method not found"):
        await tg.session.make_request(tg, _Unknown())


async def test_wrong_token_is_unauthorized(served: Telegram) -> None:
    other = http_bot(served, token="987654321:WRONGtoken")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await other.get_me()
    finally:
        await close(other)
    assert served.calls[-1].status == 401


async def test_send_message_returns_a_full_message(api: Telegram, tg: Bot) -> None:
    api.push(message(ALICE, "/start"))
    sent = await tg.send_message(
        ALICE["id"],
        "<b>Hello</b> &amp; welcome",
        reply_markup=keyboard(("Next", "next")),
        protect_content=True,
    )
    assert isinstance(sent, Message)
    assert sent.text == "Hello & welcome"
    assert sent.chat.id == ALICE["id"] and sent.chat.type == "private"
    assert sent.from_user is not None and sent.from_user.id == api.bot_user["id"]
    assert sent.message_id == 2  # the user's /start was message 1 in this chat
    assert sent.has_protected_content
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "next"
    call = api.calls[-1]
    assert call.method == "sendMessage" and call.ok
    assert call.params["parse_mode"] == "HTML" and call.params["protect_content"] is True
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "Next"
    assert api.screen(ALICE["id"]) == ("<b>Hello</b> &amp; welcome", [[call_button("Next")]])
    assert [m["message_id"] for m in api.messages_in(ALICE["id"])] == [1, 2]


def call_button(text: str) -> dict[str, str]:
    return {"text": text, "callback_data": text.lower()}


async def test_unknown_chat_is_not_found(api: Telegram, tg: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await tg.send_message(777, "hi")


@pytest.mark.parametrize(
    "text",
    ["<b>open", "<div>x</div>", "a < b", "Tom & Jerry", "&nbsp;", '<span class="x">s</span>'],
)
async def test_bad_html_is_refused(api: Telegram, tg: Bot, text: str) -> None:
    api.add_chat({"id": ALICE["id"], "type": "private", "first_name": "Alice"})
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await tg.send_message(ALICE["id"], text)
    assert api.messages_in(ALICE["id"]) == []


async def test_length_counts_after_parsing(api: Telegram, tg: Bot) -> None:
    api.push(message(ALICE, "hi"))
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await tg.send_message(ALICE["id"], "x" * 4097)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await tg.send_message(ALICE["id"], "<b> </b>")
    ok = await tg.send_message(ALICE["id"], "<b>" + "я" * 4096 + "</b>")
    assert ok.text is not None and len(ok.text) == 4096
    # Without parse_mode the tags are text and count.
    with pytest.raises(TelegramBadRequest, match="too long"):
        await tg.send_message(ALICE["id"], "<b>" + "x" * 4094 + "</b>", parse_mode=None)


async def test_buttons_are_checked(api: Telegram, tg: Bot) -> None:
    api.push(message(ALICE, "hi"))
    await tg.send_message(ALICE["id"], "ok", reply_markup=keyboard(("A", "я" * 32)))
    for data in ("x" * 65, "я" * 33):
        with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
            await tg.send_message(ALICE["id"], "no", reply_markup=keyboard(("A", data)))
    links = [
        InlineKeyboardButton(text="Site", url="https://example.org/x"),
        InlineKeyboardButton(text="Chat", url="tg://resolve?domain=example"),
    ]
    await tg.send_message(
        ALICE["id"], "links", reply_markup=InlineKeyboardMarkup(inline_keyboard=[links])
    )
    for bad_url in ("ftp://example.org", "javascript:alert(1)", "https://"):
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="X", url=bad_url)]]
        )
        with pytest.raises(TelegramBadRequest, match="URL"):
            await tg.send_message(ALICE["id"], "no", reply_markup=markup)
    with pytest.raises(TelegramBadRequest, match="non-empty"):
        await tg.send_message(ALICE["id"], "no", reply_markup=keyboard(("", "d")))
    bare = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="bare")]])
    with pytest.raises(TelegramBadRequest, match="exactly one of"):
        await tg.send_message(ALICE["id"], "no", reply_markup=bare)


async def test_identical_edit_is_not_modified(api: Telegram, tg: Bot) -> None:
    api.push(message(ALICE, "hi"))
    sent = await tg.send_message(ALICE["id"], "<b>Step 1</b>", reply_markup=keyboard(("Go", "g")))
    edit = {"chat_id": ALICE["id"], "message_id": sent.message_id}
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await tg.edit_message_text("<b>Step 1</b>", **edit, reply_markup=keyboard(("Go", "g")))
    # Same words, other formatting: a change.
    edited = await tg.edit_message_text("<i>Step 1</i>", **edit, reply_markup=keyboard(("Go", "g")))
    assert isinstance(edited, Message) and edited.edit_date is not None
    # Same text, keyboard dropped: a change too, and the keyboard is gone.
    edited = await tg.edit_message_text("<i>Step 1</i>", **edit)
    assert isinstance(edited, Message) and edited.reply_markup is None
    assert "reply_markup" not in api.messages_in(ALICE["id"])[-1]
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await tg.edit_message_text("x", chat_id=ALICE["id"], message_id=999)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await tg.edit_message_text("<b>x", **edit)
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await tg.edit_message_text("x", chat_id=ALICE["id"], message_id=1)  # the user's


async def test_injected_faults(api: Telegram, tg: Bot) -> None:
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


async def test_a_reader_who_blocks_the_bot_gets_nothing_until_they_write(
    api: Telegram, tg: Bot
) -> None:
    api.push(message(ALICE, "hi"))
    private = updates.private_chat(ALICE)
    api.push(my_chat_member(ALICE, private, old_status="member", new_status="kicked"))
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await tg.send_message(ALICE["id"], "x")
    api.push(message(ALICE, "/start"))  # writing again means unblocked
    await tg.send_message(ALICE["id"], "back")


async def test_a_button_press_on_an_inline_message_is_no_conversation(
    api: Telegram, tg: Bot
) -> None:
    api.push(callback(BORIS, 0, "x", inline_message_id="i"))
    with pytest.raises(TelegramForbiddenError, match="can't initiate conversation"):
        await tg.send_message(BORIS["id"], "hello")


async def test_flood_limits_are_a_switch_with_a_clock_of_ones_own() -> None:
    now = [0.0]
    limits = FloodLimits(clock=lambda: now[0])
    api = Telegram(flood=limits)
    tg = Bot(api.token, session=OfflineSession(api), default=HTML)
    readers = [user(600 + i, f"R{i}") for i in range(40)]
    for reader in readers:
        api.push(message(reader, "hi"))
    # One chat: a burst of 3, then 1 a second.
    for _ in range(3):
        await tg.send_message(readers[0]["id"], "one")
    with pytest.raises(TelegramRetryAfter) as caught:
        await tg.send_message(readers[0]["id"], "four")
    assert caught.value.retry_after == 1
    now[0] += 1.0
    await tg.send_message(readers[0]["id"], "a second later")
    # The whole bot: 30 in any one second, however quiet it was before; edits count, answers to
    # buttons do not.
    now[0] += 10.0
    for reader in readers[:20]:
        await tg.send_message(reader["id"], "to each")
    now[0] += 0.5
    for reader in readers[20:30]:
        await tg.send_message(reader["id"], "to each")
    with pytest.raises(TelegramRetryAfter) as caught:
        await tg.send_message(readers[30]["id"], "one too many")
    assert caught.value.retry_after == 1
    with pytest.raises(TelegramRetryAfter):
        await tg.edit_message_text("edited", chat_id=readers[1]["id"], message_id=2)
    api.push(callback(readers[2], 2, "x"))
    assert await tg.answer_callback_query(api.unanswered_callback_queries()[0])
    now[0] += 0.499  # the first 20 are still within the last second
    with pytest.raises(TelegramRetryAfter):
        await tg.send_message(readers[30]["id"], "still too many")
    now[0] += 0.002  # they are not: 20 more, and no more
    for reader in readers[30:40] + readers[:10]:
        await tg.send_message(reader["id"], "to each")
    with pytest.raises(TelegramRetryAfter):
        await tg.send_message(readers[10]["id"], "one too many again")
    assert limits.refused == 5
    assert len(api.calls_to("sendMessage", ok=False)) == 4
    # Off by default.
    plain = Telegram()
    tg = Bot(plain.token, session=OfflineSession(plain), default=HTML)
    plain.push(message(ALICE, "hi"))
    for _ in range(100):
        await tg.send_message(ALICE["id"], "fast")


async def test_long_poll_returns_a_pushed_update_promptly(served: Telegram, polling: Bot) -> None:
    async def push_later() -> None:
        await asyncio.sleep(0.2)
        served.push(message(ALICE, "/start"))

    started = time.monotonic()
    pusher = asyncio.create_task(push_later())
    found = await polling.get_updates(timeout=10, request_timeout=15)
    await pusher
    assert time.monotonic() - started < 5  # not the 10 s long poll
    assert len(found) == 1 and (got := found[0].message) is not None and got.text == "/start"
    assert got.from_user is not None and got.from_user.language_code == "uk"
    # Not confirmed yet: offered again; confirmed by the offset: gone.
    again = await polling.get_updates(timeout=0)
    assert [u.update_id for u in again] == [found[0].update_id]
    assert await polling.get_updates(offset=found[0].update_id + 1, timeout=0) == []
    assert served.pending_updates() == []


async def test_a_second_long_poll_ends_the_first(served: Telegram, polling: Bot) -> None:
    first = asyncio.create_task(polling.get_updates(timeout=5, request_timeout=10))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(polling.get_updates(timeout=0))
    with pytest.raises(TelegramConflictError):
        await first
    assert await second == []


# -- webhooks: set, seen, deleted; polling refused meanwhile ---------------------------------------
HOOK = "https://bot.example.org/hook"


async def test_a_webhook_and_polling_exclude_each_other(api: Telegram, tg: Bot) -> None:
    info = await tg.get_webhook_info()
    assert (info.url, info.pending_update_count, info.has_custom_certificate) == ("", 0, False)
    api.push(message(ALICE, "/start"))
    assert await tg.set_webhook(HOOK, secret_token="s3cret_-A")
    info = await tg.get_webhook_info()
    assert (info.url, info.pending_update_count, info.max_connections) == (HOOK, 1, 40)
    assert api.webhook is not None and api.webhook.secret_token == "s3cret_-A"
    with pytest.raises(TelegramConflictError, match="can't use getUpdates method while webhook"):
        await tg.get_updates(timeout=0)
    api.push(message(ALICE, "anyone there?"))  # waits for the webhook, which the model keeps
    assert await tg.delete_webhook()  # keeping what is pending
    assert [u.message and u.message.text for u in await tg.get_updates(timeout=0)] == [
        "/start",
        "anyone there?",
    ]
    assert (await tg.get_webhook_info()).url == ""
    assert await tg.delete_webhook()  # again: nothing to delete, still True


async def test_webhook_answers_say_what_they_did(api: Telegram, tg: Bot) -> None:
    async def described(method: str) -> str | None:
        return api.calls_to(method)[-1].description

    await tg.set_webhook(HOOK)
    assert await described("setWebhook") == "Webhook was set"
    api.advance_time(1)
    await tg.set_webhook(HOOK)
    assert await described("setWebhook") == "Webhook is already set"
    await tg.delete_webhook()
    assert await described("deleteWebhook") == "Webhook was deleted"
    await tg.delete_webhook()
    assert await described("deleteWebhook") == "Webhook is already deleted"


async def test_dropping_pending_updates_and_an_empty_url(api: Telegram, tg: Bot) -> None:
    api.push(message(ALICE, "one"))
    await tg.set_webhook(HOOK, drop_pending_updates=True, max_connections=500)
    info = await tg.get_webhook_info()
    assert info.pending_update_count == 0 and info.max_connections == 100  # at most 100
    api.push(message(ALICE, "two"))
    api.advance_time(1)
    assert await tg.set_webhook("")  # an empty URL deletes the webhook, as deleteWebhook does
    assert [u.message and u.message.text for u in await tg.get_updates(timeout=0)] == ["two"]
    api.push(message(ALICE, "three"))
    await tg.delete_webhook(drop_pending_updates=True)
    assert await tg.get_updates(timeout=0) == []


@pytest.mark.parametrize(
    ("url", "secret", "refusal"),
    [
        ("http://bot.example.org/hook", None, "bad webhook: An HTTPS URL must be provided"),
        ("https://bot.example.org:8080/hook", None, "only on ports 80, 88, 443 or 8443"),
        ("ftp://bot.example.org/hook", None, "invalid webhook URL specified"),
        ("https:///hook", None, "invalid webhook URL specified"),
        (HOOK, "not a secret!", "secret token contains unallowed characters"),
        (HOOK, "x" * 257, "secret token is too long"),
    ],
)
async def test_a_webhook_telegram_cannot_use_is_refused(
    api: Telegram, tg: Bot, url: str, secret: str | None, refusal: str
) -> None:
    await tg.set_webhook("https://bot.example.org:8443/old")
    api.advance_time(1)
    with pytest.raises(TelegramBadRequest, match=refusal):
        await tg.set_webhook(url, secret_token=secret)
    # The old webhook was replaced before the new one was refused: none is left.
    assert (await tg.get_webhook_info()).url == ""
    assert await tg.get_updates(timeout=0) == []


async def test_a_webhook_may_be_set_once_a_second(api: Telegram, tg: Bot) -> None:
    await tg.set_webhook(HOOK)
    with pytest.raises(TelegramRetryAfter) as refused:
        await tg.set_webhook(HOOK + "2")
    assert refused.value.retry_after == 1
    assert await tg.delete_webhook()  # deleting is not limited
    api.advance_time(1)
    assert await tg.set_webhook(HOOK + "2")


async def test_setting_a_webhook_ends_a_long_poll(served: Telegram, polling: Bot) -> None:
    poll = asyncio.create_task(polling.get_updates(timeout=5, request_timeout=10))
    await asyncio.sleep(0.2)  # the poll is waiting
    await polling.set_webhook(HOOK)
    with pytest.raises(TelegramConflictError, match="terminated by setWebhook request"):
        await poll


async def test_allowed_updates(api: Telegram, tg: Bot) -> None:
    api.push(message(ALICE, "hi"))
    api.push(my_chat_member(ALICE))
    kinds = [u.event_type for u in await tg.get_updates(allowed_updates=["my_chat_member"])]
    assert kinds == ["my_chat_member"]
    kinds = [u.event_type for u in await tg.get_updates(allowed_updates=[])]
    assert kinds == ["message", "my_chat_member"]


async def test_deleting_messages(api: Telegram, tg: Bot) -> None:
    mine = api.push(message(ALICE, "my secret"))["message"]["message_id"]
    reply = await tg.send_message(ALICE["id"], "answer")
    old = api.push(message(ALICE, "old", date=int(time.time()) - 49 * 3600))
    old_id = old["message"]["message_id"]
    # Ids not found, or too old, are skipped, and the answer is True (the Bot API's own words).
    assert await tg.delete_messages(ALICE["id"], [mine, reply.message_id, 999, old_id])
    assert await tg.delete_messages(ALICE["id"], [999])
    assert [m["text"] for m in api.messages_in(ALICE["id"])] == ["old"]
    assert {m["text"] for m in api.deleted_in(ALICE["id"])} == {"my secret", "answer"}
    # One at a time, each is an error.
    with pytest.raises(TelegramBadRequest, match="message can't be deleted for everyone"):
        await tg.delete_message(ALICE["id"], old_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await tg.delete_message(ALICE["id"], mine)
    with pytest.raises(TelegramBadRequest, match="too many"):
        await tg.delete_messages(ALICE["id"], list(range(1, 102)))


async def test_advance_time_ages_messages(api: Telegram, tg: Bot) -> None:
    sent_id = api.push(message(ALICE, "hi"))["message"]["message_id"]
    api.advance_time(48 * 3600 + 1)
    with pytest.raises(TelegramBadRequest, match="can't be deleted"):
        await tg.delete_message(ALICE["id"], sent_id)


async def test_a_button_press_is_answered_once(api: Telegram, tg: Bot) -> None:
    api.push(message(ALICE, "hi"))
    sent = await tg.send_message(ALICE["id"], "menu", reply_markup=keyboard(("Rights", "rights")))
    pressed = api.push(callback(ALICE, sent.message_id, "rights"))["callback_query"]
    assert pressed["message"]["text"] == "menu"  # the message as it is now
    assert pressed["message"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Rights"
    assert api.unanswered_callback_queries() == [pressed["id"]]
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await tg.answer_callback_query(pressed["id"], text="x" * 201)
    assert await tg.answer_callback_query(pressed["id"], text="ok")
    assert api.unanswered_callback_queries() == []
    answer = api.callback_answer(pressed["id"])
    assert answer is not None and answer["text"] == "ok"
    for query_id in (pressed["id"], "12345"):
        with pytest.raises(TelegramBadRequest, match="query is too old"):
            await tg.answer_callback_query(query_id)


async def test_commands_and_descriptions(api: Telegram, tg: Bot) -> None:
    start = [BotCommand(command="start", description="Begin")]
    assert await tg.set_my_commands(start, language_code="ru")
    assert api.commands("ru") == [{"command": "start", "description": "Begin"}]
    assert api.commands() == []
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
        await tg.set_my_commands(start, language_code="rus")
    assert await tg.set_my_description("d" * 512, language_code="uk")
    assert api.description("uk") == "d" * 512
    with pytest.raises(TelegramBadRequest, match="too long"):
        await tg.set_my_description("d" * 513)
    assert await tg.set_my_short_description("s" * 120)
    assert api.description(short=True) == "s" * 120
    with pytest.raises(TelegramBadRequest, match="too long"):
        await tg.set_my_short_description("s" * 121)


async def test_groups(api: Telegram, tg: Bot) -> None:
    group = group_chat(-100555, "Readers")
    api.push(my_chat_member(ALICE, group))
    api.push(message(ALICE, "hello all", chat=group))
    with pytest.raises(TelegramBadRequest, match="can't be deleted"):  # not an admin
        await tg.delete_message(group["id"], 1)
    assert await tg.send_message(group["id"], "This bot works only in a private chat.")
    assert await tg.leave_chat(group["id"])
    with pytest.raises(TelegramForbiddenError, match="not a member"):
        await tg.send_message(group["id"], "still here?")
    api.push(message(BORIS, "hi"))
    with pytest.raises(TelegramBadRequest, match="private"):
        await tg.leave_chat(BORIS["id"])


def test_every_builder_makes_a_valid_update() -> None:
    built = [
        message(ALICE, "hi"),
        message(BORIS, "/start ref"),
        callback(ALICE, 5, "x"),
        *(message(ALICE, **sample) for sample in updates.SAMPLES.values()),
        message(ALICE, "fixed", kind="edited_message", edit_date=int(time.time())),
        my_chat_member(ALICE),
        message(BORIS, "hey", chat=group_chat()),
        my_chat_member(ALICE, group_chat(), old_status="member", new_status="administrator"),
        my_chat_member(ALICE, group_chat(), old_status="member", new_status="kicked"),
    ]
    kinds = [Update.model_validate(u).event_type for u in built]
    assert kinds == ["message"] * 2 + ["callback_query"] + ["message"] * len(updates.SAMPLES) + [
        "edited_message",
        "my_chat_member",
        "message",
        "my_chat_member",
        "my_chat_member",
    ]
    assert built[1]["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert "entities" not in built[0]["message"]
    assert "language_code" not in message(BORIS, "x")["message"]["from"]
    assert json.loads(json.dumps(built)) == built  # plain data


def test_a_thread_serves_plain_http_and_waits() -> None:
    with ServerThread() as api:

        def call(method: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
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

        api.push(message(ALICE, "/start"))
        status, body = call("getUpdates", {"timeout": 1})
        assert status == 200 and body["result"][0]["message"]["text"] == "/start"
        html = {"chat_id": ALICE["id"], "parse_mode": "HTML"}
        status, body = call("sendMessage", {**html, "text": "<b>hi</b>"})
        assert status == 200 and body["result"]["text"] == "hi"
        assert api.wait_for_call("sendMessage", timeout=1).params["chat_id"] == ALICE["id"]
        status, body = call("sendMessage", {**html, "text": "<x>"})
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


async def test_aiogram_polls_and_answers_through_it(served: Telegram, polling: Bot) -> None:
    from aiogram import Dispatcher, F
    from aiogram.filters import CommandStart
    from aiogram.types import CallbackQuery

    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(msg: Message) -> None:
        await msg.answer("Choose:", reply_markup=keyboard(("Rights", "rights")))

    @dp.callback_query(F.data == "rights")
    async def rights(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text("<b>Art. 13</b>: humane treatment")
        await query.answer()

    task = asyncio.create_task(
        dp.start_polling(polling, handle_signals=False, polling_timeout=5, close_bot_session=False)
    )
    try:
        served.push(message(ALICE, "/start"))
        shown = await until(lambda: served.last_bot_message(ALICE["id"]))
        served.push(callback(ALICE, shown["message_id"], "rights"))
        await until(lambda: served.calls_to("answerCallbackQuery", ok=True))
        shown = served.last_bot_message(ALICE["id"])
        assert shown is not None
        assert shown["text"] == "Art. 13: humane treatment" and "reply_markup" not in shown
        await until(lambda: not served.pending_updates())  # confirmed by the offset
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(task, 5)

"""Bad input, Telegram's errors, floods: the bot answers calmly or stays quiet, and never breaks."""

from __future__ import annotations

import asyncio
import logging
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterable
from typing import Any, NoReturn

import pytest
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramNetworkError
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import TelegramMethod

from bot.app import build_bot, build_dispatcher
from bot.callbacks import ChooseRole, Nav, Role
from bot.config import Contacts
from bot.fsm_storage import TTLMemoryStorage
from bot.middlewares import RetryRequests, Throttle
from bot.outgoing import SendScheduler, SimulatedClock
from bot.screens import DELETABLE_FOR, MESSAGE_IDS_KEY, deletable_ids
from fake_telegram import BOT_USER, Call, OfflineReader, OfflineSession, updates
from storage import Event
from tests.conftest import TOKEN, ReaderFactory

MEDIA: dict[str, dict[str, Any]] = {
    "photo": updates.SAMPLES["photo"] | {"caption": "<b>look</b> & see"},
    "sticker": updates.SAMPLES["sticker"],
    "voice": updates.SAMPLES["voice"],
    "document": updates.SAMPLES["document"],
    "video_note": {
        "video_note": {"file_id": "n", "file_unique_id": "n", "length": 240, "duration": 2}
    },
    "dice": {"dice": {"emoji": "🎲", "value": 3}},
    "animation": {
        "animation": {"file_id": "a", "file_unique_id": "a", "width": 1, "height": 1, "duration": 1}
    },
    "audio": {"audio": {"file_id": "au", "file_unique_id": "au", "duration": 30}},
}
WHEREABOUTS: dict[str, dict[str, Any]] = {
    "location": {"location": {"latitude": 48.0, "longitude": 37.8}},
    "venue": {
        "venue": {"location": {"latitude": 48.0, "longitude": 37.8}, "title": "t", "address": "a"}
    },
    "contact": {
        "contact": {"phone_number": "+79001234567", "first_name": "Ivan", "user_id": 424242}
    },
    "phone text": {"text": "+7 900 123-45-67"},
    "phone entity": {
        "text": "call me 89001234567 please",
        "entities": [{"type": "phone_number", "offset": 8, "length": 11}],
    },
}


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[Event, str]] = []

    def record(
        self, event: Event, *, lang: str, user_id: int, topic: str = "", audience: str = "default"
    ) -> None:
        self.events.append((event, topic))


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def methods(requests: Iterable[Call]) -> list[str]:
    return [r.method for r in requests]


def fail(
    session: OfflineSession,
    method: str,
    status: int,
    description: str,
    times: int = 10**9,
    **parameters: Any,
) -> list[int]:
    """Make the offline Telegram refuse `method` (the next `times` calls); returns a call counter."""
    real, count = session.telegram.call, [0]

    def call(name: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if name == method and count[0] < times:
            count[0] += 1
            body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
            if parameters:
                body["parameters"] = parameters
            return status, body
        return real(name, params)

    session.telegram.call = call  # type: ignore[method-assign, assignment]  # on this instance only: fails the next calls
    return count


# -- FSM storage with a time-to-live ------------------------------------------------------------
KEY = StorageKey(bot_id=1, chat_id=7, user_id=7)


async def test_state_and_data_expire_after_the_ttl() -> None:
    clock = Clock()
    storage = TTLMemoryStorage(60, clock=clock)
    await storage.set_state(KEY, "Flow:reading")
    await storage.set_data(KEY, {"locale": "uk", "ids": [[1, 2]]})
    clock.now += 59
    assert await storage.get_state(KEY) == "Flow:reading"
    assert await storage.get_data(KEY) == {"locale": "uk", "ids": [[1, 2]]}
    await storage.update_data(KEY, {"role": "soldier"})  # a write: 60 more seconds
    clock.now += 59
    assert (await storage.get_data(KEY))["role"] == "soldier"
    clock.now += 2
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}
    assert storage.size() == 0


async def test_readers_who_never_come_back_are_swept_by_the_others() -> None:
    clock = Clock()
    storage = TTLMemoryStorage(60, clock=clock)
    for user in range(1000):
        await storage.set_data(
            StorageKey(bot_id=1, chat_id=user, user_id=user), {"section": "home"}
        )
    assert storage.size() == 1000
    clock.now += 61
    other = StorageKey(bot_id=1, chat_id=-1, user_id=-1)
    await storage.set_state(other, "x")  # a write drops every expired record in front of it
    assert storage.size() == 1
    assert storage.sweep() == 0


async def test_reading_creates_nothing_and_emptiness_is_not_kept() -> None:
    storage = TTLMemoryStorage(60)
    assert await storage.get_state(KEY) is None and await storage.get_data(KEY) == {}
    assert storage.size() == 0
    await storage.set_data(KEY, {"a": 1})
    await storage.set_data(KEY, {})
    assert storage.size() == 0


async def test_data_must_be_what_redis_could_hold() -> None:
    storage = TTLMemoryStorage(60)
    with pytest.raises(TypeError):
        await storage.set_data(KEY, {"when": object()})
    data = await storage.get_data(KEY)
    data["mutated"] = True  # a fresh dict each time: callers cannot change what is stored
    assert await storage.get_data(KEY) == {}


async def test_an_idle_conversation_costs_under_2_kb() -> None:
    storage = TTLMemoryStorage(86400)
    now = int(time.time())
    readers = 2000
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for user in range(10**9, 10**9 + readers):
        key = StorageKey(bot_id=123456789, chat_id=user, user_id=user)
        await storage.set_state(key, "Flow:reading")
        await storage.set_data(
            key,
            {
                "locale": "ru",
                "role": "soldier",
                "section": "r_capture",
                MESSAGE_IDS_KEY: [[i, now + i] for i in range(1, 25)],
            },
        )
    per_reader = (tracemalloc.get_traced_memory()[0] - before) / readers
    tracemalloc.stop()
    assert per_reader < 2048, per_reader


async def test_the_dispatcher_forgets_an_idle_reader(contacts: Contacts) -> None:
    clock = Clock()
    storage = TTLMemoryStorage(3600, clock=clock)
    session = OfflineSession()
    bot = build_bot(TOKEN, session=session, scheduler=SendScheduler(clock=SimulatedClock()))
    dispatcher = build_dispatcher(
        contacts=contacts, storage=storage, throttle=Throttle(enabled=False)
    )
    user = OfflineReader(dispatcher, bot)
    await user.send("/language")
    await user.press("l:uk")
    assert storage.size() == 1
    ukrainian = (await user.send("/menu"))[0].params["text"]
    clock.now += 3601
    assert storage.size() == 1  # until someone writes
    replies = await user.send("/menu")
    assert replies[0].params["text"] != ukrainian  # Russian again: the choice was forgotten
    assert storage.size() == 1


# -- the reader's messages, remembered for /erase -----------------------------------------------
async def test_erase_deletes_both_sides_of_the_conversation(
    reader: ReaderFactory, session: OfflineSession
) -> None:
    user: OfflineReader = reader()
    await user.send("/start")
    await user.press(ChooseRole(role=Role.SOLDIER).pack())
    await user.send("hello")
    for content in MEDIA.values():
        await user.feed({"message": user.message_dict(**content)})
    await user.feed({"message": user.message_dict(**WHEREABOUTS["location"])})
    await user.send("/help")
    await user.send("/unknown")
    await user.press(Nav(to="rights").pack())
    chat = user.chat["id"]
    assert len(session.telegram.messages_in(chat)) > 10
    replies = await user.send("/erase")
    assert all(r.ok for r in replies)
    left = session.telegram.messages_in(chat)
    assert len(left) == 1  # only the note that says it is done
    assert "Удалено" in left[0]["text"]


async def test_erase_skips_what_telegram_cannot_delete_and_goes_in_batches(
    reader: ReaderFactory, session: OfflineSession, dispatcher: Dispatcher, bot: Bot
) -> None:
    user: OfflineReader = reader()
    await user.send("/start")
    for _ in range(230):
        await user.feed({"message": user.message_dict(sticker=MEDIA["sticker"]["sticker"])})
    state = dispatcher.fsm.get_context(bot, chat_id=user.chat["id"], user_id=user.user["id"])
    data = await state.get_data()
    old = int(time.time()) - DELETABLE_FOR - 10
    data[MESSAGE_IDS_KEY] = [[9_000_001, old], *data[MESSAGE_IDS_KEY]]
    await state.set_data(data)
    batches = [c.params for c in await user.send("/erase") if c.method == "deleteMessages"]
    # /start and its reply, 230 stickers and 230 replies, /erase itself: 463 ids
    assert [len(b["message_ids"]) for b in batches] == [100, 100, 100, 100, 63]
    deleted = {i for b in batches for i in b["message_ids"]}
    assert 9_000_001 not in deleted  # older than 48 hours: not even asked


# -- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(MEDIA))
async def test_media_gets_one_calm_reply(reader: ReaderFactory, kind: str) -> None:
    user: OfflineReader = reader()
    replies = await user.feed({"message": user.message_dict(**MEDIA[kind])})
    assert methods(replies) == ["sendMessage"] and replies[0].ok
    assert "reply_markup" in replies[0].params  # with the menu


@pytest.mark.parametrize("kind", sorted(WHEREABOUTS))
async def test_whereabouts_are_deleted_with_a_reason(
    reader: ReaderFactory, session: OfflineSession, kind: str
) -> None:
    user: OfflineReader = reader(language_code="en")
    message = user.message_dict(**WHEREABOUTS[kind])
    replies = await user.feed({"message": message})
    assert methods(replies) == ["deleteMessage", "sendMessage"], kind
    assert all(r.ok for r in replies)
    shown = session.telegram.messages_in(user.chat["id"])
    assert message["message_id"] not in [m["message_id"] for m in shown]
    assert "message was deleted" in replies[1].params["text"]


async def test_whereabouts_that_cannot_be_deleted_are_explained(
    reader: ReaderFactory, session: OfflineSession
) -> None:
    user: OfflineReader = reader(language_code="en")
    fail(session, "deleteMessage", 400, "Bad Request: message can't be deleted")
    replies = await user.feed({"message": user.message_dict(**WHEREABOUTS["contact"])})
    assert methods(replies) == ["deleteMessage", "sendMessage"]
    assert "Please delete your last message yourself" in replies[1].params["text"]


async def test_edited_and_service_messages_are_quiet(reader: ReaderFactory) -> None:
    user: OfflineReader = reader()
    sent = user.message_dict(text="hello")
    await user.feed({"message": sent})
    assert (
        await user.feed(
            {"edited_message": {**sent, "text": "+79001234567", "edit_date": sent["date"] + 5}}
        )
        == []
    )
    pin = user.message_dict(pinned_message={**sent, "chat": user.chat})
    assert await user.feed({"message": pin}) == []


async def test_long_and_html_looking_texts(reader: ReaderFactory) -> None:
    user: OfflineReader = reader()
    for text in [
        "<script>alert(1)</script>",
        "&amp; &lt;b&gt;",
        "<b>" * 1000,
        "ж" * 4096,
        "/start@other_bot x",
    ]:
        replies = [r for r in await user.send(text) if r.method != "getMe"]
        assert len(replies) == 1 and replies[0].ok, text[:20]


# -- groups and channels ------------------------------------------------------------------------
GROUP = {"id": -100500, "type": "supergroup", "title": "A group"}
CHANNEL = {"id": -100600, "type": "channel", "title": "A channel"}


async def test_added_to_a_group_it_says_one_line_and_leaves(reader: ReaderFactory) -> None:
    user: OfflineReader = reader(language_code="en")
    replies = await user.feed(
        updates.my_chat_member(user.user, GROUP, old_status="left", new_status="member")
    )
    assert methods(replies) == ["sendMessage", "leaveChat"]
    assert replies[0].params["chat_id"] == GROUP["id"] and "reply_markup" not in replies[0].params
    assert (
        "only in a private chat" in replies[0].params["text"]
        and "\n" not in replies[0].params["text"]
    )
    # The service message that comes along, and anything said meanwhile: no second line.
    user.chat = GROUP
    assert methods(
        await user.feed({"message": user.message_dict(new_chat_members=[BOT_USER])})
    ) == ["leaveChat"]
    assert methods(await user.send("/start")) == ["leaveChat"]


async def test_a_message_in_a_group_gets_one_line_and_the_bot_leaves(reader: ReaderFactory) -> None:
    user: OfflineReader = reader()
    user.chat = {"id": -42, "type": "group", "title": "g"}
    replies = await user.send("/start@offline_bot")
    assert methods(replies) == ["sendMessage", "leaveChat"]


async def test_a_channel_is_left_quietly(reader: ReaderFactory) -> None:
    user: OfflineReader = reader()
    assert methods(
        await user.feed(
            updates.my_chat_member(
                user.user, CHANNEL, old_status="left", new_status="administrator"
            )
        )
    ) == ["leaveChat"]
    post = updates.message(user.user, "x", chat=CHANNEL | {"id": -100700}, kind="channel_post")
    assert methods(await user.feed(post)) == ["leaveChat"]


async def test_leaving_still_happens_when_the_line_cannot_be_sent(
    reader: ReaderFactory, session: OfflineSession
) -> None:
    user: OfflineReader = reader()
    fail(
        session,
        "sendMessage",
        403,
        "Forbidden: not enough rights to send text messages to the chat",
    )
    replies = await user.feed(
        updates.my_chat_member(user.user, GROUP, old_status="left", new_status="member")
    )
    assert methods(replies) == ["sendMessage", "leaveChat"] and replies[1].ok


async def test_a_reader_who_blocks_the_bot_is_forgotten(
    reader: ReaderFactory, dispatcher: Dispatcher, bot: Bot
) -> None:
    user: OfflineReader = reader()
    await user.send("/start")
    state = dispatcher.fsm.get_context(bot, chat_id=user.chat["id"], user_id=user.user["id"])
    assert await state.get_data()
    assert (
        await user.feed(
            updates.my_chat_member(user.user, user.chat, old_status="member", new_status="kicked")
        )
        == []
    )
    assert await state.get_data() == {} and await state.get_state() is None


# -- flood control ------------------------------------------------------------------------------
Flood = tuple[Clock, Bot, Dispatcher, Recorder, Throttle]  # the `flood` fixture


@pytest.fixture
def flood(contacts: Contacts) -> Flood:
    clock = Clock()
    session = OfflineSession()
    bot = build_bot(TOKEN, session=session, scheduler=SendScheduler(clock=SimulatedClock()))
    counter = Recorder()
    throttle = Throttle(rate=1.0, burst=5, clock=clock)
    dispatcher = build_dispatcher(contacts=contacts, counter=counter, throttle=throttle)
    return clock, bot, dispatcher, counter, throttle


async def test_sixty_messages_in_a_second_get_a_handful_of_replies(flood: Flood) -> None:
    clock, bot, dispatcher, counter, _throttle = flood
    attacker, other = (
        OfflineReader(dispatcher, bot, user_id=1),
        OfflineReader(dispatcher, bot, user_id=2),
    )
    replies = []
    for i in range(60):
        clock.now += 1 / 60
        replies += await attacker.send("/start")
        if i == 30:
            assert methods(await other.send("/start")) == ["sendMessage"]  # not slowed
    assert 1 <= len(replies) <= 6
    assert [e for e, _ in counter.events].count(Event.STARTED) == len(replies) + 1  # not inflated


async def test_a_flooding_readers_buttons_are_all_answered(flood: Flood) -> None:
    _clock, bot, dispatcher, counter, _throttle = flood
    user = OfflineReader(dispatcher, bot, user_id=3)
    await user.send("/start")
    answered = 0
    for _ in range(60):
        replies = await user.press(Nav(to="rights").pack())
        answered += sum(1 for r in replies if r.method == "answerCallbackQuery" and r.ok)
    assert answered == 60
    assert [e for e, _ in counter.events].count(Event.SECTION_READ) <= 5


def test_buckets_are_forgotten_when_full_again() -> None:
    clock = Clock()
    throttle = Throttle(rate=1.0, burst=5, clock=clock, max_readers=100)
    for user in range(500):
        assert throttle.allow(user)
    assert throttle.size() == 100  # capped
    clock.now += 5.1
    throttle.allow(9999)
    assert throttle.size() == 1


# -- Telegram's errors --------------------------------------------------------------------------
async def test_429_waits_retry_after_then_succeeds() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    session = OfflineSession()
    session.telegram.add_chat({"id": 1, "type": "private", "first_name": "R"})
    bot = Bot(TOKEN, session=session)
    session.middleware(RetryRequests(sleep=sleep))
    calls = fail(
        session, "sendMessage", 429, "Too Many Requests: retry after 3", times=2, retry_after=3
    )
    sent = await bot.send_message(1, "hi")
    assert sent.message_id and calls == [2] and slept == [3.0, 3.0]


async def test_retries_are_bounded() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    session = OfflineSession()
    session.telegram.add_chat({"id": 1, "type": "private", "first_name": "R"})
    bot = Bot(TOKEN, session=session)
    session.middleware(RetryRequests(sleep=sleep, max_wait=20))
    fail(session, "sendMessage", 429, "Too Many Requests: retry after 300", retry_after=300)
    with pytest.raises(Exception, match="Flood control"):
        await bot.send_message(1, "hi")
    assert slept == []  # five minutes is longer than anyone waits for a reply
    tries = [0]

    async def broken(bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> NoReturn:
        tries[0] += 1
        raise TelegramNetworkError(method=method, message="connection reset")

    session.make_request = broken  # type: ignore[method-assign]  # on this instance only, for this test
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(1, "hi")
    assert tries == [4] and len(slept) == 3 and slept[0] < slept[1] < slept[2]


async def test_telegram_errors_never_escape_and_logs_hold_no_user_data(
    reader: ReaderFactory, session: OfflineSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user: OfflineReader = reader(user_id=987654321, first_name="Secretname", username="secret_user")
    fail(session, "sendMessage", 403, "Forbidden: bot was blocked by the user")
    await user.send("/start")  # would raise if the error escaped
    fail(session, "sendMessage", 429, "Too Many Requests: retry after 999", retry_after=999)
    await user.send("my secret words")
    fail(session, "editMessageText", 400, "Bad Request: message is not modified: same")
    await user.press(ChooseRole(role=Role.READER).pack())
    logged = caplog.text
    for secret in ("987654321", "Secretname", "secret_user", "secret words"):
        assert secret not in logged
    assert "TelegramRetryAfter from sendMessage" in logged
    # Where in the bot's own code it happened: the screen that sent, not the retrying middleware.
    line = next(
        r.getMessage() for r in caplog.records if "TelegramRetryAfter from" in r.getMessage()
    )
    assert "at bot/screens.py:" in line and "retry.py" not in line, line


class Exploding:
    def record(
        self, event: Event, *, lang: str, user_id: int, topic: str = "", audience: str = "default"
    ) -> None:
        raise ValueError(f"leaked {user_id}")


async def test_a_bug_in_a_handler_is_logged_without_content_and_the_button_still_answered(
    contacts: Contacts, caplog: pytest.LogCaptureFixture
) -> None:
    session = OfflineSession()
    bot = build_bot(TOKEN, session=session, scheduler=SendScheduler(clock=SimulatedClock()))
    dispatcher = build_dispatcher(
        contacts=contacts, counter=Exploding(), throttle=Throttle(enabled=False)
    )
    user = OfflineReader(dispatcher, bot, user_id=555777)
    await user.send("/start")
    replies = await user.press(ChooseRole(role=Role.SOLDIER).pack())
    assert [r.method for r in replies] == ["answerCallbackQuery"] and replies[0].ok
    assert "ValueError while answering a callback_query at bot/handlers/start.py" in caplog.text
    assert "555777" not in caplog.text and "leaked" not in caplog.text


# -- one reader's updates, one at a time ----------------------------------------------------------
async def test_a_message_arriving_while_erase_deletes_is_remembered_and_erased_later(
    reader: ReaderFactory, session: OfflineSession, dispatcher: Dispatcher, bot: Bot
) -> None:
    user: OfflineReader = reader()
    await user.send("/start")
    await user.press(ChooseRole(role=Role.SOLDIER).pack())
    deleting, go_on = asyncio.Event(), asyncio.Event()
    real = session.make_request

    async def slow_delete(bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if method.__api_method__ == "deleteMessages" and not go_on.is_set():
            deleting.set()
            await go_on.wait()  # Telegram is slow to delete; the reader writes meanwhile
        return await real(bot, method, timeout)

    session.make_request = slow_delete  # type: ignore[method-assign]  # on this instance only, for this test
    erase = asyncio.create_task(user.send("/erase"))
    await deleting.wait()
    meanwhile = asyncio.create_task(user.send("hello?"))
    await asyncio.sleep(0.05)
    go_on.set()
    await erase
    await meanwhile
    chat = user.chat["id"]
    # The message that came during /erase, and the bot's reply to it, are remembered now...
    state = dispatcher.fsm.get_context(bot, chat_id=chat, user_id=chat)
    remembered = set(deletable_ids(await state.get_data()))
    left = {m["message_id"] for m in session.telegram.messages_in(chat)}
    assert left <= remembered, left - remembered
    # ... so the next /erase leaves only its own note.
    await user.send("/erase")
    assert len(session.telegram.messages_in(chat)) == 1


async def test_erase_never_tries_messages_older_than_48_hours(
    reader: ReaderFactory, session: OfflineSession, dispatcher: Dispatcher, bot: Bot
) -> None:
    user: OfflineReader = reader()
    await user.send("/start")
    state = dispatcher.fsm.get_context(bot, chat_id=user.chat["id"], user_id=user.user["id"])
    now = int(time.time())
    hour = 3600
    data = await state.get_data()
    data[MESSAGE_IDS_KEY] = [
        [9_000_001, now - 96 * hour + 60],
        [9_000_002, now - 49 * hour],
        [9_000_003, now - 48 * hour - 5],
        [9_000_004, now - 47 * hour],
        [9_000_005, now - 2 * hour],
        *data[MESSAGE_IDS_KEY],
    ]
    await state.set_data(data)
    since = len(session.telegram.calls)
    await user.send("/erase")
    deletes = [c for c in session.telegram.calls[since:] if c.method == "deleteMessages"]
    tried = {i for c in deletes for i in c.params["message_ids"]}
    assert {9_000_004, 9_000_005} <= tried  # younger than 48 hours: deleted
    assert not {9_000_001, 9_000_002, 9_000_003} & tried  # Telegram no longer allows it


ONE = {"id": 1, "type": "private", "first_name": "Reader"}  # a chat the bot may write to


async def test_a_send_that_timed_out_is_not_sent_twice_but_other_requests_are_retried(
    caplog: pytest.LogCaptureFixture,
) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    session = OfflineSession()
    session.telegram.add_chat(ONE)
    bot = Bot(TOKEN, session=session)
    session.middleware(RetryRequests(sleep=sleep))
    real, tries = session.make_request, Counter[str]()

    async def timed_out_once(
        bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        tries[method.__api_method__] += 1
        if tries[method.__api_method__] == 1:
            if method.__api_method__ == "sendMessage":
                await real(bot, method, timeout)  # Telegram accepted it; no answer came back
            try:
                raise TimeoutError
            except TimeoutError as error:
                raise TelegramNetworkError(
                    method=method, message="Request timeout error"
                ) from error
        return await real(bot, method, timeout)

    session.make_request = timed_out_once  # type: ignore[method-assign]  # on this instance only, for this test
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(1, "hi")
    assert tries["sendMessage"] == 1  # a second message nobody remembers would stay after /erase
    sent = await bot.send_message(1, "menu")
    await bot.edit_message_text("edited", chat_id=1, message_id=sent.message_id)
    assert tries["editMessageText"] == 2  # the same edit twice changes nothing: retried


async def test_a_send_that_could_not_connect_is_retried() -> None:
    async def sleep(seconds: float) -> None:
        return None

    session = OfflineSession()
    session.telegram.add_chat(ONE)
    bot = Bot(TOKEN, session=session)
    session.middleware(RetryRequests(sleep=sleep))
    real, tries = session.make_request, [0]

    async def refused_once(
        bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        tries[0] += 1
        if tries[0] == 1:  # never reached Telegram
            raise TelegramNetworkError(method=method, message="ClientConnectorError: refused")
        return await real(bot, method, timeout)

    session.make_request = refused_once  # type: ignore[method-assign]  # on this instance only, for this test
    assert (await bot.send_message(1, "hi")).message_id
    assert tries == [2]


async def test_each_429_wait_is_logged_with_its_method_and_seconds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)

    async def sleep(seconds: float) -> None:
        return None

    session = OfflineSession()
    session.telegram.add_chat(ONE)
    bot = Bot(TOKEN, session=session)
    session.middleware(RetryRequests(sleep=sleep))
    fail(session, "sendMessage", 429, "Too Many Requests: retry after 3", times=2, retry_after=3)
    await bot.send_message(1, "hi")
    waits = [r.getMessage() for r in caplog.records if "429" in r.getMessage()]
    assert len(waits) == 2 and all("sendMessage" in w and "3 s" in w for w in waits), waits

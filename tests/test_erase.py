"""/erase at its edges (bot/handlers/erase.py, and the ids bot/screens.py keeps for it): what is
counted, a batch Telegram refuses, and which remembered ids are still worth asking to delete. The
whole conversation being deleted is tested in tests/test_reliability.py."""

from __future__ import annotations

import time

from aiogram import Bot, Dispatcher
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey

from bot.app import build_dispatcher
from bot.callbacks import Action, Do
from bot.fsm_storage import TTLMemoryStorage
from bot.middlewares import Throttle
from bot.screens import DELETABLE_FOR, MESSAGE_IDS_KEY, deletable_ids, remember
from fake_telegram import OfflineReader, OfflineSession
from storage import Event
from tests.conftest import ReaderFactory
from tests.test_reliability import MEDIA, fail


class Recorder:
    """A counter that keeps what it was given, to see what /erase counts."""

    def __init__(self) -> None:
        self.calls: list[tuple[Event, dict[str, object]]] = []

    def record(self, event: Event, **fields: object) -> None:
        self.calls.append((event, fields))


async def test_erase_is_counted_for_the_reader_and_their_audience(contacts, bot) -> None:  # type: ignore[no-untyped-def]
    counter = Recorder()
    dispatcher = build_dispatcher(
        contacts=contacts, counter=counter, throttle=Throttle(enabled=False)
    )
    user = OfflineReader(dispatcher, bot, user_id=4242, language_code="ko")
    await user.send("/start")
    await user.send("/erase")
    [fields] = [fields for event, fields in counter.calls if event == Event.ERASED]
    # the counter turns the id into one "distinct reader" increment; it never keeps the id
    assert fields["user_id"] == 4242
    assert fields["audience"] == "dprk"  # a Korean reader reads the North Korean soldiers' texts
    assert fields["lang"] == "ko"


async def test_a_refused_batch_does_not_stop_the_next_nor_the_forgetting(
    reader: ReaderFactory, session: OfflineSession, dispatcher: Dispatcher, bot: Bot
) -> None:
    user: OfflineReader = reader()
    await user.send("/start")
    for _ in range(60):
        await user.feed({"message": user.message_dict(sticker=MEDIA["sticker"]["sticker"])})
    fail(session, "deleteMessages", 400, "Bad Request: message can't be deleted", times=1)
    replies = await user.send("/erase")
    batches = [c for c in replies if c.method == "deleteMessages"]
    assert [c.ok for c in batches] == [False, True]  # the second batch is still asked for
    assert replies[-1].method == "sendMessage" and "Удалено" in replies[-1].params["text"]
    state = dispatcher.fsm.get_context(bot, chat_id=user.chat["id"], user_id=user.user["id"])
    # forgotten, but for the note itself (the next /erase deletes it)
    [note] = session.telegram.messages_in(user.chat["id"])[-1:]
    assert deletable_ids(await state.get_data()) == [note["message_id"]]


# -- the ids kept for /erase ----------------------------------------------------------------------
NOW = 1_700_000_000


def test_only_ids_younger_than_48_hours_less_a_minute_are_deletable() -> None:
    oldest = NOW - DELETABLE_FOR
    data = {MESSAGE_IDS_KEY: [[3, oldest + 1], [1, oldest], [2, oldest - 1], [4, NOW]]}
    assert deletable_ids(data, now=NOW) == [3, 4]  # sorted, the edge itself too old
    assert DELETABLE_FOR == 48 * 3600 - 60
    # `now` is what it is measured from: a day later, only the newest is left
    assert deletable_ids(data, now=NOW + DELETABLE_FOR) == []
    assert deletable_ids(data, now=NOW + DELETABLE_FOR - 1) == [4]


def test_a_bare_id_from_older_data_is_kept_and_nothing_remembered_is_nothing() -> None:
    assert deletable_ids({MESSAGE_IDS_KEY: [7, [5, NOW]]}, now=NOW) == [5, 7]
    assert deletable_ids({}) == []
    assert deletable_ids({}, now=NOW) == []


async def test_remember_keeps_an_id_with_the_time_it_was_sent() -> None:
    state = FSMContext(TTLMemoryStorage(ttl=3600), StorageKey(bot_id=1, chat_id=7, user_id=7))
    before = int(time.time())
    await remember(state, 42)
    [[message_id, sent]] = (await state.get_data())[MESSAGE_IDS_KEY]
    assert message_id == 42 and before <= sent <= time.time()
    assert deletable_ids(await state.get_data()) == [42]


async def test_only_the_erase_button_erases(reader, session) -> None:  # type: ignore[no-untyped-def]
    user: OfflineReader = reader()
    await user.send("/start")
    chat = user.chat["id"]
    shown = len(session.telegram.messages_in(chat))
    for data in ("d:nonsense", Do(action=Action.LANGUAGES).pack(), "stale:button"):
        replies = await user.press(data)
        assert "deleteMessages" not in [r.method for r in replies], data
    assert len(session.telegram.messages_in(chat)) >= shown
    replies = await user.press(Do(action=Action.ERASE).pack())
    assert "deleteMessages" in [r.method for r in replies]
    assert len(session.telegram.messages_in(chat)) == 1

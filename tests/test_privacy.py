"""Readers full of identifying data talk to the real Dispatcher; afterwards no file the bot wrote
and no log record from any logger (aiogram's included, at DEBUG) holds any of it, and the counts
are exactly what the readers did."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
import sqlite3
from collections import Counter as Tally
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot

from bot import logs as logs_module
from bot.app import build_bot, build_dispatcher, close_bot
from bot.callbacks import Action, ChooseLanguage, ChooseRole, Do, Nav, Role
from bot.config import Contacts, Settings
from bot.content.tree import BY_ID, HOME, Extra
from bot.middlewares import Throttle
from bot.outgoing import GatedRate, SendScheduler, SimulatedClock
from bot.states import DATA_KEYS
from fake_telegram import OfflineReader, OfflineSession
from storage import SQLiteCounter

from .conftest import TOKEN, door
from .test_counts import identifying_patterns

NOW = datetime(2025, 7, 14, 21, 5, 33, tzinfo=UTC).timestamp()
DAY = "2025-07-14"
ADMIN = 6_789_012_345

READERS: list[dict[str, Any]] = [
    {
        "user_id": 987_654_321,
        "first_name": "Иван",
        "last_name": "Петров",
        "username": "ivan_petrov_1987",
        "language_code": "ru",
        "role": Role.SOLDIER,
        "phone": "+79161234567",
        "text": "Я из 155-й бригады, позывной Волк, стою под Угледаром",
        "location": (47.838812, 35.139612),
        "contact": ("Мария", "Петрова", "+79035550102", 7_012_345_678),
    },
    {
        "user_id": 5_123_456_789,
        "first_name": "Олена",
        "last_name": "Коваль",
        "username": "olena_koval_kherson",
        "language_code": "uk",
        "role": Role.RELATIVE,
        "phone": "+380501234567",
        "text": "Шукаю сина Коваль Андрій, 1999 р.н., в/ч 12345",
        "location": (46.635417, 32.616867),
        "contact": ("Андрій", "Коваль", "+380671112233", 7_123_456_780),
    },
    {
        "user_id": 7_234_567_891,
        "first_name": "Chol-su",
        "last_name": "Kim",
        "username": "kimcholsu_kursk",
        "language_code": "ko",
        "role": Role.SOLDIER,
        "phone": "+850212345678",
        "text": "김철수 제11군단 쿠르스크",
        "location": (51.730846, 36.193015),
        "contact": ("Yong-ho", "Ri", "+850219876543", 7_345_678_912),
    },
    {
        "user_id": 424_242_424,
        "first_name": "Jonathan",
        "last_name": "Recruiter-Smith",
        "username": "jsmith_foreign_legion",
        "language_code": "pt-BR",  # no catalog: Russian
        "role": Role.READER,
        "phone": "+5511987654321",
        "text": "My unit is 3rd Assault Company, call sign Falcon",
        "location": (48.015883, 37.802850),
        "contact": ("Maria", "Smith", "+5511912345678", 7_456_789_123),
    },
]
CAMPAIGN = "leaflet-2025-01"
SECTIONS = ["program", "rights", "r_capture", "c_channels", "f_search", "faq", "q_home", HOME]


def secrets() -> list[str]:
    found = [str(ADMIN)]
    for r in READERS:
        found += [str(r["user_id"]), r["first_name"], r["last_name"], r["username"], r["text"]]
        found += [r["phone"], r["phone"].lstrip("+"), r["phone"][-9:]]
        found += [f"{r['location'][0]}", f"{r['location'][1]}", f"{r['location'][0]:.4f}"]
        first, last, phone, contact_id = r["contact"]
        found += [first, last, phone, phone.lstrip("+"), str(contact_id)]
        found += [w for w in r["text"].split() if len(w) >= 5 and not w.strip(",.").isdigit()]
    return found


STANDARD = set(vars(logging.makeLogRecord({})))
QUERY_IDS: list[str] = []


class Reader(OfflineReader):
    """Presses buttons with callback query ids shaped like Telegram's: the user id in the high 32
    bits, a counter in the low ones. Logging one is logging the user id."""

    _low = itertools.count(1_000_001)

    async def feed(self, update: dict) -> list:
        if "callback_query" in update:
            update["callback_query"]["id"] = str(self.user["id"] << 32 | next(self._low))
            QUERY_IDS.append(update["callback_query"]["id"])
        return await super().feed(update)


def hidden_ids(text: str, user_ids: set[int]) -> list[str]:
    """Numbers in `text` that are, or carry in their high 32 bits, a user id."""
    return [
        n for n in re.findall(r"\d{6,}", text) if int(n) in user_ids or int(n) >> 32 in user_ids
    ]


class Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def logs(tmp_path: Path) -> Iterator[tuple[Everything, Path]]:
    """Every log record of every logger at DEBUG, in memory and in a log file."""
    root = logging.getLogger()
    memory = Everything()
    path = tmp_path / "logs" / "bot.log"
    path.parent.mkdir()
    file = logging.FileHandler(path, encoding="utf-8")
    file.setLevel(logging.DEBUG)
    file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    saved = root.level, logging.root.manager.disable
    logs_module.scrub_aiogram()  # as bot.logs.setup() does when the bot starts
    root.setLevel(logging.DEBUG)
    logging.disable(logging.NOTSET)
    root.addHandler(memory)
    root.addHandler(file)
    yield memory, path
    root.removeHandler(memory)
    root.removeHandler(file)
    file.close()
    root.setLevel(saved[0])
    logging.disable(saved[1])


def record_text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), repr(record.args), str(record.msg)]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        parts.append(record.stack_info)
    parts += [f"{k}={v!r}" for k, v in vars(record).items() if k not in STANDARD]
    return "\n".join(parts)


async def converse(reader: OfflineReader, spec: dict, expected: Tally, lang: str) -> None:
    """One reader's conversation; `expected` gets exactly what the bot should count. A Korean reader's
    texts are written for North Korean soldiers."""
    audience = "dprk" if lang == "ko" else "default"
    await reader.send("/start")
    expected[(lang, audience, "start", "")] += 1
    await reader.feed(
        {
            "message": reader.message_dict(
                text=f"/start {spec['phone'].lstrip('+')}",
                entities=[{"type": "bot_command", "offset": 0, "length": 6}],
            )
        }
    )
    expected[(lang, audience, "start", "")] += 1
    # A start link the reader made up, their number in it as a campaign: well formed, but not a
    # campaign the operator lists, so it opens the language and is not counted as one.
    await reader.send(f"/start {lang}--p{spec['phone'].lstrip('+')}")
    expected[(lang, audience, "start", "")] += 1
    await reader.press(ChooseRole(role=spec["role"]).pack())
    expected[(lang, audience, "role", spec["role"].value)] += 1
    for section in SECTIONS:
        await reader.press(Nav(to=section).pack())
        if section != HOME:
            expected[(lang, audience, "section", section)] += 1
        if BY_ID[section].extra is Extra.CONTACTS:
            expected[(lang, audience, "contacts", "")] += 1
    # Everything a frightened reader might type or share by mistake.
    await reader.send(spec["text"])
    await reader.send(f"мой номер {spec['phone']}, пишите")
    await reader.send(spec["phone"])  # deleted, not taken as a question
    await reader.send(f"@{spec['username']} {spec['first_name']} {spec['last_name']}")
    expected[(lang, audience, "question", "")] += 3  # the typed texts: counted, never kept
    await reader.send(f"/stats {spec['phone']}")  # not an admin: an unknown command
    latitude, longitude = spec["location"]
    await reader.feed(
        {"message": reader.message_dict(location={"latitude": latitude, "longitude": longitude})}
    )
    first, last, phone, contact_id = spec["contact"]
    contact = {"phone_number": phone, "first_name": first, "last_name": last, "user_id": contact_id}
    await reader.feed({"message": reader.message_dict(contact=contact)})
    await reader.feed(
        {
            "message": reader.message_dict(
                venue={
                    "location": {"latitude": latitude, "longitude": longitude},
                    "title": f"{spec['last_name']} home",
                    "address": spec["text"][:40],
                }
            )
        }
    )
    # A forged button carrying a phone number.
    await reader.press(f"n:{spec['phone']}")


async def test_nothing_identifying_is_written_or_logged(
    contacts: Contacts, bot: Bot, tmp_path: Path, logs: tuple[Everything, Path]
) -> None:
    memory, log_file = logs
    directory = tmp_path / "db"
    directory.mkdir()
    counter = await SQLiteCounter.open(
        directory / "counts.sqlite3", clock=lambda: NOW, flush_interval=0.05
    )
    settings = Settings(
        token=TOKEN, admins=frozenset({ADMIN}), campaigns=frozenset({CAMPAIGN}), _env_file=None
    )
    dispatcher = build_dispatcher(
        contacts=contacts, counter=counter, settings=settings, throttle=Throttle(enabled=False)
    )
    expected: Tally = Tally()
    readers = {}
    for spec in READERS:
        user = {
            k: spec[k] for k in ("user_id", "first_name", "last_name", "username", "language_code")
        }
        readers[spec["user_id"]] = Reader(dispatcher, bot, **user)
        lang = {"pt-BR": "ru"}.get(spec["language_code"], spec["language_code"])
        await converse(readers[spec["user_id"]], spec, expected, lang)

    # Kim opens a leaflet's link: the operator's campaign is counted, with his language.
    await readers[READERS[2]["user_id"]].send(f"/start ko--{CAMPAIGN}")
    expected[("ko", "dprk", "start", "")] += 1
    expected[("ko", "dprk", "campaign", CAMPAIGN)] += 1

    # Ivan switches to Ukrainian and reads on; Olena erases the conversation and starts over.
    ivan, olena = readers[READERS[0]["user_id"]], readers[READERS[1]["user_id"]]
    await ivan.send("/language")
    await ivan.press(ChooseLanguage(code="uk").pack())
    await ivan.press(Nav(to="faq").pack())
    expected[("uk", "default", "section", "faq")] += 1
    await olena.send("/erase")
    expected[("uk", "default", "erase", "")] += 1
    await olena.send("/start")
    expected[("uk", "default", "start", "")] += 1
    await olena.press(Do(action=Action.ERASE).pack())
    expected[("uk", "default", "erase", "")] += 1

    # Telegram turns against Jonathan: flood control, then a vanished chat, then a block. Every
    # failure reaches aiogram and our error handler, which must log none of his data either.
    jonathan = readers[READERS[3]["user_id"]]
    failures = iter(
        [
            (429, "Too Many Requests: retry after 30", {"retry_after": 30}),
            (400, "Bad Request: chat not found", None),
            (403, "Forbidden: bot was blocked by the user", None),
        ]
    )
    telegram = jonathan.session.telegram
    answer = telegram.call

    def failing(method: str, params: dict) -> tuple[int, dict]:
        if method in ("sendMessage", "editMessageText") and str(params.get("chat_id")) == str(
            jonathan.chat["id"]
        ):
            code, description, parameters = next(
                failures, (403, "Forbidden: bot was blocked by the user", None)
            )
            body = {"ok": False, "error_code": code, "description": description}
            if parameters:
                body["parameters"] = parameters
            return code, body
        return answer(method, params)

    telegram.call = failing  # type: ignore[method-assign]  # on this instance only, for this test
    await jonathan.send("/start")
    expected[("ru", "default", "start", "")] += 1  # counted before the reply failed
    await jonathan.press(Nav(to="faq").pack())
    expected[("ru", "default", "section", "faq")] += 1
    await jonathan.send(READERS[3]["text"])
    expected[("ru", "default", "question", "")] += 1
    telegram.call = answer  # type: ignore[method-assign]  # on this instance only, for this test
    assert any(r.name == "bot.errors" for r in memory.records), "the failures were not logged"

    # What is kept about each reader meanwhile (in memory, with a time-to-live): only the keys a
    # feature reads, never the role they chose nor the screen they read last.
    for spec in READERS:
        state = dispatcher.fsm.get_context(bot, chat_id=spec["user_id"], user_id=spec["user_id"])
        data = await state.get_data()
        assert set(data) <= set(DATA_KEYS), data.keys()
        assert spec["role"].value not in json.dumps(data)
        assert CAMPAIGN not in json.dumps(data)  # counted, never kept

    admin = Reader(dispatcher, bot, user_id=ADMIN, first_name="Operator", language_code="en")
    [stats] = [r for r in await admin.send("/stats") if r.method == "sendMessage"]
    assert "Korean" in stats.params["text"]  # the admin's report reflects the conversation
    key = counter._key
    await counter.flush()
    files_while_running = sorted(p.name for p in directory.iterdir())
    assert "counts.sqlite3-wal" in files_while_running
    scan(tmp_path, key)  # with the WAL and shared memory files present
    await counter.close()
    scan(tmp_path, key)

    # The logs: every record of every logger, and the log file.
    assert memory.records, "nothing was logged at all: is the capture working?"
    assert any(r.name.startswith("aiogram") for r in memory.records)
    everything = "\n".join(record_text(r) for r in memory.records)
    for secret in secrets():
        assert secret not in everything, f"a log record holds {secret!r}"
    user_ids = {*(r["user_id"] for r in READERS), ADMIN}
    assert QUERY_IDS
    assert hidden_ids(everything, user_ids) == []
    assert hidden_ids(log_file.read_text(encoding="utf-8"), user_ids) == []

    # The counts are exactly what the readers did.
    db = sqlite3.connect(directory / "counts.sqlite3")
    stored = {
        (lang, audience, event, topic): n
        for lang, audience, event, topic, n in db.execute(
            "SELECT lang, audience, event, topic, n FROM counts"
        )
    }
    readers_stored = {
        (lang, audience): n
        for lang, audience, n in db.execute("SELECT lang, audience, n FROM readers")
    }
    assert {day for (day,) in db.execute("SELECT day FROM counts")} == {DAY}
    db.close()
    assert stored == dict(expected)
    # Distinct readers per language and audience: Ivan in ru and uk, Olena in uk, Kim in ko (for
    # North Korean soldiers), Jonathan in ru.
    assert readers_stored == {("ru", "default"): 2, ("uk", "default"): 2, ("ko", "dprk"): 1}


def scan(root: Path, key: bytes) -> None:
    files = [p for p in root.rglob("*") if p.is_file()]
    assert any(p.name == "counts.sqlite3" for p in files)
    for path in files:
        data = path.read_bytes()
        for secret in [*secrets(), *QUERY_IDS]:
            assert secret.encode() not in data, f"{secret!r} in {path.name}"
        for spec in [*READERS, {"user_id": ADMIN}]:
            for name, pattern in identifying_patterns(spec["user_id"], key).items():
                assert pattern not in data, f"{name} of a user id in {path.name}"


def test_aiogram_records_are_scrubbed(logs: tuple[Everything, Path]) -> None:
    """What aiogram would log about a reader, had the filter not been there."""
    from aiogram.exceptions import TelegramRetryAfter
    from aiogram.methods import SendMessage

    memory, log_file = logs
    user_id = READERS[0]["user_id"]
    query_id = str(user_id << 32 | 77)
    logging.getLogger("aiogram.middlewares").info("Answer to callback query id=%s", query_id)
    method = SendMessage(chat_id=user_id, text=READERS[0]["text"])
    flood = TelegramRetryAfter(
        method=method, message="Too Many Requests: retry after 5", retry_after=5
    )
    assert str(user_id) in str(flood)  # aiogram names the chat in the message
    logging.getLogger("aiogram.event").error(
        "Failed to make answer: %s: %s", type(flood).__name__, flood
    )
    try:
        raise ValueError(
            f"input_value={{'first_name': '{READERS[0]['first_name']}', 'id': {user_id}}}"
        )
    except ValueError as error:
        logging.getLogger("aiogram.event").exception(
            "Cause exception while process update id=%d by bot id=%d\n%s: %s",
            5,
            123456,
            "ValueError",
            error,
        )
    logging.getLogger("aiogram.dispatcher").info(
        "Run polling for bot @%s id=%d - %r", "offline_bot", 123456, "Bot"
    )
    texts = [record_text(r) for r in memory.records] + [log_file.read_text(encoding="utf-8")]
    everything = "\n".join(texts)
    assert "Answer to callback query id=<n>" in everything
    assert "Failed to make answer: TelegramRetryAfter: TelegramRetryAfter" in everything
    assert "test_aiogram_records_are_scrubbed" in everything  # the traceback's frames are kept
    for secret in [str(user_id), query_id, READERS[0]["first_name"], READERS[0]["text"]]:
        assert secret not in everything
    assert hidden_ids(everything, {user_id}) == []


async def test_the_send_queue_logs_and_counts_no_reader(
    contacts: Contacts, logs: tuple[Everything, Path]
) -> None:
    """A 429, a double tap, a full queue and a stop with requests left: the send queue's log
    lines say what happened, and neither they nor its counts name a reader."""
    memory, log_file = logs
    gate = GatedRate()
    gate.open.set()
    scheduler = SendScheduler(clock=SimulatedClock(), send_rate=gate, max_queue=2)
    session = OfflineSession()
    bot = build_bot(TOKEN, session=session, scheduler=scheduler)
    dispatcher = build_dispatcher(contacts=contacts, throttle=Throttle(enabled=False))
    ivan, olena, kim, jonathan = (
        Reader(dispatcher, bot, **{k: spec[k] for k in ("user_id", "first_name", "language_code")})
        for spec in READERS[:4]
    )
    for reader in (ivan, olena, kim):
        await reader.send("/start")
    answer, refused = session.telegram.call, [False]

    def once_too_many(method: str, params: dict) -> tuple[int, dict]:
        if not refused[0] and method == "sendMessage":
            refused[0] = True
            body = {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 30",
            }
            return 429, {**body, "parameters": {"retry_after": 30}}
        return answer(method, params)

    session.telegram.call = once_too_many  # type: ignore[method-assign]  # on this instance only, for this test
    await jonathan.send("/start")  # refused once, then sent after the pause
    gate.open.clear()  # from here on nothing gets through: the queue fills
    taps = [asyncio.ensure_future(kim.press(ChooseRole(role=Role.SOLDIER).pack())) for _ in "12"]
    waiting = asyncio.ensure_future(olena.press(ChooseRole(role=Role.RELATIVE).pack()))
    for _ in range(20):
        await asyncio.sleep(0)
    assert scheduler.full
    await ivan.press(ChooseRole(role=Role.READER).pack())  # refused: a button answer only
    await ivan.send("/menu")  # refused
    await close_bot(bot, drain=0.1)
    gate.open.set()
    await asyncio.gather(*taps, waiting)

    counts = vars(scheduler.counts)
    assert all(type(n) is int for n in counts.values())
    assert counts["floods"] == counts["pauses"] == 1
    assert door(dispatcher).repeated_taps == 1  # kim's second tap, answered at the door
    assert counts["refused_updates"] == 2 and counts["unsent"] == 2
    everything = "\n".join(record_text(r) for r in memory.records)
    for line in ("429 to a sendMessage", "send queue is full", "could not be sent in time"):
        assert line in everything
    user_ids = {spec["user_id"] for spec in READERS}
    assert hidden_ids(everything, user_ids) == []
    assert hidden_ids(log_file.read_text(encoding="utf-8"), user_ids) == []
    for secret in secrets():
        assert secret not in everything

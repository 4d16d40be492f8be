"""Several instances: the readers' state in a real Redis, always with a time-to-live.

Runs where a redis-server binary and the `redis` package are installed (.ci/run installs both);
skipped elsewhere.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest
from aiogram import Bot, Dispatcher

from bot.app import build_bot, build_dispatcher
from bot.callbacks import ChooseRole, Role
from bot.config import ConfigError, Contacts
from bot.content.tree import HOME
from bot.fsm_storage import redis_storage
from bot.languages import make_i18n
from bot.middlewares import Throttle
from bot.middlewares.throttle import FloodControl
from bot.outgoing import SendScheduler, SimulatedClock
from bot.screens import section_screen
from bot.shared.flood import RedisThrottle
from bot.shared.send_rate import RedisRate
from fake_telegram import OfflineReader, OfflineSession, Telegram
from storage.events import Counter
from tests.conftest import TOKEN, door

if TYPE_CHECKING:
    from redis.asyncio import Redis


def test_a_missing_redis_package_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "aiogram.fsm.storage.redis", None)
    with pytest.raises(ConfigError, match=r"hochu-zhit-bot\[redis\]"):
        redis_storage("redis://127.0.0.1:1/0", 3600)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A real redis-server on a free port, which a test may stop and start again."""

    def __init__(self, binary: str, directory: Path, *options: str) -> None:
        self.binary, self.directory, self.port = binary, directory, _free_port()
        self.options = options  # after the defaults: may turn persistence back on
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                *self.options,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    missing("redis-server did not start")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(5)
            self.process = None


def missing(reason: str) -> NoReturn:
    """Skip on a machine without Redis; fail in CI, which installs it (.ci/run sets CI)."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def redis_binary() -> str:
    try:
        import redis  # noqa: F401 - the client the bot uses with BOT_REDIS_URL
    except ImportError:
        missing("the redis package is not installed (pip install '.[redis]')")
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis-server is not installed (apt-get install redis-server; .ci/run does)")
    return binary


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    binary = redis_binary()
    server = RedisServer(binary, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    return redis_server.url


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[Redis]:
    import redis.asyncio

    connection = redis.asyncio.Redis.from_url(redis_url)
    yield connection
    await connection.aclose()


async def test_two_instances_share_a_reader_and_every_key_expires(
    redis_url: str, client: Redis, contacts: Contacts
) -> None:
    instances = []
    for _ in range(2):
        session = OfflineSession()
        bot = build_bot(TOKEN, session=session, scheduler=SendScheduler(clock=SimulatedClock()))
        dispatcher = build_dispatcher(
            contacts=contacts,
            storage=redis_storage(redis_url, 3600),
            throttle=Throttle(enabled=False),
        )
        instances.append((session, bot, dispatcher))
    (session_a, bot_a, dispatcher_a), (session_b, bot_b, dispatcher_b) = instances
    session_b.telegram = session_a.telegram  # one Telegram, two instances behind it
    a, b = OfflineReader(dispatcher_a, bot_a), OfflineReader(dispatcher_b, bot_b)
    try:
        await a.send("/start")
        await b.press(ChooseRole(role=Role.SOLDIER).pack())
        await a.send("/language")
        await b.press("l:uk")
        menu = (await a.send("/menu"))[0].params["text"]
        keys = await client.keys("*")
        assert keys
        for key in keys:
            assert 0 < await client.ttl(key) <= 3600, key  # nothing without a time-to-live
        i18n = make_i18n()
        with i18n.context(), i18n.use_locale("uk"):
            assert (
                menu == section_screen(HOME, contacts).text
            )  # the choice made on the other instance
        replies = await b.send("/erase")
        deleted = {
            i for r in replies if r.method == "deleteMessages" for i in r.params["message_ids"]
        }
        assert len(deleted) >= 6  # both instances' messages, and the reader's
        for key in await client.keys("*"):
            assert 0 < await client.ttl(key) <= 3600
    finally:
        for _, bot, dispatcher in instances:
            await dispatcher.storage.close()
            await bot.session.close()
        await asyncio.sleep(0)


async def test_redis_lost_while_running_is_logged_once_and_readers_still_get_answers(
    redis_server: RedisServer, contacts: Contacts, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    storage = redis_storage(redis_server.url, 3600)
    session = OfflineSession()
    bot = build_bot(TOKEN, session=session)
    dispatcher = build_dispatcher(
        contacts=contacts, storage=storage, throttle=Throttle(enabled=False)
    )
    reader = OfflineReader(dispatcher, bot, language_code="uk")
    try:
        await reader.send("/start")
        await reader.press(ChooseRole(role=Role.SOLDIER).pack())
        redis_server.stop()  # Redis goes away
        for command in ("/menu", "/help", "/menu"):
            replies = await reader.send(command)
            assert [r.method for r in replies] == ["sendMessage"] and replies[0].ok  # not silence
        outage = [r for r in caplog.records if "Redis is unreachable" in r.getMessage()]
        assert len(outage) == 1  # once per outage, not once per update
        redis_server.start()  # and comes back
        storage.outage.next_try = 0  # rather than wait for the next probe
        await reader.send("/start")
        assert any("Redis is reachable again" in r.getMessage() for r in caplog.records)
        state = dispatcher.fsm.get_context(
            bot, chat_id=reader.chat["id"], user_id=reader.user["id"]
        )
        assert await state.get_state() is not None  # written to Redis again
        assert "ERROR" not in [r.levelname for r in caplog.records if r.name == "bot.errors"]
        assert str(reader.user["id"]) not in caplog.text  # the outage's lines name no reader
    finally:
        await dispatcher.storage.close()
        await bot.session.close()


# -- several instances: what they share besides the state -----------------------------------------
BOT_ID = int(TOKEN.split(":")[0])


Instance = tuple[OfflineSession, Bot, Dispatcher]


def _b(value: bytes | str | None) -> bytes:
    """What the test's client answers (no decode_responses): bytes."""
    assert isinstance(value, bytes), value
    return value


def _instance(
    redis_url: str,
    contacts: Contacts,
    telegram: Telegram | None = None,
    *,
    ttl: int = 3600,
    throttle: FloodControl | None = None,
    counter: Counter | None = None,
) -> Instance:
    """One instance of the bot: its own dispatcher, send queue and counter, Redis shared."""
    storage = redis_storage(redis_url, ttl)
    session = OfflineSession()
    if telegram is not None:
        session.telegram = telegram  # one Telegram, several instances behind it
    bot = build_bot(TOKEN, session=session, scheduler=SendScheduler(clock=SimulatedClock()))
    dispatcher = build_dispatcher(
        contacts=contacts,
        storage=storage,
        throttle=throttle if throttle is not None else RedisThrottle(storage.redis, bot_id=BOT_ID),
        counter=counter,
    )
    return session, bot, dispatcher


async def _close(*instances: Instance) -> None:
    for _, bot, dispatcher in instances:
        await dispatcher.storage.close()
        await bot.session.close()


async def test_a_flood_split_across_two_instances_is_limited_as_if_it_hit_one(
    redis_url: str, contacts: Contacts
) -> None:
    a = _instance(redis_url, contacts)
    b = _instance(redis_url, contacts, a[0].telegram)
    flooder = [OfflineReader(d, bot, user_id=501) for _, bot, d in (a, b)]
    calm = OfflineReader(b[2], b[1], user_id=502)
    try:
        answered = 0
        for i in range(12):  # within a second: 6 updates to each instance
            replies = await flooder[i % 2].send("/help")
            answered += any(r.method == "sendMessage" for r in replies)
        # One bucket of 5 (and 1 a second) for both instances; each alone would have let 5 pass.
        assert 5 <= answered <= 6
        dropped = sum(door(d).throttle.dropped for _, _, d in (a, b))  # type: ignore[attr-defined]
        assert dropped == 12 - answered
        assert any(r.method == "sendMessage" for r in await calm.send("/help"))  # not slowed
    finally:
        await _close(a, b)


async def test_flood_control_falls_back_to_memory_while_redis_is_gone(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    import redis.asyncio

    caplog.set_level(logging.WARNING)
    client = redis.asyncio.Redis.from_url(redis_server.url, socket_connect_timeout=0.5)
    throttle = RedisThrottle(client, bot_id=BOT_ID)
    try:
        assert await throttle.check(700007)
        redis_server.stop()
        allowed = [await throttle.check(800008) for _ in range(8)]
        assert allowed == [True] * 5 + [False] * 3  # the same bucket, in this instance's memory
        assert [r for r in caplog.records if "Redis is unreachable" in r.getMessage()] != []
        assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1
        redis_server.start()
        throttle.outage.next_try = 0  # rather than wait for the next probe
        assert await throttle.check(900009)
        assert any("reachable again" in r.getMessage() for r in caplog.records)
        logged = "\n".join(r.getMessage() for r in caplog.records)
        assert not any(str(n) in logged for n in (700007, 800008, 900009))  # no reader named
    finally:
        await client.aclose()


async def test_two_schedulers_sharing_redis_stay_under_the_rate_together(
    redis_url: str, client: Redis
) -> None:
    """Measured on the real clock: each instance would send at `rate` alone; together they send
    at `rate` in all."""
    from aiogram.methods import SendMessage

    rate, each = 40.0, 60
    sent: list[tuple[float, int]] = []
    bot = build_bot(TOKEN, session=OfflineSession())

    def instance(n: int) -> SendScheduler:
        send_rate = RedisRate(client, bot_id=BOT_ID, rate=rate)
        return SendScheduler(rate=rate, send_rate=send_rate, max_queue=1000)

    async def make_request(n: int):  # type: ignore[no-untyped-def]
        async def request(bot: Bot, method: object) -> bool:
            sent.append((time.monotonic(), n))
            return True

        return request

    schedulers = [instance(0), instance(1)]
    try:
        jobs = [
            scheduler(await make_request(n), bot, SendMessage(chat_id=1000 + i, text="x"))
            for n, scheduler in enumerate(schedulers)
            for i in range(each)
        ]
        await asyncio.gather(*jobs)
    finally:
        await bot.session.close()
    stamps = sorted(t for t, _ in sent)
    assert len(stamps) == 2 * each
    assert {n for _, n in sent} == {0, 1}  # both sent
    # Together: no more than the burst (3) and `rate` a second, with a 10% tolerance.
    elapsed = stamps[-1] - stamps[0]
    assert (len(stamps) - 3) / elapsed <= rate * 1.1
    # In any second, at most `rate` and the burst: two unshared instances would send twice that.
    busiest = max(sum(1 for t in stamps if start <= t < start + 1.0) for start in stamps)
    assert busiest <= rate + 3 + 2
    for key in await client.keys("send:*"):
        assert 0 < await client.pttl(key) <= 2000  # a few seconds at most, no chat in any


async def test_counts_from_two_instances_add_up_exactly(
    redis_url: str, client: Redis, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each instance writes its own database; distinct readers are counted once across both (in
    Redis); `python -m bot stats --db a --db b` adds them up to the truth."""
    import argparse
    import json
    import random

    from bot.cli import stats
    from storage import Event, SQLiteCounter
    from storage.shared_readers import SharedReaders

    now = time.time()  # the keys in Redis expire with the real day
    day = datetime.fromtimestamp(now, UTC).date().isoformat()
    paths = [tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"]
    counters = [
        await SQLiteCounter.open(
            path,
            clock=lambda: now,
            flush_interval=0.01,
            shared_readers=SharedReaders(client, bot_id=BOT_ID),
        )
        for path in paths
    ]
    rng = random.Random(12)
    events: dict[tuple[str, str], int] = {}
    readers: dict[str, set[int]] = {}
    for _ in range(600):
        user = rng.randrange(300)  # some readers on one instance, many on both
        lang = rng.choice(["ru", "uk", "be"])
        event = rng.choice([Event.STARTED, Event.ERASED])
        rng.choice(counters).record(event, lang=lang, user_id=10_000 + user)
        events[(lang, event.value)] = events.get((lang, event.value), 0) + 1
        readers.setdefault(lang, set()).add(user)
        if rng.random() < 0.05:
            await asyncio.sleep(0.02)  # a flush now and then, in the middle
    for counter in counters:
        await counter.close()
    parser = argparse.ArgumentParser()
    stats.configure(parser)
    args = ["--db", str(paths[0]), "--db", str(paths[1]), "--since", day, "--format", "json"]
    assert stats.main(parser.parse_args(args)) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    shown = {(r["lang"], r["event"]): r["count"] for r in rows if r["topic"] in ("", "*")}
    for (lang, name), n in events.items():
        assert shown[(lang, name)] == n
    for lang, users in readers.items():
        assert shown[(lang, "readers")] == len(users)  # exactly, not about
    alone = [
        sqlite3.connect(path).execute("SELECT SUM(n) FROM readers").fetchone()[0] for path in paths
    ]
    assert sum(alone) == sum(len(users) for users in readers.values())
    assert all(alone)  # each instance counted its share
    # A database given twice would count twice: refused.
    twice = ["--db", str(paths[0]), "--db", str(paths[0])]
    assert stats.main(parser.parse_args(twice)) == 2
    assert "given twice" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ((), None),
        (("--save", "3600 1"), 'save "3600 1"'),
        (("--appendonly", "yes"), "appendonly yes"),
        (("--rename-command", "CONFIG", ""), "could not check"),
    ],
)
async def test_persistence_is_warned_about_at_start_up(
    tmp_path: Path, options: tuple[str, ...], expected: str | None
) -> None:
    import redis.asyncio

    from bot.shared.persistence import persistence_problem

    binary = redis_binary()
    server = RedisServer(binary, tmp_path, *options)
    server.start()
    client = redis.asyncio.Redis.from_url(server.url)
    try:
        problem = await persistence_problem(client)
    finally:
        await client.aclose()
        server.stop()
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem and "\n" not in problem


async def test_every_key_expires_and_no_reader_id_is_left_in_redis_after_the_ttl(
    redis_server: RedisServer,
    client: Redis,
    contacts: Contacts,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two instances, two readers crossing between them, everything shared: state, locks, flood
    buckets, the sending rate, the day's readers. Then the time-to-live passes."""
    from storage import SQLiteCounter
    from storage.shared_readers import GRACE, SharedReaders
    from tests.test_counts import identifying_patterns

    caplog.set_level(logging.INFO)
    ttl = 2
    counters = [
        await SQLiteCounter.open(
            tmp_path / f"{name}.sqlite3",
            flush_interval=0.01,
            shared_readers=SharedReaders(client, bot_id=BOT_ID),
        )
        for name in "ab"
    ]
    # A bucket lives until it is full again (5 s for the bot's 5 at 1 a second, never more than
    # BOT_STATE_TTL's minimum of 60 s); 1 s here, within this test's short time-to-live.
    flood = RedisThrottle(client, bot_id=BOT_ID, rate=5, burst=5)
    a = _instance(redis_server.url, contacts, ttl=ttl, counter=counters[0], throttle=flood)
    b = _instance(
        redis_server.url, contacts, a[0].telegram, ttl=ttl, counter=counters[1], throttle=flood
    )
    for _, bot, _ in (a, b):
        SendScheduler.of(bot).send_rate = RedisRate(client, bot_id=BOT_ID, rate=1000)  # type: ignore[union-attr]
    ids = (610_000_001, 620_000_002)
    try:
        for user_id in ids:
            on = [
                OfflineReader(d, bot, user_id=user_id, language_code="uk") for _, bot, d in (a, b)
            ]
            await on[0].send("/start")
            await on[1].press(ChooseRole(role=Role.SOLDIER).pack())
            await on[0].send("/menu")
        for counter in counters:
            await counter.flush()
        keys = sorted(_b(k).decode() for k in await client.keys("*"))
        fsm = [k for k in keys if k.startswith("fsm:")]
        # Keys name the bot and the destiny: fsm:<bot id>:<chat id>:<user id>:default:<part>
        assert {k.split(":")[1] for k in fsm} == {str(BOT_ID)}
        assert {":".join(k.split(":")[4:]) for k in fsm} == {"default:state", "default:data"}
        assert any(k.startswith("flood:") for k in keys)
        assert any(k.startswith(f"readers:{BOT_ID}:") for k in keys)
        end_of_day = -(-time.time() // 86400) * 86400 + GRACE
        for key in keys:
            left = await client.pttl(key)
            if left == -2:
                continue  # expired since it was listed (a flood bucket refills within seconds)
            assert left > 0, key  # nothing without a time-to-live
            if key.startswith(("fsm:", "flood:", "send:")):
                assert left <= ttl * 1000, key
            else:  # the day's key and readers: no id, a keyed hash at most, gone with the day
                assert key.startswith(f"readers:{BOT_ID}:"), key
                assert time.time() + left / 1000 <= end_of_day + 1, key
        await asyncio.sleep(ttl + 0.5)
        day_key = _b(
            next([await client.get(k) for k in await client.keys("readers:*:key")].__iter__())
        )
        left_over = {_b(k): _b(await client.dump(k)) for k in await client.keys("*")}
        assert all(k.startswith(f"readers:{BOT_ID}:".encode()) for k in left_over)
        everything = b"\n".join(k + b"=" + v for k, v in left_over.items())
        import hmac
        from hashlib import sha256

        for user_id in ids:
            for name, pattern in identifying_patterns(user_id).items():
                assert pattern not in everything, f"{name} of a reader's id in Redis"
            keyed = hmac.new(day_key, user_id.to_bytes(16, "big", signed=True), sha256).digest()
            assert (
                keyed[:8] in everything
            )  # the one thing left: the day's keyed hash, until it ends
        # Nothing of theirs in the logs, nor in any file (the databases, Redis's directory).
        logged = "\n".join(r.getMessage() for r in caplog.records)
        for counter in counters:
            await counter.close()
        for path in tmp_path.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                for user_id in ids:
                    assert str(user_id) not in logged
                    mac = hmac.new(day_key, user_id.to_bytes(16, "big", signed=True), sha256)
                    assert mac.digest()[:8] not in data, path.name
                    for name, pattern in identifying_patterns(user_id).items():
                        assert pattern not in data, f"{name} in {path.name}"
        assert not list(tmp_path.glob("*.rdb")) and not list(tmp_path.glob("appendonly*"))
    finally:
        for counter in counters:
            await counter.close()
        await _close(a, b)

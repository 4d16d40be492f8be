"""SQLiteCounter: counts add up, readers are exact, nothing identifying reaches disk, and no
database trouble ever reaches the conversation."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import random
import re
import sqlite3
import stat
import time
from collections import Counter as Tally
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import Event, Period, SQLiteCounter, schema
from storage.counts import UNKNOWN

ROLES = ["soldier", "relative", "reader"]
SECTIONS = ["about", "how", "r_capture", "r_food", "after", "family", "faq"]
LANGS = ["ru", "uk", "en", "ko", "uz"]


def utc(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


class Clock:
    def __init__(self, start: str) -> None:
        self.now = utc(start)

    def __call__(self) -> float:
        return self.now


def read_db(path: Path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            "counts": db.execute("SELECT day, lang, event, topic, n FROM counts").fetchall(),
            "readers": db.execute("SELECT day, lang, n FROM readers").fetchall(),
            "lost": db.execute("SELECT day, n FROM lost").fetchall(),
        }
    finally:
        db.close()


def as_dicts(rows: dict[str, list[tuple]]) -> tuple[dict, dict]:
    counts = {tuple(r[:4]): r[4] for r in rows["counts"]}
    readers = {tuple(r[:2]): r[2] for r in rows["readers"]}
    return counts, readers


def simulate(
    counter: SQLiteCounter, clock: Clock, days: list[str], users: int, seed: int
) -> tuple[dict[tuple[str, str, str, str], int], dict[tuple[str, str], int]]:
    """Users do random things over several days; returns the exact expected counts and readers."""
    rng = random.Random(seed)
    expected: Tally = Tally()
    readers: dict[tuple[str, str], set[int]] = {}
    for day in days:
        clock.now = utc(f"{day}T00:00:00")
        for _ in range(users * 3):
            clock.now += rng.uniform(0, 86399 - (clock.now % 86400)) / 50
            user = 100_000_000 + rng.randrange(users)
            lang = rng.choice(LANGS)
            event = rng.choice(list(Event))
            topic = {
                Event.ROLE_CHOSEN: rng.choice(ROLES),
                Event.SECTION_READ: rng.choice(SECTIONS),
            }.get(event, "")
            counter.record(event, lang=lang, user_id=user, topic=topic)
            expected[(day, lang, event.value, topic)] += 1
            readers.setdefault((day, lang), set()).add(user)
    return dict(expected), {key: len(users) for key, users in readers.items()}


# -- counts and readers --------------------------------------------------------------------------
async def test_counts_add_up_exactly(tmp_path: Path) -> None:
    clock = Clock("2025-01-30T00:00:00")
    db = tmp_path / "counts.sqlite3"
    counter = await SQLiteCounter.open(db, clock=clock, flush_interval=0.05)
    days = ["2025-01-30", "2025-01-31", "2025-02-01"]
    expected, readers = simulate(counter, clock, days, users=300, seed=1)
    await asyncio.sleep(0.2)  # some flushes happen in the middle
    more, more_readers = simulate(counter, clock, ["2025-02-02"], users=50, seed=2)
    await counter.close()
    counts, stored_readers = as_dicts(read_db(db))
    assert counts == {**expected, **more}
    assert stored_readers == {**readers, **more_readers}
    assert read_db(db)["lost"] == []


async def test_unique_readers_per_day_and_language(tmp_path: Path) -> None:
    clock = Clock("2025-06-01T08:00:00")
    counter = await SQLiteCounter.open(tmp_path / "c.sqlite3", clock=clock)
    for _ in range(5):  # the same reader, again and again
        counter.record(Event.SECTION_READ, lang="ru", user_id=987654321, topic="faq")
    counter.record(
        Event.STARTED, lang="uk", user_id=987654321
    )  # switched language: counted there too
    for user in range(1, 101):
        counter.record(Event.STARTED, lang="en", user_id=user)
        counter.record(Event.CONTACTS_SHOWN, lang="en", user_id=user)
    await counter.flush()
    for user in range(50, 151):  # 50 of them seen already today, in this process
        counter.record(Event.STARTED, lang="en", user_id=user)
    await counter.close()
    _, readers = as_dicts(read_db(tmp_path / "c.sqlite3"))
    assert readers == {("2025-06-01", "ru"): 1, ("2025-06-01", "uk"): 1, ("2025-06-01", "en"): 150}


async def test_key_and_readers_are_replaced_at_the_utc_day_boundary(tmp_path: Path) -> None:
    clock = Clock("2025-03-01T23:59:59.500")
    counter = await SQLiteCounter.open(tmp_path / "c.sqlite3", clock=clock)
    counter.record(Event.STARTED, lang="ru", user_id=555)
    counter.record(Event.STARTED, lang="ru", user_id=555)
    key = counter._key
    assert len(key) == 32
    clock.now = utc("2025-03-02T00:00:00.100")
    counter.record(Event.STARTED, lang="ru", user_id=555)
    assert counter._key != key
    assert sum(len(s) for s in counter._seen.values()) == 1  # yesterday's hashes are gone
    counter.record(Event.SECTION_READ, lang="ru", user_id=555, topic="faq")
    await counter.close()
    counts, readers = as_dicts(read_db(tmp_path / "c.sqlite3"))
    assert readers == {("2025-03-01", "ru"): 1, ("2025-03-02", "ru"): 1}
    assert counts == {
        ("2025-03-01", "ru", "start", ""): 2,
        ("2025-03-02", "ru", "start", ""): 1,
        ("2025-03-02", "ru", "section", "faq"): 1,
    }


async def test_days_are_utc_dates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: local date is a day ahead
    time.tzset()
    try:
        clock = Clock("2025-12-31T12:00:00")
        counter = await SQLiteCounter.open(tmp_path / "c.sqlite3", clock=clock)
        counter.record(Event.STARTED, lang="ru", user_id=1)
        await counter.close()
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert read_db(tmp_path / "c.sqlite3")["counts"] == [("2025-12-31", "ru", "start", "", 1)]


async def test_bad_values_never_raise_and_never_reach_disk(tmp_path: Path) -> None:
    counter = await SQLiteCounter.open(tmp_path / "c.sqlite3")
    counter.record("no-such-event", lang="ru", user_id=1)  # type: ignore[arg-type]  # on purpose: a wrong value from a handler
    counter.record(Event.STARTED, lang="Иван Петров", user_id=2)
    counter.record(Event.STARTED, lang=None, user_id=None)  # type: ignore[arg-type]  # on purpose: a wrong value from a handler
    counter.record(Event.SECTION_READ, lang="ru", user_id=3, topic="my phone is +79991234567")
    counter.record(Event.SECTION_READ, lang="pt_BR", user_id=4, topic="faq")
    await counter.close()
    counter.record(Event.STARTED, lang="ru", user_id=5)  # after close: dropped, no exception
    counts, readers = as_dicts(read_db(tmp_path / "c.sqlite3"))
    assert counts[(counter._day, UNKNOWN, "start", "")] == 2
    assert counts[(counter._day, "ru", "section", UNKNOWN)] == 1
    assert counts[(counter._day, "pt-br", "section", "faq")] == 1
    assert readers[(counter._day, UNKNOWN)] == 1  # user_id None is not a reader
    assert read_db(tmp_path / "c.sqlite3")["lost"] == [(counter._day, 1)]  # the unknown event
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert "Иван".encode() not in raw and b"79991234567" not in raw


async def test_an_event_that_cannot_be_counted_is_lost_said_and_never_raises(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="storage")
    ticks = iter([RuntimeError("the clock failed")])

    def clock() -> float:  # fails on its first reading: no day is known yet
        if (tick := next(ticks, None)) is not None:
            raise tick
        return time.time()

    counter = SQLiteCounter(tmp_path / "c.sqlite3", clock=clock)
    counter.record(Event.STARTED, lang="ru", user_id=1)
    assert counter._lost == {"1970-01-01": 1}  # the epoch's day stands for "unknown"
    assert [r.getMessage() for r in caplog.records if r.name == "storage"] == [
        "dropping increments: an event could not be counted"
    ]

    class Broken(logging.Filter):  # even the log failing does not reach the conversation
        def filter(self, record: logging.LogRecord) -> bool:
            raise RuntimeError("the log failed")

    broken = Broken()
    logging.getLogger("storage").addFilter(broken)
    try:
        counter._drops_logged.clear()
        counter.record("no-such-event", lang="ru", user_id=1)  # type: ignore[arg-type]  # on purpose
    finally:
        logging.getLogger("storage").removeFilter(broken)


class SharedStandIn:
    """`SharedReaders` as the counter sees it (tests/test_redis.py runs the real one on Redis):
    told the ids seen since the last flush, answers how many are new today."""

    def __init__(self) -> None:
        self.calls: list[dict[tuple[str, str, str], set[int]]] = []
        self.known: set[tuple[str, str, str, int]] = set()

    async def add(
        self, seen: dict[tuple[str, str, str], set[int]]
    ) -> dict[tuple[str, str, str], int]:
        self.calls.append({key: set(ids) for key, ids in seen.items()})
        grown = {}
        for key, ids in seen.items():
            new = {(*key, user_id) for user_id in ids} - self.known
            self.known |= new
            grown[key] = len(new)
        return grown


async def test_shared_readers_get_each_id_once_per_flush_up_to_the_cap(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="storage")
    shared = SharedStandIn()
    counter = SQLiteCounter(
        tmp_path / "c.sqlite3",
        max_readers=3,
        shared_readers=shared,  # type: ignore[arg-type]
    )
    for user_id in (11, 12, 11, 13, 12, 14, 15, 11):
        counter.record(Event.STARTED, lang="ru", user_id=user_id)
    counter.record(Event.STARTED, lang="uk", user_id=11)  # over the cap too: 3 ids already
    day = counter.today().isoformat()
    assert await counter.flush()
    assert shared.calls == [{(day, "ru", "default"): {11, 12, 13}}]
    assert await counter.flush()  # nothing new: Redis is not asked
    assert len(shared.calls) == 1
    await counter.close()
    db = read_db(tmp_path / "c.sqlite3")
    assert db["readers"] == [(day, "ru", 3)]
    assert db["lost"] == [(day, 3)]  # 14, 15, and 11 in Ukrainian
    assert [r.getMessage() for r in caplog.records if r.name == "storage"] == [
        "dropping increments: too many distinct readers in one flush to count them all"
    ]


def test_a_reader_that_finds_the_pending_table_full_is_lost_today(tmp_path: Path) -> None:
    counter = SQLiteCounter(tmp_path / "c.sqlite3", max_pending=1)
    counter.record(Event.STARTED, lang="ru", user_id=1)  # the count fits, its reader does not
    assert counter._lost == {counter.today().isoformat(): 1}


async def test_record_is_cheap() -> None:
    counter = SQLiteCounter("unused.sqlite3")  # never started: memory only
    n = 20_000
    began = time.perf_counter()
    for i in range(n):
        counter.record(Event.SECTION_READ, lang="ru", user_id=10_000_000 + i, topic="faq")
    per_call = (time.perf_counter() - began) / n
    assert per_call < 50e-6, per_call  # measured about 4 µs


# -- nothing identifying at rest -----------------------------------------------------------------
USER_IDS = [987654321, 5123456789, 123456789012, 424242424]


def identifying_patterns(user_id: int, key: bytes | None = None) -> dict[str, bytes]:
    text = str(user_id).encode()
    found = {"decimal": text}
    for size in (4, 8):
        for order in ("little", "big"):
            try:
                found[f"{size}-byte {order}"] = user_id.to_bytes(size, order)
            except OverflowError:
                continue
    for name in ("sha256", "md5", "sha1", "blake2b", "blake2s"):
        digest = hashlib.new(name, text).digest()
        found[f"{name}"] = digest
        found[f"{name} hex"] = digest.hex().encode()
        found[f"{name} prefix"] = digest[:8]
        found[f"{name} hex prefix"] = digest.hex()[:16].encode()
    if key is not None:  # the counter's own keyed hash, as it would look if it were ever written
        tag = hashlib.blake2b(
            user_id.to_bytes(16, "big", signed=True), key=key, digest_size=8
        ).digest()
        found["keyed"] = tag
        found["keyed le"] = tag[::-1]
        found["keyed hex"] = tag.hex().encode()
    return found


def assert_nothing_identifying(directory: Path, key: bytes | None = None) -> None:
    files = [p for p in directory.rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        for user_id in USER_IDS:
            for name, pattern in identifying_patterns(user_id, key).items():
                assert pattern not in data, f"{name} of a user id in {path.name}"


async def test_nothing_identifying_at_rest(tmp_path: Path) -> None:
    directory = tmp_path / "db"
    directory.mkdir()
    counter = await SQLiteCounter.open(directory / "counts.sqlite3", flush_interval=3600)
    for user_id in USER_IDS:
        for event in Event:
            counter.record(
                event,
                lang="ru",
                user_id=user_id,
                topic="faq" if event == Event.SECTION_READ else "",
            )
    key = counter._key
    await counter.flush()
    names = {p.name for p in directory.iterdir()}
    assert {"counts.sqlite3", "counts.sqlite3-wal", "counts.sqlite3-shm"} <= names
    assert_nothing_identifying(directory, key)  # while the WAL holds the latest writes
    await counter.close()
    assert_nothing_identifying(directory, key)
    assert read_db(directory / "counts.sqlite3")["readers"] == [(counter._day, "ru", len(USER_IDS))]


async def test_the_schema_cannot_hold_an_identifier_or_a_time(tmp_path: Path) -> None:
    counter = await SQLiteCounter.open(tmp_path / "c.sqlite3")
    counter.record(Event.STARTED, lang="ru", user_id=987654321)
    await counter.close()
    db = sqlite3.connect(tmp_path / "c.sqlite3")
    objects = db.execute("SELECT type, name FROM sqlite_master").fetchall()
    tables = sorted(name for kind, name in objects if kind == "table")
    assert tables == sorted(schema.COLUMNS)
    assert {kind for kind, _ in objects} <= {"table", "index"}  # no triggers, no views
    for table, columns in schema.COLUMNS.items():
        live = tuple((row[1], row[2]) for row in db.execute(f"PRAGMA table_info({table})"))
        assert live == columns
        names = {name for name, _ in columns}
        assert names <= {"day", "lang", "audience", "event", "topic", "n"}, (
            "a new column: could it identify?"
        )
    # Days are dates, never a time; constraints refuse anything else.
    for table in schema.COLUMNS:
        for (day,) in db.execute(f"SELECT day FROM {table}"):
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", day)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO counts VALUES ('2025-01-01 12:00', 'ru', 'default', 'start', '', 1)"
        )
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO readers VALUES ('2025-01-01T12:00:00', 'ru', 'default', 1)")
    with pytest.raises(sqlite3.IntegrityError):  # an audience is a short code, never free text
        db.execute(
            "INSERT INTO counts VALUES ('2025-01-01', 'ru', '" + "x" * 17 + "', 'start', '', 1)"
        )
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


async def test_files_are_private(tmp_path: Path) -> None:
    db = tmp_path / "counts.sqlite3"
    counter = await SQLiteCounter.open(db)
    counter.record(Event.STARTED, lang="ru", user_id=1)
    await counter.flush()
    files = [p for p in tmp_path.iterdir() if p.name.startswith("counts.sqlite3")]
    assert len(files) == 3  # the database, -wal, -shm
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    await counter.close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


async def test_an_existing_file_is_made_private(tmp_path: Path) -> None:
    db = tmp_path / "counts.sqlite3"
    db.touch(mode=0o644)
    os.chmod(db, 0o644)
    counter = await SQLiteCounter.open(db)
    await counter.close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


async def test_schema_migrations_run_once(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    for _ in range(2):
        counter = await SQLiteCounter.open(db)
        counter.record(Event.STARTED, lang="ru", user_id=1)
        await counter.close()
    assert read_db(db)["counts"][0][-1] == 2
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
    raw.close()


# -- flushing ------------------------------------------------------------------------------------
async def test_flushes_at_least_once_a_second(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    counter = await SQLiteCounter.open(db)  # the default interval
    try:
        for round_ in range(3):
            counter.record(Event.STARTED, lang="ru", user_id=round_)
            began = time.monotonic()
            while read_db(db)["counts"] == [] or read_db(db)["counts"][0][-1] != round_ + 1:
                assert time.monotonic() - began < 1.0, "not written within a second"
                await asyncio.sleep(0.02)
    finally:
        await counter.close()


async def test_close_writes_everything(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    counter = await SQLiteCounter.open(db, flush_interval=3600)
    for user in range(1000):
        counter.record(Event.SECTION_READ, lang="uk", user_id=user, topic=SECTIONS[user % 7])
    assert read_db(db)["counts"] == []
    await counter.close()
    counts, readers = as_dicts(read_db(db))
    assert sum(counts.values()) == 1000
    assert readers == {(counter._day, "uk"): 1000}
    assert (
        not (tmp_path / "c.sqlite3-wal").exists()
        or (tmp_path / "c.sqlite3-wal").stat().st_size == 0
    )


async def test_async_with(tmp_path: Path) -> None:
    async with SQLiteCounter(tmp_path / "c.sqlite3", flush_interval=3600) as counter:
        counter.record(Event.ERASED, lang="ru", user_id=1)
    assert read_db(tmp_path / "c.sqlite3")["counts"][0][2:] == ("erase", "", 1)


async def test_report_writes_pending_first(tmp_path: Path) -> None:
    counter = await SQLiteCounter.open(tmp_path / "c.sqlite3", flush_interval=3600)
    counter.record(Event.STARTED, lang="ru", user_id=1)
    counter.record(Event.ROLE_CHOSEN, lang="ru", user_id=1, topic="relative")
    counter.record(Event.STARTED, lang="ko", audience="dprk", user_id=2)
    totals = await counter.report(Period())
    assert totals.events == {
        ("ru", "default", "start", ""): 1,
        ("ru", "default", "role", "relative"): 1,
        ("ko", "dprk", "start", ""): 1,
    }
    assert totals.readers == {("ru", "default"): 1, ("ko", "dprk"): 1}
    assert totals.readers_by_audience() == {"default": 1, "dprk": 1}
    await counter.close()


async def test_the_audience_is_a_short_code_or_unknown(tmp_path: Path) -> None:
    async with SQLiteCounter(tmp_path / "c.sqlite3", flush_interval=3600) as counter:
        counter.record(Event.STARTED, lang="ru", audience="foreign", user_id=1)
        counter.record(Event.STARTED, lang="ru", audience="Ivan Petrov +79161234567", user_id=2)
        counter.record(Event.STARTED, lang="ru", audience=None, user_id=3)  # type: ignore[arg-type]  # on purpose: a wrong value from a handler
    db = sqlite3.connect(tmp_path / "c.sqlite3")
    rows = dict(db.execute("SELECT audience, n FROM counts"))
    readers = dict(db.execute("SELECT audience, n FROM readers"))
    db.close()
    assert rows == {"foreign": 1, "und": 2} == readers


async def test_a_version_1_database_gains_the_audience_and_keeps_its_counts(
    tmp_path: Path,
) -> None:
    """Counts kept before audiences existed belong to the default one: every reader read it."""
    path = tmp_path / "c.sqlite3"
    raw = sqlite3.connect(path, isolation_level=None)
    for statement in schema.MIGRATIONS[0]:
        raw.execute(statement)
    raw.execute("INSERT INTO counts VALUES ('2025-01-01', 'ko', 'section', 'faq', 7)")
    raw.execute("INSERT INTO readers VALUES ('2025-01-01', 'ko', 3)")
    raw.execute("INSERT INTO lost VALUES ('2025-01-01', 1)")
    raw.execute("PRAGMA user_version = 1")
    raw.close()
    async with SQLiteCounter(path, clock=Clock("2025-01-01T10:00:00"), flush_interval=3600) as c:
        c.record(Event.SECTION_READ, lang="ko", audience="dprk", user_id=1, topic="faq")
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION == 2
    counts = sorted(db.execute("SELECT day, lang, audience, event, topic, n FROM counts"))
    readers = sorted(db.execute("SELECT day, lang, audience, n FROM readers"))
    lost = db.execute("SELECT day, n FROM lost").fetchall()
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    assert counts == [
        ("2025-01-01", "ko", "default", "section", "faq", 7),
        ("2025-01-01", "ko", "dprk", "section", "faq", 1),
    ]
    assert readers == [("2025-01-01", "ko", "default", 3), ("2025-01-01", "ko", "dprk", 1)]
    assert lost == [("2025-01-01", 1)]
    assert not {"counts_v2", "readers_v2"} & tables


# -- outages -------------------------------------------------------------------------------------
def storage_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "storage" and r.levelno >= logging.ERROR]


def assert_no_user_data(caplog: pytest.LogCaptureFixture, user_ids: list[int]) -> None:
    text = caplog.text + " ".join(str(r.args) for r in caplog.records)
    for user_id in user_ids:
        assert str(user_id) not in text


async def wait_for(condition: Callable[[], object], timeout: float = 10.0) -> None:
    began = time.monotonic()
    while not condition():
        assert time.monotonic() - began < timeout
        await asyncio.sleep(0.05)


async def test_a_locked_database_never_stops_counting(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    db = tmp_path / "c.sqlite3"
    counter = await SQLiteCounter.open(db, flush_interval=0.05)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    users = [987654321 + i for i in range(200)]
    for user in users:
        counter.record(Event.STARTED, lang="ru", user_id=user)
        await asyncio.sleep(0.005)  # about a second of traffic while locked
    await asyncio.sleep(0.5)
    errors = storage_errors(caplog)
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert "locked" in errors[0].getMessage()
    other.execute("ROLLBACK")
    other.close()
    await wait_for(lambda: as_dicts(read_db(db))[0].get((counter._day, "ru", "start", "")) == 200)
    assert any("written again" in r.getMessage() for r in caplog.records if r.name == "storage")
    await counter.close()
    assert as_dicts(read_db(db))[1] == {(counter._day, "ru"): 200}
    assert len(storage_errors(caplog)) == 1
    assert_no_user_data(caplog, users)


async def test_a_full_database_keeps_counts_in_memory(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """max_page_count makes the file "full" for every connection the counter opens."""
    caplog.set_level(logging.DEBUG)
    db = tmp_path / "c.sqlite3"
    counter = await SQLiteCounter.open(db, flush_interval=0.05)
    counter.record(Event.STARTED, lang="ru", user_id=1)
    await counter.flush()
    full = (*schema.WRITER_PRAGMAS, "PRAGMA max_page_count = 1")  # = the current size
    monkeypatch.setattr(schema, "WRITER_PRAGMAS", full)
    await counter._db.execute("PRAGMA max_page_count = 1")  # type: ignore[union-attr]  # open: its connection exists
    for user in range(2, 3000):  # enough distinct rows to need new pages
        counter.record(Event.SECTION_READ, lang="ru", user_id=user, topic=f"s{user}")
    await asyncio.sleep(1.0)
    errors = storage_errors(caplog)
    assert len(errors) == 1 and "full" in errors[0].getMessage(), [e.getMessage() for e in errors]
    assert counter.pending
    monkeypatch.setattr(schema, "WRITER_PRAGMAS", full[:-1])  # the disk has room again
    await wait_for(lambda: not counter.pending)
    await counter.close()
    counts, _ = as_dicts(read_db(db))
    assert sum(counts.values()) == 2999
    assert len(storage_errors(caplog)) == 1


async def test_memory_is_bounded_during_an_outage(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "c.sqlite3"
    counter = await SQLiteCounter.open(db, flush_interval=0.05, max_pending=10)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    for i in range(20):  # 20 distinct keys, and one reader key
        counter.record(Event.SECTION_READ, lang="ru", user_id=1, topic=f"s{i}")
    for _ in range(5):  # existing keys still count
        counter.record(Event.SECTION_READ, lang="ru", user_id=1, topic="s0")
    assert len(counter._counts) + len(counter._readers) == 10
    other.execute("ROLLBACK")
    other.close()
    await counter.close()
    counts, readers = as_dicts(read_db(db))
    assert counts[(counter._day, "ru", "section", "s0")] == 6
    assert sum(counts.values()) == 6 + 8  # 9 counts keys + 1 readers key fit
    assert readers == {(counter._day, "ru"): 1}
    assert read_db(db)["lost"] == [(counter._day, 11)]
    drops = [r for r in caplog.records if "dropping" in r.getMessage()]
    assert len(drops) == 1


async def test_a_file_that_is_not_the_bots_is_never_moved_or_changed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    notes = tmp_path / "counts.sqlite3"
    garbage = b"this is not a database, but somebody's notes\n" * 200
    notes.write_bytes(garbage)
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:  # another application's SQLite file
        connection.execute("CREATE TABLE users (name TEXT)")
    connection.close()
    before = other.read_bytes()
    for path in (notes, other):
        counter = await SQLiteCounter.open(path, flush_interval=0.05)
        counter.record(Event.STARTED, lang="ru", user_id=987654321)
        await asyncio.sleep(0.1)
        await counter.close()
    assert notes.read_bytes() == garbage and other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counts.sqlite3", "other.sqlite3"]
    errors = [r.getMessage() for r in storage_errors(caplog)]
    assert "not an SQLite database" in errors[0] and "another application's" in errors[2]
    assert_no_user_data(caplog, [987654321])


def damaged(path: Path, noise: bytes) -> bytes:
    """The bot's own database with its pages after the header overwritten: a damaged file that
    is still recognisably the bot's."""
    schema.prepare(path)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    data = bytearray(path.read_bytes())
    data[100:] = (noise * len(data))[: len(data) - 100]
    path.write_bytes(bytes(data))
    for side in schema.sidecars(path)[1:]:
        side.unlink(missing_ok=True)
    return bytes(data)


async def test_a_damaged_database_is_moved_aside(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "counts.sqlite3"
    counter = await SQLiteCounter.open(db)
    for i in range(2000):
        counter.record(Event.SECTION_READ, lang="ru", user_id=i, topic=f"s{i}")
    await counter.close()
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    data[2 * page + 100 : 3 * page] = os.urandom(page - 100)  # a b-tree page full of noise
    db.write_bytes(bytes(data))
    counter = await SQLiteCounter.open(db)
    counter.record(Event.STARTED, lang="ru", user_id=1)
    await counter.close()
    assert (tmp_path / f"counts.sqlite3.corrupt-{counter._day}").read_bytes() == bytes(data)
    assert read_db(db)["counts"] == [(counter._day, "ru", "start", "", 1)]
    assert any("moved it aside" in r.getMessage() for r in storage_errors(caplog))


async def test_a_second_corrupt_file_does_not_overwrite_the_first(tmp_path: Path) -> None:
    db = tmp_path / "counts.sqlite3"
    kept = []
    for noise in (b"first", b"second"):
        kept.append(damaged(db, noise))
        counter = await SQLiteCounter.open(db)
        await counter.close()
    day = counter.today().isoformat()
    assert (tmp_path / f"counts.sqlite3.corrupt-{day}").read_bytes() == kept[0]
    assert (tmp_path / f"counts.sqlite3.corrupt-{day}-2").read_bytes() == kept[1]


async def test_an_unusable_path_counts_in_memory(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    where = tmp_path / "a-directory"
    where.mkdir()
    counter = await SQLiteCounter.open(where, flush_interval=0.05)
    for user in range(10):
        counter.record(Event.STARTED, lang="ru", user_id=987654321 + user)
    await asyncio.sleep(0.3)
    assert counter.pending
    await counter.close()
    errors = storage_errors(caplog)
    assert len(errors) == 2  # the outage, and what close() could not write
    assert "cannot write the counts" in errors[0].getMessage()
    assert "10 counted events unwritten" in errors[1].getMessage()
    assert_no_user_data(caplog, [987654321 + user for user in range(10)])


async def test_a_newer_schema_is_left_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "c.sqlite3"
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA user_version = {schema.VERSION + 1}")
    raw.close()
    before = db.read_bytes()
    counter = await SQLiteCounter.open(db, flush_interval=0.05)
    counter.record(Event.STARTED, lang="ru", user_id=1)
    await asyncio.sleep(0.2)
    await counter.close()
    assert "newer than this bot" in storage_errors(caplog)[0].getMessage()
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION + 1
    assert raw.execute("SELECT name FROM sqlite_master").fetchall() == []
    raw.close()
    assert not list(tmp_path.glob("*.corrupt-*"))
    assert len(before) == 0 or db.read_bytes()[:100] == before[:100]


# -- one bad row never blocks the others -----------------------------------------------------------
async def test_a_row_the_schema_refuses_is_dropped_and_the_rest_are_written(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "c.sqlite3"
    counter = await SQLiteCounter.open(db, flush_interval=3600)
    too_long = "abc-abcdefgh-abcdefgh"  # looks like a language tag, longer than the schema allows
    for user in range(3):
        counter.record(Event.STARTED, lang=too_long, user_id=user)
        counter.record(Event.STARTED, lang="ru", user_id=user)
    assert await counter.flush()
    counter.record(Event.ERASED, lang="uk", user_id=9)
    await counter.close()
    counts, readers = as_dicts(read_db(db))
    day = counter._day
    assert counts == {(day, "ru", "start", ""): 3, (day, "uk", "erase", ""): 1}
    assert readers == {(day, "ru"): 3, (day, "uk"): 1}
    assert read_db(db)["lost"] == [(day, 3)]  # counted as dropped
    causes = [r.getMessage() for r in caplog.records if "dropping" in r.getMessage()]
    assert len(causes) == 1 and "language" in causes[0], causes  # the cause, once
    assert too_long not in caplog.text


async def test_a_row_refused_at_write_time_does_not_stop_the_rest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "c.sqlite3"
    schema.prepare(db)
    # The database refuses one row that looks fine here (as a newer schema, or a damaged index,
    # could): the transaction must not take the others down with it, flush after flush.
    with sqlite3.connect(db) as connection:
        connection.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON counts WHEN NEW.topic = 'faq' "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    counter = await SQLiteCounter.open(db, flush_interval=3600)
    counter.record(Event.SECTION_READ, lang="ru", user_id=1, topic="faq")
    counter.record(Event.SECTION_READ, lang="ru", user_id=1, topic="about")
    assert await counter.flush()
    counter.record(Event.SECTION_READ, lang="ru", user_id=2, topic="faq")
    counter.record(Event.SECTION_READ, lang="uk", user_id=2, topic="how")
    assert await counter.flush()
    await counter.close()
    counts, readers = as_dicts(read_db(db))
    day = counter._day
    assert counts == {(day, "ru", "section", "about"): 1, (day, "uk", "section", "how"): 1}
    assert readers == {(day, "ru"): 2, (day, "uk"): 1}
    assert read_db(db)["lost"] == [(day, 2)]
    causes = [r.getMessage() for r in caplog.records if "dropping" in r.getMessage()]
    assert len(causes) == 1 and "refused" in causes[0], causes  # the cause, logged once


def test_the_row_check_agrees_with_the_schema(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    schema.prepare(db)
    rows = [
        ("2025-01-01", "a" * 16, "u" * 16, "e" * 16, "t" * 40),
        ("2025-01-01", "a" * 17, "default", "start", ""),
        ("2025-01-01", "", "default", "start", ""),
        ("2025-01-01", "ru", "u" * 17, "start", ""),
        ("2025-01-01", "ru", "", "start", ""),
        ("2025-01-01", "ru", "default", "e" * 17, ""),
        ("2025-01-01", "ru", "default", "", ""),
        ("2025-01-01", "ru", "default", "start", "t" * 41),
        ("2025-1-01", "ru", "default", "start", ""),
        ("12:00", "ru", "default", "start", ""),
    ]
    with sqlite3.connect(db) as connection:
        for row in rows:
            try:
                connection.execute("INSERT INTO counts VALUES (?, ?, ?, ?, ?, 1)", row)
                accepted = True
            except sqlite3.IntegrityError:
                accepted = False
            assert (schema.count_row_problem(*row) is None) == accepted, row


# -- shutdown ---------------------------------------------------------------------------------------
async def test_a_second_close_waits_for_the_first(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    counter = await SQLiteCounter.open(db, flush_interval=3600)
    for user in range(2000):
        counter.record(Event.STARTED, lang="ru", user_id=user)
    first = asyncio.create_task(counter.close())
    await asyncio.sleep(0)  # the first close is under way
    await counter.close()  # returns only once everything is written
    assert as_dicts(read_db(db))[0] == {(counter._day, "ru", "start", ""): 2000}
    await first

"""The counter's flush and its log at their edges (storage/counts.py): what an outage drops is
said once, in words that name no reader, and the number dropped is told when writing works again.
The counts themselves are tested in tests/test_counts.py, privacy in tests/test_privacy.py."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sqlite3
from pathlib import Path

import pytest

from storage import Event, SQLiteCounter, schema


def storage_log(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "storage"]


async def test_what_an_outage_drops_is_logged_once_and_counted_when_writing_works_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="storage")
    db = tmp_path / "c.sqlite3"
    counter = await SQLiteCounter.open(db, flush_interval=60, max_pending=10)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    for i in range(20):  # 20 keys, and one reader key: 11 do not fit
        counter.record(Event.SECTION_READ, lang="ru", user_id=1, topic=f"s{i}")
    assert not await counter.flush()
    other.execute("ROLLBACK")
    other.close()
    assert await counter.flush()
    await counter.close()
    log = storage_log(caplog)
    assert log[0] == "dropping increments: too many increments waiting for the database"
    assert log[1].startswith("cannot write the counts (OperationalError: database is locked)")
    assert log[2] == (
        "counts are written again (the database had failed with OperationalError: database is "
        "locked); 11 increments were dropped meanwhile"
    )
    assert len(log) == 3


async def test_a_refused_row_is_logged_with_the_databases_reason_and_lost_rows_apart(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="storage")
    db = tmp_path / "c.sqlite3"
    schema.prepare(db)
    with sqlite3.connect(db) as connection:
        connection.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON counts WHEN NEW.topic = 'faq' "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
        connection.execute(
            "CREATE TRIGGER refuse_lost BEFORE INSERT ON lost BEGIN SELECT RAISE(ABORT, 'no'); END"
        )
    connection.close()
    counter = await SQLiteCounter.open(db, flush_interval=3600)
    counter.record(Event.SECTION_READ, lang="ru", user_id=1, topic="faq")
    assert await counter.flush()  # the count is refused: one increment lost
    assert await counter.flush()  # and the lost increment itself is refused
    assert not counter.pending
    await counter.close()
    assert storage_log(caplog) == [
        "dropping increments: the database refused a row (refused)",
        "the database refused 1 lost increments (no)",
    ]


async def test_a_refused_row_loses_every_increment_it_held(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    schema.prepare(db)
    with sqlite3.connect(db) as connection:
        connection.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON counts WHEN NEW.topic = 'faq' "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    connection.close()
    counter = await SQLiteCounter.open(db, flush_interval=3600)
    for user_id in (1, 2, 3):
        counter.record(Event.SECTION_READ, lang="ru", user_id=user_id, topic="faq")
    assert await counter.flush()  # one row, three increments: all three lost
    assert await counter.flush()
    await counter.close()
    with sqlite3.connect(db) as connection:
        lost = connection.execute("SELECT day, n FROM lost").fetchall()
    connection.close()
    assert lost == [(counter.today().isoformat(), 3)]


async def test_each_outage_is_said_once_and_its_end_once_with_its_own_drops(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="storage")
    db = tmp_path / "c.sqlite3"
    counter = await SQLiteCounter.open(db, flush_interval=3600, max_pending=1)
    assert await counter.flush()  # nothing pending: nothing to fail at
    for drops in (1, 0):  # the first outage drops an increment, the second none
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        counter.record(Event.STARTED, lang="ru", user_id=None)  # type: ignore[arg-type]
        if drops:
            counter.record(Event.STARTED, lang="uk", user_id=None)  # type: ignore[arg-type]
        assert not await counter.flush()
        other.execute("ROLLBACK")
        other.close()
        assert await counter.flush()
        counter.record(Event.STARTED, lang="ru", user_id=None)  # type: ignore[arg-type]
        assert await counter.flush()  # an ordinary flush after the outage: nothing to say
    await counter.close()
    log = [line for line in storage_log(caplog) if not line.startswith("dropping")]
    locked = "OperationalError: database is locked"
    assert log == [
        f"cannot write the counts ({locked}): keeping them in memory and retrying",
        f"counts are written again (the database had failed with {locked}); 1 increments "
        "were dropped meanwhile",
        f"cannot write the counts ({locked}): keeping them in memory and retrying",
        f"counts are written again (the database had failed with {locked}); 0 increments "
        "were dropped meanwhile",
    ]


async def test_distinct_readers_are_counted_up_to_the_cap_then_dropped_and_said_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="storage")
    counter = SQLiteCounter(tmp_path / "c.sqlite3", max_readers=3)
    for user_id in (11, 12, 11, 13, 14, 15, 12):
        counter.record(Event.STARTED, lang="ru", user_id=user_id)
    [(key, n)] = counter._readers.items()
    assert key[1:] == ("ru", "default") and n == 3  # 11, 12, 13; 14 and 15 over the cap
    assert counter._lost == {key[0]: 2}
    assert storage_log(caplog) == [
        "dropping increments: too many distinct readers today to count them all"
    ]


def test_readers_are_told_apart_by_a_keyed_8_byte_hash_new_each_day(tmp_path: Path) -> None:
    one, other = SQLiteCounter(tmp_path / "a"), SQLiteCounter(tmp_path / "b")
    for counter in (one, other):
        counter.record(Event.STARTED, lang="ru", user_id=987654321)
    [tags] = one._seen.values()
    [[tag]] = [list(tags)]
    unkeyed = hashlib.blake2b((987654321).to_bytes(16, "big", signed=True), digest_size=8)
    assert tag != int.from_bytes(unkeyed.digest(), "big")  # not guessable from the id alone
    assert tag < 2**64  # 8 bytes a reader
    assert one._seen != other._seen  # each key its own: nothing to match across processes


async def test_after_close_nothing_more_is_counted_and_that_is_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="storage")
    never_started = SQLiteCounter(tmp_path / "c.sqlite3")
    await never_started.close()  # a counter that never ran closes too
    never_started.record(Event.STARTED, lang="ru", user_id=1)
    assert never_started._counts == {} and never_started._readers == {}
    assert never_started._lost == {never_started.today().isoformat(): 1}  # charged to today
    assert storage_log(caplog) == ["dropping increments: record() after close()"]


async def test_closing_with_the_database_out_of_reach_says_how_much_is_lost(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="storage")
    counter = await SQLiteCounter.open(tmp_path / "missing" / "c.sqlite3", flush_interval=3600)
    counter.record(Event.STARTED, lang="ru", user_id=1)
    counter.record(Event.STARTED, lang="uk", user_id=2)
    await counter.close()
    assert storage_log(caplog)[-1] == (
        "closing with 2 counted events unwritten: the database is unavailable"
    )


async def test_close_returns_even_when_the_checkpoint_and_the_close_fail(tmp_path: Path) -> None:
    counter = await SQLiteCounter.open(tmp_path / "c.sqlite3", flush_interval=3600)
    db = counter._db
    assert db is not None
    real_close = db.close
    failures: list[str] = []

    async def fail(*args: object) -> None:
        failures.append("fail")
        raise sqlite3.OperationalError("disk I/O error")

    db.execute = fail  # type: ignore[method-assign, assignment]
    db.close = fail  # type: ignore[method-assign]
    try:
        await counter.close()  # nothing pending: only the checkpoint and the close are tried
    finally:
        await real_close()
    assert failures == ["fail", "fail"]


async def test_close_leaves_no_write_ahead_log_behind_even_while_someone_reads(
    tmp_path: Path,
) -> None:
    db = tmp_path / "c.sqlite3"
    counter = await SQLiteCounter.open(db, flush_interval=3600)
    counter.record(Event.STARTED, lang="ru", user_id=1)
    assert await counter.flush()
    reader = sqlite3.connect(db)  # the operator's /stats, say: the log is not removed on close
    reader.execute("SELECT count(*) FROM counts").fetchall()
    try:
        await counter.close()
        wal = db.with_name(db.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0
    finally:
        reader.close()


async def test_close_tries_a_locked_database_ten_times_a_fifth_of_a_second_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = SQLiteCounter(tmp_path / "c.sqlite3")
    attempts: list[str] = []
    slept: list[float] = []

    async def flush() -> bool:
        attempts.append("flush")
        counter._busy = True  # another writer holds the lock
        return False

    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(counter, "flush", flush)
    monkeypatch.setattr(asyncio, "sleep", sleep)  # the one the counter calls
    await counter.close()
    assert len(attempts) == 10 and slept == [0.2] * 10


async def test_close_stops_trying_once_a_flush_works_or_the_failure_is_not_a_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for busy_before, result in ((True, True), (False, False)):
        counter = SQLiteCounter(tmp_path / f"{busy_before}.sqlite3")
        counter._busy = busy_before  # the last failure, if any, was a lock
        attempts: list[bool] = []

        async def flush(result: bool = result, attempts: list[bool] = attempts) -> bool:
            attempts.append(result)
            return result

        monkeypatch.setattr(counter, "flush", flush)
        await counter.close()
        assert attempts == [result]

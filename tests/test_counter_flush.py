"""The counter's flush and its log at their edges (storage/counts.py): what an outage drops is
said once, in words that name no reader, and the number dropped is told when writing works again.
The counts themselves are tested in tests/test_counts.py, privacy in tests/test_privacy.py."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from storage import Event, SQLiteCounter


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

"""A counting process killed with SIGKILL loses at most the last second and leaves a database that
opens cleanly; one stopped with SIGTERM (closing the counter, as the bot's shutdown does) loses
nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from storage import Event, SQLiteCounter

RATE = 1000  # events per second
EVERY = 20  # progress is printed every EVERY events

SCRIPT = textwrap.dedent(
    f"""
    import asyncio, signal, sys, time
    from storage import Event, SQLiteCounter

    async def main(path):
        counter = await SQLiteCounter.open(path)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        n = 0
        began = time.monotonic()
        while not stop.is_set():
            counter.record(Event.SECTION_READ, lang="ru", user_id=n % 1000, topic="faq")
            n += 1
            if n % {EVERY} == 0:
                print(n, time.monotonic(), flush=True)
            await asyncio.sleep(max(0.0, began + n / {RATE} - time.monotonic()))
        await counter.close()
        print("closed", n, flush=True)

    asyncio.run(main(sys.argv[1]))
    """
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def start(db: Path) -> subprocess.Popen[str]:
    root = Path(__file__).resolve().parents[1]
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(db)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )


def progress_until(process: subprocess.Popen[str], events: int) -> list[tuple[int, float]]:
    seen: list[tuple[int, float]] = []
    assert process.stdout is not None
    while not seen or seen[-1][0] < events:
        line = process.stdout.readline()
        assert line, "the counting process ended early"
        n, at = line.split()
        seen.append((int(n), float(at)))
    return seen


def stored(db: Path) -> int:
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return connection.execute("SELECT COALESCE(SUM(n), 0) FROM counts").fetchone()[0]
    finally:
        connection.close()


def test_sigkill_loses_at_most_the_last_second(tmp_path: Path) -> None:
    db = tmp_path / "counts.sqlite3"
    process = start(db)
    try:
        seen = progress_until(process, 3 * RATE)  # three seconds of steady counting
        killed_at = time.monotonic()
        process.send_signal(signal.SIGKILL)
        rest, _ = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    seen += [
        (int(n), float(at)) for n, at in zip(rest.split()[::2], rest.split()[1::2], strict=False)
    ]
    recorded_at_most = seen[-1][0] + EVERY - 1
    # Everything recorded more than a second before the kill must be on disk.
    a_second_before = max(n for n, at in seen if at <= killed_at - 1.0)
    kept = stored(db)
    assert a_second_before <= kept <= recorded_at_most, (a_second_before, kept, recorded_at_most)
    assert recorded_at_most - kept < 1.2 * RATE

    # And the file is usable as it is: the next start counts on from there.
    async def reopen() -> None:
        counter = await SQLiteCounter.open(db)
        counter.record(Event.STARTED, lang="ru", user_id=1)
        await counter.close()

    asyncio.run(reopen())
    assert stored(db) == kept + 1


def test_sigterm_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "counts.sqlite3"
    process = start(db)
    try:
        progress_until(process, RATE)
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    last = rest.strip().splitlines()[-1].split()
    assert last[0] == "closed"
    assert stored(db) == int(last[1])
    assert not (tmp_path / "counts.sqlite3-wal").exists()  # closed cleanly: no WAL left behind

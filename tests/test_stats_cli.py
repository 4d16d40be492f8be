"""`python -m bot stats`, and small-cell suppression that subtraction cannot undo."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import stats
from storage import Event, SQLiteCounter
from storage.report import ALL, Period, Totals, cells

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2025, 5, 20)


def at(day: date) -> float:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC).timestamp()


async def make_db(path: Path) -> None:
    """Two days: ru is busy, ko has a single reader on each day (whose texts were written for North
    Korean soldiers)."""
    now = {"t": at(date(2025, 5, 19))}
    counter = await SQLiteCounter.open(path, clock=lambda: now["t"], flush_interval=3600)
    for day in (date(2025, 5, 19), TODAY):
        now["t"] = at(day)
        for user in range(10):
            counter.record(Event.STARTED, lang="ru", user_id=1000 + user)
            counter.record(Event.SECTION_READ, lang="ru", user_id=1000 + user, topic="faq")
        counter.record(Event.STARTED, lang="ko", audience="dprk", user_id=77)
        counter.record(Event.SECTION_READ, lang="ko", audience="dprk", user_id=77, topic="faq")
    await counter.close()


def run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    stats.configure(parser)
    code = stats.main(parser.parse_args(list(argv)), today=TODAY)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "counts.sqlite3"
    await make_db(path)
    return path


def test_table(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run("--db", str(db), capsys=capsys)
    assert code == 0 and err == ""
    assert "Counts for UTC days 2025-05-19 to 2025-05-20" in out
    lines = [line.split() for line in out.splitlines()]
    assert ["ru", "default", "readers", "20"] in lines  # 10 distinct readers on each of two days
    assert ["ko", "dprk", "section", "faq", "2"] in lines
    assert [ALL, ALL, "start", "22"] in lines
    assert [ALL, ALL, "section", ALL, "22"] in lines
    # Every audience over all languages, and every language over all audiences.
    assert [ALL, "dprk", "readers", "2"] in lines
    assert ["ko", ALL, "start", "2"] in lines


def test_csv_for_one_day(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("--db", str(db), "--days", "1", "--format", "csv", capsys=capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["since"] for r in rows} == {"2025-05-20"} == {r["until"] for r in rows}
    by = {(r["lang"], r["audience"], r["event"], r["topic"]): r["count"] for r in rows}
    assert by[("ru", "default", "readers", "")] == "10"
    assert by[("ko", "dprk", "start", "")] == "1"
    assert by[(ALL, ALL, "start", "")] == "11"
    assert by[(ALL, "default", "start", "")] == "10"


def test_json_with_since_until(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        "--db",
        str(db),
        "--since",
        "2025-05-19",
        "--until",
        "2025-05-19",
        "--format",
        "json",
        capsys=capsys,
    )
    assert code == 0
    document = json.loads(out)
    assert (document["since"], document["until"], document["lost"]) == (
        "2025-05-19",
        "2025-05-19",
        0,
    )
    by = {(r["lang"], r["audience"], r["event"], r["topic"]): r["count"] for r in document["rows"]}
    assert by[("ru", "default", "start", "")] == 10 and by[("ko", "dprk", "readers", "")] == 1


def test_min_count_hides_small_cells_and_their_totals(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        "--db", str(db), "--days", "1", "--min-count", "5", "--format", "json", capsys=capsys
    )
    assert code == 0
    rows = {(r["lang"], r["audience"], r["event"], r["topic"]): r for r in json.loads(out)["rows"]}
    ko = rows[("ko", "dprk", "start", "")]
    assert (ko["count"], ko["text"], ko["low"], ko["high"]) == (None, "<5", 1, 4)
    # The audience is suppressed like the language: its total over languages is the same cell.
    assert rows[(ALL, "dprk", "start", "")]["text"] == "1..4"
    everyone = rows[(ALL, ALL, "start", "")]
    assert everyone["count"] is None and everyone["text"] == "11..14"  # 10 visible + one of 1..4
    assert rows[("ru", "default", "start", "")]["count"] == 10
    # No printed number is 1 (ko's count), and nothing printed pins it down.
    assert all(r["text"] != "1" for r in rows.values())
    code, table, _ = run("--db", str(db), "--days", "1", "--min-count", "5", capsys=capsys)
    assert 'shown as "<5"' in table and "11..14" in table


def test_missing_database_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run("--db", str(tmp_path / "nothing.sqlite3"), capsys=capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: no counts database at")
    assert not (tmp_path / "nothing.sqlite3").exists()  # read-only: not created


def test_not_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database" * 100)
    code, _, err = run("--db", str(path), capsys=capsys)
    assert code == 2 and err.startswith("error:") and err.count("\n") == 1


def test_bad_period_is_exit_2(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        "--db", str(db), "--since", "2025-05-20", "--until", "2025-05-19", capsys=capsys
    )
    assert code == 2 and "after" in err


def test_default_db_from_environment(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_DB", str(db))
    code, out, _ = run(capsys=capsys)
    assert code == 0 and "readers" in out


async def test_reads_while_the_bot_writes_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "counts.sqlite3"
    counter = await SQLiteCounter.open(path, flush_interval=3600)
    counter.record(Event.STARTED, lang="uk", user_id=5)
    await counter.flush()
    before = sqlite3.connect(path).execute("SELECT * FROM counts").fetchall()
    code, out, _ = run("--db", str(path), "--format", "json", capsys=capsys)
    assert code == 0 and json.loads(out)["rows"]
    counter.record(Event.STARTED, lang="uk", user_id=5)
    await counter.close()  # the writer is not blocked by the reader
    after = sqlite3.connect(path).execute("SELECT n FROM counts").fetchall()
    assert before[0][-1] == 1 and after == [(2,)]


def test_python_dash_m_bot_stats(db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "stats", "--db", str(db), "--format", "csv"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("since,until,lang,audience,event,topic,count,low,high")
    missing = subprocess.run(
        [sys.executable, "-m", "bot", "stats", "--db", str(db) + ".nope"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert missing.returncode == 2 and missing.stderr.startswith("error:")


# -- the suppression property --------------------------------------------------------------------
LANGS = st.sampled_from(["ru", "uk", "en", "ko", "uz"])
AUDIENCES = st.sampled_from(["default", "dprk", "foreign"])
KEYS = st.tuples(
    LANGS,
    AUDIENCES,
    st.sampled_from(["start", "role", "section"]),
    st.sampled_from(["", "a", "b"]),
)
TABLES = st.tuples(
    st.dictionaries(KEYS, st.integers(0, 30), max_size=25),
    st.dictionaries(st.tuples(LANGS, AUDIENCES), st.integers(0, 30)),
)


@settings(max_examples=300, deadline=None)
@given(table=TABLES, k=st.integers(2, 10), data=st.data())
def test_what_is_printed_does_not_depend_on_hidden_values(
    table: tuple[dict[tuple[str, str, str, str], int], dict[tuple[str, str], int]],
    k: int,
    data: st.DataObject,
) -> None:
    """Change every hidden count to any other value it could have: not one printed cell changes.
    So no subtraction of printed numbers can recover a hidden count."""
    events, readers = table
    original = Totals(Period(), dict(events), dict(readers))

    def other(n: int) -> int:
        return data.draw(st.integers(1, k - 1)) if 0 < n < k else n

    changed = Totals(
        Period(),
        {key: other(n) for key, n in events.items()},
        {key: other(n) for key, n in readers.items()},
    )
    assert cells(original, k) == cells(changed, k)
    # And the printed ranges are true.
    exact = {(r.lang, r.audience, r.event, r.topic): r.cell for r in cells(original, 0)}
    for row in cells(original, k):
        true = exact[(row.lang, row.audience, row.event, row.topic)].low
        assert row.cell.low <= true <= row.cell.high

"""`python -m bot stats`: the anonymized counts, for the operator.

Opens the database read-only (the bot may be running), prints totals for a period by language and
event as a table, CSV or JSON. `--min-count K` hides every count under K and shows totals over
hidden counts as a range (see storage/report.py for why this cannot be undone by subtraction).

Several instances each keep their own database (README, "Several instances"): `--db` given once per
file reads them as one, every count (distinct readers included, counted once across instances in
Redis) added up.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

from pydantic_settings import BaseSettings, SettingsConfigDict

from storage import schema
from storage.report import ALL, Period, Row, Totals, cells, read, read_daily


class _Db(BaseSettings):
    """BOT_DB from the environment or .env, like the bot itself (without needing the token)."""

    model_config = SettingsConfigDict(env_prefix="BOT_", env_file=".env", extra="ignore")
    db: Path = Path("counts.sqlite3")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2025-01-31, not {text!r}") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print the anonymized counts: per UTC day, language, audience and event, summed over a "
        "period (all time by default). Readers are distinct per day, language and audience, "
        "summed over the days."
    )
    parser.add_argument(
        "--db",
        type=Path,
        action="append",
        default=None,
        help="the counts database (default: $BOT_DB, else counts.sqlite3); once per file to add "
        f"up the databases of several instances (at most {MAX_FILES})",
    )
    period = parser.add_mutually_exclusive_group()
    period.add_argument(
        "--days", type=_positive, metavar="N", help="the last N UTC days, today included"
    )
    period.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="first UTC day (included)")
    parser.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="last UTC day (included)")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument(
        "--chart",
        type=Path,
        metavar="FILE.png",
        help="instead of printing, write a chart of conversations started and distinct readers "
        f"per day, by language (the last {CHART_DAYS} days unless --days or --since is given)",
    )
    parser.add_argument(
        "--min-count",
        type=_positive,
        default=1,
        metavar="K",
        help='show counts under K as "<K" and totals over them as ranges (default: show all)',
    )


CHART_DAYS = 30
MAX_FILES = 10  # SQLite attaches at most 10 databases to one connection
TABLES = ("counts", "readers", "lost")


def _period(args: argparse.Namespace, today: date) -> Period:
    if getattr(args, "chart", None) and args.days is None and args.since is None:
        if args.until is not None:
            raise ValueError("--until goes with --since")
        return Period.last_days(CHART_DAYS, today)
    if args.days is not None:
        if args.until is not None:
            raise ValueError("--until goes with --since, not with --days")
        return Period.last_days(args.days, today)
    if args.since and args.until and args.since > args.until:
        raise ValueError("--since is after --until")
    return Period(args.since, args.until)


def _open(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise FileNotFoundError(f"no counts database at {path} (set BOT_DB or pass --db)")
    connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        connection.close()
        raise ValueError(f"{path} cannot be read as a counts database ({error})") from None
    if version != schema.VERSION:
        connection.close()
        if version == 0:
            raise ValueError(f"{path} is not a counts database (no schema)")
        raise ValueError(
            f"{path} has schema version {version}; this bot reads version {schema.VERSION}"
        )
    return connection


def _open_all(paths: list[Path]) -> sqlite3.Connection:
    """One file read-only, or several read as one: each table a view of all of theirs."""
    if len(paths) == 1:
        return _open(paths[0])
    if len(paths) > MAX_FILES:
        raise ValueError(f"at most {MAX_FILES} databases at once, not {len(paths)}")
    if len({path.resolve() for path in paths}) < len(paths):
        raise ValueError("a database is given twice: its counts would be added twice")
    for path in paths:
        _open(path).close()  # each exists and has this bot's schema
    connection = sqlite3.connect("file::memory:", uri=True)
    for i, path in enumerate(paths):
        connection.execute(
            f"ATTACH DATABASE ? AS db{i}", (f"file:{quote(str(path.resolve()))}?mode=ro",)
        )
    for table in TABLES:
        union = " UNION ALL ".join(f"SELECT * FROM db{i}.{table}" for i in range(len(paths)))
        connection.execute(f"CREATE TEMP VIEW {table} AS {union}")
    return connection


def main(args: argparse.Namespace, *, today: date | None = None) -> int:
    today = today or datetime.now(UTC).date()
    paths = args.db if args.db else [_Db().db]
    path = Path(", ".join(str(p) for p in paths)) if len(paths) > 1 else paths[0]
    try:
        period = _period(args, today)
        connection = _open_all(paths)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if getattr(args, "chart", None):
        return _chart(connection, path, period, args.chart, args.min_count, today)
    try:
        totals = read(connection, period)
    except sqlite3.DatabaseError as error:
        print(f"error: {path} cannot be read ({error})", file=sys.stderr)
        return 2
    finally:
        connection.close()
    rows = cells(totals, args.min_count)
    {"table": _table, "csv": _csv, "json": _json}[args.format](totals, rows, args.min_count)
    return 0


def _chart(
    connection: sqlite3.Connection,
    path: Path,
    period: Period,
    chart: Path,
    min_count: int,
    today: date,
) -> int:
    try:
        daily = read_daily(connection, period)
        first = connection.execute(
            "SELECT MIN(day) FROM (SELECT day FROM counts UNION ALL SELECT day FROM readers)"
        ).fetchone()[0]
    except sqlite3.DatabaseError as error:
        print(f"error: {path} cannot be read ({error})", file=sys.stderr)
        return 2
    finally:
        connection.close()
    since = period.since or (date.fromisoformat(first) if first else today)
    until = period.until or today
    from bot.charts import render_png  # matplotlib only when a chart is made

    png = render_png(daily, since, until, min_count=min_count)
    try:
        chart.write_bytes(png)
    except OSError as error:
        print(f"error: cannot write {chart} ({error.strerror})", file=sys.stderr)
        return 2
    print(f"wrote {chart}: UTC days {since.isoformat()} to {until.isoformat()}")
    return 0


def _bounds(totals: Totals) -> tuple[str, str]:
    since = totals.period.since or totals.first_day
    until = totals.period.until or totals.last_day
    return (since.isoformat() if since else "", until.isoformat() if until else "")


def _table(totals: Totals, rows: list[Row], min_count: int) -> None:
    since, until = _bounds(totals)
    out = sys.stdout
    if since or until:
        out.write(f"Counts for UTC days {since or '…'} to {until or '…'}\n")
    out.write("Readers: distinct per day, language and audience, summed over the days.\n")
    if min_count > 1:
        out.write(
            f'Counts under {min_count} are shown as "<{min_count}"; totals over them as ranges.\n'
        )
    if totals.lost:
        out.write(f"{totals.lost} increments were dropped while the database was unavailable.\n")
    if not rows:
        out.write("No counts in this period.\n")
        return
    header = ("lang", "audience", "event", "topic", "count")
    lines = [(r.lang, r.audience, r.event, r.topic, r.cell.text) for r in rows]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    out.write("\n")
    for line in [header, tuple("-" * w for w in widths), *lines]:
        out.write(
            "  ".join(
                cell.rjust(w) if i == len(header) - 1 else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(line, widths, strict=False))
            ).rstrip()
            + "\n"
        )
    out.write(f'\n"{ALL}" is every language, every audience, or every topic of the event.\n')


def _csv(totals: Totals, rows: list[Row], min_count: int) -> None:
    since, until = _bounds(totals)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(
        ["since", "until", "lang", "audience", "event", "topic", "count", "low", "high"]
    )
    for r in rows:
        writer.writerow(
            [
                since,
                until,
                r.lang,
                r.audience,
                r.event,
                r.topic,
                r.cell.text,
                r.cell.low,
                r.cell.high,
            ]
        )


def _json(totals: Totals, rows: list[Row], min_count: int) -> None:
    since, until = _bounds(totals)
    document = {
        "since": since or None,
        "until": until or None,
        "min_count": min_count,
        "lost": totals.lost,
        "rows": [
            {
                "lang": r.lang,
                "audience": r.audience,
                "event": r.event,
                "topic": r.topic,
                "count": r.cell.exact,  # null when hidden or a range
                "low": r.cell.low,
                "high": r.cell.high,
                "text": r.cell.text,
            }
            for r in rows
        ],
    }
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")

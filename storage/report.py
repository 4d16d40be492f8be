"""Reading the counts back: totals for a period, by language, audience and event, and small-cell
suppression.

Used by the operator's `python -m bot stats` (a read-only sqlite3 connection) and by the admins'
/stats in Telegram (the bot's own aiosqlite connection): both run the same `QUERIES` and build the
same `Totals` from their rows.

Readers over a period of several days are the SUM of each day's distinct readers ("reader-days"):
the bot cannot know that two days' readers are the same person, and must not.

Suppression (`cells(totals, min_count=k)`): a stored count n with 0 < n < k is shown as "<k", and
every total is computed from what is shown, never from the hidden values. A hidden cell is only
known to lie in [1, k-1], so a total over cells of which h are hidden and the visible ones sum to S
is shown as the range "S+h..S+h*(k-1)" (exact only when h == 0). Everything printed is then a
function of the visible cells and the number of hidden ones, so no combination of a total and its
visible parts gives away a hidden cell. What one export cannot prevent is differencing ACROSS
exports: the counts for `--days 8` minus those for `--days 7` are one day's counts, unsuppressed.
Publish non-overlapping periods (calendar weeks or months) if that matters.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import product
from typing import Any, Protocol, runtime_checkable

from storage.events import Event

ALL = "*"  # the language, audience or topic of a total
READERS = "readers"  # the "event" of the distinct-readers rows
EVENT_ORDER = [READERS, *(event.value for event in Event)]

_FIRST = "0001-01-01"
_LAST = "9999-12-31"


@dataclass(frozen=True)
class Period:
    """UTC days from `since` to `until`, both included; None means open-ended."""

    since: date | None = None
    until: date | None = None

    @classmethod
    def last_days(cls, days: int, today: date) -> Period:
        """The `days` days ending with `today` (1 means today only)."""
        return cls(today - timedelta(days=days - 1), today)

    def params(self) -> tuple[str, str]:
        return (
            self.since.isoformat() if self.since else _FIRST,
            self.until.isoformat() if self.until else _LAST,
        )


# name -> SQL taking (since, until) as ISO dates; both ends included.
QUERIES: dict[str, str] = {
    "events": "SELECT lang, audience, event, topic, SUM(n) FROM counts WHERE day BETWEEN ? AND ? "
    "GROUP BY lang, audience, event, topic",
    "readers": "SELECT lang, audience, SUM(n) FROM readers WHERE day BETWEEN ? AND ? "
    "GROUP BY lang, audience",
    "lost": "SELECT COALESCE(SUM(n), 0) FROM lost WHERE day BETWEEN ? AND ?",
    "days": "SELECT MIN(day), MAX(day) FROM (SELECT day FROM counts WHERE day BETWEEN ? AND ? "
    "UNION ALL SELECT day FROM readers WHERE day BETWEEN ? AND ?)",
}


def query_params(name: str, period: Period) -> tuple[str, ...]:
    params = period.params()
    return params * 2 if name == "days" else params


@dataclass
class Totals:
    """Exact counts for one period."""

    period: Period
    # (lang, audience, event, topic) -> count
    events: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    # (lang, audience) -> sum of daily distinct readers
    readers: dict[tuple[str, str], int] = field(default_factory=dict)
    lost: int = 0  # increments the bot had to drop (see storage.counts)
    first_day: date | None = None  # the first and last day with any count in the period
    last_day: date | None = None

    @classmethod
    def from_rows(cls, period: Period, rows: Mapping[str, Sequence[Sequence[Any]]]) -> Totals:
        totals = cls(period)
        for lang, audience, event, topic, n in rows["events"]:
            key = (str(lang), str(audience), str(event), str(topic))
            totals.events[key] = int(n)
        for lang, audience, n in rows["readers"]:
            totals.readers[(str(lang), str(audience))] = int(n)
        totals.lost = int(rows["lost"][0][0])
        first, last = rows["days"][0]
        totals.first_day = date.fromisoformat(str(first)) if first else None
        totals.last_day = date.fromisoformat(str(last)) if last else None
        return totals

    def readers_by_language(self) -> dict[str, int]:
        """Language -> readers, audiences summed."""
        out: dict[str, int] = defaultdict(int)
        for (lang, _audience), n in self.readers.items():
            out[lang] += n
        return dict(out)

    def readers_by_audience(self) -> dict[str, int]:
        """Audience -> readers, languages summed."""
        out: dict[str, int] = defaultdict(int)
        for (_lang, audience), n in self.readers.items():
            out[audience] += n
        return dict(out)

    def languages(self) -> list[str]:
        """Languages by readers, most first (ties by code)."""
        readers = self.readers_by_language()
        langs = set(readers) | {lang for lang, _, _, _ in self.events}
        return sorted(langs, key=lambda lang: (-readers.get(lang, 0), lang))

    def by_event(self, lang: str | None = None, audience: str | None = None) -> dict[str, int]:
        """Event -> count, topics summed; for one language and/or audience, or all (None)."""
        out: dict[str, int] = defaultdict(int)
        for (row_lang, row_audience, event, _topic), n in self.events.items():
            if lang in (None, row_lang) and audience in (None, row_audience):
                out[event] += n
        return dict(out)

    def by_topic(
        self, event: str, lang: str | None = None, audience: str | None = None
    ) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for (row_lang, row_audience, row_event, topic), n in self.events.items():
            if row_event == event and lang in (None, row_lang) and audience in (None, row_audience):
                out[topic] += n
        return dict(out)

    def total_readers(self) -> int:
        return sum(self.readers.values())


@runtime_checkable
class Reports(Protocol):
    """The counter's reporting side, for the admins' /stats and chart. `SQLiteCounter` has it;
    a counter that keeps nothing (`NullCounter`) has not, and /stats then says so."""

    def today(self) -> date:
        """Today's UTC date, by the counter's clock."""
        ...

    async def report(self, period: Period) -> Totals:
        """Totals for `period`. Raises if the counts cannot be read."""
        ...

    async def daily(self, period: Period) -> Daily:
        """Counts per day and language for `period`. Raises if the counts cannot be read."""
        ...


# Per UTC day and language, for the operator's chart: conversations started and distinct readers.
DAILY_QUERIES: dict[str, str] = {
    "starts": "SELECT day, lang, SUM(n) FROM counts WHERE day BETWEEN ? AND ? AND event = 'start' "
    "GROUP BY day, lang",
    "readers": "SELECT day, lang, SUM(n) FROM readers WHERE day BETWEEN ? AND ? GROUP BY day, lang",
}


@dataclass
class Daily:
    """Counts per UTC day and language over a period (exact; the chart suppresses small ones)."""

    period: Period
    starts: dict[tuple[date, str], int] = field(default_factory=dict)
    readers: dict[tuple[date, str], int] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, period: Period, rows: Mapping[str, Sequence[Sequence[Any]]]) -> Daily:
        daily = cls(period)
        for name, table in (("starts", daily.starts), ("readers", daily.readers)):
            for day, lang, n in rows[name]:
                table[(date.fromisoformat(str(day)), str(lang))] = int(n)
        return daily


def read_daily(connection: sqlite3.Connection, period: Period) -> Daily:
    """Daily counts from a sqlite3 connection (the CLI's read-only one)."""
    rows = {
        name: connection.execute(sql, period.params()).fetchall()
        for name, sql in DAILY_QUERIES.items()
    }
    return Daily.from_rows(period, rows)


def read(connection: sqlite3.Connection, period: Period) -> Totals:
    """Totals from a sqlite3 connection (the CLI's read-only one)."""
    rows = {
        name: connection.execute(sql, query_params(name, period)).fetchall()
        for name, sql in QUERIES.items()
    }
    return Totals.from_rows(period, rows)


# -- suppression ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    """A published number: exact (low == high) or only known to lie in [low, high]."""

    low: int
    high: int
    text: str

    @property
    def exact(self) -> int | None:
        return self.low if self.low == self.high else None


def shown(n: int, min_count: int) -> Cell:
    if 0 < n < min_count:
        return Cell(1, min_count - 1, f"<{min_count}")
    return Cell(n, n, str(n))


def total(parts: Iterable[Cell]) -> Cell:
    """A total computed from published cells only (see the module's docstring)."""
    parts = list(parts)
    low = sum(part.low for part in parts)
    high = sum(part.high for part in parts)
    return Cell(low, high, str(low) if low == high else f"{low}..{high}")


@dataclass(frozen=True)
class Row:
    lang: str  # a language code, or ALL
    audience: str  # an audience code, or ALL
    event: str  # an Event value, or READERS
    topic: str  # "", a topic, or ALL (every topic of the event)
    cell: Cell


def _event_key(event: str) -> int:
    return EVENT_ORDER.index(event) if event in EVENT_ORDER else len(EVENT_ORDER)


def cells(totals: Totals, min_count: int = 0) -> list[Row]:
    """Every published row: the stored cells (suppressed under `min_count`), and their totals over
    every language, every audience and every topic of an event, in each combination, each computed
    from published cells only."""
    base: dict[tuple[str, str, str, str], Cell] = {
        key: shown(n, min_count) for key, n in totals.events.items() if n > 0
    }
    for (lang, audience), n in totals.readers.items():
        if n > 0:
            base[(lang, audience, READERS, "")] = shown(n, min_count)

    topical = {event for (_, _, event, topic) in base if topic}
    groups: dict[tuple[str, str, str, str], list[Cell]] = defaultdict(list)
    for (lang, audience, event, topic), cell in base.items():
        for all_langs, all_audiences, all_topics in product((False, True), repeat=3):
            if all_topics and event not in topical:
                continue  # an event without topics has no total over them
            if not (all_langs or all_audiences or all_topics):
                continue  # the stored cell itself
            key = (
                ALL if all_langs else lang,
                ALL if all_audiences else audience,
                event,
                ALL if all_topics else topic,
            )
            groups[key].append(cell)
    rows: dict[tuple[str, str, str, str], Cell] = dict(base)
    rows.update({key: total(parts) for key, parts in groups.items()})

    def order(key: tuple[str, str, str, str]) -> tuple[int, str, int, str, int, int, str]:
        lang, audience, event, topic = key
        return (
            lang == ALL,
            lang,
            audience == ALL,
            audience,
            _event_key(event),
            topic != ALL,
            topic,
        )

    return [Row(*key, rows[key]) for key in sorted(rows, key=order)]

"""`SQLiteCounter`: the bot's counts, kept in memory for at most a second, then added to SQLite.

The hot path (`record`) touches memory only: it adds one to a dict entry and, to count distinct
readers, looks up a keyed hash of the user id in today's in-memory set. It never awaits, never does
I/O and never raises. A background task adds everything pending to the database in one transaction
every `flush_interval` seconds (0.5 s by default).

What reaches disk: per UTC day, language, audience, event and topic a count; per UTC day, language
and audience the number of distinct readers; per UTC day the number of increments that had to be
dropped. The
distinct readers are counted with BLAKE2b keyed by 32 random bytes that live in memory only and are
replaced, together with the set of hashes, when the UTC day changes. Only the increment "one more
distinct reader" is ever written, never a hash. Exact within one process and one day; a restart
during the day starts a new set, so readers of that day before and after the restart are counted
twice (the only way to avoid that would be to keep something per reader on disk).

With several instances (BOT_REDIS_URL), `shared_readers` (storage/shared_readers.py) counts the
distinct readers across all of them instead: `record` keeps the user ids seen since the last flush,
in memory, and the flush hands them to Redis, which answers how many readers are new today to every
instance; that many are added here. Each instance keeps its own database and the sum of all of them
is exact (`python -m bot stats --db a --db b`). Should Redis not answer, those readers are counted as
lost increments (logged once per outage), never counted twice.

A row the database would refuse (a value outside the schema's limits, storage/schema.py) is dropped
before it is buffered: counted as lost, its cause logged once. Should the database refuse a row all
the same, that row alone is left out of the flush, counted and logged the same way; one row never
stops the rest.

Failures never reach the caller. When the database is locked, read-only, full, or cannot be opened,
the increments wait in memory (at most `max_pending` distinct keys; a key is a day, language,
audience, event and topic, so this holds weeks of counts; beyond it new keys are dropped and the
drops counted), the
error is logged once per outage, and the writer retries with a growing delay of up to 5 s; when a
write succeeds again that is logged too, with the number of drops.

A damaged file (not a database, or failing `PRAGMA quick_check`) found when connecting is moved
aside, with its -wal and -shm, to `<name>.corrupt-<UTC date>[-n]`, logged once, and a new database is
started in its place: counting goes on at once, and the old counts are kept for the operator to
recover by hand (`sqlite3 old.db .recover`). If moving it aside fails, counting goes on in memory.

Durability: SIGKILL loses at most the increments of the last flush interval (WAL + one transaction
per flush: the file always opens cleanly); `close()` (SIGTERM, via the bot's shutdown, after the
updates in flight are done) loses nothing, and a second `close()` returns when the first is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, TypedDict, TypeVar, Unpack

import aiosqlite

from storage import schema
from storage.events import DEFAULT_AUDIENCE, Event
from storage.report import DAILY_QUERIES, QUERIES, Daily, Period, Totals, query_params
from storage.shared_readers import SharedReaders

log = logging.getLogger("storage")

_Key = TypeVar("_Key")

FLUSH_INTERVAL = 0.5  # seconds between flushes: SIGKILL loses at most this much
MAX_RETRY_DELAY = 5.0  # seconds between attempts while the database is unavailable
CHECKPOINT_INTERVAL = 60.0  # seconds between WAL truncations: old page versions do not linger
MAX_PENDING = 100_000  # distinct pending keys kept in memory while the database is unavailable
MAX_READERS = 1_000_000  # distinct readers remembered per day (about 80 bytes each)

# What may reach disk as a language, an audience or a topic: short codes, nothing free-form. Anything
# else is stored as UNKNOWN, so that a handler passing the wrong value can never write text to disk.
_LANG = re.compile(r"[a-z]{2,3}(?:[-_][a-zA-Z0-9]{1,8}){0,2}")
_AUDIENCE = re.compile(r"[a-z][a-z0-9_]{0,15}")
_TOPIC = re.compile(r"[a-z][a-z0-9_.-]{0,39}")
UNKNOWN = "und"

_EPOCH = date(1970, 1, 1).toordinal()
_UPSERT_COUNTS = (
    "INSERT INTO counts (day, lang, audience, event, topic, n) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (day, lang, audience, event, topic) DO UPDATE SET n = n + excluded.n"
)
_UPSERT_READERS = (
    "INSERT INTO readers (day, lang, audience, n) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (day, lang, audience) DO UPDATE SET n = n + excluded.n"
)
_UPSERT_LOST = (
    "INSERT INTO lost (day, n) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET n = n + excluded.n"
)


def _describe(error: BaseException) -> str:
    """An error, for the log: SQLite's and the OS's messages name no user (only the db's path)."""
    return f"{type(error).__name__}: {error}"


def _subtract(pending: dict[_Key, int], written: Sequence[tuple[_Key, int]]) -> None:
    """Take what was written off the pending counts, dropping the keys that reach zero."""
    for key, n in written:
        left = pending[key] - n
        if left:
            pending[key] = left
        else:
            del pending[key]


class CounterOptions(TypedDict, total=False):
    """`SQLiteCounter`'s keyword arguments, for `SQLiteCounter.open`."""

    clock: Callable[[], float]
    flush_interval: float
    max_pending: int
    max_readers: int
    shared_readers: SharedReaders | None


class SQLiteCounter:
    """The `Counter` the bot runs with. `await SQLiteCounter.open(path)` or `async with
    SQLiteCounter(path) as counter`; `await counter.close()` at shutdown."""

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Callable[[], float] = time.time,
        flush_interval: float = FLUSH_INTERVAL,
        max_pending: int = MAX_PENDING,
        max_readers: int = MAX_READERS,
        shared_readers: SharedReaders | None = None,
    ) -> None:
        self.path = Path(path)
        self._shared = shared_readers
        # With shared readers: the user ids seen since the last flush, per (day, lang, audience).
        self._ids: dict[tuple[str, str, str], set[int]] = {}
        self._ids_total = 0
        self._shared_down = False
        self._clock = clock  # seconds since the epoch (UTC); injected by tests
        self._flush_interval = flush_interval
        self._max_pending = max_pending
        self._max_readers = max_readers
        # Pending increments, added to the database by the next flush.
        # (day, lang, audience, event, topic)
        self._counts: dict[tuple[str, str, str, str, str], int] = {}
        self._readers: dict[tuple[str, str, str], int] = {}  # (day, lang, audience)
        self._lost: dict[str, int] = {}  # day
        # Today's distinct readers: keyed hashes per language and audience; the key is replaced
        # every UTC day.
        self._day_number: int | None = None
        self._day = ""
        self._key = b""
        self._seen: dict[tuple[str, str], set[int]] = {}
        self._seen_total = 0
        # The database side.
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._closing: asyncio.Future[None] | None = None
        self._busy = False  # the last failure was a lock held by another connection
        self._outage: str | None = None  # the error of the current outage, logged once
        self._dropped = 0  # increments dropped since the last successful write
        self._drops_logged: set[str] = set()  # reasons logged already (today, or this outage)
        self._last_checkpoint = 0.0

    # -- life cycle -------------------------------------------------------------------------------
    @classmethod
    async def open(cls, path: str | Path, **options: Unpack[CounterOptions]) -> SQLiteCounter:
        """Open (creating, migrating or replacing a damaged file as needed) and start flushing.
        Never raises for a database problem: the counter then counts in memory and retries."""
        counter = cls(path, **options)
        await counter.start()
        return counter

    async def start(self) -> None:
        if self._task is not None:
            return
        async with self._lock:
            try:
                await self._connection()
            except Exception as error:  # noqa: BLE001 - the bot runs on, counting in memory
                await self._failed(error)
        self._last_checkpoint = time.monotonic()
        self._task = asyncio.create_task(self._run(), name="storage-flush")

    async def __aenter__(self) -> SQLiteCounter:
        await self.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Write everything pending, truncate the WAL, close. Idempotent: a second call returns
        when the first is done."""
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close())
        await asyncio.shield(self._closing)

    async def _close(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
        # A lock held by another writer may be about to go: try for a couple of seconds.
        for _attempt in range(10):
            if await self.flush() or not self._busy:
                break
            await asyncio.sleep(0.2)
        self._closed = True
        if self.pending:
            log.error(
                "closing with %d counted events unwritten: the database is unavailable",
                sum(self._counts.values()),
            )
        if self._db is not None:
            with contextlib.suppress(Exception):
                await self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            with contextlib.suppress(Exception):
                await self._db.close()
            self._db = None
        schema.tighten(self.path)

    # -- the hot path -----------------------------------------------------------------------------
    def record(
        self,
        event: Event,
        *,
        lang: str,
        user_id: int,
        topic: str = "",
        audience: str = DEFAULT_AUDIENCE,
    ) -> None:
        """Count one event (memory only: O(1), never awaits, never raises)."""
        try:
            day = self._today()
            name = Event(event).value
            if not (isinstance(lang, str) and _LANG.fullmatch(lang)):
                lang = UNKNOWN
            lang = lang.lower().replace("_", "-")
            if not (isinstance(audience, str) and _AUDIENCE.fullmatch(audience)):
                audience = UNKNOWN
            if topic and not (isinstance(topic, str) and _TOPIC.fullmatch(topic)):
                topic = UNKNOWN
            if self._closed:
                self._drop(day, "record() after close()")
                return
            row = (day, lang, str(audience), name, topic or "")
            if problem := schema.count_row_problem(*row):
                self._drop(day, problem)  # the database would refuse it: never buffer it
                return
            if not self._add(self._counts, row):
                self._drop(day)
            if isinstance(user_id, int) and not isinstance(user_id, bool):
                self._reader(day, lang, str(audience), user_id)
        except Exception:  # noqa: BLE001 - counting must never break a conversation
            with contextlib.suppress(Exception):
                self._drop(self._day or "1970-01-01", "an event could not be counted")

    def _today(self) -> str:
        number = int(self._clock() // 86400)
        if number != self._day_number:
            # A new UTC day: a new key, and yesterday's hashes are forgotten.
            self._day_number = number
            self._day = date.fromordinal(_EPOCH + number).isoformat()
            self._key = secrets.token_bytes(32)
            self._seen = {}
            self._seen_total = 0
            self._drops_logged.clear()
        return self._day

    def _reader(self, day: str, lang: str, audience: str, user_id: int) -> None:
        if self._shared is not None:
            ids = self._ids.get((day, lang, audience))
            if ids is not None and user_id in ids:
                return
            if self._ids_total >= self._max_readers:
                self._drop(day, "too many distinct readers in one flush to count them all")
                return
            if ids is None:
                ids = self._ids[(day, lang, audience)] = set()
            ids.add(user_id)
            self._ids_total += 1
            return
        digest = hashlib.blake2b(
            user_id.to_bytes(16, "big", signed=True), key=self._key, digest_size=8
        ).digest()
        tag = int.from_bytes(digest, "big")
        seen = self._seen.get((lang, audience))
        if seen is not None and tag in seen:
            return
        if self._seen_total >= self._max_readers:
            self._drop(day, "too many distinct readers today to count them all")
            return
        if not self._add(self._readers, (day, lang, audience)):
            self._drop(day)
            return
        if seen is None:
            seen = self._seen[(lang, audience)] = set()
        seen.add(tag)
        self._seen_total += 1

    def _add(self, pending: dict[_Key, int], key: _Key, n: int = 1) -> bool:
        if key in pending:
            pending[key] += n
            return True
        if len(self._counts) + len(self._readers) >= self._max_pending:
            return False
        pending[key] = n
        return True

    def _drop(
        self, day: str, why: str = "too many increments waiting for the database", n: int = 1
    ) -> None:
        self._lost[day] = self._lost.get(day, 0) + n
        self._dropped += n
        if why not in self._drops_logged:
            self._drops_logged.add(why)
            log.error("dropping increments: %s", why)

    @property
    def pending(self) -> bool:
        return bool(self._counts or self._readers or self._lost or self._ids)

    # -- writing ----------------------------------------------------------------------------------
    async def _connection(self) -> aiosqlite.Connection:
        if self._db is not None:
            return self._db
        try:
            await asyncio.to_thread(schema.prepare, self.path)
        except Exception as error:
            if not schema.is_corruption(error):
                raise
            await asyncio.to_thread(self._move_aside, error, self.today().isoformat())
            await asyncio.to_thread(schema.prepare, self.path)
        db = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            for pragma in schema.WRITER_PRAGMAS:
                await db.execute(pragma)
        except BaseException:
            await db.close()
            raise
        self._db = db
        return db

    def _move_aside(self, error: BaseException, day: str) -> None:
        stem = f"{self.path.name}.corrupt-{day}"
        suffix, n = "", 1
        while any(
            file.with_name(file.name.replace(self.path.name, stem + suffix, 1)).exists()
            for file in schema.sidecars(self.path)
        ):
            n += 1
            suffix = f"-{n}"
        for file in schema.sidecars(self.path):
            if file.exists():
                file.rename(file.with_name(file.name.replace(self.path.name, stem + suffix, 1)))
        log.error(
            "the counts database was damaged (%s): moved it aside as %s and started a new one",
            _describe(error),
            stem + suffix,
        )

    async def flush(self) -> bool:
        """Add everything pending to the database in one transaction. False if it could not."""
        async with self._lock:
            return await self._flush()

    async def _flush(self) -> bool:
        if self._ids:
            await self._share_readers()
        if not self.pending:
            return True
        counts = list(self._counts.items())
        readers = list(self._readers.items())
        lost = list(self._lost.items())
        try:
            db = await self._connection()
            refused = await self._write(db, counts, readers, lost)
        except Exception as error:  # noqa: BLE001 - see the module's docstring
            await self._failed(error)
            return False
        # Written: take exactly what was written off the pending counts. `record` may have added
        # to the same keys while the transaction ran (it only ever adds), so subtract, not clear.
        _subtract(self._counts, counts)
        _subtract(self._readers, readers)
        _subtract(self._lost, lost)
        for table, key, n, why in refused:  # off the pending counts, and counted as lost
            if table == "lost":
                log.error("the database refused %d lost increments (%s)", n, why)
            else:
                self._drop(key[0], f"the database refused a row ({why})", n)
        if self._outage is not None:
            log.warning(
                "counts are written again (the database had failed with %s); %d increments "
                "were dropped meanwhile",
                self._outage,
                self._dropped,
            )
            self._outage = None
            self._drops_logged.clear()
        self._dropped = 0
        return True

    async def _share_readers(self) -> None:
        """Hand the ids seen since the last flush to Redis; add the readers new today to the
        pending counts (or count them as lost, if Redis does not answer)."""
        assert self._shared is not None
        seen, self._ids, self._ids_total = self._ids, {}, 0
        try:
            grown = await self._shared.add(seen)
        except Exception as error:  # noqa: BLE001 - Redis down, or slow: counted as lost
            why = f"distinct readers cannot be counted in Redis ({type(error).__name__})"
            for (day, _lang, _audience), ids in seen.items():
                self._drop(day, why, len(ids))  # logged once per outage and cause
            self._shared_down = True
            return
        if self._shared_down:
            self._shared_down = False
            self._drops_logged = {w for w in self._drops_logged if "in Redis" not in w}
            log.warning("distinct readers are counted in Redis again")
        for key, n in grown.items():
            if not self._add(self._readers, key, n):
                self._drop(key[0], n=n)

    async def _write(
        self,
        db: aiosqlite.Connection,
        counts: Sequence[tuple[tuple[str, ...], int]],
        readers: Sequence[tuple[tuple[str, ...], int]],
        lost: Sequence[tuple[str, int]],
    ) -> list[tuple[str, tuple[str, ...], int, str]]:
        """Add the rows in one transaction. A row the database refuses (a constraint) is left out
        and returned as (table, key, n, why); the others are written all the same."""
        batches: list[tuple[str, str, list[tuple[tuple[str, ...], int]]]] = [
            ("counts", _UPSERT_COUNTS, [(key, n) for key, n in counts]),
            ("readers", _UPSERT_READERS, [(key, n) for key, n in readers]),
            ("lost", _UPSERT_LOST, [((day,), n) for day, n in lost]),
        ]
        refused: list[tuple[str, tuple[str, ...], int, str]] = []
        await db.execute("BEGIN IMMEDIATE")
        try:
            for table, sql, rows in batches:
                await db.execute("SAVEPOINT batch")
                try:
                    await db.executemany(sql, [(*key, n) for key, n in rows])
                except sqlite3.IntegrityError:
                    # executemany stops at the first refusal, the rows before it applied: undo the
                    # batch, then go row by row (a refused statement undoes only itself), so that
                    # one row never stops the rest.
                    await db.execute("ROLLBACK TO batch")
                    for key, n in rows:
                        try:
                            await db.execute(sql, (*key, n))
                        except sqlite3.IntegrityError as error:
                            refused.append((table, key, n, str(error)))
                await db.execute("RELEASE batch")
            await db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):
                await db.execute("ROLLBACK")
            raise
        return refused

    async def _failed(self, error: BaseException) -> None:
        self._busy = schema.is_busy(error)
        if not self._busy and self._db is not None:
            # Read-only, full, damaged, gone: start from a fresh connection next time.
            db, self._db = self._db, None
            with contextlib.suppress(Exception):
                await db.close()
        if self._outage is None:
            self._outage = _describe(error)
            log.error(
                "cannot write the counts (%s): keeping them in memory and retrying", self._outage
            )

    async def _run(self) -> None:
        delay = self._flush_interval
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), delay)
            if self._stop.is_set():
                return  # close() does the last flush
            try:
                ok = await self.flush()
                if ok and time.monotonic() - self._last_checkpoint > CHECKPOINT_INTERVAL:
                    await self._checkpoint()
            except Exception as error:  # noqa: BLE001 - the writer must outlive any bug
                ok = False
                log.error("the counts writer failed (%s)", _describe(error))
            delay = self._flush_interval if ok else min(max(delay, 0.5) * 2, MAX_RETRY_DELAY)

    async def _checkpoint(self) -> None:
        self._last_checkpoint = time.monotonic()
        async with self._lock:
            if self._db is not None:
                with contextlib.suppress(Exception):
                    await self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- reading ----------------------------------------------------------------------------------
    async def report(self, period: Period) -> Totals:
        """Totals for `period`, after writing what is pending (for the admins' /stats).
        Raises if the database cannot be read."""
        return Totals.from_rows(period, await self._rows(QUERIES, period))

    async def daily(self, period: Period) -> Daily:
        """Counts per day and language for `period` (for the admins' chart). Raises if the
        database cannot be read."""
        return Daily.from_rows(period, await self._rows(DAILY_QUERIES, period))

    async def _rows(self, queries: dict[str, str], period: Period) -> dict[str, list[Any]]:
        """Each query's rows for `period` (name -> rows), after writing what is pending."""
        async with self._lock:
            await self._flush()
            db = await self._connection()
            rows: dict[str, list[Any]] = {}  # SQLite's values are dynamically typed
            for name, sql in queries.items():
                async with db.execute(sql, query_params(name, period)) as cursor:
                    rows[name] = list(await cursor.fetchall())
        return rows

    def today(self) -> date:
        """Today's UTC date, by this counter's clock."""
        return date.fromordinal(_EPOCH + int(self._clock() // 86400))

"""The counts database: its file, its schema and the migrations that bring an old file up to date.

Everything the bot keeps at rest is in three tables, and none of them has a column that could hold
an identifier: a UTC date (never a time of day), a language code, an audience code (whom the texts
were written for), an event name, a short topic (a section id or a role) and a count.

The schema version lives in `PRAGMA user_version`. `MIGRATIONS[i]` takes a database from version
i to version i + 1; each runs in one transaction together with the version bump, so a crash
half-way leaves the file at the old version, and the next start runs the migration again.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

# Every table: (column, declared type) in order. Tests compare the live schema against this, so a
# column added without thinking about what it could hold fails a test.
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    # One row per UTC day, language, audience, event and topic: how many times it happened.
    "counts": (
        ("day", "TEXT"),
        ("lang", "TEXT"),
        ("audience", "TEXT"),
        ("event", "TEXT"),
        ("topic", "TEXT"),
        ("n", "INTEGER"),
    ),
    # One row per UTC day, language and audience: how many distinct readers (counted in memory,
    # keyed hash).
    "readers": (("day", "TEXT"), ("lang", "TEXT"), ("audience", "TEXT"), ("n", "INTEGER")),
    # Increments the bot had to drop (memory bound reached during a long outage, or a flood).
    "lost": (("day", "TEXT"), ("n", "INTEGER")),
}

_DAY = "CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')"
_LANG = "CHECK (length(lang) BETWEEN 1 AND 16)"
_AUDIENCE = "CHECK (length(audience) BETWEEN 1 AND 16)"

# The CHECK constraints above and below, as Python sees them: the counter checks a row before it
# buffers it, so that one row the database would refuse never takes a whole flush down with it.
# tests/test_counts.py holds both to the same rows.
_DAY_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_LANG = MAX_AUDIENCE = MAX_EVENT = 16
MAX_TOPIC = 40


def count_row_problem(day: str, lang: str, audience: str, event: str, topic: str) -> str | None:
    """Why the `counts` table would refuse this row, or None."""
    if not _DAY_SHAPE.fullmatch(day):
        return "a day that is not a UTC date"
    if not 1 <= len(lang) <= MAX_LANG:
        return f"a language code longer than {MAX_LANG} characters"
    if not 1 <= len(audience) <= MAX_AUDIENCE:
        return f"an audience code longer than {MAX_AUDIENCE} characters"
    if not 1 <= len(event) <= MAX_EVENT:
        return f"an event name longer than {MAX_EVENT} characters"
    if len(topic) > MAX_TOPIC:
        return f"a topic longer than {MAX_TOPIC} characters"
    return None


MIGRATIONS: list[tuple[str, ...]] = [
    # 0 -> 1
    (
        f"""CREATE TABLE counts (
            day TEXT NOT NULL {_DAY},
            lang TEXT NOT NULL {_LANG},
            event TEXT NOT NULL CHECK (length(event) BETWEEN 1 AND 16),
            topic TEXT NOT NULL DEFAULT '' CHECK (length(topic) <= 40),
            n INTEGER NOT NULL CHECK (n >= 0),
            PRIMARY KEY (day, lang, event, topic)
        ) WITHOUT ROWID""",
        f"""CREATE TABLE readers (
            day TEXT NOT NULL {_DAY},
            lang TEXT NOT NULL {_LANG},
            n INTEGER NOT NULL CHECK (n >= 0),
            PRIMARY KEY (day, lang)
        ) WITHOUT ROWID""",
        f"""CREATE TABLE lost (
            day TEXT NOT NULL {_DAY},
            n INTEGER NOT NULL CHECK (n >= 0),
            PRIMARY KEY (day)
        ) WITHOUT ROWID""",
    ),
    # 1 -> 2: the audience becomes a dimension of the counts and of the distinct readers. SQLite
    # cannot change a primary key in place: new tables, the rows copied, the old tables dropped
    # (secure_delete zeroes their pages). Every count kept before belongs to the default audience:
    # every reader was shown its texts.
    (
        f"""CREATE TABLE counts_v2 (
            day TEXT NOT NULL {_DAY},
            lang TEXT NOT NULL {_LANG},
            audience TEXT NOT NULL {_AUDIENCE},
            event TEXT NOT NULL CHECK (length(event) BETWEEN 1 AND 16),
            topic TEXT NOT NULL DEFAULT '' CHECK (length(topic) <= 40),
            n INTEGER NOT NULL CHECK (n >= 0),
            PRIMARY KEY (day, lang, audience, event, topic)
        ) WITHOUT ROWID""",
        "INSERT INTO counts_v2 (day, lang, audience, event, topic, n) "
        "SELECT day, lang, 'default', event, topic, n FROM counts",
        "DROP TABLE counts",
        "ALTER TABLE counts_v2 RENAME TO counts",
        f"""CREATE TABLE readers_v2 (
            day TEXT NOT NULL {_DAY},
            lang TEXT NOT NULL {_LANG},
            audience TEXT NOT NULL {_AUDIENCE},
            n INTEGER NOT NULL CHECK (n >= 0),
            PRIMARY KEY (day, lang, audience)
        ) WITHOUT ROWID""",
        "INSERT INTO readers_v2 (day, lang, audience, n) "
        "SELECT day, lang, 'default', n FROM readers",
        "DROP TABLE readers",
        "ALTER TABLE readers_v2 RENAME TO readers",
    ),
]
VERSION = len(MIGRATIONS)

# A writer gives up on a lock after this long; the increments wait in memory and are retried.
BUSY_TIMEOUT_MS = 200
# Pragmas for every connection that writes (they last as long as the connection). synchronous=NORMAL
# in WAL mode is still atomic and consistent after a crash; power loss can cost the last commits.
WRITER_PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous = NORMAL",
    # Pages freed by SQLite are overwritten with zeros: old row versions do not linger in the file.
    "PRAGMA secure_delete = ON",
)


class SchemaTooNew(Exception):
    """The file was written by a newer version of the bot: do not touch it."""


class NotOurs(Exception):
    """The file is not the bot's counts database: never rename or change it."""


# Stamped in the header of every counts database (PRAGMA application_id, bytes 68-71 of the file),
# so that the bot can tell its own file, even a damaged one, from anybody else's: "HZcb".
APPLICATION_ID = int.from_bytes(b"HZcb", "big")
_SQLITE_MAGIC = b"SQLite format 3\x00"


class Corrupt(Exception):
    """The file is not a database, or SQLite finds it damaged."""


# SQLite's primary result codes that mean the file itself is bad (not locked, not read-only).
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


def is_corruption(error: BaseException) -> bool:
    if isinstance(error, Corrupt):
        return True
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def is_busy(error: BaseException) -> bool:
    """Locked by another connection: worth retrying on the same connection."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


def sidecars(path: Path) -> list[Path]:
    """The database file and the files SQLite keeps next to it."""
    return [path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]


def create_private(path: Path) -> None:
    """Create the database file readable by its owner only, unless it exists; tighten it if it does.

    SQLite gives the -wal and -shm files the permissions of the database file, so making the
    database 0600 before SQLite first opens it makes all three 0600, without touching the
    process-wide umask (which other threads may rely on).
    """
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        pass
    else:
        os.close(fd)
    tighten(path)


def tighten(path: Path) -> None:
    """Remove group and other permissions from the database and its sidecars (if they exist)."""
    for file in sidecars(path):
        try:
            mode = file.stat().st_mode & 0o777
            if mode & 0o077:
                os.chmod(file, mode & 0o700)
        except FileNotFoundError:
            continue


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the schema to VERSION; return the version found. For a connection in autocommit mode."""
    found: int = connection.execute("PRAGMA user_version").fetchone()[0]
    if found > VERSION:
        raise SchemaTooNew(f"database schema version {found} is newer than this bot's ({VERSION})")
    for version in range(found, VERSION):
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            if connection.execute("PRAGMA user_version").fetchone()[0] != version:
                connection.execute("ROLLBACK")
                continue
            for statement in MIGRATIONS[version]:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {version + 1}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    return found


def location_problem(path: Path) -> str | None:
    """Why the bot could not keep its counts at `path` (its directory missing or not writable, or
    the file not the bot's), or None. Cheap and read-only: for the start-up."""
    directory = path.parent
    if path.is_dir():
        return f"{path} is a directory: name a file in it"
    if not directory.exists():
        return f"its directory {directory} does not exist: create it, or point BOT_DB elsewhere"
    if not directory.is_dir():
        return f"{directory} is not a directory"
    # SQLite keeps -wal and -shm files beside the database: the directory itself must be writable.
    if not os.access(directory, os.W_OK | os.X_OK):
        return f"its directory {directory} is not writable by this user"
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return f"{path} is not readable and writable by this user"
    return foreign(path)


def foreign(path: Path) -> str | None:
    """Why `path` is not the bot's counts database, or None (it is, or nothing is there yet).

    The bot's own file carries APPLICATION_ID in its header; a file made before that was stamped
    is recognised by its tables. Reads only: opens nothing for writing and creates no side file.
    """
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except FileNotFoundError:
        return None
    if not header:
        return None  # an empty file: nothing to lose, and SQLite makes a database of it
    if not header.startswith(_SQLITE_MAGIC):
        return f"{path} is not an SQLite database; the bot never changes a file it did not create"
    if len(header) == 100:
        application_id = int.from_bytes(header[68:72], "big")
        if application_id == APPLICATION_ID:
            return None
        if application_id:
            return f"{path} is another application's database (application_id {application_id})"
    # No stamp yet (an older version of the bot, or a stamp still in the -wal file): the tables.
    wal = path.with_name(path.name + "-wal")
    mode = "ro" if wal.exists() else "ro&immutable=1"
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True)
        try:
            application_id = connection.execute("PRAGMA application_id").fetchone()[0]
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                if not row[0].startswith("sqlite_")
            }
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return f"{path} cannot be read as the bot's counts database ({error})"
    if application_id == APPLICATION_ID or (application_id == 0 and tables <= set(COLUMNS)):
        return None
    others = ", ".join(sorted(tables - set(COLUMNS))[:3])
    return f"{path} is another application's database (it has tables {others})"


def prepare(path: Path) -> None:
    """Make `path` a private, healthy, up-to-date counts database in WAL mode (blocking: run it in a
    thread). Raises `NotOurs` for a file the bot did not make (left as it is), `Corrupt` for a
    damaged file of the bot's, `SchemaTooNew`, or sqlite3/OS errors."""
    if problem := foreign(path):
        raise NotOurs(problem)
    create_private(path)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Before changing anything: is this a file this bot may write?
        found = connection.execute("PRAGMA user_version").fetchone()[0]
        if found > VERSION:
            raise SchemaTooNew(
                f"database schema version {found} is newer than this bot's ({VERSION})"
            )
        for pragma in WRITER_PRAGMAS:
            connection.execute(pragma)
        # WAL: readers never block the writer, and a killed process leaves a file that opens
        # cleanly. The mode is stored in the file, so it holds for every later connection.
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            raise sqlite3.OperationalError(f"cannot switch the database to WAL mode (it is {mode})")
        check = connection.execute("PRAGMA quick_check").fetchall()
        if check != [("ok",)]:
            raise Corrupt("quick_check: " + "; ".join(str(row[0]) for row in check[:3]))
        migrate(connection)
        if connection.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    finally:
        connection.close()
    tighten(path)

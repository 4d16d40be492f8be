"""What the bot does before its first update: configuration, and its face in every language."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from aiogram import Bot
from babel import Locale

from bot import commands
from bot.languages import make_i18n
from fake_telegram import OfflineSession
from tests.conftest import ROOT, TOKEN


async def test_publish_sets_commands_for_every_language_and_a_russian_default(
    bot: Bot, session: OfflineSession
) -> None:
    i18n = make_i18n()
    await commands.publish(bot, i18n)
    calls = [c.params for c in session.telegram.calls_to("setMyCommands")]
    codes = [c.get("language_code") for c in calls]
    # Telegram takes a two-letter code: a catalog with a script ("zh_Hans", "uz_Latn") goes out as "zh".
    languages = {Locale.parse(code).language for code in i18n.available_locales}
    assert codes[0] is None and set(codes[1:]) == languages
    names = [c["command"] for c in calls[0]["commands"]]
    assert names == ["start", "menu", "language", "erase", "help"]
    assert all(r.ok for r in session.telegram.calls)


def run_bot(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_bad_configuration_is_one_line_and_exit_2(tmp_path: Path) -> None:
    token = "123456:" + "A" * 35
    broken = tmp_path / "broken.toml"
    broken.write_text('hotline = ["not a phone"]\n')
    example = str(ROOT / "contacts.example.toml")
    cases = [
        ({}, "BOT_TOKEN is not set"),
        ({"BOT_TOKEN": "nonsense"}, "BOT_TOKEN is not valid"),
        ({"BOT_TOKEN": token, "BOT_CONTACTS": str(tmp_path / "missing.toml")}, "not found"),
        ({"BOT_TOKEN": token, "BOT_CONTACTS": str(broken)}, "hotline"),
        ({"BOT_TOKEN": token, "BOT_CONTACTS": example}, "example = true"),
        ({"BOT_TOKEN": token, "BOT_ADMINS": "1,bob"}, "BOT_ADMINS"),
    ]
    for env, expected in cases:
        refused(run_bot(env, tmp_path), expected)


def refused(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    """One line on stderr that names what to fix, exit code 2, nothing else."""
    assert result.returncode == 2, result.stderr
    assert result.stdout == "", result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert all(text in lines[0] for text in expected), lines[0]
    return lines[0]


LIVE_CONTACTS = 'hotline = ["+380 800 111 222"]\nwebsite = "https://program.test/"\n'


def live_env(tmp_path: Path, **env: str) -> dict[str, str]:
    contacts = tmp_path / "live.toml"
    contacts.write_text(LIVE_CONTACTS, encoding="utf-8")
    # No Telegram here: each case must stop before the bot would ask it anything.
    return {
        "BOT_TOKEN": TOKEN,
        "BOT_CONTACTS": str(contacts),
        "BOT_API_URL": "http://127.0.0.1:9",
        **env,
    }


def test_a_database_place_the_bot_cannot_use_is_refused_before_going_live(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    cases = [
        (tmp_path / "missing" / "counts.sqlite3", "does not exist"),
        (tmp_path / "a-file" / "counts.sqlite3", "is not a directory"),
        (tmp_path, "is a directory"),
    ]
    for db, expected in cases:
        refused(run_bot(live_env(tmp_path, BOT_DB=str(db)), tmp_path), "BOT_DB", expected)
    assert not (tmp_path / "missing").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_database_directory_that_is_not_writable_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        db = str(locked / "counts.sqlite3")
        refused(run_bot(live_env(tmp_path, BOT_DB=db), tmp_path), "BOT_DB", "not writable")
    finally:
        locked.chmod(0o700)


def test_a_file_that_is_not_the_bots_database_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("somebody's notes\n" * 100)
    other = tmp_path / "other-app.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE users (name TEXT)")
        connection.execute("INSERT INTO users VALUES ('someone')")
    connection.close()
    files = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in (notes, other)}
    for path, expected in ((notes, "not an SQLite database"), (other, "another application")):
        refused(run_bot(live_env(tmp_path, BOT_DB=str(path)), tmp_path), "BOT_DB", expected)
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files} == files
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live.toml", "notes.txt", "other-app.db"]


def test_contacts_still_holding_the_examples_values_are_refused(tmp_path: Path) -> None:
    example = (ROOT / "contacts.example.toml").read_text(encoding="utf-8")
    without_flag = tmp_path / "contacts.toml"
    without_flag.write_text(example.replace("example = true", ""), encoding="utf-8")
    line = refused(
        run_bot({"BOT_TOKEN": TOKEN, "BOT_CONTACTS": str(without_flag)}, tmp_path),
        "example's values",
        "hotline[0]",
        "website",
        "telegram_bot",
    )
    assert "+000" not in line  # names the keys, not the values
    one_left = tmp_path / "one.toml"
    one_left.write_text(LIVE_CONTACTS + 'icrc_phone = "+000 00 000 0001"\n', encoding="utf-8")
    refused(run_bot({"BOT_TOKEN": TOKEN, "BOT_CONTACTS": str(one_left)}, tmp_path), "icrc_phone")


def test_a_list_written_as_a_single_value_is_called_a_list(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.toml"
    contacts.write_text('hotline = "+380 800 111 222"\n', encoding="utf-8")
    line = refused(
        run_bot({"BOT_TOKEN": TOKEN, "BOT_CONTACTS": str(contacts)}, tmp_path), "hotline"
    )
    assert "list" in line and "tuple" not in line


def test_an_unknown_log_level_is_refused(tmp_path: Path) -> None:
    refused(run_bot(live_env(tmp_path, BOT_LOG_LEVEL="chatty"), tmp_path), "BOT_LOG_LEVEL")


def test_redis_unreachable_at_start_is_one_line_and_exit_2(tmp_path: Path) -> None:
    pytest.importorskip("redis")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens there once closed
    env = live_env(
        tmp_path,
        BOT_REDIS_URL=f"redis://:secret-password@127.0.0.1:{port}/0",
        BOT_DB=str(tmp_path / "c.sqlite3"),
    )
    line = refused(run_bot(env, tmp_path), "BOT_REDIS_URL", f"127.0.0.1:{port}")
    assert "secret-password" not in line

"""aiogram's own log lines lose what could identify a reader, and the bot's token."""

from __future__ import annotations

import logging
import re

import pytest

from bot.logs import ScrubAiogram, setup


def scrubbed(message: str, *args: object) -> str:
    record = logging.LogRecord(
        "aiogram.dispatcher", logging.ERROR, __file__, 1, message, args, None
    )
    ScrubAiogram().filter(record)
    return record.getMessage()


def test_callback_ids_and_tokens_are_scrubbed() -> None:
    user_id = 58439047
    query_id = (user_id << 32) | 7
    assert str(user_id) not in scrubbed("Answer to callback query id=%s", query_id)
    assert str(query_id) not in scrubbed("Answer to callback query id=%s", query_id)
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    line = scrubbed(
        "Failed to fetch updates - %s",
        f"Cannot connect to https://api.example/bot{token}/getUpdates",
    )
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in line and "<token>" in line


def test_exception_messages_are_reduced_to_their_type() -> None:
    error = ValueError("Ivan Petrov +7 900 123 45 67 wrote: hello")
    line = scrubbed("Failed to make answer: %s", error)
    assert "Ivan" not in line and "ValueError" in line


def test_plain_numbers_are_left_alone() -> None:
    line = scrubbed(
        "Sleep for %f seconds and try again... (tryings = %d, bot id = %d)", 1.5, 0, 123456789
    )
    assert "Sleep for 1.500000 seconds" in line and "123456789" not in line
    assert scrubbed("Duration %d ms", 1234567) != "Duration 1234567 ms"  # a long integer is an id


def test_aiogram_per_update_lines_are_debug(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        setup("INFO")
        events = logging.getLogger("aiogram.event")
        events.info("Update id=%s is %s. Duration %d ms by bot id=%d", 5, "handled", 3, 42)
        logging.getLogger("aiogram.dispatcher").info("Start polling")
        logging.getLogger("bot").error("something failed")
        err = capsys.readouterr().err
        assert "is handled" not in err and "Start polling" in err and "something failed" in err
        # The UTC time first: 2025-01-31T12:00:00.000Z INFO aiogram.dispatcher: Start polling
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO aiogram\.dispatcher: ", err)
        setup("DEBUG")
        events.info("Update id=%s is %s. Duration %d ms by bot id=%d", 5, "handled", 3, 42)
        assert "DEBUG aiogram.event: Update id=5 is handled" in capsys.readouterr().err
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)

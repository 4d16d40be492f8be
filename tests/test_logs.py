"""aiogram's own log lines lose what could identify a reader, and the bot's token."""

from __future__ import annotations

import logging

from bot.logs import ScrubAiogram


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

"""Logging that carries no user data: what happened, never who or what they wrote."""

from __future__ import annotations

import logging
import re
import sys
import time
import traceback

# aiogram's loggers (aiogram/loggers.py). A logger's filters see only its own records, so each
# one gets the filter: a filter on "aiogram" would miss "aiogram.middlewares".
AIOGRAM_LOGGERS = (
    "aiogram",
    "aiogram.dispatcher",
    "aiogram.event",
    "aiogram.middlewares",
    "aiogram.webhook",
    "aiogram.scene",
)
# Six digits or more, standing alone: an id. Not the digits of a decimal fraction ("Sleep for
# 1.500000 seconds") nor a fraction's whole part.
_LONG_NUMBER = re.compile(r"(?<!\d)(?<!\d\.)\d{6,}(?!\d|\.\d)")
# The bot's token can appear in a failed request's URL (".../bot<token>/getUpdates"): a secret.
_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]{20,}")


def _scrub(text: str) -> str:
    return _LONG_NUMBER.sub("<n>", _TOKEN.sub("<token>", text))


def scrub_token(text: str) -> str:
    """A network error's text can hold a request's URL, and with it the bot's token."""
    return _TOKEN.sub("<token>", text)


class ScrubAiogram(logging.Filter):
    """aiogram's own log lines can carry a reader's identity:

    - "Failed to fetch updates - %s": a network error's text can hold the request URL, and with
      it the bot's token;
    - "Answer to callback query id=%s" (INFO, CallbackAnswerMiddleware): a callback query id is
      the reader's user id shifted left by 32 bits, plus a counter;
    - exceptions logged with their message ("Failed to make answer: %s: %s", "Cause exception while
      process update ..."): TelegramRetryAfter's message names the chat, which in a private chat is
      the user id, and a validation error quotes the update it could not read (names, texts).

    So in aiogram's records every exception is reduced to its type (the traceback's frames stay,
    its message goes) and every number of six digits or more becomes "<n>" (update ids and the
    bot's id go too; nothing needs them).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple):
            args = tuple(type(a).__name__ if isinstance(a, BaseException) else a for a in args)
        elif isinstance(args, dict):
            args = {
                k: type(v).__name__ if isinstance(v, BaseException) else v for k, v in args.items()
            }
        try:
            message = str(record.msg) % args if args else str(record.msg)
        except (TypeError, ValueError, KeyError):
            message = str(record.msg)
        record.msg, record.args = _scrub(message), ()
        if record.exc_info and record.exc_info[1] is not None:
            kind, _error, tb = record.exc_info
            frames = "".join(traceback.format_tb(tb))
            record.exc_text = f"Traceback (most recent call last):\n{frames}{kind.__name__ if kind else 'Exception'}"
            record.exc_text = _scrub(record.exc_text)
            record.exc_info = None
        return True


# aiogram's lines about each update handled or button answered (INFO in aiogram): one per update
# is noise at INFO, so they are DEBUG here.
_PER_UPDATE = ("Update id=", "Answer to callback query id=")


class PerUpdateAtDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO and str(record.msg).startswith(_PER_UPDATE):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


def scrub_aiogram() -> None:
    """Install `ScrubAiogram` (and `PerUpdateAtDebug`) on aiogram's loggers (idempotent)."""
    for name in AIOGRAM_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ScrubAiogram) for f in logger.filters):
            logger.addFilter(PerUpdateAtDebug())
            logger.addFilter(ScrubAiogram())


class UTCFormatter(logging.Formatter):
    converter = staticmethod(time.gmtime)  # the same clock on every server: UTC


def setup(level: int | str = logging.INFO) -> None:
    """Every line to stderr, with its UTC time, level and logger; nothing below `level`."""
    level = logging.getLevelName(level) if isinstance(level, str) else level
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        UTCFormatter(
            "%(asctime)s.%(msecs)03dZ %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S"
        )
    )
    # Records lowered to DEBUG by a filter have passed their logger's level already: the handler's
    # level drops them.
    handler.setLevel(level)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # DEBUG is for the bot's and aiogram's own lines: not every SQL call (aiosqlite) or selector.
    for chatty in ("aiosqlite", "asyncio"):
        logging.getLogger(chatty).setLevel(max(level, logging.INFO))
    scrub_aiogram()

"""The one error handler: whatever a handler or middleware raises ends here, quietly.

It logs what failed (the exception's type, the Bot API method, the kind of update and where in
our code) and never the update's content or an exception's message, which can hold a chat id or
text (TelegramRetryAfter's message names the chat). It returns True, so aiogram does not log the
exception itself. The reader already had an answer or gets none: a traceback helps nobody.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from types import TracebackType

from aiogram import Dispatcher
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError
from aiogram.types import ErrorEvent

from bot.outgoing import NotSent

log = logging.getLogger("bot.errors")

_ROOT = Path(__file__).resolve().parent.parent
_OURS = (str(_ROOT / "bot"), str(_ROOT / "storage"))
# The request path (the retries and the send queue, both session middlewares): every failed
# request passes through it, so it says nothing about where.
_PLUMBING = (
    str(_ROOT / "bot" / "middlewares" / "retry.py"),
    str(_ROOT / "bot" / "outgoing" / "scheduler.py"),
)


def api_method(error: BaseException) -> str:
    method = getattr(error, "method", None)
    return getattr(method, "__api_method__", None) or "-"


def reason(error: BaseException) -> str:
    """Telegram's generic reason ("message to edit not found"), cut before any detail."""
    if not isinstance(error, TelegramBadRequest):
        return ""
    text = error.message.removeprefix("Bad Request: ")
    return text.split(":", 1)[0][:60]


def where(tb: TracebackType | None) -> str:
    """The innermost frame in our own code (the request path aside), as file:line function."""
    found = "-"
    for frame in traceback.extract_tb(tb):
        if frame.filename.startswith(_OURS) and not frame.filename.startswith(_PLUMBING):
            found = f"{Path(frame.filename).relative_to(_ROOT)}:{frame.lineno} {frame.name}"
    return found


def is_not_modified(error: BaseException) -> bool:
    return isinstance(error, TelegramBadRequest) and "message is not modified" in error.message


async def on_error(event: ErrorEvent) -> bool:
    error = event.exception
    kind = event.update.event_type
    if isinstance(error, TelegramForbiddenError):
        log.debug("reader unreachable (%s) while answering a %s", api_method(error), kind)
    elif is_not_modified(error):
        pass  # the screen already shows what we meant to show
    elif isinstance(error, NotSent):
        log.debug("%s not sent (%s)", api_method(error), error.message)  # the queue counts it
    elif isinstance(error, TelegramAPIError):
        log.warning(
            "%s from %s%s while answering a %s at %s",
            type(error).__name__,
            api_method(error),
            f" ({reason(error)})" if reason(error) else "",
            kind,
            where(error.__traceback__),
        )
    else:
        log.error(
            "%s while answering a %s at %s", type(error).__name__, kind, where(error.__traceback__)
        )
    return True


def setup(dispatcher: Dispatcher) -> None:
    dispatcher.errors.register(on_error)

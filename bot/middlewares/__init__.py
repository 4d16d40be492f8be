"""Middlewares: what happens to every update before (or around) the handlers, and to every request."""

from bot.middlewares.remember import RememberIncoming
from bot.middlewares.retry import RetryRequests
from bot.middlewares.throttle import Throttle

__all__ = ["RememberIncoming", "RetryRequests", "Throttle"]

"""A stand-in for the Telegram Bot API, for tests, the translators' preview and the benchmarks.

Not part of the bot: the bot never imports it.
"""

from fake_telegram.offline import (
    BOT_USER,
    FakeTelegram,
    OfflineReader,
    OfflineSession,
    Request,
    button_press,
    text_content,
)

__all__ = [
    "BOT_USER",
    "FakeTelegram",
    "OfflineReader",
    "OfflineSession",
    "Request",
    "button_press",
    "text_content",
]

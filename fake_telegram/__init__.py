"""A fake Telegram: one model of the Bot API's behaviour (`model`), with two front doors: an
in-process aiogram session (`session`: tests, the translators' preview, the benchmarks) and an
HTTP server (`http`: the end-to-end tests, and `python -m bot fake-telegram` for running the bot
by hand). `updates` builds the updates a reader sends.

Not part of the bot: the bot never imports it.
"""

from fake_telegram.model import BOT_USER, Call, FloodLimits, Telegram
from fake_telegram.session import OfflineReader, OfflineSession

__all__ = ["BOT_USER", "Call", "FloodLimits", "OfflineReader", "OfflineSession", "Telegram"]

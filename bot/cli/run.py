"""`python -m bot` (or `python -m bot run`): the bot itself, with long polling."""

from __future__ import annotations

import argparse
import asyncio
import logging

from bot import logs
from bot.config import ConfigError, load_contacts, load_settings

log = logging.getLogger("bot")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "Run the bot with long polling (configuration from the environment)."


def main(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
        contacts = load_contacts(settings.contacts)
    except ConfigError as error:
        print(f"error: {error}")
        return 2
    if contacts.example:
        print(
            f"error: {settings.contacts} says `example = true`: fill in the program's verified "
            "official channels and remove that line before going live"
        )
        return 2
    storage = None
    if settings.redis_url:  # several instances share the readers' state; else it stays in memory
        from bot.fsm_storage import redis_storage

        try:
            storage = redis_storage(settings.redis_url, settings.state_ttl)
        except ConfigError as error:
            print(f"error: {error}")
            return 2
    logs.setup()
    asyncio.run(_serve(settings, contacts, storage))
    return 0


async def _serve(settings, contacts, storage=None) -> None:  # type: ignore[no-untyped-def]
    # Imported here so that configuration errors are reported before aiogram is loaded.
    from bot import commands
    from bot.app import build_bot, build_dispatcher, close_bot
    from bot.languages import make_i18n
    from bot.outgoing import SendScheduler
    from storage import SQLiteCounter

    i18n = make_i18n()
    # Never raises for a database problem: the counts then wait in memory (storage/counts.py).
    counter = await SQLiteCounter.open(settings.db)
    bot = None
    try:
        bot = build_bot(
            settings.token.get_secret_value(),
            api_url=str(settings.api_url) if settings.api_url else None,
            scheduler=SendScheduler(rate=settings.send_rate, max_queue=settings.send_queue),
        )
        dispatcher = build_dispatcher(
            contacts=contacts, counter=counter, settings=settings, i18n=i18n, storage=storage
        )
        await commands.publish(bot, i18n)
        log.info("polling")
        await dispatcher.start_polling(bot, handle_signals=True, close_bot_session=False)
    finally:
        if bot is not None:
            await close_bot(bot)  # what is queued goes out (at most 5 s), the handlers waiting end
        await counter.close()  # SIGTERM and SIGINT stop polling first: nothing counted is lost
        log.info("stopped")

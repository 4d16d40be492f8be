"""`python -m bot` (or `python -m bot run`): the bot itself, with long polling, or in webhook mode
when BOT_WEBHOOK_URL is set (bot/webhook.py).

What the operator must fix stops the start before the bot goes live, with one line on stderr and
exit code 2: the settings, the contacts file (missing, malformed, or still the example's), the
database's place (BOT_DB), Redis (BOT_REDIS_URL), the token (Telegram's answer to getMe). What time
fixes (Telegram unreachable, a 429) is waited out and logged, and the bot goes live when it can.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from typing import TYPE_CHECKING, Any

from bot import logs
from bot.config import ConfigError, check_live, check_mode, load_contacts, load_settings

if TYPE_CHECKING:
    from bot.config import Contacts, Settings

log = logging.getLogger("bot")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Run the bot: long polling, or a webhook when BOT_WEBHOOK_URL is set (configuration from "
        "the environment)."
    )


def main(args: argparse.Namespace) -> int:
    from storage import schema

    try:
        settings = load_settings()
        check_mode(settings)
        contacts = load_contacts(settings.contacts)
        check_live(contacts, settings.contacts)
        if problem := schema.location_problem(settings.db):
            raise ConfigError(f"BOT_DB: {problem}")
    except ConfigError as error:
        return refuse(error)
    logs.setup(settings.log_level)
    try:
        asyncio.run(serve(settings, contacts))
    except ConfigError as error:
        return refuse(error)
    except (KeyboardInterrupt, asyncio.CancelledError):
        log.info("stopped before going live")
    return 0


def refuse(error: ConfigError) -> int:
    print(f"error: {error}", file=sys.stderr)
    return 2


async def serve(settings: Settings, contacts: Contacts) -> None:
    # Imported here so that configuration errors are reported before aiogram is loaded.
    from bot import startup
    from bot.app import build_bot, build_dispatcher, close_bot
    from bot.languages import available, held_back, make_i18n
    from bot.outgoing import SendScheduler
    from bot.shared import shared_parts
    from storage import SQLiteCounter

    storage, where = await _state_storage(settings)
    # With Redis: flood control, the sending rate and distinct readers shared by every instance.
    shared = shared_parts(storage, settings.token.get_secret_value(), settings)
    bot = build_bot(
        settings.token.get_secret_value(),
        api_url=str(settings.api_url) if settings.api_url else None,
        scheduler=SendScheduler(
            rate=settings.send_rate, max_queue=settings.send_queue, send_rate=shared.send_rate
        ),
    )
    # Until polling starts (and aiogram handles them), SIGTERM and Ctrl-C end the wait for Telegram.
    loop, task = asyncio.get_running_loop(), asyncio.current_task()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, task.cancel)  # type: ignore[union-attr]  # in a coroutine: a current task exists
    try:
        me = await startup.connect(bot)
    except BaseException:
        await close_bot(bot)
        if storage is not None:
            await storage.close()
        raise
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    i18n = make_i18n()
    held = held_back()
    # Never raises for a database problem: the counts then wait in memory (storage/counts.py).
    counter = await SQLiteCounter.open(settings.db, shared_readers=shared.readers)
    stopped_because: list[str] = []
    stopping: list[asyncio.Task[None]] = []  # held, so that the task is not collected midway
    try:
        dispatcher = build_dispatcher(
            contacts=contacts,
            counter=counter,
            settings=settings,
            i18n=i18n,
            storage=storage,
            throttle=shared.throttle,
        )

        async def stop_polling() -> None:
            with contextlib.suppress(RuntimeError):  # polling had stopped already
                await dispatcher.stop_polling()

        def stop(reason: str) -> None:
            if not stopped_because:
                stopped_because.append(reason)
                stopping.append(asyncio.get_running_loop().create_task(stop_polling()))

        webhook = settings.webhook_url is not None
        if not webhook:
            bot.session.middleware(startup.PollingConflicts(stop))
            await startup.clear_webhook(bot)
            mode = "polling"
        else:
            from bot import webhook as hook

            mode = hook.describe(str(settings.webhook_url), settings.listen)
        publishing = startup.publish_in_background(bot, i18n)

        async def stop_publishing() -> None:
            publishing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await publishing

        dispatcher.shutdown.register(stop_publishing)

        def live() -> None:
            log.info(
                "going live as @%s: contacts %s; database %s; languages %s%s; state %s; mode %s",
                me.username,
                settings.contacts,
                settings.db,
                ", ".join(available(i18n)),
                f" (held back until complete: {_held(held)})" if held else "",
                where,
                mode,
            )
            if not contacts.any_program_channel:
                log.warning(
                    "%s configures no program channel (hotline, website, bot, channel, "
                    "messenger): readers are told the operator has not configured them yet",
                    settings.contacts,
                )

        if webhook:
            await _serve_webhook(settings, bot, dispatcher, counter, live)
        else:
            live()
            # The session stays open after polling: the send queue still has replies to send.
            await dispatcher.start_polling(bot, handle_signals=True, close_bot_session=False)
    finally:
        # SIGTERM and SIGINT stop polling (or close the webhook's port); the updates in flight
        # finish first (BotDispatcher), what is still queued goes out (at most 5 s), then the counts are written: nothing
        # counted is lost.
        await close_bot(bot)
        await counter.close()
        log.info("stopped")
    if stopped_because:
        raise startup.StartupError(stopped_because[0])


async def _serve_webhook(
    settings: Settings, bot: Any, dispatcher: Any, counter: Any, live: Any
) -> None:
    """Webhook mode until SIGTERM or SIGINT: listen, set the webhook, serve; then close the port,
    let the requests being handled finish, and shut the dispatcher down. The webhook stays set:
    other instances serve it."""
    from bot import webhook as hook

    secret = settings.webhook_secret.get_secret_value()  # type: ignore[union-attr]
    url = str(settings.webhook_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    workflow = {"dispatcher": dispatcher, "bots": (bot,), **dispatcher.workflow_data}
    workflow.pop("bot", None)
    server = hook.WebhookServer(
        dispatcher,
        bot,
        url=url,
        secret=secret,
        listen=settings.listen,
        storage=dispatcher.storage,
        counter=counter,
        dispatcher=dispatcher,
        bots=(bot,),
    )
    try:
        try:
            await server.start()
        except BaseException:
            await dispatcher.storage.close()
            raise
        try:
            await dispatcher.emit_startup(bot=bot, **workflow)
            await hook.set_webhook(bot, url, secret, dispatcher.resolve_used_update_types())
            live()
            await stop.wait()
            log.info("stopping: the port is closed, the updates being handled finish")
        finally:
            await server.stop()
            await dispatcher.emit_shutdown(bot=bot, **workflow)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


def _held(held: dict[str, str]) -> str:
    return ", ".join(f"{lang} ({why})" for lang, why in sorted(held.items()))


async def _state_storage(settings: Settings) -> tuple[Any, str]:
    """The readers' state: Redis when BOT_REDIS_URL is set (reachable now, or the start stops),
    else memory. Returns the storage (None: build_dispatcher's memory default) and its description."""
    if not settings.redis_url:
        return None, f"in memory, forgotten {settings.state_ttl} s after a reader's last update"
    from bot.fsm_storage import redis_address, redis_storage
    from bot.shared.persistence import warn_if_persistent
    from bot.startup import StartupError

    storage = redis_storage(settings.redis_url, settings.state_ttl)
    address = redis_address(storage)
    try:
        await storage.ping()
    except Exception as error:  # noqa: BLE001 - any failure here means: not reachable
        await storage.close()
        raise StartupError(
            f"BOT_REDIS_URL: Redis at {address} cannot be reached ({type(error).__name__}); "
            "start it, or unset BOT_REDIS_URL to keep the readers' state in memory"
        ) from None
    await warn_if_persistent(storage.redis)  # one line if its data can reach a disk
    return storage, f"in Redis at {address}, every key expiring after {settings.state_ttl} s"

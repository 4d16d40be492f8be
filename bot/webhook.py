"""Webhook mode (BOT_WEBHOOK_URL set): Telegram posts each update to the URL, through the operator's
reverse proxy or load balancer, to one of the instances; each instance serves aiogram's aiohttp
webhook handler on BOT_WEBHOOK_LISTEN.

- Every request must carry the shared secret (BOT_WEBHOOK_SECRET) in the header
  X-Telegram-Bot-Api-Secret-Token, as Telegram sends it: otherwise 403, and the request is neither
  handled nor logged (no access log at all: a request line names the reader's network, not the
  reader, but nothing needs it).
- A body over MAX_BODY, or one that is not an update, gets 400: never a traceback.
- A valid update is answered 200 at once and handled in the background (aiogram's default).
  Telegram sends a chat's updates one at a time, each after the previous one's answer: were the
  answer to wait for the handler (and its replies, paced at one a second in a chat), a reader's
  flood would drip through flood control one update a second instead of being refused at once.
  An update being handled when an instance is killed (SIGKILL) is lost, as in polling; SIGTERM
  lets it finish (bot/app.py's BotDispatcher counts what is in flight).
- GET /healthz: 200 while the instance can serve (the readers' state reachable, the counter
  running), 503 otherwise and from the moment it stops, so that a load balancer moves on.
- Stopping: the port is closed, the requests being handled finish, then the dispatcher's shutdown
  (bot/app.py). The webhook stays set: the other instances serve it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError

from bot.middlewares.retry import PATIENT
from bot.startup import StartupError

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher

log = logging.getLogger("bot.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
# Telegram's updates are small: a message is at most 4,096 characters, a button press carries the
# message it was pressed on (with its keyboard), a few kilobytes of JSON in all. 256 KB leaves room
# for everything Telegram sends and refuses a body meant to take memory.
MAX_BODY = 256 * 1024
# How long the health check waits for the readers' state to answer before it says 503.
HEALTH_TIMEOUT = 2.0
# Seconds the requests being handled may take to finish once the instance stops.
REQUESTS_GRACE = 5.0


def _refused(status: int, reason: str) -> web.Response:
    return web.Response(status=status, text=reason)


class WebhookHandler(SimpleRequestHandler):
    """aiogram's handler for one bot, which checks the secret (403), bounds and checks the body
    (400) before anything is parsed, then answers 200 and handles the update in the background."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, secret: str, /, **data: Any) -> None:
        super().__init__(dispatcher, bot, handle_in_background=True, secret_token=secret)
        self.data = data  # what polling passes to every update too ("dispatcher", "bots")
        self._secret = secret.encode()

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        given = telegram_secret_token.encode("utf-8", "surrogateescape")
        return secrets.compare_digest(given, self._secret)

    async def close(self) -> None:
        """The session stays open: the send queue still has replies to send (bot/app.py's
        close_bot closes it)."""

    async def handle(self, request: web.Request) -> web.Response:
        if not self.verify_secret(request.headers.get(SECRET_HEADER, ""), self.bot):
            return _refused(403, "Forbidden")
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _refused(400, "Bad Request: the body is too large")
        try:
            body = await request.read()  # the app's client_max_size stops a longer chunked body
        except web.HTTPRequestEntityTooLarge:
            return _refused(400, "Bad Request: the body is too large")
        update = self._update(body)
        if update is None:
            return _refused(400, "Bad Request: not an update")
        task = asyncio.create_task(self._feed(update))
        self._background_feed_update_tasks.add(task)
        task.add_done_callback(self._background_feed_update_tasks.discard)
        return web.json_response({})

    async def _feed(self, update: Update) -> None:
        try:
            result = await self.dispatcher.feed_update(self.bot, update, **self.data)
            if isinstance(result, TelegramMethod):
                await self.dispatcher.silent_call_request(bot=self.bot, result=result)
        except Exception as error:  # noqa: BLE001 - bot/errors.py handles what handlers raise
            log.error("an update could not be handled (%s)", type(error).__name__)

    def _update(self, body: bytes) -> Update | None:
        try:
            data = json.loads(body)
        except ValueError:  # UnicodeDecodeError included
            return None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return None
        try:
            return Update.model_validate(data, context={"bot": self.bot})
        except ValidationError:
            return None


class WebhookServer:
    """The instance's HTTP side: the webhook at the URL's path, and the health check."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        /,
        *,
        url: str,
        secret: str,
        listen: tuple[str, int],
        storage: Any = None,
        counter: Any = None,
        **data: Any,
    ) -> None:
        self.url, self.listen = url, listen
        self.path = urlsplit(url).path or "/"
        self.storage, self.counter = storage, counter
        self.stopping = False
        self.handler = WebhookHandler(dispatcher, bot, secret, **data)
        self.app = web.Application(client_max_size=MAX_BODY)
        self.app.router.add_post(self.path, self.handler.handle)
        self.app.router.add_get(HEALTH_PATH, self._health)
        self.runner = web.AppRunner(
            self.app, access_log=None, handle_signals=False, shutdown_timeout=REQUESTS_GRACE
        )

    async def start(self) -> None:
        """Listen on BOT_WEBHOOK_LISTEN (a port already taken is the operator's to fix)."""
        await self.runner.setup()
        host, port = self.listen
        try:
            await web.TCPSite(self.runner, host, port).start()
        except OSError as error:
            await self.runner.cleanup()
            raise StartupError(
                f"BOT_WEBHOOK_LISTEN: cannot listen on {host}:{port} ({error.strerror or error}); "
                "choose a free port, or stop what holds it"
            ) from None

    async def stop(self) -> None:
        """Close the port, and let the requests being handled finish (at most REQUESTS_GRACE)."""
        self.stopping = True
        await self.runner.cleanup()

    async def healthy(self) -> bool:
        if self.stopping:
            return False
        alive = getattr(self.counter, "alive", True)
        if not alive:
            return False
        ping = getattr(self.storage, "ping", None)
        if ping is None:
            return True
        try:
            await asyncio.wait_for(ping(), HEALTH_TIMEOUT)
        except Exception:  # noqa: BLE001 - whatever the reason, the state cannot be reached now
            return False
        return True

    async def _health(self, request: web.Request) -> web.Response:
        if await self.healthy():
            return web.Response(text="ok")
        return web.Response(status=503, text="unavailable")


async def set_webhook(bot: Bot, url: str, secret: str, allowed_updates: list[str]) -> None:
    """setWebhook, waiting out a 429 however long (instances starting together each set it, and
    Telegram takes one setWebhook a second). Telegram's refusal is the operator's to fix."""
    from aiogram.exceptions import TelegramAPIError

    from bot.logs import scrub_token

    async def set_it() -> None:
        PATIENT.set(True)  # this task's requests wait as long as Telegram asks
        await bot.set_webhook(
            url,
            secret_token=secret,
            allowed_updates=allowed_updates,
            drop_pending_updates=False,
        )

    try:
        await asyncio.create_task(set_it(), name="set-webhook")
    except TelegramAPIError as error:
        raise StartupError(
            f"Telegram refused setWebhook for BOT_WEBHOOK_URL ({scrub_token(error.message)}): "
            "Telegram posts to HTTPS on port 443, 80, 88 or 8443 only"
        ) from None


def describe(url: str, listen: tuple[str, int]) -> str:
    """The mode, for the going-live line: the webhook's host (not its path) and the local port."""
    host, port = listen
    return f"webhook at {urlsplit(url).hostname}, listening on {host}:{port}"

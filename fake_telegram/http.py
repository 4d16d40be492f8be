"""The HTTP front door: the model served on 127.0.0.1 as `/bot{token}/{method}`, the way
api.telegram.org serves the Bot API, so that `python -m bot` runs against it with BOT_API_URL; and,
while a webhook is set, the updates posted to it (fake_telegram/webhook.py).

    async with Server(Telegram()) as telegram:       # in the running event loop
        ...telegram.url...

    with ServerThread() as telegram:                 # in a thread of its own, for subprocesses
        env["BOT_API_URL"] = telegram.url
        telegram.push(updates.command(reader, "/start"))
        telegram.wait_for_call("sendMessage")
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from aiohttp import web

from fake_telegram.model import ApiError, Call, Telegram, bad
from fake_telegram.webhook import Delivery

# What clients send JSON-encoded in a form, and what comes as a number or a flag (the fields of
# the methods the model answers).
_JSON = frozenset({"reply_markup", "commands", "message_ids", "allowed_updates", "scope"})
_INT = frozenset({"chat_id", "message_id", "offset", "limit", "timeout", "max_connections"})
_BOOL = frozenset({"protect_content", "show_alert", "disable_notification", "drop_pending_updates"})


class Server:
    def __init__(self, telegram: Telegram | None = None, host: str = "127.0.0.1", port: int = 0):
        self.telegram = telegram or Telegram()
        self.host, self.port = host, port
        self._runner: web.AppRunner | None = None
        self._delivery: Delivery | None = None

    async def start(self) -> Telegram:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/{anything:.*}", _not_found)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.telegram.url = f"http://{self.host}:{self._runner.addresses[0][1]}"
        self._delivery = Delivery(self.telegram)  # to a webhook, once one is set
        self._delivery.start()
        return self.telegram

    async def stop(self) -> None:
        self.telegram.close()
        if self._delivery is not None:
            await self._delivery.stop()
            self._delivery = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Telegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.match_info["token"] != self.telegram.token:
            error = ApiError(401, "Unauthorized")
            self.telegram.calls.append(Call(method, {}, error.status, error.description))
            return web.json_response(error.body(), status=error.status)
        try:
            params = await _params(request)
        except ApiError as error:
            self.telegram.calls.append(Call(method, {}, error.status, error.description))
            return web.json_response(error.body(), status=error.status)
        answered = await self.telegram.answer(method, params)
        if answered is None:  # a dropped connection: no answer at all
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=500)
        status, body = answered
        return web.json_response(body, status=status)


async def _not_found(request: web.Request) -> web.StreamResponse:
    """Any other path, answered as api.telegram.org answers it: in JSON, 404."""
    error = ApiError(404, "Not Found")
    return web.json_response(error.body(), status=error.status)


class ServerThread:
    """A `Server` in a thread and event loop of its own: for a bot run as a subprocess, and for
    tests that drive it from synchronous code (the model's methods are thread-safe)."""

    def __init__(self, telegram: Telegram | None = None, **server: Any) -> None:
        self.server = Server(telegram, **server)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> Telegram:
        self._thread.start()
        return asyncio.run_coroutine_threadsafe(self.server.start(), self._loop).result(10)

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


async def _params(request: web.Request) -> dict[str, Any]:
    """The request's parameters, from the query string and a JSON or form body, decoded."""
    params: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad("can't parse JSON request body") from None
            if not isinstance(body, dict):
                raise bad("request body must be a JSON object")
            params.update(body)
        else:
            params.update((k, v) for k, v in (await request.post()).items() if isinstance(v, str))
    return decode(params)


def decode(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters sent as text (a query string, a form) as the model takes them: JSON fields as
    lists and dicts, ids as ints, flags as bools."""
    for name, value in params.items():
        if not isinstance(value, str):
            continue
        try:
            if name in _JSON:
                params[name] = json.loads(value)
            elif name in _INT:
                params[name] = int(value)
            elif name in _BOOL:
                params[name] = value.lower() in ("true", "1")
        except ValueError:
            raise bad(f"can't parse {name}") from None
    return params

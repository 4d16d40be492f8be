"""Several instances as an operator runs them: `python -m bot` processes in webhook mode on loopback,
sharing a real redis-server, behind a small round-robin forwarder (a load balancer's stand-in), with
the fake Telegram posting updates to the forwarder's URL with the secret.

    with Cluster(tmp_path, instances=2) as cluster:
        cluster.telegram.push(...)          # delivered through the forwarder, to either instance
        cluster.forwarder.served            # which instance took each request, in order
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from fake_telegram import Telegram
from fake_telegram.http import ServerThread
from tests.e2e.test_operation import Bot, _free_port
from tests.test_redis import RedisServer, redis_binary

SECRET = "shared-secret_0f3A9c"
HOOK_PATH = "/telegram/updates"


class Forwarder:
    """An HTTP load balancer in miniature: each request goes to the next backend in turn; a
    backend that refuses the connection is skipped (as a balancer skips a dead one); one that
    fails mid-request gets the client a 502, as a balancer answers (Telegram then posts again)."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.served: list[int] = []  # the backend of each answered request, in order
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._next = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def _start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=70))
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        body = await request.read()
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() in ("content-type", "x-telegram-bot-api-secret-token")
        }
        for attempt in range(len(self.backends)):
            index = (self._next + attempt) % len(self.backends)
            try:
                async with self._session.request(
                    request.method,
                    self.backends[index] + request.path_qs,
                    data=body,
                    headers=headers,
                ) as response:
                    payload = await response.read()
                    kind = response.headers.get("Content-Type", "application/octet-stream")
            except aiohttp.ClientConnectorError:
                continue  # nothing listens there: the next one
            except aiohttp.ClientError:
                self._next = index + 1
                return web.Response(status=502)
            self._next = index + 1
            self.served.append(index)
            return web.Response(
                status=response.status, body=payload, headers={"Content-Type": kind}
            )
        return web.Response(status=502)

    def __enter__(self) -> Forwarder:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


def redis_server(directory: Path) -> RedisServer:
    server = RedisServer(redis_binary(), directory)
    server.start()
    return server


class Cluster:
    """The fake Telegram (in local mode: plain HTTP on any port, as `telegram-bot-api --local`
    allows), Redis, the forwarder, and `instances` bot processes, each in a directory of its own
    (its own counts file)."""

    def __init__(self, directory: Path, instances: int = 2, **env: str) -> None:
        self.directory, self.count, self.env = directory, instances, env
        self.ports = [_free_port() for _ in range(instances)]
        self.bots: list[Bot] = []
        self._telegram = ServerThread(Telegram(local=True))

    def __enter__(self) -> Cluster:
        self.telegram = self._telegram.__enter__()
        try:
            self.redis = redis_server(self.directory)
            self.forwarder = Forwarder([f"http://127.0.0.1:{port}" for port in self.ports])
            self.forwarder.__enter__()
            for index, port in enumerate(self.ports):
                self.bots.append(self.start(index, port))
            for bot in self.bots:
                bot.wait_for_log("going live")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def start(self, index: int, port: int) -> Bot:
        where = self.directory / f"instance{index}"
        where.mkdir(exist_ok=True)
        return Bot(
            where,
            self.telegram.url,
            BOT_WEBHOOK_URL=self.forwarder.url + HOOK_PATH,
            BOT_WEBHOOK_SECRET=SECRET,
            BOT_WEBHOOK_LISTEN=f"127.0.0.1:{port}",
            BOT_REDIS_URL=self.redis.url,
            **self.env,
        )

    def instance_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.ports[index]}"

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for bot in self.bots:
            bot.stop()
        if hasattr(self, "forwarder"):
            self.forwarder.__exit__()
        if hasattr(self, "redis"):
            self.redis.stop()
        self._telegram.__exit__()


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """A POST from the test itself (urllib: no event loop needed), as (status, body)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def get(url: str) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def as_json(value: Any) -> bytes:
    import json

    return json.dumps(value).encode()

"""Several instances: the readers' state in a real Redis, always with a time-to-live.

Runs where a redis-server binary and the `redis` package are installed (.ci/run installs both);
skipped elsewhere.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.app import build_bot, build_dispatcher
from bot.callbacks import ChooseRole, Role
from bot.config import ConfigError, Contacts
from bot.content.tree import HOME
from bot.fsm_storage import redis_storage
from bot.languages import make_i18n
from bot.middlewares import Throttle
from bot.outgoing import SendScheduler, SimulatedClock
from bot.screens import section_screen
from fake_telegram import OfflineReader, OfflineSession
from tests.conftest import TOKEN

if TYPE_CHECKING:
    from redis.asyncio import Redis


def test_a_missing_redis_package_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "aiogram.fsm.storage.redis", None)
    with pytest.raises(ConfigError, match=r"hochu-zhit-bot\[redis\]"):
        redis_storage("redis://127.0.0.1:1/0", 3600)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A real redis-server on a free port, which a test may stop and start again."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary, self.directory, self.port = binary, directory, _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    pytest.skip("redis-server did not start")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(5)
            self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    pytest.importorskip("redis")
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(binary, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    return redis_server.url


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[Redis]:
    import redis.asyncio

    connection = redis.asyncio.Redis.from_url(redis_url)
    yield connection
    await connection.aclose()


async def test_two_instances_share_a_reader_and_every_key_expires(
    redis_url: str, client: Redis, contacts: Contacts
) -> None:
    instances = []
    for _ in range(2):
        session = OfflineSession()
        bot = build_bot(TOKEN, session=session, scheduler=SendScheduler(clock=SimulatedClock()))
        dispatcher = build_dispatcher(
            contacts=contacts,
            storage=redis_storage(redis_url, 3600),
            throttle=Throttle(enabled=False),
        )
        instances.append((session, bot, dispatcher))
    (session_a, bot_a, dispatcher_a), (session_b, bot_b, dispatcher_b) = instances
    session_b.telegram = session_a.telegram  # one Telegram, two instances behind it
    a, b = OfflineReader(dispatcher_a, bot_a), OfflineReader(dispatcher_b, bot_b)
    try:
        await a.send("/start")
        await b.press(ChooseRole(role=Role.SOLDIER).pack())
        await a.send("/language")
        await b.press("l:uk")
        menu = (await a.send("/menu"))[0].params["text"]
        keys = await client.keys("*")
        assert keys
        for key in keys:
            assert 0 < await client.ttl(key) <= 3600, key  # nothing without a time-to-live
        i18n = make_i18n()
        with i18n.context(), i18n.use_locale("uk"):
            assert (
                menu == section_screen(HOME, contacts).text
            )  # the choice made on the other instance
        replies = await b.send("/erase")
        deleted = {
            i for r in replies if r.method == "deleteMessages" for i in r.params["message_ids"]
        }
        assert len(deleted) >= 6  # both instances' messages, and the reader's
        for key in await client.keys("*"):
            assert 0 < await client.ttl(key) <= 3600
    finally:
        for _, bot, dispatcher in instances:
            await dispatcher.storage.close()
            await bot.session.close()
        await asyncio.sleep(0)


async def test_redis_lost_while_running_is_logged_once_and_readers_still_get_answers(
    redis_server: RedisServer, contacts: Contacts, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    storage = redis_storage(redis_server.url, 3600)
    session = OfflineSession()
    bot = build_bot(TOKEN, session=session)
    dispatcher = build_dispatcher(
        contacts=contacts, storage=storage, throttle=Throttle(enabled=False)
    )
    reader = OfflineReader(dispatcher, bot, language_code="uk")
    try:
        await reader.send("/start")
        await reader.press(ChooseRole(role=Role.SOLDIER).pack())
        redis_server.stop()  # Redis goes away
        for command in ("/menu", "/help", "/menu"):
            replies = await reader.send(command)
            assert [r.method for r in replies] == ["sendMessage"] and replies[0].ok  # not silence
        outage = [r for r in caplog.records if "Redis is unreachable" in r.getMessage()]
        assert len(outage) == 1  # once per outage, not once per update
        redis_server.start()  # and comes back
        storage.outage.next_try = 0  # rather than wait for the next probe
        await reader.send("/start")
        assert any("Redis is reachable again" in r.getMessage() for r in caplog.records)
        state = dispatcher.fsm.get_context(
            bot, chat_id=reader.chat["id"], user_id=reader.user["id"]
        )
        assert await state.get_state() is not None  # written to Redis again
        assert "ERROR" not in [r.levelname for r in caplog.records if r.name == "bot.errors"]
        assert str(reader.user["id"]) not in caplog.text  # the outage's lines name no reader
    finally:
        await dispatcher.storage.close()
        await bot.session.close()

"""Several instances: the readers' state in a real Redis, always with a time-to-live.

Runs where a redis-server binary and the `redis` package are installed (.ci/run installs both);
skipped elsewhere.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.app import build_bot, build_dispatcher
from bot.callbacks import ChooseRole, Role
from bot.config import ConfigError
from bot.content.tree import HOME
from bot.fsm_storage import redis_storage
from bot.languages import make_i18n
from bot.middlewares import Throttle
from bot.outgoing import SendScheduler, SimulatedClock
from bot.screens import section_screen
from fake_telegram import OfflineReader, OfflineSession
from tests.conftest import TOKEN


def test_a_missing_redis_package_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "aiogram.fsm.storage.redis", None)
    with pytest.raises(ConfigError, match=r"hochu-zhit-bot\[redis\]"):
        redis_storage("redis://127.0.0.1:1/0", 3600)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    pytest.importorskip("redis")
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                if server.poll() is not None:
                    pytest.skip("redis-server did not start")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(5)


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[object]:
    import redis.asyncio

    connection = redis.asyncio.Redis.from_url(redis_url)
    yield connection
    await connection.aclose()


async def test_two_instances_share_a_reader_and_every_key_expires(
    redis_url: str, client, contacts
) -> None:  # type: ignore[no-untyped-def]
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

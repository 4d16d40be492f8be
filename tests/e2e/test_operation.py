"""`python -m bot` as an operator meets it: a token Telegram rejects, Telegram out of reach, a 429
at start-up, a webhook left on the token, SIGTERM while an update is being handled. Each against
the fake Telegram served over HTTP (`fake_telegram.http`); each either goes live and says so, or stops with one line and exit 2.
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_telegram import Telegram
from fake_telegram import updates as api
from fake_telegram.http import ServerThread
from fake_telegram.model import DEFAULT_TOKEN

ROOT = Path(__file__).resolve().parents[2]
CONTACTS = 'hotline = ["+380 800 111 222"]\nwebsite = "https://program.test/"\n'
READER = api.user(5550001001, "Reader", language_code="en")
# Seconds `python -m bot` may take to go live: importing aiogram alone takes 3 s on an idle 2-core
# machine, and over 15 s on a busy one.
STARTING = 60.0


class Bot:
    """`python -m bot` in a subprocess; its stderr kept in a file."""

    def __init__(
        self,
        tmp_path: Path,
        api_url: str | None,  # the fake's URL, once served
        token: str = DEFAULT_TOKEN,
        contacts: str = CONTACTS,
        **env: str,
    ) -> None:
        if api_url is None:
            raise ValueError("serve the fake Telegram first (ServerThread)")
        (tmp_path / "contacts.toml").write_text(contacts, encoding="utf-8")
        self.db = tmp_path / "counts.sqlite3"
        self.err_path, self.out_path = tmp_path / "bot.err", tmp_path / "bot.out"
        self.err, self.out = self.err_path.open("wb"), self.out_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=tmp_path,
            env={
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "PYTHONPATH": str(ROOT),
                "BOT_TOKEN": token,
                "BOT_API_URL": api_url,
                "BOT_DB": str(self.db),
                "BOT_CONTACTS": str(tmp_path / "contacts.toml"),
                **env,
            },
            stdout=self.out,
            stderr=self.err,
        )

    @property
    def stderr(self) -> str:
        return self.err_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, text: str, timeout: float = STARTING) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.stderr:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"never logged {text!r}:\n{self.stderr}")
            time.sleep(0.05)

    def stop(self, timeout: float = 10.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def wait(self, timeout: float = STARTING) -> int:
        try:
            return self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.err.close()
            self.out.close()


@pytest.fixture
def stub() -> Iterator[Telegram]:
    with ServerThread() as telegram:
        yield telegram


def one_line_and_exit_2(bot: Bot, *expected: str) -> None:
    assert bot.wait() == 2, bot.stderr
    lines = bot.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), bot.stderr
    assert all(text in lines[0] for text in expected), lines[0]
    assert bot.out_path.read_text() == ""


def test_a_token_telegram_rejects_is_one_line_and_exit_2(stub: Telegram, tmp_path: Path) -> None:
    bot = Bot(tmp_path, stub.url, token="123456789:AAnother-token_that-was-revoked")
    one_line_and_exit_2(bot, "BOT_TOKEN", "401", "@BotFather")
    assert not bot.db.exists()  # nothing was started


def test_a_wrong_api_address_is_one_line_and_exit_2(stub: Telegram, tmp_path: Path) -> None:
    bot = Bot(tmp_path, f"{stub.url}/nowhere")
    one_line_and_exit_2(bot, "BOT_TOKEN", "404", "BOT_API_URL")


def test_an_address_that_is_not_the_bot_api_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """A proxy or web page answering HTML where the Bot API should be: named, not a traceback."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = b"<html><body>It works!</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page) as page:
        threading.Thread(target=page.serve_forever, daemon=True).start()
        try:
            bot = Bot(tmp_path, f"http://127.0.0.1:{page.server_address[1]}")
            one_line_and_exit_2(bot, "BOT_API_URL", "not JSON")
        finally:
            page.shutdown()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_telegram_out_of_reach_at_start_is_waited_for(tmp_path: Path) -> None:
    port = _free_port()
    bot = Bot(tmp_path, f"http://127.0.0.1:{port}")
    try:
        bot.wait_for_log("trying again in 2 s")  # a line per try, with its wait, growing
        assert "trying again in 1 s" in bot.stderr and "Traceback" not in bot.stderr
        with ServerThread(port=port) as stub:  # Telegram comes back
            stub.push(api.command(READER, "/help"))
            stub.wait_for_call("sendMessage", timeout=STARTING)
            assert bot.stop() == 0
    finally:
        bot.stop()
    assert "going live" in bot.stderr


def test_a_429_on_the_commands_neither_stops_nor_delays_the_bot(
    stub: Telegram, tmp_path: Path
) -> None:
    stub.fail_next("setMyCommands", 429, retry_after=60)
    bot = Bot(tmp_path, stub.url)
    try:
        bot.wait_for_log("429 on setMyCommands: waiting 60 s")
        stub.push(api.command(READER, "/help"))
        stub.wait_for_call("sendMessage", timeout=10)  # answered at once
        assert stub.commands() == []  # still waiting, in the background
        assert bot.process.poll() is None
        started = time.monotonic()
        assert bot.stop() == 0
        assert time.monotonic() - started < 8  # the wait does not hold up a stop either
    finally:
        bot.stop()
    assert "Traceback" not in bot.stderr


def test_the_commands_are_published_once_telegram_allows(stub: Telegram, tmp_path: Path) -> None:
    stub.fail_next("setMyCommands", 429, retry_after=3)
    bot = Bot(tmp_path, stub.url)
    try:
        stub.wait_for_call("setMyCommands", where=lambda call: not call.ok, timeout=STARTING)
        refused_at = time.monotonic()
        stub.push(api.command(READER, "/help"))
        stub.wait_for_call("sendMessage", timeout=10)
        assert stub.commands() == []  # answered while the commands wait: polling did not wait
        stub.wait_for(lambda: stub.description("uk", short=True), timeout=15)
        assert time.monotonic() - refused_at > 2  # retry_after honoured
        assert stub.commands()
    finally:
        assert bot.stop() == 0


def _set_webhook(stub: Telegram) -> None:
    request = urllib.request.Request(
        f"{stub.url}/bot{stub.token}/setWebhook",
        data=json.dumps({"url": "https://old-deployment.test/hook"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.load(response)["ok"]


def test_a_webhook_left_on_the_token_is_deleted_keeping_pending_updates(
    stub: Telegram, tmp_path: Path
) -> None:
    _set_webhook(stub)
    stub.push(api.command(READER, "/help"))  # waiting for the webhook that is gone
    bot = Bot(tmp_path, stub.url)
    try:
        stub.wait_for_call("sendMessage", timeout=STARTING)  # the pending update is answered
        [deleted] = stub.calls_to("deleteWebhook")
        assert not deleted.params.get("drop_pending_updates")
        assert stub.calls_to("getUpdates", ok=False) == []  # never a 409
        assert "webhook" in bot.stderr and "old-deployment.test" in bot.stderr
    finally:
        assert bot.stop() == 0


def test_a_webhook_set_while_polling_stops_the_bot_instead_of_looping(
    stub: Telegram, tmp_path: Path
) -> None:
    bot = Bot(tmp_path, stub.url)
    try:
        stub.push(api.command(READER, "/help"))
        stub.wait_for_call("sendMessage", timeout=STARTING)  # polling
        _set_webhook(stub)  # another deployment takes the token
        assert bot.wait(STARTING) == 2
    finally:
        bot.stop()
    assert len(stub.calls_to("getUpdates", ok=False)) <= 2
    last = bot.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and "webhook" in last, bot.stderr


def test_stopping_waits_for_an_update_in_flight_and_counts_it(
    stub: Telegram, tmp_path: Path
) -> None:
    bot = Bot(tmp_path, stub.url)
    try:
        stub.push(api.command(READER, "/start"))
        stub.wait_for_call("sendMessage", timeout=STARTING)
        stub.fail_next("deleteMessages", None, delay=2.0)  # Telegram is slow to delete
        stub.push(api.command(READER, "/erase"))
        stub.wait_for(lambda: not stub.pending_updates())
        time.sleep(0.3)  # /erase is waiting for deleteMessages
        assert bot.stop() == 0
    finally:
        bot.stop()
    with sqlite3.connect(bot.db) as db:
        counted = dict(db.execute("SELECT event, n FROM counts").fetchall())
    db.close()
    assert counted == {"start": 1, "erase": 1}
    assert "unwritten" not in bot.stderr and "after close" not in bot.stderr


def test_the_log_says_where_the_bot_runs_and_keeps_per_update_lines_for_debug(
    stub: Telegram, tmp_path: Path
) -> None:
    # The second run also has no program channel configured (only the ICRC): a warning says so.
    no_channel = 'icrc_phone = "+41 22 730 2111"\n'
    for level, per_update, contacts in (("INFO", False, CONTACTS), ("DEBUG", True, no_channel)):
        run = tmp_path / level
        run.mkdir()
        bot = Bot(run, stub.url, contacts=contacts, BOT_LOG_LEVEL=level)
        try:
            since = len(stub.calls)
            stub.push(api.command(READER, "/help"))
            stub.wait_for_call("sendMessage", since=since, timeout=STARTING)
            time.sleep(0.2)
        finally:
            assert bot.stop() == 0
        [live] = [line for line in bot.stderr.splitlines() if "going live" in line]
        for part in (
            "contacts.toml",
            "counts.sqlite3",
            "languages ru, ",  # Russian first, then every catalog
            ", en, ",
            ", uk, ",
            "in memory",
            "polling",
        ):
            assert part in live, live
        # Every line has its UTC time: 2025-01-31T12:00:00.000Z INFO bot: ...
        assert all(line[:4].isdigit() and "Z " in line[:30] for line in bot.stderr.splitlines())
        assert ("is handled" in bot.stderr) is per_update, bot.stderr
        assert ("configures no program channel" in bot.stderr) is (contacts == no_channel)
        assert bot.out_path.read_text() == ""  # everything on stderr

"""The bot as an operator runs it (`python -m bot`, configuration from the environment only),
against the strict local Bot API stand-in: several readers press every button and send what they
should not, one floods, a group adds the bot, Telegram fails a few requests; then SIGTERM.

It proves: every callback query is answered; nothing the bot sends is refused by the stand-in
(bad HTML, long texts, oversized callback_data, "message is not modified"); a flood gets a handful
of replies and is not counted; /erase empties the chat; shutdown takes under 5 seconds with exit
code 0 and the counts on disk; and no file the bot wrote and nothing it printed holds a reader's
id, name, username, phone number or words.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.callbacks import Action, ChooseRole, Do, Nav, Role
from bot.content.tree import BY_ID, HOME, Extra
from fake_telegram import Telegram
from fake_telegram import updates as api
from fake_telegram.http import ServerThread

# Flood control as the bot runs it (bot/middlewares/throttle.py): 5 at once, then 1 a second.
# The readers below keep under it (with a margin), so every action of theirs must be answered.
BURST, RATE, MARGIN = 5, 1.0, 0.6

# Test values (the .test domain is reserved for tests): the bot refuses the example's own.
CONTACTS = """\
hotline = ["+380 800 000 001"]
website = "https://program.test/official"
telegram_bot = "official_program_bot"
telegram_channel = "official_program_channel"
find_url = "https://program.test/find"
icrc_url = "https://program.test/icrc"
icrc_phone = "+380 44 000 0002"

[[messengers]]
name = "Signal"
url = "https://program.test/signal"
"""

# Personal data the readers give away; none of it may reach a file or the bot's output.
NAMES = [
    "Ekaterina",
    "Mykola",
    "Svetlana",
    "Dmitriy",
    "Oleksandra",
    "Vsevolod",
    "Zinaida",
    "Yaroslav",
]
LANGS = ["ru", "uk", "en", "ko", None, "ru-RU", "pt-BR", "uk"]
SECRET_TEXT = "where is my son Alexei Petrov"
PHONE_TEXT = "+7 916 765-43-21"
CONTACT_PHONE = "+79161234567"


@dataclass
class Reader:
    user: dict[str, Any]
    tokens: float = BURST
    stamp: float = field(default_factory=time.monotonic)

    @property
    def chat(self) -> int:
        return self.user["id"]

    def take(self) -> float:
        """Seconds to wait before this reader may act without being throttled."""
        now = time.monotonic()
        self.tokens = min(BURST, self.tokens + (now - self.stamp) * RATE)
        self.stamp = now
        return 0.0 if self.tokens >= 1 + MARGIN else (1 + MARGIN - self.tokens) / RATE

    def spend(self) -> None:
        self.tokens -= 1


@pytest.fixture
def mode() -> str:
    """How the bot gets its updates: "polling" (the default), or "webhook" (Telegram posts them)."""
    return "polling"


@pytest.fixture
def stub(mode: str) -> Iterator[Telegram]:
    # In local mode, as `telegram-bot-api --local`: a webhook may be plain HTTP on any port.
    with ServerThread(Telegram(local=mode == "webhook")) as telegram:
        yield telegram


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def bot_process(
    stub: Telegram, tmp_path: Path, mode: str
) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    (tmp_path / "contacts.toml").write_text(CONTACTS, encoding="utf-8")
    assert stub.url is not None  # served by ServerThread
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "BOT_TOKEN": stub.token,
        "BOT_API_URL": stub.url,
        "BOT_DB": str(tmp_path / "counts.sqlite3"),
        "BOT_CONTACTS": str(tmp_path / "contacts.toml"),
    }
    if mode == "webhook":
        port = _free_port()
        env["BOT_WEBHOOK_URL"] = f"http://127.0.0.1:{port}/telegram/updates"
        env["BOT_WEBHOOK_SECRET"] = "end-to-end_secret"
        env["BOT_WEBHOOK_LISTEN"] = f"127.0.0.1:{port}"
    out = open(tmp_path / "bot.out", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process, tmp_path / "bot.out"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        out.close()


class Conversation:
    """Readers acting one at a time, each waiting for the bot's answer, within flood control."""

    def __init__(self, stub: Telegram) -> None:
        self.stub = stub
        self.counted: Counter[str] = Counter()  # what the bot must have counted

    def wait_turn(self, reader: Reader) -> None:
        time.sleep(reader.take())
        reader.take()
        reader.spend()

    def send(self, reader: Reader, update: dict[str, Any], expect: str = "reply") -> dict[str, Any]:
        """Push a message update; wait for the bot's reply ("reply"), or for it to be fetched."""
        self.wait_turn(reader)
        since = len(self.stub.calls)
        delivered = self.stub.push(update)
        if expect == "reply":
            self.stub.wait_for_call(
                "sendMessage", since=since, where=lambda c: c.params.get("chat_id") == reader.chat
            )
        else:
            self.stub.wait_for(
                lambda: (
                    not any(
                        u["update_id"] == delivered["update_id"]
                        for u in self.stub.pending_updates()
                    )
                )
            )
            time.sleep(0.15)
        return delivered

    def press(self, reader: Reader, data: str) -> None:
        shown = self.stub.last_bot_message(reader.chat)
        message_id = shown["message_id"] if shown else 1
        self.wait_turn(reader)
        since = len(self.stub.calls)
        delivered = self.stub.push(api.callback(reader.user, message_id, data))
        query_id = delivered["callback_query"]["id"]
        self.stub.wait_for(lambda: self.stub.callback_answer(query_id) is not None)
        # The answer goes first; the new screen follows as the send queue allows (bot/outgoing:
        # within a second in one chat), unless the press changes nothing.
        with contextlib.suppress(TimeoutError):
            self.stub.wait_for(
                lambda: any(
                    c.method in ("editMessageText", "sendMessage")
                    and c.params.get("chat_id") == reader.chat
                    for c in self.stub.calls[since:]
                ),
                timeout=1.5,
            )
        if data.startswith(Nav.__prefix__ + ":"):
            section = BY_ID.get(data.split(":", 1)[1])
            if section is not None and section.id != HOME:
                self.counted["section"] += 1
                if section.extra is Extra.CONTACTS:
                    self.counted["contacts"] += 1
        elif data.startswith(ChooseRole.__prefix__ + ":") and data.split(":", 1)[1] in set(Role):
            self.counted["role"] += 1

    def buttons(self, reader: Reader) -> list[str]:
        shown = self.stub.last_bot_message(reader.chat) or {}
        rows = shown.get("reply_markup", {}).get("inline_keyboard", [])
        return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


# Once as most operators run it (polling), once in webhook mode (Telegram posts each update).
@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_the_bot_as_operators_run_it(
    stub: Telegram, bot_process: tuple[subprocess.Popen[bytes], Path], tmp_path: Path, mode: str
) -> None:
    process, output = bot_process
    started = time.monotonic()
    stub.wait_for_call("getMe", timeout=20)  # the first call; updates wait in the queue
    print(f"polling after {time.monotonic() - started:.1f} s")
    talk = Conversation(stub)
    readers = [
        Reader(
            api.user(
                5550001001 + i * 7,
                NAMES[i],
                username=f"{NAMES[i].lower()}_secret",
                language_code=LANGS[i],
            )
        )
        for i in range(len(NAMES))
    ]

    # -- everyone starts and says who they are --------------------------------------------------
    roles = [Role.SOLDIER, Role.RELATIVE, Role.READER]
    for i, reader in enumerate(readers):
        talk.send(reader, api.command(reader.user, "/start"))
        talk.counted["start"] += 1
        talk.press(reader, ChooseRole(role=roles[i % 3]).pack())

    # -- every button, pressed by whoever is free ------------------------------------------------
    erase = Do(action=Action.ERASE).pack()
    seen = {erase}
    queue: list[str] = []
    for reader in readers:
        for data in talk.buttons(reader):
            if data not in seen:
                seen.add(data)
                queue.append(data)
    turn = 0
    while queue:
        data = queue.pop(0)
        reader = min(
            readers[turn % len(readers) :] + readers[: turn % len(readers)], key=lambda r: r.take()
        )
        turn += 1
        talk.press(reader, data)
        for found in talk.buttons(reader):
            if found not in seen:
                seen.add(found)
                queue.append(found)
    print(f"every button pressed after {time.monotonic() - started:.1f} s ({len(seen)} buttons)")
    pressed_sections = {d for d in seen if d.startswith("n:")}
    assert len(pressed_sections) == len(BY_ID), "every section reached by pressing buttons"

    # -- what should not be sent ---------------------------------------------------------------
    r = readers
    talk.send(r[0], api.message(r[0].user, **api.SAMPLES["photo"], caption=SECRET_TEXT))
    talk.send(r[1], api.message(r[1].user, **api.SAMPLES["sticker"]))
    talk.send(r[2], api.message(r[2].user, **api.SAMPLES["voice"]))
    talk.send(r[3], api.message(r[3].user, **api.SAMPLES["document"], caption="<b>unclosed & raw"))
    location = talk.send(r[4], api.message(r[4].user, **api.SAMPLES["location"]))
    shared = {"phone_number": CONTACT_PHONE, "first_name": NAMES[5], "user_id": r[5].chat}
    contact = talk.send(r[5], api.message(r[5].user, contact=shared))
    phone = talk.send(r[6], api.message(r[6].user, PHONE_TEXT))
    talk.send(r[7], api.message(r[7].user, "я" * 4096))
    talk.send(r[0], api.message(r[0].user, "<script>alert('x')</script> &amp; <b>" + SECRET_TEXT))
    talk.send(r[1], api.command(r[1].user, "/unknown_command"))
    talk.send(r[2], api.message(r[2].user, SECRET_TEXT))
    # An edit is not even asked for (allowed_updates lists only what the bot handles): a quiet
    # no-op, and no second reply to the same message.
    asked = stub.calls_to("setWebhook" if mode == "webhook" else "getUpdates")[-1].params
    assert "edited_message" not in (asked.get("allowed_updates") or ["edited_message"])
    assert "my_chat_member" in asked["allowed_updates"]
    for data in ["n:no_such_section", "x" * 64, "l:zz", "r:king", "д" * 32]:
        talk.press(r[3], data)
    for call in (location, contact, phone):
        chat = call["message"]["chat"]["id"]
        gone = {m["message_id"] for m in stub.deleted_in(chat)}
        assert call["message"]["message_id"] in gone, (
            "a location or phone number is deleted at once"
        )

    # -- Telegram says "later", or drops the connection: the reply still arrives ----------------
    stub.fail_next("sendMessage", 429, retry_after=1)
    talk.send(r[4], api.command(r[4].user, "/help"))
    stub.fail_next("sendMessage", drop=True)
    talk.send(r[5], api.command(r[5].user, "/menu"))

    # -- a group and a channel --------------------------------------------------------------------
    group = api.group_chat(-1009876543210, "Platoon chat")
    since = len(stub.calls)
    stub.push(api.my_chat_member(r[6].user, group, new_status="member"))
    stub.wait_for_call("leaveChat", since=since)
    lines = [
        c
        for c in stub.calls_to("sendMessage", ok=True)[-3:]
        if c.params.get("chat_id") == group["id"]
    ]
    assert len(lines) == 1 and "reply_markup" not in lines[0].params
    other_group = api.group_chat(-1001111111111, "Another", type="group")
    stub.add_chat(other_group)
    since = len(stub.calls)
    stub.push(api.message(r[7].user, "/start@offline_bot", chat=other_group))
    stub.wait_for_call("leaveChat", since=since)
    channel = {"id": -1002222222222, "type": "channel", "title": "A channel"}
    since = len(stub.calls)
    stub.push(api.my_chat_member(r[7].user, channel, new_status="administrator"))
    stub.wait_for_call("leaveChat", since=since)
    assert not [c for c in stub.calls[since:] if c.method == "sendMessage"]

    # -- a flood from one reader, while another reads on ------------------------------------------
    flooder, calm = r[0], r[1]
    time.sleep(max(flooder.take(), calm.take()))
    since = len(stub.calls)
    for _ in range(60):
        stub.push(api.command(flooder.user, "/start"))
    talk.send(calm, api.command(calm.user, "/menu"))
    stub.wait_for(lambda: not stub.pending_updates(), timeout=10)

    def greeted() -> list[Any]:
        return [
            c
            for c in stub.calls[since:]
            if c.method == "sendMessage" and c.params.get("chat_id") == flooder.chat
        ]

    # What flood control let through leaves at about one a second in that chat (bot/outgoing):
    # wait until it stops.
    greetings, quiet_since = greeted(), time.monotonic()
    while time.monotonic() - quiet_since < 1.5:
        time.sleep(0.05)
        if len(greeted()) != len(greetings):
            greetings, quiet_since = greeted(), time.monotonic()
    assert 1 <= len(greetings) <= BURST + 1
    talk.counted["start"] += len(greetings)
    flooder.tokens, flooder.stamp = 0, time.monotonic()

    # -- /erase empties the chat ------------------------------------------------------------------
    eraser = r[3]
    talk.send(eraser, api.command(eraser.user, "/erase"))
    talk.counted["erase"] += 1
    left = stub.messages_in(eraser.chat)
    assert len(left) == 1 and left[0]["from"]["is_bot"], left

    # -- a reader blocks the bot ----------------------------------------------------------------
    talk.send(
        r[7],
        api.my_chat_member(
            r[7].user, api.private_chat(r[7].user), old_status="member", new_status="kicked"
        ),
        expect="quiet",
    )

    print(f"all done after {time.monotonic() - started:.1f} s")
    # -- SIGTERM ----------------------------------------------------------------------------------
    assert process.poll() is None, output.read_text(errors="replace")
    stopping = time.monotonic()
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=10)
    took = time.monotonic() - stopping
    printed = output.read_bytes()
    assert code == 0, printed.decode(errors="replace")
    assert took < 5, took
    print(f"stopped in {took:.2f} s")

    # Every callback query answered, nothing refused that the bot should have known better.
    assert stub.unanswered_callback_queries() == []
    refused = Counter(
        (c.method, (c.description or "")[:40])
        for c in stub.calls
        if not c.ok and c.method != "getUpdates"
    )
    expected_failures = {
        ("sendMessage", "Too Many Requests: retry after 1"),
        ("sendMessage", "connection dropped"),
    }
    assert set(refused) <= expected_failures, refused
    if mode == "webhook":  # every update delivered, and the webhook left for other instances
        assert stub.calls_to("getUpdates") == [] and stub.calls_to("deleteWebhook") == []
        assert stub.pending_updates() == [] and stub.webhook is not None
    sent_by_bot = stub.calls_to("sendMessage", ok=True) + stub.calls_to("editMessageText", ok=True)
    assert all(
        c.params.get("protect_content") or c.method == "editMessageText" for c in sent_by_bot
    )

    # The counts on disk: exactly what the readers did, the flood included only as answered.
    database = tmp_path / "counts.sqlite3"
    assert database.exists()
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT event, sum(n) FROM counts GROUP BY event").fetchall()
    connection.close()
    on_disk = dict(rows)
    for event in ("start", "role", "section", "contacts", "erase"):
        assert on_disk.get(event, 0) == talk.counted[event], (event, on_disk, talk.counted)

    # Nothing personal in any file the bot left or anything it printed.
    secrets = [SECRET_TEXT, PHONE_TEXT, CONTACT_PHONE, CONTACT_PHONE[1:], "Alexei"]
    for reader in readers:
        secrets += [str(reader.chat), reader.user["first_name"], reader.user["username"]]
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "contacts.toml"]
    assert database in files
    for path in files:
        blob = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in blob, (path.name, secret)
    assert b"Traceback" not in printed


def test_ctrl_c_stops_it_as_cleanly(
    stub: Telegram, bot_process: tuple[subprocess.Popen[bytes], Path], tmp_path: Path
) -> None:
    process, output = bot_process
    stub.wait_for_call("getMe", timeout=20)
    reader = api.user(5550009001, "Anfisa", username="anfisa_secret", language_code="uk")
    since = len(stub.calls)
    stub.push(api.command(reader, "/start"))
    stub.wait_for_call("sendMessage", since=since)
    stopping = time.monotonic()
    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=10)
    assert code == 0 and time.monotonic() - stopping < 5, output.read_text(errors="replace")
    with sqlite3.connect(tmp_path / "counts.sqlite3") as connection:
        assert connection.execute("SELECT sum(n) FROM counts WHERE event = 'start'").fetchone() == (
            1,
        )
    connection.close()
    printed = output.read_bytes()
    assert b"Traceback" not in printed and b"5550009001" not in printed and b"Anfisa" not in printed

"""Thousands of generated updates through the real Dispatcher: nothing breaks, every button is answered.

The offline Telegram refuses what Telegram refuses, and the error handler reports whatever went
wrong (bot.errors): the test fails on any report at all, so a request Telegram would refuse counts
as much as an exception.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import build_bot, build_dispatcher
from bot.config import load_contacts
from bot.middlewares import Throttle
from bot.outgoing import SendScheduler, SimulatedClock
from fake_telegram import BOT_USER, OfflineReader, OfflineSession, updates
from tests.conftest import ROOT, TOKEN

_ids = itertools.count(1)

VALID_DATA = [
    "n:home",
    "n:rights",
    "n:r_capture",
    "n:contacts",
    "n:relatives",
    "r:soldier",
    "r:relative",
    "r:reader",
    "l:ru",
    "l:uk",
    "l:en",
    "l:ko",
    "d:languages",
    "d:erase",
]
COMMANDS = [
    "/start",
    "/menu",
    "/help",
    "/language",
    "/erase",
    "/stats",
    "/unknown",
    "/start x",
    "/menu@offline_bot",
    "/START",
    "/",
]
LANGUAGES = [
    None,
    "ru",
    "uk",
    "en",
    "ko",
    "ru-RU",
    "uz-Latn",
    "pt-br",
    "zz",
    "",
    "x" * 20,
    "-",
    "en_",
]
CHAT_TYPES = ["private"] * 6 + ["group", "supergroup", "channel"]
STATUSES = ["member", "administrator", "left", "kicked", "restricted"]

users = st.builds(
    lambda uid, lang, name: {
        "id": uid,
        "is_bot": False,
        "first_name": name or "R",
        **({"language_code": lang} if lang is not None else {}),
    },
    st.integers(1, 12),
    st.sampled_from(LANGUAGES) | st.text(max_size=8),
    st.text(max_size=20),
)
texts = st.one_of(
    st.sampled_from(COMMANDS),
    st.text(max_size=50),
    st.text(alphabet="<>&/;\"'b i", max_size=40),
    st.sampled_from(["+7 900 123-45-67", "ж" * 4096, "a" * 4096, "<b>" * 500]),
)
entities = st.lists(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(
                ["bot_command", "phone_number", "bold", "url", "mention", "spoiler"]
            ),
            "offset": st.integers(0, 60),
            "length": st.integers(1, 60),
        }
    ),
    max_size=3,
)
MEDIA: list[dict[str, Any]] = [
    {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 9, "height": 9}]},
    {
        "sticker": {
            "file_id": "s",
            "file_unique_id": "s",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        }
    },
    {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 1}},
    {"document": {"file_id": "d", "file_unique_id": "d"}},
    {"location": {"latitude": 48.0, "longitude": 37.8}},
    {"venue": {"location": {"latitude": 1.0, "longitude": 2.0}, "title": "t", "address": "a"}},
    {"contact": {"phone_number": "+79001234567", "first_name": "C"}},
    {"dice": {"emoji": "🎲", "value": 1}},
    {"new_chat_members": [BOT_USER]},
    {"group_chat_created": True},
    {"message_auto_delete_timer_changed": {"message_auto_delete_time": 86400}},
]


def chat_for(user: dict[str, Any], kind: str) -> dict[str, Any]:
    if kind == "private":
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    return {"id": -1000 - user["id"], "type": kind, "title": "t"}


@st.composite
def any_update(draw: st.DrawFn) -> dict[str, Any]:
    user = draw(users)
    chat = chat_for(user, draw(st.sampled_from(CHAT_TYPES)))
    kind = draw(
        st.sampled_from(
            ["message", "message", "media", "callback", "callback", "edited", "member", "post"]
        )
    )
    message_id = draw(st.integers(1, 40))
    date = int(time.time()) - draw(st.sampled_from([0, 0, 3 * 86400]))
    if kind == "message":
        text = draw(texts) or "."
        return updates.message(user, text, chat=chat, date=date, entities=draw(entities) or None)
    if kind == "media":
        caption = draw(st.none() | st.text(max_size=30))
        media = draw(st.sampled_from(MEDIA)) | ({"caption": caption} if caption else {})
        return updates.message(user, chat=chat, date=date, **media)
    if kind == "edited":
        text = draw(texts) or "."
        edit: dict[str, Any] = {"message_id": message_id, "edit_date": date + 1}
        return updates.message(user, text, chat=chat, date=date, kind="edited_message", **edit)
    if kind == "post":
        return updates.message(user, "x", chat=chat_for(user, "channel"), kind="channel_post")
    if kind == "member":
        old, new = draw(st.sampled_from(STATUSES)), draw(st.sampled_from(STATUSES))
        return updates.my_chat_member(user, chat, old_status=old, new_status=new, date=date)
    data = draw(
        st.sampled_from(VALID_DATA)
        | st.text(min_size=1, max_size=64).filter(lambda d: len(d.encode()) <= 64)
    )
    shown = draw(st.sampled_from(["message", "message", "inaccessible", "inline"]))
    private = chat_for(user, "private")
    inline = "inline" if shown == "inline" else None
    press = updates.callback(
        user, message_id, data, chat=private, id=f"f{next(_ids)}", inline_message_id=inline
    )
    query = press["callback_query"]
    if shown == "message":
        query["message"].update(date=date, text=draw(st.text(max_size=10)) or "…")
    elif shown == "inaccessible":
        query["message"] = {"message_id": message_id, "date": 0, "chat": private}
    return press


class Reports(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()}")


def test_generated_updates_never_break_the_bot() -> None:
    loop = asyncio.new_event_loop()
    session = OfflineSession()
    bot = build_bot(TOKEN, session=session, scheduler=SendScheduler(clock=SimulatedClock()))
    clock = [0.0]  # flood control on a clock the examples move: sometimes bursts, mostly not
    dispatcher = build_dispatcher(
        contacts=load_contacts(ROOT / "contacts.example.toml"),
        throttle=Throttle(clock=lambda: clock[0]),
    )
    feeder = OfflineReader(dispatcher, bot)
    reports = Reports()
    for name in ("bot", "aiogram"):
        logging.getLogger(name).addHandler(reports)
    queries: list[str] = []

    @settings(
        max_examples=1500,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(any_update(), min_size=1, max_size=4), st.sampled_from([0.0, 0.1, 2.0, 10.0]))
    def feed(batch: list[dict[str, Any]], pause: float) -> None:
        clock[0] += pause
        for update in batch:
            if "callback_query" in update:
                queries.append(update["callback_query"]["id"])
            loop.run_until_complete(feeder.feed(update))  # raises if anything escaped
        assert reports.records == [], reports.records

    try:
        feed()
    finally:
        for name in ("bot", "aiogram"):
            logging.getLogger(name).removeHandler(reports)
        loop.run_until_complete(bot.session.close())
        loop.close()
    answered = {
        r.params["callback_query_id"]
        for r in session.telegram.calls
        if r.method == "answerCallbackQuery" and r.ok
    }
    assert set(queries) <= answered, set(queries) - answered
    assert len(queries) > 500

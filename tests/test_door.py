"""The door (bot/outgoing/updates.py) with a button that has no message under it: a button on a
message sent through inline mode carries only an `inline_message_id`. The bot offers no inline
mode, but Telegram may send such a press; it is answered, never a traceback."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiogram import Dispatcher
from aiogram.types import Update

from bot.app import build_dispatcher
from bot.callbacks import ChooseRole, Nav, Role
from bot.config import Contacts
from bot.middlewares import Throttle
from bot.outgoing import Door, GatedRate
from fake_telegram import OfflineReader
from tests.conftest import ReaderFactory, door
from tests.test_outgoing import Rig, settle


async def test_a_button_without_a_message_is_answered_and_two_taps_are_told_apart(
    reader: ReaderFactory, dispatcher: Dispatcher, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    user: OfflineReader = reader()
    await user.send("/start")
    press = {
        "callback_query": {
            "id": "77",
            "from": user.user,
            "chat_instance": "1",
            "inline_message_id": "AAAA",
            "data": Nav(to="rights").pack(),
        }
    }
    replies = await user.feed(press)
    # Answered, alongside the handler's message (which goes at once: the queue is idle).
    answers = [r for r in replies if r.method == "answerCallbackQuery"]
    assert len(answers) == 1 and answers[0].ok
    assert door(dispatcher).repeated_taps == 0 and door(dispatcher).busy() == 0
    assert not [
        r for r in caplog.records if r.levelname == "ERROR"
    ]  # not the error handler's answer


async def test_the_same_button_on_two_messages_is_two_taps_not_a_double_tap(contacts) -> None:  # type: ignore[no-untyped-def]
    gate = GatedRate()
    gate.open.set()
    rig = Rig({"send_rate": gate})
    dispatcher = build_dispatcher(contacts=contacts, throttle=Throttle(enabled=False))
    user = OfflineReader(dispatcher, rig.bot, user_id=4243)
    await user.send("/start")
    first = user.last_message_id()
    await user.send("/start")
    second = user.last_message_id()
    assert first != second
    gate.open.clear()  # the queue is busy: both taps are still handled when the other comes
    data = ChooseRole(role=Role.SOLDIER).pack()
    taps = [asyncio.ensure_future(user.press(data, message_id=m)) for m in (first, second)]
    await settle()
    gate.open.set()
    await asyncio.gather(*taps)
    assert door(dispatcher).repeated_taps == 0
    edited = {p["message_id"] for _, method, p, _ in rig.calls if method == "editMessageText"}
    assert edited == {first, second}


async def test_an_update_without_a_sender_goes_through_the_door_untouched(reader) -> None:  # type: ignore[no-untyped-def]
    # Telegram names the sender of every message in a private chat; without one there is no
    # reader to hold to a rate, so the door lets the update on to the bot's own handling.
    user: OfflineReader = reader()
    message = user.message_dict(text="hello")
    del message["from"]
    update = Update.model_validate({"update_id": 1, "message": message})
    gate = Door(Throttle(rate=1.0, burst=1))
    seen: list[dict[str, object]] = []

    async def handler(event: object, data: dict[str, object]) -> str:
        seen.append(dict(data))
        return "handled"

    for _ in range(3):  # more than the burst: no bucket is consulted
        assert await gate(handler, update, {"event_from_user": None}) == "handled"
    assert seen == [{"event_from_user": None}] * 3 and gate.busy() == 0


async def busy_reader(contacts, user_id: int):  # type: ignore[no-untyped-def]
    """A reader whose /help is still handled (its reply waits in a closed send queue)."""
    gate = GatedRate()
    gate.open.set()
    rig = Rig({"send_rate": gate})
    dispatcher = build_dispatcher(contacts=contacts, throttle=Throttle(enabled=False))
    user = OfflineReader(dispatcher, rig.bot, user_id=user_id)
    await user.send("/start")
    gate.open.clear()
    slow = asyncio.ensure_future(user.send("/help"))
    await settle()
    return gate, rig, dispatcher, user, slow


async def test_a_button_pressed_while_the_reader_waits_is_answered_at_the_door_once(
    contacts: Contacts,
) -> None:
    gate, rig, dispatcher, user, slow = await busy_reader(contacts, 4244)
    before = len(rig.calls)
    press = asyncio.ensure_future(user.press(ChooseRole(role=Role.SOLDIER).pack()))
    await settle()
    # answered before its turn: /help's reply still waits, and so does the press
    assert [m for _, m, _, _ in rig.calls[before:]] == ["answerCallbackQuery"]
    assert door(dispatcher).busy() == 1
    gate.open.set()
    await asyncio.gather(slow, press)
    methods = [m for _, m, _, _ in rig.calls[before:]]
    assert methods.count("answerCallbackQuery") == 1  # not again after the handler
    assert "editMessageText" in methods  # and the press did run
    assert door(dispatcher).busy() == 0
    # the same button again, now that the first press is done: a tap of its own, run
    again = await user.press(ChooseRole(role=Role.SOLDIER).pack())
    assert [c.method for c in again][:1] == ["answerCallbackQuery"]
    await user.press(ChooseRole(role=Role.SOLDIER).pack())
    assert door(dispatcher).repeated_taps == 0 and door(dispatcher).busy() == 0


async def test_an_answer_telegram_refuses_at_the_door_does_not_stop_the_press(
    contacts: Contacts, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    gate, rig, dispatcher, user, slow = await busy_reader(contacts, 4245)
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    rig.refuse["answerCallbackQuery"] = [(400, too_old, {})]
    before = len(rig.calls)
    press = asyncio.ensure_future(user.press(ChooseRole(role=Role.SOLDIER).pack()))
    await settle()
    gate.open.set()
    await asyncio.gather(slow, press)
    assert "editMessageText" in [m for _, m, _, _ in rig.calls[before:]]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert door(dispatcher).busy() == 0

from __future__ import annotations

from bot.callbacks import Action, ChooseRole, Do, Nav, Role
from bot.content.tree import SECTIONS
from tests.conftest import ReaderFactory
from tests.walk import check_request, walk_everything


async def test_every_reachable_button_answers_within_telegram_limits(reader: ReaderFactory) -> None:
    walk = await walk_everything(reader())
    assert walk.problems == []
    reached = set(walk.pressed)
    # Every section, every role and the language switch are reachable from /start.
    assert {Nav(to=s.id).pack() for s in SECTIONS} <= reached
    assert {ChooseRole(role=r).pack() for r in Role} <= reached
    assert Do(action=Action.LANGUAGES).pack() in reached


async def test_the_walk_catches_what_telegram_would_refuse() -> None:
    from fake_telegram import Call

    bad = Call("sendMessage", {"text": "<div>x</div>", "protect_content": True})
    assert check_request(bad)
    long = Call("editMessageText", {"text": "я" * 4097})
    assert check_request(long)
    button = {"text": "x", "callback_data": "n:" + "я" * 40}
    markup = Call(
        "sendMessage",
        {"text": "ok", "protect_content": True, "reply_markup": {"inline_keyboard": [[button]]}},
    )
    assert check_request(markup)
    assert check_request(Call("sendMessage", {"text": "ok"}))  # not protected


def test_values_are_escaped_one_way_for_telegram_html() -> None:
    from bot import telegram_html

    value = '<Olga\'s> & "son"'
    escaped = telegram_html.escape(value)
    assert escaped == '&lt;Olga\'s&gt; &amp; "son"'
    assert telegram_html.parse(f"<b>{escaped}</b>") == (value, [])

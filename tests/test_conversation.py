"""The conversation, driven through the real Dispatcher with simulated updates."""

from __future__ import annotations

from bot.callbacks import ChooseRole, Nav, Role
from bot.content.tree import BY_ID, HOME, PARENT, SECTIONS
from fake_telegram import OfflineReader
from tests.conftest import ReaderFactory


async def test_start_asks_who_is_asking_then_shows_the_menu(reader: ReaderFactory) -> None:
    user: OfflineReader = reader()
    replies = await user.send("/start")
    assert [r.method for r in replies] == ["sendMessage"]
    _text, buttons = user.screen()
    datas = [b["callback_data"] for row in buttons for b in row]
    assert ChooseRole(role=Role.SOLDIER).pack() in datas
    replies = await user.press(ChooseRole(role=Role.SOLDIER).pack())
    # The button is answered and its screen edited. The send queue is idle: the edit goes at once,
    # and the answer alongside it (one that must wait never holds the answer: tests/test_outgoing).
    assert sorted(r.method for r in replies) == ["answerCallbackQuery", "editMessageText"]
    _, buttons = user.screen()
    datas = [b["callback_data"] for row in buttons for b in row]
    assert [Nav(to=c).pack() for c in BY_ID[HOME].children] == datas[: len(BY_ID[HOME].children)]


async def test_every_message_is_protected_and_html(reader: ReaderFactory) -> None:
    user = reader()
    for request in await user.send("/start"):
        if request.method == "sendMessage":
            assert request.params["protect_content"] is True
            assert request.params["parse_mode"] == "HTML"


async def test_back_and_home_on_every_screen_but_home(reader: ReaderFactory) -> None:
    user = reader()
    await user.send("/start")
    await user.press(ChooseRole(role=Role.READER).pack())
    for section in SECTIONS:
        if section.id == HOME:
            continue
        await user.press(Nav(to=section.id).pack())
        _, buttons = user.screen()
        datas = [b.get("callback_data") for row in buttons for b in row]
        assert Nav(to=HOME).pack() in datas, section.id
        if PARENT[section.id] != HOME:
            assert Nav(to=PARENT[section.id]).pack() in datas, section.id


async def test_stale_or_forged_buttons_are_answered_with_a_fresh_menu(
    reader: ReaderFactory,
) -> None:
    user = reader()
    await user.send("/start")
    for data in ["n:no_such_section", "l:zz", "garbage", "r:king", "x" * 64, "n:" + "a" * 62]:
        replies = await user.press(data)
        answers = [r for r in replies if r.method == "answerCallbackQuery"]
        assert len(answers) == 1 and answers[0].ok, data
        assert answers[0].params.get("text"), data  # says the button is out of date
        sent = [r for r in replies if r.method == "sendMessage"]
        assert len(sent) == 1, data
        datas = [
            b["callback_data"]
            for row in sent[0].params["reply_markup"]["inline_keyboard"]
            for b in row
            if "callback_data" in b
        ]
        assert Nav(to=BY_ID[HOME].children[0]).pack() in datas


async def test_commands_menu_help_language(reader: ReaderFactory) -> None:
    user = reader()
    for command in ["/menu", "/help", "/language", "/start"]:
        replies = await user.send(command)
        assert [r.method for r in replies] == ["sendMessage"], command
    replies = await user.send("/menu")
    datas = [
        b["callback_data"]
        for row in replies[0].params["reply_markup"]["inline_keyboard"]
        for b in row
        if "callback_data" in b
    ]
    assert Nav(to="rights").pack() in datas


async def test_free_text_and_unknown_commands_get_a_calm_reply(reader: ReaderFactory) -> None:
    user = reader()
    for text in ["hello", "/unknown", "<b>not html</b> & more", "я" * 4096]:
        replies = await user.send(text)
        assert [r.method for r in replies] == ["sendMessage"], text
        assert all(r.ok for r in replies)


async def test_groups_get_no_conversation(reader: ReaderFactory) -> None:
    user = reader()
    user.chat = {"id": -100123, "type": "supergroup", "title": "A group"}
    replies = await user.send("/start")
    assert not [r for r in replies if r.method == "sendMessage" and "reply_markup" in r.params]

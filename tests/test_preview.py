"""`python -m bot preview`: the conversation in a terminal, driven here through a pipe."""

from __future__ import annotations

import asyncio
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.app import build_bot, build_dispatcher
from bot.callbacks import Nav
from bot.config import Contacts, load_contacts
from bot.content.tree import BY_ID, HOME
from bot.languages import DEFAULT_LOCALE, catalog_paths
from bot.middlewares import Throttle
from bot.outgoing import SendScheduler, SimulatedClock
from fake_telegram import Telegram
from fake_telegram.http import Server
from fake_telegram.terminal import render, talk_over_http
from tests.conftest import ROOT
from tests.fake_catalogs import greeting, translation
from translators.preview import EXAMPLE_CONTACTS, converse

PRESENT = {p.parent.parent.name: p for p in catalog_paths()}
LANG = "ko" if "ko" in PRESENT else DEFAULT_LOCALE


def preview(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "preview", *args],
        input=stdin,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"},
    )


def plain(html_text: str) -> str:
    return render(html_text)


def test_a_piped_conversation_prints_each_reply_and_numbered_buttons() -> None:
    result = preview("1\n2\nq\n", "--lang", LANG)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    po = PRESENT[LANG]
    # The greeting in the reader's language, tags made readable, then its buttons numbered.
    assert plain(greeting(po)) in out
    assert "<b>" not in out and "*" in out
    assert "[1] " + translation(po, "Surrender and captivity") in out
    # 1: "Surrender and captivity" → the main menu; 2: its second section.
    assert plain(translation(po, BY_ID[HOME].text)) in out
    second = BY_ID[BY_ID[HOME].children[1]]
    assert plain(translation(po, second.text)) in out
    assert out.index(plain(translation(po, BY_ID[HOME].text))) < out.index(
        plain(translation(po, second.text))
    )
    assert result.stderr == ""


async def test_text_commands_wrong_numbers_links_and_the_end_of_input(contacts: Contacts) -> None:
    channels = BY_ID[BY_ID["contact"].children[0]]
    presses = [BY_ID[HOME].children.index("contact") + 1, 1]
    script = (
        "/menu\n" + "".join(f"{n}\n" for n in presses) + "99\n1\n/help\n"
    )  # no q: input just ends
    out = io.StringIO()
    assert await converse("zz", contacts, io.StringIO(script), out) == 0
    text = out.getvalue()
    assert "No catalog for 'zz': the bot answers in Russian" in text
    assert plain(translation(PRESENT[DEFAULT_LOCALE], channels.text)) in text
    assert "(no button 99" in text
    assert "opens https://example.org/" in text  # a link button is not followed, only shown
    assert "/language" in text  # the help screen
    assert Nav(to=HOME).pack() not in text  # callback data stays out of sight


def test_a_bad_contacts_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["preview", "--contacts", str(tmp_path / "missing.toml")]) == 2
    out = capsys.readouterr().out
    assert len(out.strip().splitlines()) == 1 and "not found" in out


def test_render_marks_bold_italic_and_links() -> None:
    assert (
        render('<b>Bold</b>, <i>it</i> &amp; <a href="https://x.org">link</a>')
        == "*Bold*, _it_ & link <https://x.org>"
    )


async def test_fake_telegram_makes_the_terminal_the_reader_of_a_running_bot(
    contacts: Contacts,
) -> None:
    """`python -m bot fake-telegram`: the bot polls the fake over HTTP, a person types."""
    async with Server(Telegram()) as telegram:
        # The send queue on a simulated clock: the terminal reads its next line once a reply
        # settles, and a real per-chat rate would hold the help screen back a second.
        scheduler = SendScheduler(clock=SimulatedClock())
        bot = build_bot(telegram.token, api_url=telegram.url, scheduler=scheduler)
        dispatcher = build_dispatcher(contacts=contacts, throttle=Throttle(enabled=False))
        polling = asyncio.create_task(
            dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1)
        )
        lines = iter(["1\n", "/help\n", "q\n"])

        async def read_line() -> str:
            return next(lines)

        out = io.StringIO()
        try:
            await talk_over_http(telegram, "en", read_line, out, echo=True)
        finally:
            await dispatcher.stop_polling()
            await polling
    text = out.getvalue()
    assert f"BOT_TOKEN={telegram.token} BOT_API_URL={telegram.url} python -m bot" in text
    po = PRESENT["en"]
    assert plain(greeting(po)) in text
    assert "[1] " + translation(po, "Surrender and captivity") in text
    assert plain(translation(po, BY_ID[HOME].text)) in text  # the button pressed
    assert "/language" in text  # the help screen
    assert telegram.unanswered_callback_queries() == []


# README shows the first screen of each new language as the preview prints it.
_FIRST_SCREEN = re.compile(
    r"<details><summary>[^<]*<code>(?P<lang>\w+)</code>[^<]*</summary>\n\n```text\n(?P<screen>.*?)\n```",
    re.DOTALL,
)


def _readme_first_screens() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### The first screen in each new language", 1)[1].split("\n### ", 1)[0]
    return {m["lang"]: m["screen"] for m in _FIRST_SCREEN.finditer(section)}


async def test_readme_shows_each_new_languages_first_screen_as_the_preview_prints_it() -> None:
    shown = _readme_first_screens()
    assert set(shown) == set(PRESENT) - {"ru", "en", "uk", "ko"}
    contacts = load_contacts(EXAMPLE_CONTACTS)
    for lang, screen in shown.items():
        out = io.StringIO()
        assert await converse(lang, contacts, io.StringIO("q\n"), out) == 0
        lines = out.getvalue().splitlines()
        start = lines.index("> /start") + 2  # past the separator
        assert "\n".join(lines[start : lines.index("> q")]).rstrip() == screen, lang

"""What the bot does before its first update: configuration, and its face in every language."""

from __future__ import annotations

import subprocess
import sys

from babel import Locale

from bot import commands
from bot.languages import make_i18n
from tests.conftest import ROOT


async def test_publish_sets_commands_for_every_language_and_a_russian_default(bot, session) -> None:  # type: ignore[no-untyped-def]
    i18n = make_i18n()
    await commands.publish(bot, i18n)
    calls = [c.params for c in session.telegram.calls_to("setMyCommands")]
    codes = [c.get("language_code") for c in calls]
    # Telegram takes a two-letter code: a catalog with a script ("zh_Hans", "uz_Latn") goes out as "zh".
    languages = {Locale.parse(code).language for code in i18n.available_locales}
    assert codes[0] is None and set(codes[1:]) == languages
    names = [c["command"] for c in calls[0]["commands"]]
    assert names == ["start", "menu", "language", "erase", "help"]
    assert all(r.ok for r in session.telegram.calls)


def run_bot(env: dict[str, str], tmp_path) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_bad_configuration_is_one_line_and_exit_2(tmp_path) -> None:  # type: ignore[no-untyped-def]
    token = "123456:" + "A" * 35
    broken = tmp_path / "broken.toml"
    broken.write_text('hotline = ["not a phone"]\n')
    example = str(ROOT / "contacts.example.toml")
    cases = [
        ({}, "BOT_TOKEN is not set"),
        ({"BOT_TOKEN": "nonsense"}, "BOT_TOKEN is not valid"),
        ({"BOT_TOKEN": token, "BOT_CONTACTS": str(tmp_path / "missing.toml")}, "not found"),
        ({"BOT_TOKEN": token, "BOT_CONTACTS": str(broken)}, "hotline"),
        ({"BOT_TOKEN": token, "BOT_CONTACTS": example}, "example = true"),
        ({"BOT_TOKEN": token, "BOT_ADMINS": "1,bob"}, "BOT_ADMINS"),
    ]
    for env, expected in cases:
        result = run_bot(env, tmp_path)
        assert result.returncode == 2, (env, result.stderr)
        output = (result.stdout + result.stderr).strip()
        assert expected in output and "Traceback" not in output and len(output.splitlines()) == 1

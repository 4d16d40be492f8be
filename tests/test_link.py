"""`python -m bot link`: the link printed, its QR code decoded back from the PNG and opened by the
bot, the bot's username from --bot or from Telegram (getMe, through a local HTTP stand-in), and
every mistake refused with one line."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from aiogram import Bot
from PIL import Image

from bot.__main__ import main
from bot.app import build_dispatcher
from bot.config import Contacts, Settings
from bot.content.audiences import NOTES, Audience
from bot.languages import make_i18n
from bot.middlewares import Throttle
from fake_telegram import OfflineReader, Telegram
from fake_telegram.http import ServerThread
from storage import Event

from .conftest import TOKEN

I18N = make_i18n()


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No token, no .env: what the test sets is all the command sees."""
    monkeypatch.chdir(tmp_path)
    for name in ("BOT_TOKEN", "BOT_API_URL", "BOT_CAMPAIGNS"):
        monkeypatch.delenv(name, raising=False)


def link(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["link", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def decoded(png: Path) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(png))]


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[Event, str, str, str]] = []

    def record(
        self, event: Event, *, lang: str, user_id: int, topic: str = "", audience: str = "default"
    ) -> None:
        self.events.append((event, lang, str(audience), topic))


async def test_the_link_and_its_qr_code_open_the_bot_in_the_language_and_count_the_campaign(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], contacts: Contacts, bot: Bot
) -> None:
    png = tmp_path / "leaflet.png"
    argv = (
        "--lang",
        "ko",
        "--campaign",
        "leaflet-2025-01",
        "--bot",
        "@hochu_bot",
        "--qr",
        str(png),
    )
    code, out, err = link(*argv, capsys=capsys)
    url = "https://t.me/hochu_bot?start=ko--leaflet-2025-01"
    assert code == 0 and out.splitlines() == [url, f"wrote {png}"]
    assert "BOT_CAMPAIGNS" in err  # the bot counts the campaign only once it is listed
    assert png.read_bytes().startswith(b"\x89PNG") and decoded(png) == [url]

    # What a phone does with it: Telegram opens the chat and sends "/start <payload>".
    payload = decoded(png)[0].split("?start=", 1)[1]
    counter = Recorder()
    settings = Settings(token=TOKEN, campaigns=frozenset({"leaflet-2025-01"}), _env_file=None)
    dispatcher = build_dispatcher(
        contacts=contacts,
        counter=counter,
        settings=settings,
        i18n=I18N,
        throttle=Throttle(enabled=False),
    )
    reader = OfflineReader(dispatcher, bot, language_code="ru")
    await reader.send(f"/start {payload}")
    assert I18N.gettext(NOTES[Audience.NORTH_KOREA], locale="ko") in reader.screen()[0]
    assert (Event.CAMPAIGN, "ko", "dprk", "leaflet-2025-01") in counter.events


@pytest.mark.parametrize(
    ("argv", "url"),
    [
        (("--lang", "ru", "--audience", "foreign"), "https://t.me/hochu_bot?start=ru-foreign"),
        (
            (
                "--lang",
                "KO",
            ),
            "https://t.me/hochu_bot?start=ko",
        ),
        (
            ("--lang", "en", "--audience", "dprk", "--campaign", "video-3"),
            "https://t.me/hochu_bot?start=en-dprk--video-3",
        ),
    ],
)
def test_a_link_names_the_language_as_its_catalog_and_the_audience_where_asked(
    argv: tuple[str, ...],
    url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOT_CAMPAIGNS", "video-3, leaflet-1")
    code, out, err = link(*argv, "--bot", "hochu_bot", capsys=capsys)
    assert (code, out.strip(), err) == (0, url, "")


def test_the_username_comes_from_telegram_for_the_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with ServerThread(Telegram()) as telegram:
        monkeypatch.setenv("BOT_API_URL", str(telegram.url))  # served: the URL is set
        monkeypatch.setenv("BOT_TOKEN", telegram.token)
        code, out, err = link("--lang", "uk", capsys=capsys)
        assert (code, out.strip()) == (0, "https://t.me/offline_bot?start=uk"), err
        assert [call.method for call in telegram.calls] == ["getMe"]
        monkeypatch.setenv("BOT_TOKEN", "42:" + "B" * 35)  # a token Telegram does not know
        code, out, err = link("--lang", "uk", capsys=capsys)
        assert code == 2 and out == "" and err.startswith("error: Telegram refused BOT_TOKEN")


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (("--lang", "zz", "--bot", "hochu_bot"), "no catalog for 'zz'"),
        (("--lang", "pt", "--bot", "hochu_bot"), "no catalog for 'pt'"),
        (
            ("--lang", "ko", "--audience", "foreign", "--bot", "hochu_bot"),
            "ko does not translate the texts for foreign",
        ),
        (("--lang", "ko", "--campaign", "Leaflet", "--bot", "hochu_bot"), "is not a campaign tag"),
        (
            ("--lang", "ko", "--campaign", "ivan--petrov", "--bot", "hochu_bot"),
            "is not a campaign tag",
        ),
        (("--lang", "ko", "--bot", "no"), "is not a Telegram username"),
        (("--lang", "ko", "--bot", "https://t.me/x"), "is not a Telegram username"),
        (
            (
                "--lang",
                "ko",
            ),
            "pass --bot USERNAME, or set BOT_TOKEN",
        ),
    ],
)
def test_mistakes_are_refused_in_one_line(
    argv: tuple[str, ...], says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = link(*argv, "--qr", str(tmp_path / "x.png"), capsys=capsys)
    assert code == 2 and out == "" and says in err and len(err.splitlines()) == 1
    assert not (tmp_path / "x.png").exists()


def test_telegram_out_of_reach_is_said_plainly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_API_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    code, out, err = link("--lang", "ru", capsys=capsys)
    assert code == 2 and out == "" and "Telegram cannot be reached: pass --bot USERNAME" in err

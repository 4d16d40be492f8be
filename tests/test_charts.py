"""The operator's chart: from the command line to a file, and in /stats to admins only, from
memory. Read back as a picture: its size, that it is not blank, that small counts are not drawn."""

from __future__ import annotations

import io
import struct
from datetime import date, timedelta
from pathlib import Path

import pytest
from aiogram import Bot
from PIL import Image

from bot.charts import MAX_LANGUAGES, OTHER, render_png, series
from bot.config import Contacts
from fake_telegram import OfflineReader
from storage import Event, SQLiteCounter
from storage.report import Daily, Period

from .test_admin import ADMIN, NOT_ADMIN, make_dispatcher
from .test_stats_cli import TODAY, at, run

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
C0 = (0x1F, 0x77, 0xB4)  # matplotlib's first colour: the most read language


def chunks(png: bytes) -> list[bytes]:
    assert png.startswith(PNG_SIGNATURE)
    found, at_byte = [], len(PNG_SIGNATURE)
    while at_byte < len(png):
        (length,) = struct.unpack(">I", png[at_byte : at_byte + 4])
        found.append(png[at_byte + 4 : at_byte + 8])
        at_byte += 12 + length
    return found


def picture(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def colours(image: Image.Image) -> dict[tuple[int, int, int], int]:
    found = image.getcolors(image.width * image.height)  # an RGB image: (count, (r, g, b)) pairs
    assert found is not None  # None only when there are more colours than asked for
    return {c: n for n, c in found}  # type: ignore[misc]  # Pillow's stubs do not tie the pairs to the mode


def share_of(image: Image.Image, colour: tuple[int, int, int]) -> float:
    return colours(image).get(colour, 0) / (image.width * image.height)


async def make_month(path: Path) -> None:
    """30 days: Russian readers every day (3 to 12), Korean ones 2 a day, a third language once."""
    now = {"t": at(TODAY)}
    counter = await SQLiteCounter.open(path, clock=lambda: now["t"], flush_interval=3600)
    for back in range(30):
        now["t"] = at(TODAY - timedelta(days=back))
        for user in range(3 + back % 10):
            counter.record(Event.STARTED, lang="ru", user_id=1000 + user)
        for user in range(2):
            counter.record(Event.STARTED, lang="ko", user_id=2000 + user)
        await counter.flush()
    counter.record(Event.STARTED, lang="uz", user_id=3000)
    await counter.close()


@pytest.fixture
async def month(tmp_path: Path) -> Path:
    path = tmp_path / "counts.sqlite3"
    await make_month(path)
    return path


def test_the_cli_writes_the_chart(
    month: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = tmp_path / "chart.png"
    code, out, err = run("--db", str(month), "--chart", str(chart), capsys=capsys)
    assert code == 0, err
    assert "wrote" in out and str(TODAY - timedelta(days=29)) in out
    png = chart.read_bytes()
    image = picture(png)
    assert image.size == (900, 600)
    assert len(colours(image)) > 20  # not blank: bars, text, axes
    assert share_of(image, C0) > 0.02  # the Russian bars
    # Nothing but the picture: no text chunks (no software, no date), no time chunk.
    assert set(chunks(png)) <= {b"IHDR", b"IDAT", b"IEND", b"pHYs"}


def test_small_counts_are_not_drawn(
    month: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shown, hidden = tmp_path / "shown.png", tmp_path / "hidden.png"
    assert run("--db", str(month), "--chart", str(shown), "--days", "7", capsys=capsys)[0] == 0
    code, _out, _err = run(
        "--db",
        str(month),
        "--chart",
        str(hidden),
        "--days",
        "7",
        "--min-count",
        "13",
        capsys=capsys,
    )
    assert code == 0
    # Every count is under 13: nothing is drawn, as the table would show "<13" everywhere.
    assert share_of(picture(shown.read_bytes()), C0) > 0.02
    assert share_of(picture(hidden.read_bytes()), C0) == 0


def test_at_most_eight_languages_and_other() -> None:
    since = date(2025, 5, 1)
    daily = Daily(Period(since, since))
    for i in range(11):
        daily.starts[(since, f"l{i:02}")] = 100 - i
        daily.readers[(since, f"l{i:02}")] = 50 - i
    daily.readers[(since, "zz")] = 2  # suppressed under 3: neither drawn nor in "other"
    data = series(daily, since, since, min_count=3)
    assert len(data.languages) == MAX_LANGUAGES + 1 and data.languages[-1] == OTHER
    assert data.languages[:MAX_LANGUAGES] == [f"l{i:02}" for i in range(MAX_LANGUAGES)]
    assert data.readers[OTHER] == [42 + 41 + 40]
    assert data.starts[OTHER] == [92 + 91 + 90]


def test_an_empty_period_is_still_a_chart() -> None:
    day = date(2025, 5, 1)
    image = picture(render_png(Daily(Period(day, day)), day, day))
    assert image.size == (900, 600) and len(colours(image)) > 2


async def test_stats_sends_the_chart_after_the_table_to_admins_only(
    contacts: Contacts, bot: Bot, month: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    counter = await SQLiteCounter.open(month, clock=lambda: at(TODAY), flush_interval=3600)
    try:
        dispatcher = make_dispatcher(contacts, counter)
        admin = OfflineReader(dispatcher, bot, user_id=ADMIN, language_code="en")
        replies = await admin.send("/stats")
        assert [r.method for r in replies] == ["sendMessage", "sendPhoto"]
        [upload] = replies[1].files.values()
        image = picture(upload)
        assert image.size == (900, 600) and share_of(image, C0) > 0.02
        assert replies[1].params["protect_content"] is True
        someone = OfflineReader(dispatcher, bot, user_id=NOT_ADMIN, language_code="en")
        assert "sendPhoto" not in [r.method for r in await someone.send("/stats")]
    finally:
        await counter.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing left on disk

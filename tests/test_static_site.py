"""The web copy (`python -m bot export-site`): every screen of every language and audience, as the
bot says it, in pages that parse cleanly, stay small and fetch nothing from anywhere.

The page-by-page checks read the files; `test_in_chromium` opens every page in a real headless
Chromium (Debian's `chromium`, which `.ci/run` installs), driven by Playwright.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import shutil
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import html5lib
import pytest
from babel import Locale

from bot import telegram_html
from bot.__main__ import main as bot_main
from bot.audiences import offered
from bot.callbacks import Action, Do, Nav
from bot.config import Contacts, load_contacts
from bot.content.audiences import Audience, for_language
from bot.content.tree import SECTIONS, Extra
from bot.content.web import WEB_COPY_NOTE
from bot.languages import LOCALES_DIR, available, make_i18n
from bot.review import DRAFT_NOTE
from bot.review import status as review_status
from bot.screens import Screen, configured_extra, section_screen
from static_site.export import export
from static_site.pages import PREVIEW_BANNER, page_path
from static_site.telegram_html import to_html
from translators.plurals import plural_forms

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Route

    # The `browser_page` fixture: the browser's context, its page, and what its console said.
    BrowserPage = tuple[BrowserContext, Page, list[str]]

ROOT = Path(__file__).resolve().parent.parent
# A page may weigh at most this. A screen holds at most 4096 characters (Telegram's limit, which
# tests/test_walk.py holds every message to), at most 3 bytes each in UTF-8 for every script the
# bot's languages use (Cyrillic 2, Hangul, Devanagari and Han 3): 12 KiB of text at the very
# worst, and 4 KiB for the markup, the menu and a language switch of 20 languages. On a 2G link
# (EDGE, about 100 kbit/s in practice) that is under 1.5 s; gzipped by the server, a third of it.
MAX_PAGE_BYTES = 16 * 1024


def plain(text: str) -> str:
    """What Telegram shows of a message (tags removed, entities read)."""
    return telegram_html.parse(text)[0].strip()


def squeeze(text: str) -> str:
    return " ".join(text.split())


def bot_screens(
    contacts: Contacts, locales_dir: Path = LOCALES_DIR
) -> Iterator[tuple[str, Audience, str, Screen]]:
    """Every screen as the bot renders it: each language it speaks, each audience that language
    offers, each section."""
    i18n = make_i18n(locales_dir)
    with i18n.context():
        for lang in available(i18n):
            with i18n.use_locale(lang):
                for audience in offered(i18n, lang):
                    for section in SECTIONS:
                        yield (
                            lang,
                            audience,
                            section.id,
                            section_screen(section.id, contacts, audience),
                        )


def parse(data: bytes) -> ET.Element:
    """The page as an HTML5 parser builds it; any parse error raises (strict mode)."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(data)


def text_of(element: ET.Element | None) -> str:
    return "".join(element.itertext()) if element is not None else ""


@pytest.fixture(scope="module")
def example_contacts() -> Contacts:
    return load_contacts(ROOT / "contacts.example.toml")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, example_contacts: Contacts) -> Path:
    """The export a tester makes: the example contacts, every catalog in locales/."""
    out = tmp_path_factory.mktemp("export") / "site"
    assert (
        bot_main(
            [
                "export-site",
                str(out),
                "--contacts",
                str(ROOT / "contacts.example.toml"),
                "--preview",
            ]
        )
        == 0
    )
    return out


@pytest.fixture(scope="module")
def screens(example_contacts: Contacts) -> dict[str, tuple[str, Audience, str, Screen]]:
    """Page path -> the screen the bot shows there."""
    return {
        page_path(lang, audience, section_id): (lang, audience, section_id, screen)
        for lang, audience, section_id, screen in bot_screens(example_contacts)
    }


def pages(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*.html")
    }


# --- without a browser ------------------------------------------------------------------------


def test_every_screen_of_every_language_and_audience_has_its_page(
    site: Path, screens: dict
) -> None:
    assert set(pages(site)) == {"index.html", *screens}
    assert (site / "style.css").is_file()
    assert [p for p in site.rglob("*") if p.is_file() and p.suffix not in (".html", ".css")] == []
    languages = {lang for lang, *_ in screens.values()}
    assert {"ru", "uk", "en", "ko"} <= languages
    # Audiences: as the bot offers them (Korean writes for North Korean soldiers, and so on).
    assert {(lang, a) for lang, a, *_ in screens.values()} >= {
        ("ru", Audience.DEFAULT),
        ("ru", Audience.FOREIGN),
        ("en", Audience.NORTH_KOREA),
        ("ko", Audience.NORTH_KOREA),
    }


def test_every_page_parses_cleanly_as_html5_with_lang_dir_and_title(site: Path) -> None:
    for path, data in pages(site).items():
        root = parse(data)  # strict: the first parse error fails the test
        assert data.startswith(b"<!DOCTYPE html>"), path
        assert root.get("lang") and root.get("dir") in ("ltr", "rtl"), path
        assert text_of(root.find("head/title")).strip(), path
        assert root.find(".//script") is None and root.find(".//img") is None, path
        assert root.find(".//*[@style]") is None and root.find(".//style") is None, path


def test_every_page_shows_its_screens_text_and_buttons(site: Path, screens: dict) -> None:
    for path, (lang, audience, _section_id, screen) in screens.items():
        root = parse((site / path).read_bytes())
        assert root.get("lang") == lang.replace("_", "-")
        article = root.find(".//article[@id='text']")
        assert squeeze(text_of(article)) == squeeze(plain(screen.text)), path
        links = [(a.get("href"), text_of(a)) for a in root.findall(".//main/nav//a")]
        assert links == expected_links(path, lang, audience, screen), path


def expected_links(path: str, lang: str, audience: Audience, screen: Screen) -> list:
    """The bot's buttons as a page must link them: a section to its page (same language and
    audience), a link button to its address, Language to the language switch; Erase is
    Telegram's alone."""
    links = []
    for row in screen.markup.inline_keyboard if screen.markup else []:
        for button in row:
            data = button.callback_data or ""  # a button is a link or carries data
            if button.url:
                links.append((button.url, button.text))
            elif data.startswith("n:"):
                target = page_path(lang, audience, Nav.unpack(data).to)
                links.append((posixpath.relpath(target, posixpath.dirname(path)), button.text))
            elif Do.unpack(data).action is Action.LANGUAGES:
                links.append(("#languages", button.text))
            else:
                assert Do.unpack(data).action is Action.ERASE
    return links


def test_the_contacts_block_is_where_the_bot_shows_it(
    site: Path, screens: dict, example_contacts: Contacts
) -> None:
    shown = 0
    i18n = make_i18n()
    for path, (lang, _audience, section_id, _screen) in screens.items():
        page = (site / path).read_text(encoding="utf-8")
        section = next(s for s in SECTIONS if s.id == section_id)
        hotline_here = html.escape(example_contacts.hotline[0]) in page
        assert hotline_here == (section.extra is Extra.CONTACTS), path
        if section.extra is not Extra.NONE:
            with i18n.context(), i18n.use_locale(lang):
                block = plain(configured_extra(section, example_contacts))
            assert block and squeeze(block) in squeeze(text_of(parse(page.encode()))), path
            shown += 1
    assert shown == len({lang_a[:2] for lang_a in screens.values()}) * sum(
        s.extra is not Extra.NONE for s in SECTIONS
    )
    channels = (site / "ru/default/c_channels.html").read_text(encoding="utf-8")
    for url in ("https://example.org/official-website", "https://t.me/example_official_bot"):
        assert f'href="{url}"' in channels


def test_pages_are_small(site: Path) -> None:
    sizes = {path: len(data) for path, data in pages(site).items()}
    too_big = {path: size for path, size in sizes.items() if size > MAX_PAGE_BYTES}
    assert not too_big, too_big


def test_nothing_on_a_page_points_outside_but_the_bots_own_links(site: Path) -> None:
    allowed_outside = {
        "https://example.org/official-website",
        "https://t.me/example_official_bot",
        "https://t.me/example_official_channel",
        "https://example.org/example-whatsapp-link",
        "https://example.org/example-find-link",
        "https://example.org/example-icrc-link",
    }
    for path, data in pages(site).items():
        root = parse(data)
        for element in root.iter():
            for name in ("href", "src", "action", "srcset", "poster", "data"):
                value = element.get(name)
                if value is None:
                    continue
                if element.tag == "link":
                    assert (element.get("rel"), value) in {
                        (
                            "stylesheet",
                            posixpath.relpath("style.css", posixpath.dirname(path) or "."),
                        ),
                        ("icon", "data:,"),
                    }, (path, value)
                elif re.match(r"[a-z]+:", value):
                    assert element.tag == "a" and value in allowed_outside, (path, value)
                else:
                    assert value.startswith("#") or value.endswith(".html"), (path, value)


def test_the_web_copy_says_what_it_keeps_and_that_it_is_a_preview(site: Path) -> None:
    i18n = make_i18n()
    for path, data in pages(site).items():
        lang = path.split("/")[0] if "/" in path else "ru"
        with i18n.context(), i18n.use_locale(lang):
            note = squeeze(plain(WEB_COPY_NOTE if lang == "en" else i18n.gettext(WEB_COPY_NOTE)))
        page = squeeze(text_of(parse(data)))
        assert note in page, path
        assert PREVIEW_BANNER in page, path


def test_the_example_contacts_are_refused_as_the_bot_refuses_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    monkeypatch.setenv("BOT_CONTACTS", str(ROOT / "contacts.example.toml"))
    assert bot_main(["export-site", str(out)]) == 2
    assert "example = true" in capsys.readouterr().out
    assert not out.exists()
    # A file the operator filled in: no preview banner anywhere.
    real = tmp_path / "contacts.toml"
    example = (ROOT / "contacts.example.toml").read_text(encoding="utf-8")
    real.write_text(example.replace("example = true", ""), encoding="utf-8")
    monkeypatch.setenv("BOT_CONTACTS", str(real))
    assert bot_main(["export-site", str(out)]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"total size [\d.]+ KiB .*largest page \S+\.html, [\d.]+ KiB", printed)
    assert PREVIEW_BANNER not in (out / "ru/default/index.html").read_text(encoding="utf-8")
    # A broken contacts file stops it as it stops the bot.
    real.write_text('hotline = ["not a phone"]\n', encoding="utf-8")
    assert bot_main(["export-site", str(out)]) == 2
    assert "hotline" in capsys.readouterr().out


def test_an_export_replaces_an_earlier_one_and_nothing_else(
    tmp_path: Path, example_contacts: Contacts
) -> None:
    out = tmp_path / "site"
    export(out, example_contacts, preview=True)
    (out / "ru" / "stale.html").write_text("left from an older export", encoding="utf-8")
    export(out, example_contacts, preview=True)
    assert not (out / "ru" / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # nothing left aside
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("an operator's own file", encoding="utf-8")
    assert (
        bot_main(
            [
                "export-site",
                str(mine),
                "--preview",
                "--contacts",
                str(ROOT / "contacts.example.toml"),
            ]
        )
        == 2
    )
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "an operator's own file"


# --- Telegram's HTML on a page -----------------------------------------------------------------


def test_telegram_html_becomes_the_same_html_and_nothing_more() -> None:
    text = (
        "<b>Title &amp; more</b>\n\n"
        "A <i>b</i> <u>c</u> <s>d</s> <code>e</code> <tg-spoiler>f</tg-spoiler> "
        '<span class="tg-spoiler">g</span> <a href="https://example.org/?a=1&amp;b=&quot;2&quot;">h</a> '
        '<a href="javascript:alert(1)">i</a> <a href="tg://resolve?domain=x">j</a> '
        "&lt;script&gt;alert(1)&lt;/script&gt;\nnext line\n\n"
        "<blockquote>quote\n\nstill the quote</blockquote>\n\n<pre>x &lt; y</pre>"
    )
    out = to_html(text)
    assert out.startswith(
        "<h1>Title &amp; more</h1>\n<p>A <i>b</i> <u>c</u> <s>d</s> <code>e</code>"
    )
    assert '<span class="spoiler" tabindex="0">f</span>' in out
    assert '<span class="spoiler" tabindex="0">g</span>' in out
    assert '<a href="https://example.org/?a=1&amp;b=&quot;2&quot;">h</a>' in out
    assert " i " in out and "javascript" not in out  # the text stays, the link goes
    assert '<a href="tg://resolve?domain=x">j</a>' in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\nnext line</p>" in out
    assert '<div class="p"><blockquote>quote\n\nstill the quote</blockquote></div>' in out
    assert out.endswith('<div class="p"><pre>x &lt; y</pre></div>')
    parse(f"<!DOCTYPE html><title>t</title>{out}".encode())
    with pytest.raises(ValueError, match="not allowed"):
        to_html("<script>alert(1)</script>")


# --- a fabricated Arabic catalog: right to left, and a draft ------------------------------------


@pytest.fixture(scope="module")
def arabic_locales(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalogs in locales/, and an Arabic one made from the English (Arabic text on the
    first screen), whose header says it is a draft. It stands in for locales/ar, whose texts the
    test would otherwise depend on."""
    locales = tmp_path_factory.mktemp("locales")
    for po in (ROOT / "locales").glob("*/LC_MESSAGES/messages.po"):
        if po.parent.parent.name == "ar":
            continue
        target = locales / po.relative_to(ROOT / "locales")
        target.parent.mkdir(parents=True)
        shutil.copy(po, target)
    arabic = (ROOT / "locales/en/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    arabic = arabic.replace('"Language: en\\n"', '"Language: ar\\n"', 1)
    arabic = arabic.replace(
        'msgstr ""\n"<b>«Хочу жить» (“I Want to Live”)</b>',
        'msgstr ""\n"<b>«Хочу жить» (أريد أن أعيش)</b>',
        1,
    )
    # Arabic's six plural forms, as the catalog check requires (else it is held back from readers).
    arabic = re.sub(r'"Plural-Forms: [^"]*"', f'"Plural-Forms: {plural_forms("ar")}\\\\n"', arabic)
    arabic = re.sub(
        r"^msgstr\[1\] (.*)$",
        lambda line: "\n".join(f"msgstr[{n}] {line[1]}" for n in range(1, 6)),
        arabic,
        flags=re.MULTILINE,
    )
    header = "# Arabic catalog, made for a test.\n# Review-Status: draft\n#\n"
    po = locales / "ar/LC_MESSAGES/messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(header + arabic.split("\n#\n", 1)[1], encoding="utf-8")
    return locales


def test_review_status_is_read_from_the_header_and_may_be_absent(
    arabic_locales: Path, tmp_path: Path
) -> None:
    assert review_status(arabic_locales / "ar/LC_MESSAGES/messages.po") == "draft"
    assert review_status(ROOT / "locales/ru/LC_MESSAGES/messages.po") in (None, "reviewed")
    reviewed = tmp_path / "reviewed.po"
    reviewed.write_text('# Review-Status: Reviewed\nmsgid ""\nmsgstr ""\n', encoding="utf-8")
    assert review_status(reviewed) == "reviewed"
    # A "Review-Status" inside an entry, not in the header, says nothing.
    late = tmp_path / "late.po"
    late.write_text(
        'msgid ""\nmsgstr ""\n\n# Review-Status: draft\nmsgid "a"\nmsgstr "b"\n', encoding="utf-8"
    )
    assert review_status(late) is None
    assert review_status(tmp_path / "missing.po") is None


@pytest.fixture(scope="module")
def arabic_site(
    tmp_path_factory: pytest.TempPathFactory, arabic_locales: Path, example_contacts: Contacts
) -> Path:
    out = tmp_path_factory.mktemp("arabic") / "site"
    export(out, example_contacts, preview=True, locales_dir=arabic_locales)
    return out


def test_arabic_pages_read_right_to_left_and_a_draft_says_so(
    arabic_site: Path, arabic_locales: Path
) -> None:
    files = pages(arabic_site)
    arabic = {path: data for path, data in files.items() if path.startswith("ar/")}
    assert len(arabic) == len(SECTIONS) * len(Audience)  # made from English: every audience
    i18n = make_i18n(arabic_locales)
    with i18n.context(), i18n.use_locale("ar"):
        draft_note = i18n.gettext(DRAFT_NOTE)
    for path, data in arabic.items():
        root = parse(data)
        assert (root.get("lang"), root.get("dir")) == ("ar", "rtl"), path
        note = root.find(".//p[@class='draft']")
        assert note is not None, path
        assert draft_note in text_of(note), path
        assert [a.get("hreflang") for a in note.findall("a")] == ["ru", "en"]
        assert all(
            Path(
                posixpath.normpath(posixpath.join(posixpath.dirname(path), a.get("href", "")))
            ).as_posix()
            in files
            for a in note.findall("a")
        )
    assert "أريد أن أعيش" in text_of(parse(files["ar/default/index.html"]).find(".//h1"))
    # Other languages: left to right, no draft note; their switch names Arabic right to left.
    ru = parse(files["ru/default/index.html"])
    assert ru.get("dir") == "ltr" and ru.find(".//p[@class='draft']") is None
    assert [
        a.get("dir") for a in ru.findall(".//nav[@id='languages']//a") if a.get("lang") == "ar"
    ] == ["rtl"]
    # The first page links to the Arabic home page, of the audience Arabic readers get first.
    first = for_language("ar").value
    assert f'href="ar/{first}/index.html"'.encode() in files["index.html"]


# --- in a real browser -------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The machine's notes: a headless Chromium that reaches for nothing on its own. Playwright gives
# it a new empty profile (user data dir) every launch.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READ_PAGE = """() => ({
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    direction: getComputedStyle(document.body).direction,
    title: document.title,
    text: document.getElementById('text') ? document.getElementById('text').innerText : null,
    menu: [...document.querySelectorAll('main nav a')].map(a => [a.getAttribute('href'), a.innerText]),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    // The menu's first link (a draft's note, above it, links inline): the stylesheet makes it a block.
    styled: getComputedStyle(document.querySelector('main nav a') || document.querySelector('a')).display,
})"""


@pytest.fixture(scope="module")
def browser_page() -> Iterator[BrowserPage]:
    if CHROMIUM is None:
        reason = "Chromium is not installed (apt-get install chromium; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)  # CI installs it: a skip there would hide the test
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context()
        page = context.new_page()
        console: list[str] = []  # anything the browser complains of (a refused load, an error)
        page.on("console", lambda message: console.append(message.text))
        page.on("pageerror", lambda error: console.append(str(error)))
        yield context, page, console
        browser.close()


def crawl(
    browser_page: BrowserPage,
    starts: list[Path],
    root: Path,
    *,
    follow: Callable[[str], bool] = lambda _: True,
) -> tuple[dict, list[str], list[str], list[str]]:
    """Open `starts` and every page linked from them that `follow` accepts (its path in `root`),
    and check that every link into `root` names a file there. Every request goes through a route
    that lets only files
    inside `root` through and records the rest; so do the console's messages."""
    context, page, console = browser_page
    console.clear()
    inside = root.as_uri() + "/"
    outside: list[str] = []

    def route(route: Route) -> None:
        url = route.request.url
        if url.startswith(inside):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", route)
    seen: dict[str, dict] = {}
    queue = [start.as_uri() for start in starts]
    broken = []
    try:
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            response = page.goto(url)
            assert response is not None and response.ok, url
            seen[url] = found = page.evaluate(READ_PAGE)
            for link in found["links"]:
                target = link.split("#")[0]
                if not target.startswith("file:"):
                    continue  # the bot's own link buttons: their addresses, never opened here
                if (
                    not target.startswith(inside)
                    or not Path(target.removeprefix("file://")).is_file()
                ):
                    broken.append(f"{url} -> {link}")
                elif follow(target.removeprefix(inside)) and target not in seen:
                    queue.append(target)
    finally:
        context.unroute("**/*")
    return seen, outside, broken, list(console)


# Chromium opens every page of these languages (Russian first; Arabic right to left; Korean and
# Hindi for their scripts and audiences); every page of every language is parsed by html5lib above.
OPENED = frozenset({"ru", "ar", "ko", "hi"})


def test_in_chromium_every_page_renders_its_screen_and_fetches_nothing_from_elsewhere(
    browser_page: BrowserPage,
    site: Path,
    screens: dict,
) -> None:
    started = time.perf_counter()
    seen, outside, broken, noise = crawl(
        browser_page, [site / "index.html"], site, follow=lambda path: path.split("/")[0] in OPENED
    )
    elapsed = time.perf_counter() - started
    assert outside == [] and broken == [] and noise == []
    # Every page of those languages was reached by following links from the first page; every
    # link on them, to any language, names a page that exists.
    opened = {path: screen for path, screen in screens.items() if path.split("/")[0] in OPENED}
    assert {url.removeprefix(site.as_uri() + "/") for url in seen} == {"index.html", *opened}
    for path, (lang, audience, _section_id, screen) in opened.items():
        found = seen[(site / path).as_uri()]
        assert found["text"] == plain(screen.text), path
        assert found["menu"] == [
            list(link) for link in expected_links(path, lang, audience, screen)
        ]
        reads = "rtl" if Locale.parse(lang).character_order == "right-to-left" else "ltr"
        assert (found["lang"], found["dir"], found["direction"]) == (
            lang.replace("_", "-"),
            reads,
            reads,
        ), path
        assert found["title"] and found["styled"] == "block", path  # the stylesheet applied
    print(f"\n{len(seen)} pages opened in Chromium in {elapsed:.1f} s")


def test_in_chromium_arabic_reads_right_to_left(
    browser_page: BrowserPage, arabic_site: Path
) -> None:
    out = arabic_site
    # Every Arabic page says dir="rtl" (test_arabic_pages_...); here a browser reads one page of
    # each audience so, and a Russian page left to right.
    starts = [
        out / f"ar/{audience.value}/{name}.html"
        for audience, name in zip(Audience, ("index", "program", "q_home"), strict=True)
    ]
    seen, outside, broken, noise = crawl(
        browser_page, [*starts, out / "ru/default/index.html"], out, follow=lambda _: False
    )
    assert outside == [] and broken == [] and noise == []
    for start in starts:
        found = seen[start.as_uri()]
        assert (found["lang"], found["dir"], found["direction"]) == ("ar", "rtl", "rtl")
    found = seen[(out / "ru/default/index.html").as_uri()]
    assert (found["lang"], found["dir"], found["direction"]) == ("ru", "ltr", "ltr")
    home = seen[(out / "ar/default/index.html").as_uri()]
    assert home["text"].startswith("«Хочу жить» (أريد أن أعيش)")


def test_home_links_language_to_the_switch_and_offers_no_erase(site: Path, screens: dict) -> None:
    _lang, _audience, _id, screen = screens["ru/default/index.html"]
    labels = [button.text for row in screen.markup.inline_keyboard for button in row]
    erase = next(label for label in labels if label.startswith("🧹"))  # the bot's own button
    root = parse((site / "ru/default/index.html").read_bytes())
    links = {text_of(a): a.get("href") for a in root.findall(".//main/nav//a")}
    assert erase not in links and links["🌐 Язык"] == "#languages"
    assert root.find(".//nav[@id='languages']") is not None
    assert "/erase" in text_of(root.find(".//article"))  # the bot's words, unchanged
    assert "/erase" in text_of(root.find(".//footer"))  # and the note that says what it means

"""`python -m bot locales check`: what in a catalog would show a reader English, break a message,
change a fact, or not fit on a phone.

Each catalog is judged against the texts as they are in the code now (a fresh extraction), and its
screens, buttons and commands are rendered through the bot's own code in that language, so a check
sees what a reader would see.
"""

from __future__ import annotations

import gettext
import io
import os
import re
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError

from bot import commands, keyboards, review, telegram_html
from bot.audiences import TEXTS as AUDIENCE_TEXTS
from bot.audiences import offered_by
from bot.config import MAX_KNOWN_FAKES, Contacts
from bot.content.audiences import Audience
from bot.content.tree import SECTIONS, Extra
from bot.languages import DEFAULT_LOCALE, native_name
from bot.screens import configured_extra
from translators import catalogs
from translators.plurals import header_problems

# The longest operator-configured values the checks assume (the contacts file allows up to these
# for phones and handles; a website address is assumed to stay under 200 characters).
_LONG_PHONE = "+0 " + "0" * 23
_LONG_URL = "https://example.org/" + "x" * 180
_LONG_HANDLE = "a" * 32
LONGEST_CONTACTS = Contacts.model_validate(  # validated as the contacts file is: URLs from text
    {
        "hotline": (_LONG_PHONE,) * 3,
        "website": _LONG_URL,
        "telegram_bot": _LONG_HANDLE,
        "telegram_channel": _LONG_HANDLE,
        "find_url": _LONG_URL,
        "icrc_url": _LONG_URL,
        "icrc_phone": _LONG_PHONE,
        "known_fakes": (_LONG_HANDLE,) * MAX_KNOWN_FAKES,
    }
)
_LONG_VALUE = "x" * 200  # what a {placeholder} is assumed to become

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# A number as a value: 10,000 = 10 000 (with a plain, no-break or thin space) = 10000; 352.1 stays a
# decimal. Korean also writes ten thousands as 만 ("4만" is 40,000).
_GROUPED = r"\d{1,3}(?:[,\u00a0\u202f\u2009 ]\d{3})+(?!\d)"
_NUMBER = re.compile(rf"(?P<n>{_GROUPED}|\d+(?:\.\d+)?)(?P<man>\s?만)?")
# A citation's Roman numeral ("GC III", "AP I") may be written in digits where that is the usage
# (Korean writes 제3협약).
_ROMAN = re.compile(r"\b(?:GC|AP) (I{1,3}|IV|V)\b")
_ROMAN_VALUES = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5"}
# A month the source names may be written as its number ("September 2022" → 2022년 9월).
_MONTH_NAMES: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
)
_MONTH_NAMES += ("September", "October", "November", "December")
_MONTHS = re.compile(rf"\b({'|'.join(_MONTH_NAMES)})\b")
_MONTH_VALUES = {name: str(number) for number, name in enumerate(_MONTH_NAMES, 1)}
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)")


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str  # a short word: "untranslated", "fuzzy", "digits", ...
    msgid: str  # the source text it is about ("" for the catalog as a whole)
    detail: str = ""

    def __str__(self) -> str:
        about = f"«{shorten(self.msgid)}»" if self.msgid else "(catalog)"
        return f"{self.kind:<13} {about}" + (f": {self.detail}" if self.detail else "")


def shorten(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _strings(message: Message) -> list[str]:
    if isinstance(message.string, (list, tuple)):
        return list(message.string)
    return [message.string or ""]


def _ids(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]


def _tags(text: str) -> Counter[str]:
    return Counter(("/" if closing else "") + name.lower() for closing, name in _TAG.findall(text))


def _differ(kind: str, source: list[str], translation: list[str]) -> str:
    missing = sorted((Counter(source) - Counter(translation)).elements())
    extra = sorted((Counter(translation) - Counter(source)).elements())
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if extra:
        parts.append("not in the source " + ", ".join(extra))
    return f"{kind} differ: " + "; ".join(parts)


def _numbers(text: str) -> Counter[str]:
    """Every number in `text`, by value, as a canonical string ("10,000" and "10 000" → "10000")."""
    found: Counter[str] = Counter()
    for match in _NUMBER.finditer(text):
        digits = re.sub(r"[,\u00a0\u202f\u2009 ]", "", match["n"])
        if match["man"]:
            digits = str(int(float(digits) * 10_000))
        found[digits] += 1
    return found


def _digits_differ(source: str, translation: str) -> str:
    """Every number in the source, and no other, must be in the translation, compared by value.
    A translation may also write as digits what the source names: a month, or a citation's Roman
    numeral."""
    expected, got = _numbers(source), _numbers(translation)
    named = Counter(_ROMAN_VALUES[r] for r in _ROMAN.findall(source))
    named += Counter(_MONTH_VALUES[m] for m in _MONTHS.findall(source))
    if expected - got or (got - expected) - named:
        return _differ("numbers", list(expected.elements()), list(got.elements()))
    return ""


def message_problems(message: Message) -> list[Problem]:
    """What is wrong with one translated entry, judged against its own msgid."""
    msgid = _ids(message)[0]
    strings = _strings(message)
    if not any(strings):
        return [Problem("untranslated", msgid)]
    found = []
    if not all(strings):
        found.append(Problem("untranslated", msgid, "a plural form is empty"))
    if message.fuzzy:
        found.append(
            Problem("fuzzy", msgid, "review it and remove the fuzzy flag; readers see English")
        )
    source = _ids(message)[-1]  # the plural msgid carries the same placeholders and more digits
    for translation in filter(None, strings):
        wanted, got = _PLACEHOLDER.findall(source), _PLACEHOLDER.findall(translation)
        if sorted(wanted) != sorted(got):
            found.append(Problem("placeholders", msgid, _differ("{placeholders}", wanted, got)))
        if len(strings) == 1 and (difference := _digits_differ(msgid, translation)):
            found.append(Problem("digits", msgid, difference))
        if html := telegram_html.parse(translation)[1]:
            found.append(Problem("html", msgid, "; ".join(html)))
        elif _tags(source) != _tags(translation):
            tags = _differ(
                "tags", list(_tags(source).elements()), list(_tags(translation).elements())
            )
            found.append(Problem("tags", msgid, tags))
    return found


def _translator(lang: str, catalog: Catalog, usable: Iterable[Message]) -> I18n:
    """The bot's I18n, speaking `catalog` (only its `usable` entries, as readers would get them)."""
    shown = Catalog(locale=catalog.locale, fuzzy=False)
    shown.mime_headers = [("Plural-Forms", catalog.plural_forms)]
    for message in usable:
        shown.add(message.id, message.string)
    buffer = io.BytesIO()
    write_mo(buffer, shown)
    buffer.seek(0)
    with tempfile.TemporaryDirectory() as empty:
        i18n = I18n(path=empty, default_locale=lang)
    i18n.locales = {lang: gettext.GNUTranslations(buffer)}
    return i18n


def _formatted_length(text: str) -> int:
    return len(telegram_html.parse(_PLACEHOLDER.sub(_LONG_VALUE, text))[0].strip())


def rendered_problems(lang: str, catalog: Catalog, usable: list[Message]) -> list[Problem]:
    """Render the bot's messages, buttons and commands in `lang` and measure them."""
    i18n = _translator(lang, catalog, usable)
    sources = {
        text: message.id
        for message in catalog
        if message.id and isinstance(message.id, str)
        for text in (message.id, message.string)
        if isinstance(text, str) and text
    }

    def source(shown: str) -> str | None:
        """The msgid behind a rendered text: the longest text of the catalog in it; None if the
        text is not this catalog's doing (a msgid it lacks is reported as missing already)."""
        best = max((text for text in sources if text in shown), key=len, default=None)
        if best is None:
            return native_name(lang) if native_name(lang) in shown else None
        return sources[best]

    with i18n.context(), i18n.use_locale(lang):
        texts = {m.id: i18n.gettext(m.id) for m in catalog if m.id and isinstance(m.id, str)}
        return _too_long(texts) + _buttons(lang, source) + _public_face(source)


def _too_long(texts: dict[str, str]) -> list[Problem]:
    """Any text may be shown with the longest contacts block after it and a note before it (the
    fallback puts one before the menu): a bound on what any message can become."""
    blocks = [configured_extra(s, LONGEST_CONTACTS) for s in SECTIONS if s.extra is not Extra.NONE]
    block = max((_formatted_length(b) for b in blocks), default=0)
    screens = {text for s in SECTIONS for text in (s.text, *s.texts.values())}
    note = max((_formatted_length(t) for i, t in texts.items() if i not in screens), default=0)
    found = []
    for msgid, text in texts.items():
        worst = _formatted_length(text) + 2 + block + 2 + note
        if worst > telegram_html.MAX_MESSAGE_LENGTH:
            allowed = telegram_html.MAX_MESSAGE_LENGTH
            detail = f"up to {worst} characters with contacts and a note; Telegram allows {allowed}"
            found.append(Problem("too long", msgid, detail))
    return found


def _buttons(lang: str, source: Callable[[str], str | None]) -> list[Problem]:
    """Every keyboard of the bot, row by row as it lays them out."""
    no_messengers = LONGEST_CONTACTS.model_copy(
        update={"messengers": ()}
    )  # their names: the operator's
    markups = [keyboards.section_keyboard(s, no_messengers) for s in SECTIONS]
    markups += [keyboards.role_keyboard(True, review.AUTHORITATIVE), keyboards.home_keyboard()]
    markups.append(keyboards.audience_keyboard(tuple(Audience), Audience.DEFAULT))
    markups.append(keyboards.language_keyboard([lang, DEFAULT_LOCALE], lang))
    found, seen = [], set()
    for row in (row for markup in markups for row in markup.inline_keyboard):
        limit = telegram_html.BUTTON_ROW_CHARS // len(row)
        where = "alone on its row" if len(row) == 1 else f"sharing its row with {len(row) - 1} more"
        for button in row:
            msgid = source(button.text)
            if len(button.text) > limit and button.text not in seen and msgid is not None:
                seen.add(button.text)
                detail = f"«{button.text}» is {len(button.text)} characters; a phone shows about "
                detail += f"{limit} on a button {where}"
                found.append(Problem("button", msgid, detail))
    return found


def _public_face(source: Callable[[str], str | None]) -> list[Problem]:
    """The commands and descriptions, against Telegram's limits."""
    faces = [
        (c.description, telegram_html.MAX_COMMAND_DESCRIPTION) for c in commands.command_list()
    ]
    faces.append((commands.description(), telegram_html.MAX_DESCRIPTION))
    faces.append((commands.short_description(), telegram_html.MAX_SHORT_DESCRIPTION))
    found = []
    for text, limit in faces:
        msgid = source(text)
        if not 1 <= len(text) <= limit and msgid is not None:
            detail = f"{len(text)} characters; Telegram allows 1-{limit}"
            found.append(Problem("telegram limit", msgid, detail))
    return found


# GNU msgfmt's complaints: "FILE:LINE[:COLUMN]: what". It reads what Babel reads wrongly without a
# word: a quote left open (the text is cut short), a msgid given twice (the second is ignored).
_MSGFMT_ERROR = re.compile(r"^.*?:(\d+)(?::\d+)?: (.*)$")


def syntax_problems(path: Path) -> list[Problem]:
    """What GNU gettext's msgfmt refuses in a catalog, line by line."""
    try:
        result = subprocess.run(
            ["msgfmt", "-o", os.devnull, str(path)],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=60,
            check=False,
        )
    except FileNotFoundError:
        detail = "msgfmt (GNU gettext) is needed to check a catalog's syntax: install gettext"
        return [Problem("syntax", "", detail)]
    found = []
    for line in result.stderr.splitlines():
        if not (error := _MSGFMT_ERROR.match(line)) or error[2].startswith("..."):
            continue  # a summary, or the note that points at a duplicate's first definition
        number, what = error[1], error[2].rstrip(".")
        if what == "duplicate message definition":
            found.append(
                Problem("duplicate", "", f"line {number}: given twice; the second is ignored")
            )
        else:
            found.append(Problem("syntax", "", f"line {number}: {what}"))
    if result.returncode and not found:
        found.append(Problem("syntax", "", result.stderr.strip()[:200]))
    return found


def _without_untranslated_audiences(found: list[Problem], usable: list[Message]) -> list[Problem]:
    """A catalog writes for an audience other than the default all or nothing (bot/audiences.py):
    the texts of an audience it translates none of are not missing, and whatever they hold (an old
    translation fuzzy-matched by `locales extract`, say) never reaches a reader, who is simply not
    offered that audience. Once the catalog translates one of them, every problem of every one of
    them is reported."""
    translated = {message.id for message in usable}
    skipped = {
        msgid for texts in AUDIENCE_TEXTS.values() if not texts & translated for msgid in texts
    }
    return [p for p in found if p.msgid not in skipped]


def review_problems(path: Path) -> list[Problem]:
    """A catalog must say whether a native speaker has reviewed it (bot/review.py)."""
    declared = review.status(path)
    if declared in review.STATUSES:
        return []
    lines = " or ".join(f"`{review.LINE.format(status=s)}`" for s in review.STATUSES)
    said = "says none" if declared is None else f"says «{declared}»"
    detail = f"the header comment {said}: write {lines} (a machine draft is a draft)"
    return [Problem("review status", "", detail)]


def audiences_offered(path: Path) -> tuple[Audience, ...]:
    """Whom the catalog's readers can have the texts written for (bot/audiences.py's rule)."""
    catalog = catalogs.read(path, catalogs.language_of(path))
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    return offered_by(translated.__contains__)


def check_catalog(path: Path, template: Catalog | None = None) -> list[Problem]:
    """Every problem of one catalog (empty: it is ready for readers)."""
    lang = catalogs.language_of(path)
    template = catalogs.extract() if template is None else template
    if found := syntax_problems(path):
        return found
    try:
        catalog = catalogs.read(path, lang)
    except (PoFileError, ValueError, OSError) as error:
        return [Problem("unreadable", "", str(error))]
    found = [Problem("plural forms", "", p) for p in header_problems(lang, catalog.plural_forms)]
    found += review_problems(path)
    for message in template:
        if message.id and message.id not in catalog:
            found.append(
                Problem("missing", _ids(message)[0], "not in the catalog (`locales extract`)")
            )
    usable = []
    for message in catalog:
        if not message.id:
            continue
        problems = message_problems(message)
        forms = len(_strings(message))
        if isinstance(message.id, (list, tuple)) and forms != catalog.num_plurals:
            detail = f"{forms} forms, the header says {catalog.num_plurals}"
            problems.append(Problem("plural forms", message.id[0], detail))
        found += problems
        broken = {"placeholders", "html", "plural forms"}
        if (
            all(_strings(message))
            and not message.fuzzy
            and not any(p.kind in broken for p in problems)
        ):
            usable.append(message)
    found = _without_untranslated_audiences(found, usable)
    for message, errors in catalog.check():
        found += [Problem("babel", _ids(message)[0], str(error)) for error in errors]
    try:
        found += rendered_problems(lang, catalog, usable)
    except Exception as error:  # noqa: BLE001 - a broken catalog is reported, not a crash of the report
        found.append(Problem("render", "", f"the bot's screens could not be rendered: {error!r}"))
    return found


def template_problems(template: Catalog, pot: Path) -> list[Problem]:
    """Is messages.pot (what translation editors read) the code's texts as they are now?"""
    if not pot.exists():
        return [Problem("template", "", f"{pot.name} is missing: run `locales extract`")]
    on_disk = {m.id for m in catalogs.read(pot) if m.id}
    now = {m.id for m in template if m.id}
    new = [_ids(m)[0] for m in template if m.id and m.id not in on_disk]
    gone = [i if isinstance(i, str) else i[0] for i in on_disk - now]
    found = [Problem("template", i, "new in the code: run `locales extract`") for i in new]
    found += [Problem("template", i, "gone from the code: run `locales extract`") for i in gone]
    return found

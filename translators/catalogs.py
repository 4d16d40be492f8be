"""The gettext catalogs as files: the template extracted from the code, and each language's .po.

`python -m bot locales ...` is built on this; the bot itself only reads the compiled catalogs
(bot/languages.py).
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from textwrap import TextWrapper
from typing import TypedDict

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import normalize as po_string
from babel.messages.pofile import read_po, unescape, write_po

from bot import review
from bot.languages import DOMAIN, LOCALES_DIR, catalog_paths, native_name
from translators.plurals import plural_forms

ROOT = LOCALES_DIR.parent
SOURCE_DIR = ROOT / "bot"
MAPPING = ROOT / "babel.cfg"
TEMPLATE_NAME = f"{DOMAIN}.pot"
PROJECT = "hochu-zhit-bot"

# The names texts are marked with in the code. aiogram's `_`/`gettext` and `__`/`lazy_gettext`
# take (singular, plural, n) as well, but the bot writes plurals with `ngettext` only.
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "__": None,
    "N_": None,
    "gettext": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
}
# A comment that starts so, on the line before a marked text, reaches translators.
COMMENT_TAGS = ("Translators:",)
# Wide lines and no source locations keep diffs small when the code moves.
WIDTH = 100


class _WriteOptions(TypedDict):
    width: int
    no_location: bool
    sort_output: bool


_WRITE: _WriteOptions = {"width": WIDTH, "no_location": True, "sort_output": True}
# How Babel wraps comments (babel.messages.pofile.generate_po), to find what it wrote.
_PROSE = TextWrapper(width=WIDTH, break_long_words=False)
# Header lines that change on every run and mean nothing on their own.
_DATE_LINES = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')

TEMPLATE_HEADER = (
    "# Texts of the «Хочу жить» information bot: the template every catalog is updated from.\n"
    "# Made by `python -m bot locales extract` from the code; edit the code, not this file.\n"
    "#"
)


def po_path(lang: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def language_of(po: Path) -> str:
    return po.parent.parent.name


def _version() -> str:
    try:
        return metadata.version(PROJECT)
    except metadata.PackageNotFoundError:
        return "0"


def extract(source_dir: Path = SOURCE_DIR, mapping: Path = MAPPING) -> Catalog:
    """Every marked text in the code, as a template catalog (what `pybabel extract` writes)."""
    if mapping.exists():
        with mapping.open(encoding="utf-8") as cfg:
            method_map, options_map = parse_mapping_cfg(cfg, str(mapping))  # type: ignore[no-untyped-call]  # Babel leaves it unannotated
    else:
        method_map, options_map = [("**.py", "python")], {}
    template = Catalog(
        project=PROJECT,
        version=_version(),
        header_comment=TEMPLATE_HEADER,
        charset="utf-8",
        fuzzy=False,
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        source_dir,
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def read(path: Path, lang: str | None = None) -> Catalog:
    """Read a catalog strictly: a syntax error raises babel's PoFileError."""
    with path.open("rb") as po:
        return read_po(po, locale=lang, abort_invalid=True)


def write(path: Path, catalog: Catalog) -> bool:
    """Write `catalog` unless the file already says the same (dates aside); True if written."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, include_previous=True, **_WRITE)
    new = _mend_previous(buffer.getvalue(), catalog)
    if path.exists() and _undated(path.read_bytes()) == _undated(new):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new)
    return True


def _mend_previous(written: bytes, catalog: Catalog) -> bytes:
    """Babel wraps an old msgid kept beside a fuzzy entry ("#| msgid ...") as if it were prose,
    splitting it inside its quotes, and msgfmt then refuses the file. Write each one as the msgid
    itself is written, one "#| " line per line."""
    text = written.decode(catalog.charset or "utf-8")
    for message in catalog:
        if not (message.id and message.previous_id):
            continue
        for keyword, previous in zip(("msgid", "msgid_plural"), message.previous_id, strict=False):
            wrapped = po_string(previous, width=WIDTH)
            babels = "".join(f"#| {line.strip()}\n" for line in _PROSE.wrap(f"{keyword} {wrapped}"))
            lines = f"{keyword} {wrapped}".split("\n")
            text = text.replace(babels, "".join(f"#| {line}\n" for line in lines))
    return text.encode(catalog.charset or "utf-8")


def _undated(content: bytes) -> list[bytes]:
    return [line for line in content.splitlines() if not line.startswith(_DATE_LINES)]


def update(template: Catalog, locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Bring every catalog up to the template (what `pybabel update` does); the changed ones.

    Fuzzy matching stays on: a text changed in the code keeps its old translation, marked fuzzy
    with the previous msgid beside it, so the translator sees what changed. A fuzzy translation
    is not shown to readers until a translator reviews it.
    """
    changed = []
    for path in catalog_paths(locales_dir):
        catalog = read(path, language_of(path))
        previous = _take_previous(catalog)
        catalog.update(template, no_fuzzy_matching=False)
        for message in catalog:
            if message.fuzzy and not message.previous_id and message.id in previous:
                message.previous_id = previous[message.id]
        if write(path, catalog):
            changed.append(path)
    return changed


_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _take_previous(catalog: Catalog) -> dict[object, list[str]]:
    """Babel reads a `#| msgid "..."` line (the text before it changed) as a translator's comment,
    and would write it back as one, for good. Take such lines back as what they are."""
    previous: dict[object, list[str]] = {}
    for message in catalog:
        lines = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
        if not lines:
            continue
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        # Babel wraps the old text like a comment: joined again, it is msgid "..." "..." [msgid_plural ...].
        parts = re.split(r"(?:^|\s)(?:msgid|msgid_plural)\s", " ".join(lines))[1:]
        ids = ["".join(unescape(f'"{q}"') for q in _QUOTED.findall(part)) for part in parts]
        if ids:
            previous[message.id] = ids
    return previous


def normalize(lang: str) -> str:
    """A language tag as Babel knows it ("uz-latn" → "uz_Latn"); ValueError if it knows none."""
    try:
        return str(Locale.parse(lang.strip().replace("-", "_")))
    except (ValueError, UnknownLocaleError, TypeError):
        raise ValueError(
            f"{lang!r} is not a language Babel (CLDR) knows, e.g. uk, ko, uz_Latn"
        ) from None


def create(lang: str, template: Catalog, locales_dir: Path = LOCALES_DIR) -> Path:
    """A new, empty catalog for `lang` (what `pybabel init` does), with its CLDR header."""
    code = normalize(lang)
    path = po_path(code, locales_dir)
    if path.exists():
        raise FileExistsError(f"{path.relative_to(locales_dir.parent)} exists already")
    locale = Locale.parse(code)
    if locale.territory and not locale.script and po_path(locale.language, locales_dir).exists():
        raise FileExistsError(
            f"{locale.language} exists already, and readers whose Telegram says "
            f"{code.replace('_', '-')} get it"
        )
    buffer = io.BytesIO()
    write_po(buffer, template, **_WRITE)
    buffer.seek(0)
    catalog = read_po(buffer, locale=code)
    catalog.fuzzy = False
    catalog.revision_date = datetime.now(UTC)
    catalog.language_team = f"{locale.english_name} — {native_name(code)}"
    catalog.header_comment = (
        f"# {locale.english_name} catalog of the «Хочу жить» information bot.\n"
        # A new catalog is a draft until a native speaker has reviewed it (bot/review.py).
        f"{review.LINE.format(status=review.DRAFT)}\n"
        "# This file is distributed under the same license as the hochu-zhit-bot project.\n"
        "#"
    )
    catalog.mime_headers = [("Plural-Forms", plural_forms(code))]
    write(path, catalog)
    return path

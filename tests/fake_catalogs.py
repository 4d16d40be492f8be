"""Small catalogs written for a test, and the texts of the code as it is now."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from aiogram.utils.i18n import I18n
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

if TYPE_CHECKING:
    from bot.content.audiences import Audience

T = TypeVar("T")


# A catalog's entries for `write_catalog`: msgid, or (msgid, msgid_plural), to its translation.
Entries = dict[str | tuple[str, str], str | tuple[str, ...]]


def write_catalog(
    locales_dir: Path,
    lang: str,
    entries: Entries,
    *,
    header: str | None = None,
    fuzzy: tuple[str, ...] = (),
    review: str | None = "reviewed",
) -> Path:
    """locales_dir/<lang>/LC_MESSAGES/messages.po holding `entries` (msgid → msgstr), declared
    `review` (bot/review.py; None: no Review-Status line at all)."""
    catalog = Catalog(locale=lang, fuzzy=False)
    status = "" if review is None else f"# Review-Status: {review}\n"
    catalog.header_comment = f"# A catalog written for a test.\n{status}#"
    if header is not None:
        catalog.mime_headers = [("Plural-Forms", header)]
    for msgid, msgstr in entries.items():
        flags = ("fuzzy",) if msgid in fuzzy else ()
        catalog.add(msgid, msgstr, flags=flags)
    path = locales_dir / lang / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(po, catalog, width=100)
    return path


def untranslated(render: Callable[[], T]) -> T:
    """What `render` makes when no catalog answers: the msgids themselves."""
    with tempfile.TemporaryDirectory() as empty:
        i18n = I18n(path=empty, default_locale="xx")
    with i18n.context():
        return render()


def translation(po: Path, msgid: str) -> str:
    """What a reader of this catalog sees for `msgid` (the msgid if it is untranslated or fuzzy)."""
    with po.open("rb") as file:
        message = read_po(file).get(msgid)
    if (
        message is None
        or message.fuzzy
        or not isinstance(message.string, str)
        or not message.string
    ):
        return msgid
    return message.string


def greeting(po: Path, audience: Audience | None = None) -> str:
    """The first screen's text as a reader of this catalog gets it, for `audience` (by default the
    one the catalog's language points to), with the draft line above it if it is a draft."""
    from bot import review
    from bot.content.audiences import NOTES, for_language
    from bot.handlers.start import GREETING
    from bot.review import DRAFT_NOTE

    audience = audience or for_language(po.parent.parent.name)
    text = translation(po, GREETING).format(audience=translation(po, NOTES[audience]))
    if review.status(po) != review.REVIEWED:
        text = f"<i>{translation(po, DRAFT_NOTE)}</i>\n\n{text}"
    return text

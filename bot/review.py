"""Whether a catalog has been reviewed by a native speaker, or is still a machine draft.

A catalog says so in its header comment, in a line of its own:

    # Review-Status: draft
    # Review-Status: reviewed

A comment line, not a header field: Babel drops header fields it does not know when it rewrites a
catalog (`locales extract`), and keeps the header comment. `locales check` refuses a catalog
without the line. The bot reads it once, at start-up (`drafts`): readers of a draft see one line on
the first screen saying so, with a one-tap switch to the Russian or English text, which stay
authoritative (bot/handlers/start.py). Nothing else about a draft differs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from bot.content.marks import N_

DRAFT = "draft"
REVIEWED = "reviewed"
STATUSES = (DRAFT, REVIEWED)
LINE = "# Review-Status: {status}"

_LINE = re.compile(r"#\s*Review-Status:\s*(\S*)\s*", re.IGNORECASE)

# What readers of a draft may switch to with one tap: the texts that stay authoritative.
AUTHORITATIVE = ("ru", "en")

# Translators: above the first screen of a catalog not yet reviewed by a native speaker, and at
# the top of every page of its web copy; a button or link to each authoritative text follows.
DRAFT_NOTE = N_(
    "This is a machine translation, not yet checked by a native speaker. The Russian and English "
    "texts are authoritative."
)


def status(po: Path) -> str | None:
    """The status the catalog's header comment declares ("draft", "reviewed", or whatever else it
    says, for `locales check` to refuse); None if it declares none or cannot be read."""
    try:
        with po.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if not line.startswith("#"):  # the header comment ends where the entries begin
                    break
                if found := _LINE.fullmatch(line.rstrip("\r\n")):
                    return found[1].lower()
    except OSError:
        return None
    return None


def drafts(po_files: Iterable[Path]) -> frozenset[str]:
    """The languages (folder names under locales/) whose catalog is not declared reviewed: a catalog
    that says nothing, or something unknown, is shown as a draft, never as reviewed."""
    return frozenset(po.parent.parent.name for po in po_files if status(po) != REVIEWED)

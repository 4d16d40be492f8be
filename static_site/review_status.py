"""A catalog's review status, as its header comment states it: `# Review-Status: draft` (a
machine draft no native speaker has checked yet) or `# Review-Status: reviewed`."""

from __future__ import annotations

import re
from pathlib import Path

_LINE = re.compile(r"#\s*Review-Status:\s*([A-Za-z-]+)", re.IGNORECASE)


def review_status(po: Path) -> str | None:
    """ "draft", "reviewed" (lowercased, as written), or None where the header does not say.
    Reads only the comment lines before the first entry."""
    try:
        with po.open(encoding="utf-8") as lines:
            for line in lines:
                if line.startswith(("msgid", "msgctxt")):
                    break
                if found := _LINE.match(line.strip()):
                    return found.group(1).lower()
    except (OSError, UnicodeDecodeError):
        return None
    return None


def is_draft(po: Path) -> bool:
    return review_status(po) == "draft"

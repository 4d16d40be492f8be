"""What the bot counts, and the one call the conversation makes to count it.

Handlers say what happened; how (and whether) it is stored is storage/'s business alone.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

# Whom the texts the reader was shown are written for (bot/content/audiences.py): a short code,
# counted like the language. Counts kept before audiences existed belong to the default one, since
# every reader was shown its texts.
DEFAULT_AUDIENCE = "default"


class Event(StrEnum):
    """Events counted per UTC day, language and audience. Values reach disk: keep them short and
    stable."""

    STARTED = "start"  # /start
    ROLE_CHOSEN = "role"  # topic: soldier | relative | reader
    SECTION_READ = "section"  # topic: the section id
    CONTACTS_SHOWN = "contacts"  # the official channels were shown
    ERASED = "erase"  # /erase
    QUESTION_ASKED = "question"  # a typed question (never its text, nor whether it was answered)
    CAMPAIGN = "campaign"  # a start link opened; topic: its campaign tag (bot/deep_links.py)


class Counter(Protocol):
    """The counting seam. `record` must never block or raise: it is called on the hot path."""

    def record(
        self,
        event: Event,
        *,
        lang: str,
        user_id: int,
        topic: str = "",
        audience: str = DEFAULT_AUDIENCE,
    ) -> None:
        """Count one event. `user_id` is used only in memory, to count unique readers per day."""


class NullCounter:
    """Counts nothing: for previews and for tests that do not look at counts."""

    def record(
        self,
        event: Event,
        *,
        lang: str,
        user_id: int,
        topic: str = "",
        audience: str = DEFAULT_AUDIENCE,
    ) -> None:
        return None

"""Where a reader is in the conversation, and everything kept about them meanwhile.

Kept in FSM storage only (memory, or Redis for several instances), with a time-to-live, never on
disk. The state says no more than that a choice was made; the data holds only the keys below, each
because a feature reads it. tests/test_privacy.py walks every screen and checks that nothing else
is ever kept.
"""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class Flow(StatesGroup):
    choosing_role = State()  # the first screen is on show: nothing chosen yet
    reading = State()  # the reader answered the first screen, or asked for the menu


# FSM data: key → (what it holds, what reads it and why). Absent until there is something to keep.
LOCALE = "locale"
AUDIENCE = "audience"
MESSAGE_IDS = "message_ids"

DATA_KEYS: dict[str, str] = {
    LOCALE: (
        "the language the reader picked from the list; read on every update by "
        "bot.languages.LanguageMiddleware, so that the reader keeps it (otherwise Telegram's "
        "language_code decides)"
    ),
    AUDIENCE: (
        "whom the reader asked the texts to be written for; read on every update by "
        "bot.languages.LanguageMiddleware (otherwise the reader's language decides)"
    ),
    MESSAGE_IDS: (
        "[message id, unix date] of the conversation's messages younger than 48 hours, the "
        "reader's and the bot's; read by /erase (bot.handlers.erase) to delete them"
    ),
}

# What a new /start keeps: the reader's own choices, and what /erase will need.
KEPT_BY_START = (LOCALE, AUDIENCE, MESSAGE_IDS)

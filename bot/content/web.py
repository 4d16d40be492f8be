"""The few texts the web copy of the screens adds around them (`python -m bot export-site`,
static_site/). The screens themselves are the bot's own, word for word."""

from __future__ import annotations

from bot.content.marks import N_

# Translators: at the foot of every page of the web copy (a static site that repeats the bot's
# screens for readers who cannot reach Telegram). It says truthfully what the pages keep.
WEB_COPY_NOTE = N_(
    "These pages say what the bot about «Хочу жить» says in Telegram, for readers who cannot "
    "reach Telegram. Where a text mentions /erase or this chat, it means the bot in Telegram.\n\n"
    "The pages keep nothing about you: they have no scripts, cookies or counters. Whoever runs "
    "the web server that publishes them, and your internet provider, may see that the site was "
    "visited. Your browser keeps a history: use a private window, or delete the history "
    "afterwards."
)

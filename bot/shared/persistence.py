"""At start-up: does the bot's Redis keep its data on disk? The readers' state (their ids, in the
keys) must live in memory only, so the operator runs Redis with `save ""` and `appendonly no`
(README). The bot cannot change that itself; it says so in one warning line when it can see it."""

from __future__ import annotations

import logging
from typing import Any

from bot.shared import redis_errors

log = logging.getLogger("bot.shared")


async def persistence_problem(redis: Any) -> str | None:
    """One line for the log if Redis keeps (or may keep) its data on disk, else None."""
    try:
        save = (await redis.config_get("save")).get("save", "")
        appendonly = (await redis.config_get("appendonly")).get("appendonly", "no")
    except redis_errors() as error:
        return (
            f"could not check whether Redis keeps its data on disk (CONFIG GET: "
            f'{type(error).__name__}): run it with save "" and appendonly no'
        )
    on = []
    if save:
        on.append(f'snapshots (save "{save}")')
    if appendonly != "no":
        on.append("an append-only file (appendonly yes)")
    if not on:
        return None
    return (
        f"Redis keeps its data on disk: {' and '.join(on)}: readers' ids in the state's keys can "
        'reach that disk; run the bot\'s Redis with save "" and appendonly no'
    )


async def warn_if_persistent(redis: Any) -> None:
    if problem := await persistence_problem(redis):
        log.warning("%s", problem)

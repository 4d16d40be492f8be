"""Memory per message waiting in the send queue (bot/outgoing), measured with tracemalloc.

    python -m benchmarks.queue_memory               # 1,000 readers
    python -m benchmarks.queue_memory --readers 50  # a smoke run

Readers who already have a conversation (/start and a role, sent while the queue was open) each
tap a section while nothing can be sent: every tap's handler then waits in the queue with its edit,
as in a spike. What each waiting tap holds is what a full queue of BOT_SEND_QUEUE holds, per
message:
- the update, parsed (a button's update carries the message it was on: a screen and a keyboard);
- its handler's task and frames, aiogram's middleware chain, the edit request with its screen;
- of which the queue's own record: memory allocated in bot/outgoing.

The last line is `per waiting message: N bytes (...)`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tracemalloc
from pathlib import Path

from aiogram import Bot
from aiogram.types import Update

from bot.app import build_bot, build_dispatcher, close_bot
from bot.callbacks import ChooseRole, Nav, Role
from bot.config import load_contacts
from bot.languages import make_i18n
from bot.middlewares import Throttle
from bot.outgoing import GatedRate, SendScheduler, SimulatedClock
from fake_telegram import OfflineReader, OfflineSession

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:" + "Q" * 35
OURS = "*/bot/outgoing/*"


async def measure(readers: int) -> tuple[float, float, float]:
    gate = GatedRate()
    gate.open.set()
    scheduler = SendScheduler(clock=SimulatedClock(), send_rate=gate, max_queue=readers + 10)
    bot = build_bot(TOKEN, session=OfflineSession(), scheduler=scheduler)
    dispatcher = build_dispatcher(
        contacts=load_contacts(ROOT / "contacts.example.toml"),
        i18n=make_i18n(),
        throttle=Throttle(enabled=False),
    )
    people = [
        OfflineReader(dispatcher, bot, user_id=10_000 + i, language_code="ru")
        for i in range(readers)
    ]
    for reader in people:
        await reader.send("/start")
        await reader.press(ChooseRole(role=Role.SOLDIER).pack())
    gate.open.clear()
    gc.collect()
    tracemalloc.start(25)
    before = tracemalloc.take_snapshot()
    updates = [tap(reader, bot) for reader in people]
    gc.collect()
    parsed = tracemalloc.take_snapshot()
    waiting = [asyncio.ensure_future(dispatcher.feed_update(bot, update)) for update in updates]
    for _ in range(50):
        await asyncio.sleep(0)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    assert scheduler.queued == readers, f"{scheduler.queued} of {readers} waiting"
    update = _grown(before, parsed)
    handler = _grown(parsed, after)
    ours = _grown(parsed, after, [tracemalloc.Filter(True, OURS)])
    gate.open.set()
    await asyncio.gather(*waiting)
    assert scheduler.queued == 0 and scheduler.counts.sent >= readers
    await close_bot(bot)
    return update / readers, (handler - ours) / readers, ours / readers


def tap(reader: OfflineReader, bot: Bot) -> Update:
    """The update of `reader` pressing a section's button on its screen, as aiogram parses it."""
    update = reader.telegram.receive(reader.pressing(Nav(to="rights").pack()))
    return Update.model_validate(update, context={"bot": bot})


def _grown(
    before: tracemalloc.Snapshot,
    after: tracemalloc.Snapshot,
    filters: list[tracemalloc.Filter] | None = None,
) -> int:
    if filters:
        before, after = before.filter_traces(filters), after.filter_traces(filters)
    return sum(stat.size_diff for stat in after.compare_to(before, "filename"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.queue_memory", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--readers", type=int, default=1000, help="waiting taps (default 1000)")
    args = parser.parse_args(argv)
    update, handler, ours = asyncio.run(measure(args.readers))
    print(f"{args.readers} taps waiting in the send queue")
    print(
        f"per waiting message: {update + handler + ours:,.0f} bytes (the update {update:,.0f}, "
        f"its handler and request {handler:,.0f}, the queue's own record {ours:,.0f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

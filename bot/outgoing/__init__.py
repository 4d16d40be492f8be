"""Everything the bot sends to Telegram that counts against its flood limits waits in one queue:
`SendScheduler` (a session request middleware). `methods` says which requests count, `limits` how
fast, `updates` how a full queue and a button's answer look from the dispatcher's side."""

from bot.outgoing.limits import GatedRate, LocalRate, MonotonicClock, SendRate, SimulatedClock
from bot.outgoing.scheduler import DRAIN_SECONDS, NotSent, SendCounts, SendScheduler
from bot.outgoing.updates import AnswerFirst, Door, Stop

__all__ = [
    "DRAIN_SECONDS",
    "AnswerFirst",
    "Door",
    "GatedRate",
    "LocalRate",
    "MonotonicClock",
    "NotSent",
    "SendCounts",
    "SendRate",
    "SendScheduler",
    "SimulatedClock",
    "Stop",
]

"""Anonymized counts: the only thing the bot keeps at rest."""

from storage.counts import SQLiteCounter
from storage.events import Counter, Event, NullCounter
from storage.report import Period, Reports, Totals

__all__ = ["Counter", "Event", "NullCounter", "Period", "Reports", "SQLiteCounter", "Totals"]

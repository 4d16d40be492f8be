"""Anonymized counts: the only thing the bot keeps at rest."""
from storage.events import Counter, Event, NullCounter

__all__ = ["Counter", "Event", "NullCounter"]

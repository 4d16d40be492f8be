"""The web copy of the bot's screens: `python -m bot export-site` (static_site/export.py)."""

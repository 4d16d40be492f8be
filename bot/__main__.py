"""`python -m bot [run|stats|link|locales|preview|fake-telegram|export-site] ...`

Only the chosen subcommand is imported, so a configuration error is reported (and the bot starts)
without loading what the other subcommands need.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# name -> (module with `configure(parser)` and `main(args) -> int`, what it does)
SUBCOMMANDS = {
    "run": ("bot.cli.run", "run the bot with long polling (the default)"),
    "stats": ("bot.cli.stats", "print the anonymized counts"),
    "link": ("bot.cli.link", "a start link (and QR code) for a leaflet or a video"),
    "locales": ("translators.locales", "translators' tools: extract, add, check, compile"),
    "preview": (
        "translators.preview",
        "talk to the bot in the terminal, without a token or network",
    ),
    "fake-telegram": (
        "fake_telegram.terminal",
        "serve a fake Bot API locally and be the bot's reader in the terminal",
    ),
    "export-site": ("static_site.export", "write the screens as a static site, for mirrors"),
}


def usage() -> str:
    lines = ["usage: python -m bot [SUBCOMMAND] [options]", "", "subcommands:"]
    lines += [f"  {name:<14} {text}" for name, (_module, text) in SUBCOMMANDS.items()]
    lines += ["", "`python -m bot SUBCOMMAND --help` for its options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(usage())
        return 0
    if argv and not argv[0].startswith("-") and argv[0] not in SUBCOMMANDS:
        print(f"error: unknown subcommand {argv[0]!r}\n\n{usage()}")
        return 2
    name, rest = (argv[0], argv[1:]) if argv and argv[0] in SUBCOMMANDS else ("run", argv)
    module = importlib.import_module(SUBCOMMANDS[name][0])
    parser = argparse.ArgumentParser(prog=f"python -m bot {name}")
    module.configure(parser)
    return int(module.main(parser.parse_args(rest)))


if __name__ == "__main__":
    sys.exit(main())

"""`python -m bot [run|stats|locales|preview] ...`"""
from __future__ import annotations

import argparse
import importlib
import sys

SUBCOMMANDS = {
    "run": "run the bot (the default)",
    "stats": "print the anonymized counts",
    "locales": "translators' tools: extract, add, check, compile",
    "preview": "talk to the bot in the terminal, without a token or network",
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bot")
    sub = parser.add_subparsers(dest="command")
    modules = {}
    for name, help_text in SUBCOMMANDS.items():
        try:
            modules[name] = importlib.import_module(f"bot.cli.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"bot.cli.{name}":
                raise
            continue  # not written yet
        modules[name].configure(sub.add_parser(name, help=help_text))
    args = parser.parse_args(argv or ["run"])
    return int(modules[args.command].main(args))


if __name__ == "__main__":
    sys.exit(main())

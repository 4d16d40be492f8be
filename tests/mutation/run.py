"""Mutation testing of the code that keeps promises to readers: `scripts/mutation [MODULE...]`.

mutmut (configured in pyproject.toml, [tool.mutmut]) copies the packages to `mutants/`, changes
one thing at a time in the functions below (a `<` becomes `<=`, a constant changes, a call loses an
argument), and runs, for each such mutant, the selected tests that call the changed function. A
mutant the tests do not notice survives. Every survivor must either be killed by a test or be
explained, in one line, as equivalent (it behaves like the original) in `equivalent.md` beside this
file. This prints the score per module and exits non-zero if any survivor is unexplained.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EQUIVALENT = Path(__file__).with_name("equivalent.md")

# module name -> (file, the mutant names that belong to it, as mutmut's globs)
MODULES: dict[str, tuple[str, list[str]]] = {
    "fsm_storage": (
        "bot/fsm_storage.py",
        [
            "bot.fsm_storage.x__compact__*",
            "bot.fsm_storage.xǁ_Recordǁ*",
            "bot.fsm_storage.xǁ_Conversationsǁ*",
            "bot.fsm_storage.xǁTTLMemoryStorageǁ*",
            "bot.fsm_storage.xǁReaderIsolationǁ*",
        ],
    ),
    "erase": ("bot/handlers/erase.py", ["bot.handlers.erase.*"]),
    "screens": (
        "bot/screens.py",
        [
            "bot.screens.x_deletable_ids__*",
            "bot.screens.x__young__*",
            "bot.screens.x_remember__*",
        ],
    ),
    "counter": (
        "storage/counts.py",
        [
            f"storage.counts.xǁSQLiteCounterǁ{name}__*"
            for name in (
                "record",
                "_today",
                "_reader",
                "_add",
                "_drop",
                "flush",
                "_flush",
                "_write",
                "_close",
            )
        ],
    ),
    "throttle": ("bot/middlewares/throttle.py", ["bot.middlewares.throttle.*"]),
    "door": (
        "bot/outgoing/updates.py",
        [
            "bot.outgoing.updates.xǁDoorǁ*",
            "bot.outgoing.updates.x__message_id__*",
            "bot.outgoing.updates.xǁStopǁ*",
        ],
    ),
    "contacts": (
        "bot/config.py",
        [
            "bot.config.xǁContactsǁ*",
            "bot.config.x__looks_like_example__*",
            "bot.config.x_example_values__*",
            "bot.config.x_check_live__*",
            "bot.config.x_load_contacts__*",
            "bot.config.x__first_error__*",
        ],
    ),
}

KILLED = {
    1,
    3,
    -24,
    24,
    36,
    152,
    255,
    34,
}  # test failed, error, or timed out: the mutant was noticed
SURVIVED = 0
NO_TESTS = 33


def explained() -> dict[str, str]:
    """`equivalent.md`'s lines "- `mutant name`: why it behaves like the original"."""
    found = {}
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"- `([^`]+)`: (.+)", line):
            found[match[1]] = match[2]
    return found


def results() -> dict[str, int | None]:
    codes: dict[str, int | None] = {}
    for meta in (ROOT / "mutants").rglob("*.py.meta"):
        codes.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return codes


def matches(name: str, patterns: list[str]) -> bool:
    from fnmatch import fnmatchcase

    return any(fnmatchcase(name, pattern) for pattern in patterns)


def main(argv: list[str]) -> int:
    chosen = argv or list(MODULES)
    unknown = [name for name in chosen if name not in MODULES]
    if unknown:
        print(f"unknown module {', '.join(unknown)}; choose from {', '.join(MODULES)}")
        return 2
    patterns = [pattern for name in chosen for pattern in MODULES[name][1]]
    run = subprocess.run([sys.executable, "-m", "mutmut", "run", *patterns], cwd=ROOT, check=False)
    if run.returncode:
        return run.returncode
    codes, reasons = results(), explained()
    unexplained: list[str] = []
    print(f"\n{'module':<12} {'file':<28} {'killed':>6} {'equiv.':>6} {'total':>6}  score")
    for name in chosen:
        path, globs = MODULES[name]
        mine = {key: code for key, code in codes.items() if matches(key, globs)}
        killed = sum(code in KILLED for code in mine.values())
        equivalent = sum(code == SURVIVED and key in reasons for key, code in mine.items())
        unexplained += [
            key for key, code in mine.items() if code not in KILLED and key not in reasons
        ]
        score = (killed + equivalent) / len(mine) if mine else 1.0
        print(f"{name:<12} {path:<28} {killed:>6} {equivalent:>6} {len(mine):>6}  {score:.0%}")
    for key in sorted(unexplained):
        print(f"not killed, not explained: {key} (status {codes[key]}; mutmut show {key})")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Typed questions: how fast one is matched, how long an index takes to build, how many find
their answer. Run by `python -m benchmarks.run` (same machine, same run) or alone:

    python -m benchmarks.questions [--repeat N]

For each of ru, uk, en and ko: the index is built once, as the first question in that language
builds it (timed), then every question of tests/questions/<lang>.toml is matched `--repeat` times,
each call timed with `time.perf_counter_ns`; p50 and p99 are over all those calls. The accuracy is
the share of questions whose answer is among the first three suggestions, as the tests assert.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot import search
from bot.config import load_contacts
from bot.languages import make_i18n

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "questions"
LANGUAGES = ("ru", "uk", "en", "ko")
TARGET_P99_MS = 5.0


@dataclass
class Figures:
    lang: str
    questions: int
    build_ms: float
    p50_ms: float
    p99_ms: float
    top3: float


def questions(lang: str) -> list[tuple[str, set[str]]]:
    data = tomllib.loads((QUESTIONS / f"{lang}.toml").read_text(encoding="utf-8"))
    pairs = data["questions"] + data.get("written_after_tuning", [])
    return [(q, set(ids.split())) for q, ids in pairs]


def measure(repeat: int = 20) -> list[Figures]:
    i18n = make_i18n()
    contacts = load_contacts(ROOT / "contacts.example.toml")
    figures = []
    for lang in LANGUAGES:
        asked = questions(lang)
        with i18n.context(), i18n.use_locale(lang):
            search._index.cache_clear()
            start = time.perf_counter_ns()
            index = search.index_for(i18n, contacts)
            build = time.perf_counter_ns() - start
            found = sum(bool(set(index.best(q)) & answers) for q, answers in asked)
            timings = []
            for _ in range(repeat):
                for question, _answers in asked:
                    start = time.perf_counter_ns()
                    index.best(question)
                    timings.append(time.perf_counter_ns() - start)
        timings.sort()
        figures.append(
            Figures(
                lang,
                len(asked),
                build / 1e6,
                statistics.median(timings) / 1e6,
                timings[min(len(timings) - 1, int(len(timings) * 0.99))] / 1e6,
                found / len(asked),
            )
        )
    search._index.cache_clear()
    return figures


def report(repeat: int = 20) -> bool:
    """Print the table; True if every language is within the targets."""
    figures = measure(repeat)
    print(
        "| typed questions | questions | index built in | p50 per question | p99 per question | top-3 accuracy |"
    )
    print("|---|---|---|---|---|---|")
    for f in figures:
        print(
            f"| {f.lang} | {f.questions} | {f.build_ms:.1f} ms | {f.p50_ms:.3f} ms "
            f"| {f.p99_ms:.3f} ms | {f.top3:.0%} |"
        )
    print(f"| target | ≥ 40 | | | < {TARGET_P99_MS:.0f} ms | ≥ 85% |")
    return all(f.p99_ms < TARGET_P99_MS and f.top3 >= 0.85 for f in figures)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.questions", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--repeat", type=int, default=20, help="times each question is matched")
    args = parser.parse_args(argv)
    return 0 if report(args.repeat) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Typed questions: how fast one is matched, how long an index takes to build, how many find
their answer. Run by `python -m benchmarks.run` (same machine, same run) or alone:

    python -m benchmarks.questions [--repeat N] [--without-search-words]

For each of ru, uk, en and ko, and each audience that language's catalog offers (first the one its
readers get unless they choose: North Korean soldiers for Korean), the index is built once, as the
first question in that language and audience builds it (timed, after a full garbage collection:
otherwise the one that falls due while some language's index is built, about 0.1 s for the whole
process's objects, is charged to that language), then every question of
tests/questions/<lang>.toml that a reader of that audience may ask is matched `--repeat` times.
Each call is timed twice: `time.perf_counter_ns`, the wall clock a reader waits, and
`time.thread_time_ns`, the CPU time the call itself used, which other processes on a busy machine
do not inflate; p50 and p99 are over all those calls. The accuracy is the share of questions whose
answer is among the first three suggestions, as the tests assert, also given for each part of the
set: the questions the matcher was tuned on, the two held-out parts (each written before a tuning
and never tuned on), and the audience's own questions. `--without-search-words` matches on the
screens alone (bot/content/search_words.py left out), to show what the search words add; it exits
1, being below the target.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest.mock import patch

from bot import search
from bot.audiences import effective, offered
from bot.config import load_contacts
from bot.content.audiences import Audience
from bot.languages import make_i18n

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "questions"
LANGUAGES = ("ru", "uk", "en", "ko", "uz_Latn", "kk", "hi", "ne")
TARGET_P99_MS = 5.0
TARGET_TOP3 = 0.85
# The parts of a question set that any audience may ask, as named in tests/questions/<lang>.toml:
# the questions the matcher was tuned on, then two parts each written before a tuning and never
# tuned on. An audience's own questions are under [audience].
TUNED, AFTER_TUNING, BEFORE_RETUNING = (
    "questions",
    "written_after_tuning",
    "written_before_retuning",
)
GENERAL = (TUNED, AFTER_TUNING, BEFORE_RETUNING)
OWN = "own"

Question = tuple[str, frozenset[str]]


@dataclass(frozen=True)
class QuestionSet:
    parts: dict[str, list[Question]]  # GENERAL's parts
    own: dict[str, list[Question]]  # each audience's own questions, by audience
    off_topic: list[str]

    def for_audience(self, audience: Audience | None = None) -> dict[str, list[Question]]:
        """The parts a reader of `audience` may ask (every audience's own questions if None)."""
        own = [q for name, qs in self.own.items() if audience in (None, name) for q in qs]
        return {**self.parts, OWN: own}


def load(lang: str) -> QuestionSet:
    data = tomllib.loads((QUESTIONS / f"{lang}.toml").read_text(encoding="utf-8"))

    def pairs(rows: list[list[str]]) -> list[Question]:
        return [(question, frozenset(ids.split())) for question, ids in rows]

    own = {name: pairs(rows) for name, rows in data.get("audience", {}).items()}
    unknown = set(own) - set(Audience)
    assert not unknown, f"{lang}: no audience {unknown}"
    return QuestionSet({p: pairs(data.get(p, [])) for p in GENERAL}, own, data["off_topic"])


def audiences(i18n: object, lang: str) -> list[Audience]:
    """The audiences a language offers, the one its readers get unless they choose first."""
    offered_here = offered(i18n, lang)
    first = effective(None, lang, offered_here)
    return [first, *(a for a in offered_here if a != first)]


@dataclass
class Figures:
    lang: str
    audience: Audience
    readers: bool  # the audience the language's readers get unless they choose
    build_ms: float
    build_cpu_ms: float
    p50_ms: float
    p99_ms: float
    cpu_p99_ms: float
    found: dict[str, tuple[int, int]] = field(default_factory=dict)  # part: (found, asked)
    off_topic: tuple[int, int] = (0, 0)  # (answered, asked)

    @property
    def total(self) -> tuple[int, int]:
        return (sum(f for f, _ in self.found.values()), sum(n for _, n in self.found.values()))

    @property
    def top3(self) -> float:
        found, asked = self.total
        return found / asked


@contextmanager
def without_search_words() -> Iterator[None]:
    with patch.object(search, "SEARCH_WORDS", {}):  # the name bot.search looks up
        search._index.cache_clear()
        try:
            yield
        finally:
            search._index.cache_clear()


def measure(repeat: int = 20) -> list[Figures]:
    i18n = make_i18n()
    contacts = load_contacts(ROOT / "contacts.example.toml")
    figures = []
    for lang in LANGUAGES:
        questions = load(lang)
        for position, audience in enumerate(audiences(i18n, lang)):
            parts = questions.for_audience(audience)
            with i18n.context(), i18n.use_locale(lang):
                search._index.cache_clear()
                gc.collect()  # the process's own garbage, not the index's: see the docstring
                start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
                index = search.index_for(i18n, contacts, audience)
                build_cpu = time.thread_time_ns() - start_cpu
                build = time.perf_counter_ns() - start
                found = {
                    part: (sum(bool(set(index.best(q)) & a) for q, a in asked), len(asked))
                    for part, asked in parts.items()
                }
                off = sum(bool(index.best(q)) for q in questions.off_topic)
                timings, cpu = [], []
                for _ in range(repeat):
                    for asked in parts.values():
                        for question, _answers in asked:
                            start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
                            index.best(question)
                            cpu.append(time.thread_time_ns() - start_cpu)
                            timings.append(time.perf_counter_ns() - start)
            timings.sort()
            cpu.sort()
            figures.append(
                Figures(
                    lang,
                    audience,
                    position == 0,
                    build / 1e6,
                    build_cpu / 1e6,
                    statistics.median(timings) / 1e6,
                    _p99(timings) / 1e6,
                    _p99(cpu) / 1e6,
                    found,
                    (off, len(questions.off_topic)),
                )
            )
    search._index.cache_clear()
    return figures


def _p99(ordered: list[int]) -> int:
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _build(f: Figures) -> str:
    return f"{f.build_ms:.0f} ms ({f.build_cpu_ms:.0f} ms CPU)"


def _of(found: tuple[int, int]) -> str:
    return f"{found[0]} of {found[1]}" if found[1] else "–"


def report(repeat: int = 20, *, search_words: bool = True) -> bool:
    """Print the tables; True if every language and audience is within the targets."""
    if search_words:
        figures = measure(repeat)
    else:
        with without_search_words():
            figures = measure(repeat)
    readers = [f for f in figures if f.readers]
    others = [f for f in figures if not f.readers]
    print(
        "| typed questions | audience | questions | top-3 accuracy | tuned on | written after "
        "tuning | written before re-tuning | the audience's own | off-topic answered "
        "| p50 per question | p99 per question | p99 CPU time | index built in |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for f in readers:
        print(
            f"| {f.lang} | {f.audience} | {f.total[1]} | {f.top3:.0%} | {_of(f.found[TUNED])} "
            f"| {_of(f.found[AFTER_TUNING])} | {_of(f.found[BEFORE_RETUNING])} "
            f"| {_of(f.found[OWN])} | {_of(f.off_topic)} | {f.p50_ms:.3f} ms | {f.p99_ms:.3f} ms "
            f"| {f.cpu_p99_ms:.3f} ms | {_build(f)} |"
        )
    print(
        f"| target | | ≥ 40 | ≥ {TARGET_TOP3:.0%} | | | | | ≤ 2 of 10 | | < {TARGET_P99_MS:.0f} ms | | |"
    )
    print()
    print(
        "| the other audiences | audience | questions | top-3 accuracy | the audience's own "
        "| off-topic answered | p99 per question | p99 CPU time | index built in |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for f in others:
        print(
            f"| {f.lang} | {f.audience} | {f.total[1]} | {f.top3:.0%} | {_of(f.found[OWN])} "
            f"| {_of(f.off_topic)} | {f.p99_ms:.3f} ms | {f.cpu_p99_ms:.3f} ms | {_build(f)} |"
        )
    return all(
        f.p99_ms < TARGET_P99_MS and f.top3 >= TARGET_TOP3 and f.off_topic[0] <= 2 for f in figures
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.questions", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--repeat", type=int, default=20, help="times each question is matched")
    parser.add_argument(
        "--without-search-words",
        action="store_true",
        help="match on the screens alone, without bot/content/search_words.py",
    )
    args = parser.parse_args(argv)
    return 0 if report(args.repeat, search_words=not args.without_search_words) else 1


if __name__ == "__main__":
    sys.exit(main())

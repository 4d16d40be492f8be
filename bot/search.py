"""Which sections answer a typed question: the sections' titles and texts, indexed in memory, one
index per language and audience.

Ranking. Each word is matched two ways, and the scores added:
- its Snowball stem (PyStemmer), where Snowball has the language: "сдамся" and "сдаться" meet;
- its character n-grams (trigrams; pairs of syllables in Hangul, where a word is two or three
  syllables with a particle attached): a misspelt word ("сдатся"), a language without a stemmer
  (Ukrainian, Korean, most recruits' languages) and a stem the stemmer cut differently ("пытают",
  "пытки") still meet.
Both are ranked with BM25 (Robertson and Zaragoza's formula, k1 = 1.2, b = 0.75), the title
counting twice.

Answering at all. A question matches "well" only if the best section uses enough of the question's
words (`MIN_COVERAGE`), each weighted by its rarity among the sections (inverse document
frequency). A word counts as used where a word of the section has the same stem (Snowball's, or
where Snowball has no stemmer the first letters: `TRUNCATE`, `HANGUL_STEM`) or is a close
spelling of it (`MIN_SPELLING`). Below that the bot says it has no answer rather than suggest
something unrelated. Whole words, not n-grams, decide this: a section's text holds most trigrams
of almost any word somewhere ("recommend" in "recorded" and "committee", "погода" in "года"), and
the longer the texts, the more of an unrelated question it seemed to hold.

The texts are taken through the same rendering as the screens (`bot.screens.section_screen`), in
the language of the i18n context, so the index holds exactly what a reader of that language would
read. An index is built on the first question in its language and audience (about 30 ms; see
benchmarks/questions.py), never on a button press, and kept for the life of the process.

Nothing here keeps, logs or counts the question: `SectionIndex.best` is a pure function of it.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aiogram.utils.i18n import gettext as _

from bot import telegram_html
from bot.config import Contacts
from bot.content.audiences import Audience
from bot.content.greetings import GREETINGS
from bot.content.search_words import SEARCH_WORDS
from bot.content.tree import HOME, SECTIONS

MAX_SUGGESTIONS = 3
# A question "matches well" when its best section uses at least MIN_COVERAGE of the question's
# word weight and scores at least MIN_SCORE. Chosen on tests/questions/*.toml (see README), on the
# questions the matcher was tuned on: no off-topic message passes in ru, uk or en, one of ten in
# ko. A Korean question keeps more words the screens never use (its verb endings), so it is held to
# a lower bar: at the alphabets' bar, 66% of the Korean questions found their answer, at this one
# 93% (at this one, 2 of 10 off-topic messages would pass in ru and uk).
MIN_COVERAGE = 0.3
MIN_SCORE = 2.0
MIN_COVERAGE_HANGUL = 0.1
# ...and, outside Hangul, the words it uses weigh at least this much in all: a message whose only
# words found are ones most sections use ("हुनुहुन्छ", "is", in 16 of 28 Nepali sections: 0.56)
# names no topic. 0.8 to 1.3 gave the same results on every question set; without it, one more
# Nepali off-topic message got sections.
MIN_WEIGHT = 1.0
MIN_SCORE_HANGUL = 1.5
# A suggestion after the first must score at least this share of the first's: a far weaker
# section is noise on a small screen.
MIN_RELATIVE = 0.2
# Two spellings are "close" when the Dice coefficient of their n-gram sets is at least this: a
# letter wrong, left out or added in a word of six letters or more ("сдатся" and "сдаться", 0.62;
# "prisners" and "prisoners", 0.71), but not a short word and a longer one that begins with it
# ("car" and "card", 0.57; "they" and "the", 0.57). On the questions tuned on, 0.7 gave the same
# results and 0.5 fewer (en 91% against 96%, and an off-topic message passed).
MIN_SPELLING = 0.6
# Where Snowball has no stemmer, a word's start stands for its stem: its first TRUNCATE letters
# ("змушують" and "змушувати" meet on "змушу", which their n-grams alone would not: 0.47), or in
# Hangul its first two syllables, where most nouns and the stems of 하다-verbs are ("투항합니까"
# meets "투항을", "가족은" meets "가족에게"). 4 and 6 letters gave the same results as 5 on the
# questions tuned on.
TRUNCATE = 5
HANGUL_STEM = 2
TITLE_WEIGHT = 2
STEM_WEIGHT = 1.0
NGRAM_WEIGHT = 0.25  # n-grams are many per word: this keeps a word's two matches comparable
K1, B = 1.2, 0.75

# Apostrophes inside a word are left out, every kind alike: Ukrainian readers often skip them
# ("мясо" for "м'ясо"), and Uzbek writes oʻ, gʻ and the tutuq belgisi with whichever mark the
# phone offers (o' o` o‘ o’ oʻ, ' or ʼ) or none, so "o'zbek", "oʻzbek" and "ozbek" are one word.
# ʻ and ʼ are letters to Unicode (Lm) and the others punctuation: without this, "oʻzbek" was
# one word, "o'zbek" another and "o‘zbek" two. Zero-width joiners (Devanagari half forms)
# change how a word looks, not which word it is.
_DROP = str.maketrans("ё", "е", "'’‘ʼʻ`´\u200c\u200d")
_word: re.Pattern[str] | None = None


def _word_pattern() -> re.Pattern[str]:
    """Letters, digits and combining marks. `\\w` alone leaves out the marks (Unicode categories
    Mn, Mc, Me): Devanagari's vowel signs, virama, anusvara and nukta, so that "हिंदी" fell apart
    into "ह" and "द". Built once, by the first question, not at start-up: scanning planes 0 and 1
    (where every living script's marks are) takes 30 to 40 ms on a 2-core machine at load 6."""
    global _word
    if _word is None:
        marks = [c for c in range(0x20000) if unicodedata.category(chr(c)).startswith("M")]
        ranges: list[str] = []
        start = marks[0]
        for previous, current in zip(marks, [*marks[1:], sys.maxunicode + 2], strict=True):
            if current != previous + 1:
                ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(previous))}")
                start = current
        _word = re.compile(rf"[\w{''.join(ranges)}]+")
    return _word


def _is_hangul(word: str) -> bool:
    return "\uac00" <= word[0] <= "\ud7a3"


def words(text: str) -> list[str]:
    """Lower-case words with their combining marks, in one Unicode form (NFC), "ё" as "е",
    apostrophes dropped; numbers kept ("ст. 17", "2022").

    Words of one or two characters are left out, except in Hangul (where one syllable is often a
    whole noun: 밥, 돈, 일): in the alphabets they are nearly all pronouns, prepositions and
    particles ("i", "to", "я", "в", "не", "ли", "чи", "की", "को"), which say nothing of a topic
    but, being rare in the screens' texts, would weigh as much as the words that do."""
    text = unicodedata.normalize("NFC", text.lower().translate(_DROP))
    return [w for w in _word_pattern().findall(text) if len(w) > 2 or _is_hangul(w)]


@lru_cache(maxsize=64)
def small_talk(lang: str) -> frozenset[str]:
    """The words of a language that are greetings or thanks, not a question's topic
    (bot/content/greetings.py)."""
    return frozenset(words(GREETINGS.get(lang, "")))


def ngrams(word: str, *, question: bool = False) -> list[str]:
    """Character n-grams of a word with its edges marked, so that a word's start counts apart.

    A Korean word is a stem followed by particles and endings (투항 + 합니까, 가족 + 한테): in a
    question a word of three syllables or more is matched on its start only (two syllables, or
    three of five and more), so that the question's own endings (니까, 나요), which the screens'
    declarative texts lack, do not weigh as rare words."""
    if _is_hangul(word):
        if question and len(word) > 2:
            n, marked = 2, "^" + word[: min(3, max(2, len(word) - 2))]
        else:
            n, marked = 2, f"^{word}$"
    else:
        n, marked = 3, f"^{word}$"
    if len(marked) <= n:
        return [marked]
    return [marked[i : i + n] for i in range(len(marked) - n + 1)]


@lru_cache(maxsize=64)
def stemmer_for(lang: str) -> Callable[[list[str]], list[str]] | None:
    """The Snowball stemmer of a language, or None when Snowball has none (Ukrainian, Korean,
    Uzbek, ...). PyStemmer is Snowball compiled to C: 0.2 µs a word, against 25 µs for the
    pure-Python snowballstemmer, with the same algorithms and results."""
    import Stemmer  # here, not at start-up: only a typed question needs it
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(lang.replace("-", "_")).get_language_name("en") or ""
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    name = name.lower()
    if name not in Stemmer.algorithms():
        return None
    stem_words: Callable[[list[str]], list[str]] = Stemmer.Stemmer(name).stemWords
    return stem_words


@dataclass(frozen=True, slots=True)
class Terms:
    words: tuple[str, ...]
    stems: frozenset[str]
    grams: frozenset[str]
    hangul: bool = False  # most of the question's words are Korean


class _Field:
    """BM25 over one kind of term, with each (term, section) weight computed once."""

    def __init__(self, documents: list[Counter[str]]) -> None:
        n = len(documents)
        average = sum(sum(d.values()) for d in documents) / max(n, 1) or 1.0
        frequency = Counter(term for d in documents for term in d)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}
        self.unseen_idf = math.log(1 + (n + 0.5) / 0.5)
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for i, document in enumerate(documents):
            norm = K1 * (1 - B + B * sum(document.values()) / average)
            for term, tf in document.items():
                weight = self.idf[term] * tf * (K1 + 1) / (tf + norm)
                self.postings.setdefault(term, []).append((i, weight))

    def add_scores(self, terms: Iterable[str], scores: list[float], factor: float) -> None:
        for term in terms:
            for i, weight in self.postings.get(term, ()):
                scores[i] += factor * weight


class SectionIndex:
    """The sections of one language (and audience), ready to answer typed questions."""

    def __init__(self, lang: str, sections: Iterable[tuple[str, str, str]]) -> None:
        """`sections`: (id, title, text) as a reader of `lang` reads them; text may be HTML."""
        self.lang = lang
        self._stem = stemmer_for(lang)
        self.ids: list[str] = []
        stems: list[Counter[str]] = []
        grams: list[Counter[str]] = []
        where: dict[str, set[int]] = {}  # each word of the texts: the sections that use it
        for position, (section_id, title, text) in enumerate(sections):
            plain = telegram_html.parse(text)[0] if "<" in text else text
            tokens = words(title) * TITLE_WEIGHT + words(plain)
            self.ids.append(section_id)
            stems.append(Counter(self._stems(tokens)))
            grams.append(Counter(g for w in tokens for g in ngrams(w)))
            for token in tokens:
                where.setdefault(token, set()).add(position)
        self._stems_field = _Field(stems)
        self._grams_field = _Field(grams)
        # For `sections_with`: where each word is, where each stem is, and the words by their first
        # n-gram, among which close spellings are looked for.
        self._where = where
        self._by_key: dict[str, set[int]] = {}
        self._by_start: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for word, positions in where.items():
            word_grams = ngrams(word)
            self._by_start.setdefault(word_grams[0], []).append((word, frozenset(word_grams)))
            if not _is_hangul(word):
                self._by_key.setdefault(self.key(word), set()).update(positions)

    def _stems(self, tokens: list[str]) -> list[str]:
        return self._stem(tokens) if self._stem else tokens

    def terms(self, question: str) -> Terms:
        """The question's words, less greetings and thanks: a message of those alone has none,
        and gets no section."""
        greetings = small_talk(self.lang)
        tokens = [w for w in words(question) if w not in greetings]
        return Terms(
            tuple(dict.fromkeys(tokens)),
            frozenset(self._stems(tokens)),
            frozenset(g for w in tokens for g in ngrams(w, question=True)),
            hangul=sum(map(_is_hangul, tokens)) * 2 > len(tokens),
        )

    def scores(self, terms: Terms) -> list[float]:
        scores = [0.0] * len(self.ids)
        self._stems_field.add_scores(terms.stems, scores, STEM_WEIGHT)
        self._grams_field.add_scores(terms.grams, scores, NGRAM_WEIGHT)
        return scores

    def key(self, word: str) -> str:
        """What a word is matched on: its Snowball stem, or else its first `TRUNCATE` letters."""
        return self._stem([word])[0] if self._stem else word[:TRUNCATE]

    def sections_with(self, word: str) -> frozenset[int]:
        """The sections that use a question's word: with the same stem (`key`), or spelt
        closely (`MIN_SPELLING`); in Hangul, any word that begins with the same syllables
        (`HANGUL_STEM`)."""
        asked = ngrams(word)
        same_start = self._by_start.get(asked[0], ())
        if _is_hangul(word):
            start = word[:HANGUL_STEM]
            close = [c for c, _grams in same_start if c.startswith(start)]
            found: set[int] = set()
        else:
            grams = set(asked)
            close = [
                c
                for c, c_grams in same_start
                if 2 * len(c_grams & grams) >= MIN_SPELLING * (len(c_grams) + len(grams))
            ]
            found = set(self._by_key.get(self.key(word), ()))
        for candidate in close:
            found |= self._where[candidate]
        return frozenset(found)

    def coverage(self, terms: Terms, position: int) -> float:
        """The share of the question's words, each weighted by its rarity among the sections
        (inverse document frequency), that one section uses; 0 where the words it uses weigh
        less than `MIN_WEIGHT` in all, outside Hangul (words most sections use name no topic)."""
        n = len(self.ids)
        total = present = 0.0
        for word in terms.words:
            sections = self.sections_with(word)
            weight = math.log(1 + (n - len(sections) + 0.5) / (len(sections) + 0.5))
            total += weight
            present += weight if position in sections else 0.0
        if present < MIN_WEIGHT and not terms.hangul:
            return 0.0
        return present / total if total else 0.0

    def best(self, question: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
        """Up to `limit` section ids that answer the question, best first; [] if none does well."""
        terms = self.terms(question)
        if not terms.words:
            return []
        scores = self.scores(terms)
        ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
        top = ranked[0]
        min_score, min_coverage = (
            (MIN_SCORE_HANGUL, MIN_COVERAGE_HANGUL) if terms.hangul else (MIN_SCORE, MIN_COVERAGE)
        )
        if scores[top] < min_score or self.coverage(terms, top) < min_coverage:
            return []
        floor = scores[top] * MIN_RELATIVE
        return [self.ids[i] for i in ranked[:limit] if scores[i] >= floor]


def rendered_sections(
    contacts: Contacts, audience: Audience = Audience.DEFAULT
) -> list[tuple[str, str, str]]:
    """Every section but the main menu as the current i18n context's reader sees it: id, title,
    and the text the screen shows (through `section_screen`, the screens' own path)."""
    from bot.screens import section_screen  # the screens import keyboards; keep this module light

    return [
        (s.id, _(s.title), section_screen(s.id, contacts, audience).text)
        for s in SECTIONS
        if s.id != HOME
    ]


def searchable(sections: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The sections' texts followed by their search words in the current language
    (bot/content/search_words.py)."""
    return [
        (sid, title, f"{text}\n\n{_(SEARCH_WORDS[sid])}" if sid in SEARCH_WORDS else text)
        for sid, title, text in sections
    ]


@lru_cache(maxsize=64)
def _index(i18n: Any, lang: str, audience: Audience, contacts: Contacts) -> SectionIndex:
    with i18n.use_locale(lang):
        return SectionIndex(lang, searchable(rendered_sections(contacts, audience)))


def index_for(i18n: Any, contacts: Contacts, audience: Audience = Audience.DEFAULT) -> SectionIndex:
    """The index of the reader's language (the i18n context's) and audience, built on first use."""
    return _index(i18n, i18n.current_locale, audience, contacts)

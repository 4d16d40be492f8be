"""Plural forms as CLDR defines them, in the terms gettext catalogs use.

A catalog's `Plural-Forms` header says how many forms a counted word has and which form a number
takes. It must agree with CLDR's rule for the language on whole numbers (the bot counts people and
messages, never fractions). Babel's own gettext table lags CLDR for a few languages (Tajik,
Armenian, Georgian, Hindi and the Romance "many" for exact millions), so the rule is taken from
CLDR, and Babel's conventional formula is kept wherever it agrees.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Sequence

from babel import Locale
from babel.messages.plurals import get_plural
from babel.plural import to_gettext

# Whole numbers on which the forms are compared: every remainder mod 10, 100 and 1000 that CLDR's
# rules look at, and exact millions (French, Portuguese, Spanish, Italian: "un million de ...").
SAMPLES: tuple[int, ...] = (*range(2001), 10**6, 2 * 10**6, 10**6 + 1, 10**9)


def _classes(form_of: Sequence[object]) -> set[frozenset[int]]:
    """The samples grouped by the form they take: the partition that must agree."""
    groups: dict[object, set[int]] = {}
    for n, form in zip(SAMPLES, form_of, strict=False):
        groups.setdefault(form, set()).add(n)
    return {frozenset(group) for group in groups.values()}


def cldr_classes(lang: str) -> set[frozenset[int]]:
    rule = Locale.parse(lang).plural_form
    return _classes([rule(n) for n in SAMPLES])


def cldr_form_names(lang: str) -> list[str]:
    """CLDR's names of the forms whole numbers take, in order of their first example."""
    rule = Locale.parse(lang).plural_form
    used = {rule(n) for n in SAMPLES}
    return [name for name in _CLDR_ORDER if name in used]


_CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")


def parse_header(header: str) -> tuple[int, str]:
    """`nplurals=3; plural=(...);` → (3, "(...)"); ValueError if it is not that shape."""
    found = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", header)
    if not found:
        raise ValueError(f"not of the form `nplurals=N; plural=EXPRESSION;`: {header!r}")
    return int(found.group(1)), found.group(2)


def header_problems(lang: str, header: str) -> list[str]:
    """What is wrong with a catalog's Plural-Forms for `lang` (empty: it agrees with CLDR)."""
    found = _disagreements(lang, header)
    if found:
        found[-1] += f"; for {lang} write: {plural_forms(lang)}"
    return found


def _disagreements(lang: str, header: str) -> list[str]:
    try:
        nplurals, expression = parse_header(header)
        form_of = gettext.c2py(expression)
        indexes = [form_of(n) for n in SAMPLES]
    except (ValueError, SyntaxError, ZeroDivisionError) as error:
        return [f"Plural-Forms cannot be read ({error})"]
    names = cldr_form_names(lang)
    expected = f"{len(names)} ({', '.join(names)})"
    found = []
    if nplurals != len(names):
        found.append(
            f"Plural-Forms says nplurals={nplurals}; CLDR has {expected} for whole numbers"
        )
    if any(not 0 <= i < nplurals for i in indexes):
        found.append(f"Plural-Forms picks a form outside 0..{nplurals - 1}")
    else:
        ours = {n: group for group in _classes(indexes) for n in group}
        theirs = {n: group for group in cldr_classes(lang) for n in group}
        if wrong := [n for n in SAMPLES if ours[n] != theirs[n]]:
            found.append(f"Plural-Forms groups numbers unlike CLDR (first at n={wrong[0]})")
    return found


def plural_forms(lang: str) -> str:
    """A Plural-Forms value for a new catalog in `lang` that agrees with CLDR."""
    conventional = get_plural(lang).plural_forms
    if not _disagreements(lang, conventional):
        return conventional
    # CLDR's rule compiled to C; `e` (a compact exponent) is 0 for numbers written out in full.
    derived = re.sub(r"\be\b", "0", to_gettext(Locale.parse(lang).plural_form))
    nplurals, expression = parse_header(derived)
    form_of = gettext.c2py(expression)
    used = sorted({form_of(n) for n in SAMPLES})
    if len(used) != nplurals:  # a form whole numbers never take (CLDR's "other" for fractions)
        renumber = " : ".join(
            f"({expression}) == {old} ? {new}" for new, old in enumerate(used[:-1])
        )
        expression = f"({renumber} : {len(used) - 1})" if renumber else "0"
        nplurals = len(used)
    return f"nplurals={nplurals}; plural={expression};"

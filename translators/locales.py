"""`python -m bot locales extract|add|check|compile`: the translators' tools, one command each."""

from __future__ import annotations

import argparse
from pathlib import Path

from babel.messages.pofile import PoFileError

from bot import review
from bot.languages import LOCALES_DIR, catalog_paths, compile_catalogs, native_name
from translators import catalog_check, catalogs


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "Translators' tools for the catalogs in locales/."
    parser.add_argument("--locales", type=Path, default=LOCALES_DIR, help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, default=catalogs.SOURCE_DIR, help=argparse.SUPPRESS)
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser(
        "extract",
        help="collect the texts from the code into messages.pot and update every catalog",
        description="Collect every marked text from the code into locales/messages.pot, then "
        "update every catalog: new texts arrive empty, changed ones keep their old translation "
        "marked fuzzy for review.",
    )
    add = actions.add_parser("add", help="start a catalog for a new language, e.g. `add uz_Latn`")
    add.add_argument("lang", help="a language code Babel knows: uk, ko, ky, uz_Latn, ...")
    check = actions.add_parser(
        "check", help="list what is missing or broken in the catalogs (all, or those named)"
    )
    check.add_argument("langs", nargs="*", metavar="LANG")
    actions.add_parser("compile", help="compile every catalog to .mo; fail on a broken one")


def main(args: argparse.Namespace) -> int:
    return {"extract": _extract, "add": _add, "check": _check, "compile": _compile}[args.action](
        args
    )


def _rel(path: Path, args: argparse.Namespace) -> str:
    try:
        return str(path.relative_to(args.locales.parent))
    except ValueError:
        return str(path)


def _extract(args: argparse.Namespace) -> int:
    template = catalogs.extract(args.source)
    pot = args.locales / catalogs.TEMPLATE_NAME
    wrote = catalogs.write(pot, template)
    count = f"{len(template)} text{'' if len(template) == 1 else 's'}"
    print(f"{_rel(pot, args)}: {count}" + ("" if wrote else ", unchanged"))
    changed = set(catalogs.update(template, args.locales))
    for path in catalog_paths(args.locales):
        print(f"{_rel(path, args)}: " + ("updated" if path in changed else "unchanged"))
    print("Next: translate what is new or fuzzy, then `locales check`.")
    return 0


def _add(args: argparse.Namespace) -> int:
    template = catalogs.extract(args.source)
    try:
        path = catalogs.create(args.lang, template, args.locales)
    except (ValueError, FileExistsError) as error:
        print(f"error: {error}")
        return 2
    catalogs.write(args.locales / catalogs.TEMPLATE_NAME, template)  # the one it was made from
    lang = catalogs.language_of(path)
    print(f"{_rel(path, args)}: new catalog for {native_name(lang)} ({lang})")
    print(f"Next: translate it, then `locales check {lang}` and `preview --lang {lang}`.")
    return 0


def _check(args: argparse.Namespace) -> int:
    paths = catalog_paths(args.locales)
    by_lang = {catalogs.language_of(p): p for p in paths}
    unknown = [lang for lang in args.langs if lang not in by_lang]
    if unknown:
        print(f"error: no catalog for {', '.join(unknown)} (have: {', '.join(by_lang) or 'none'})")
        return 2
    template = catalogs.extract(args.source)
    failed = 0
    report = []
    if not args.langs:
        pot_problems = catalog_check.template_problems(
            template, args.locales / catalogs.TEMPLATE_NAME
        )
        if pot_problems:
            failed += 1
            _print(catalogs.TEMPLATE_NAME, pot_problems)
    for lang in args.langs or list(by_lang):
        problems = catalog_check.check_catalog(by_lang[lang], template)
        status = review.status(by_lang[lang]) or "no review status"
        if problems:
            failed += 1
            _print(f"{lang} ({status})", problems)
        else:
            audiences = catalog_check.audiences_offered(by_lang[lang])
            report.append(f"{lang} ({status}; for {', '.join(a.value for a in audiences)})")
    if report:
        # An audience's texts are translated all or none: see README, "Audiences". A draft is
        # shown to readers as one (bot/review.py).
        print(f"OK: {', '.join(report)}: every text of those audiences translated and sound")
    return 1 if failed or not by_lang else 0


def _print(name: str, problems: list[catalog_check.Problem]) -> None:
    print(f"{name}: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
    for problem in problems:
        print(f"  {problem}")


def _compile(args: argparse.Namespace) -> int:
    failed = 0
    for path in catalog_paths(args.locales):
        lang = catalogs.language_of(path)
        if syntax := catalog_check.syntax_problems(path):
            print("\n".join(f"{lang}: {problem}" for problem in syntax))
            failed += 1
            continue
        try:
            catalog = catalogs.read(path, lang)
        except (PoFileError, ValueError) as error:
            print(f"{lang}: cannot be read: {error}")
            failed += 1
            continue
        errors = [
            f"«{catalog_check.shorten(str(m.id))}»: {e}" for m, es in catalog.check() for e in es
        ]
        for problem in errors:
            print(f"{lang}: {problem}")
        failed += bool(errors)
    if failed:
        print("Nothing compiled: fix the catalogs above first.")
        return 1
    compiled = compile_catalogs(args.locales, force=True)
    print(
        f"compiled {len(compiled)} catalog(s): {', '.join(catalogs.language_of(p) for p in compiled)}"
    )
    return 0

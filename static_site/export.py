"""`python -m bot export-site OUT/`: the bot's screens as a small static site, for mirrors and
onion services where Telegram is blocked or slowed.

Every screen in every language the bot offers, for every audience the language offers, with the
operator's contacts as the bot shows them (the contacts file is read and validated as the bot
reads it, and the shipped example is refused as the bot refuses it). The folder is written aside
and then put in place of OUT in one rename, so a web server serving OUT never shows half of two
versions; a folder that is not an earlier export is never replaced.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic_settings import BaseSettings

from bot.config import ConfigError, Contacts, Settings, load_contacts
from bot.languages import LOCALES_DIR, make_i18n
from static_site.pages import GENERATOR, INDEX, STYLESHEET, Site


class _ContactsSetting(BaseSettings):
    """BOT_CONTACTS, from the environment or .env, as the bot reads it (no token needed here)."""

    model_config = Settings.model_config
    contacts: Path = Settings.model_fields["contacts"].default


@dataclass(frozen=True, slots=True)
class Report:
    pages: int
    languages: int
    editions: int  # language and audience pairs
    total_bytes: int
    total_gzip_bytes: int
    largest_page: str
    largest_page_bytes: int
    stylesheet_bytes: int

    def __str__(self) -> str:
        return (
            f"{self.pages} pages: {self.languages} languages, {self.editions} language and "
            f"audience pairs, one stylesheet ({_size(self.stylesheet_bytes)}).\n"
            f"total size {_size(self.total_bytes)} ({_size(self.total_gzip_bytes)} gzipped); "
            f"largest page {self.largest_page}, {_size(self.largest_page_bytes)}"
        )


def _size(count: int) -> str:
    return f"{count} B" if count < 1024 else f"{count / 1024:.1f} KiB"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write every screen, in every language and for every audience, as a static site "
        "(plain HTML and one stylesheet) for mirrors and onion services."
    )
    parser.add_argument("out", type=Path, metavar="OUT", help="the folder to write the site into")
    parser.add_argument(
        "--contacts",
        type=Path,
        help="the contacts file (default: BOT_CONTACTS, as the bot reads it, else contacts.toml)",
    )
    parser.add_argument(
        "--preview",
        action="store_true",
        help="accept a contacts file that says `example = true`, to look at the site or test "
        "it; every page then says it is a preview with example contacts",
    )
    parser.add_argument("--locales", type=Path, default=LOCALES_DIR, help=argparse.SUPPRESS)


def main(args: argparse.Namespace) -> int:
    try:
        path = args.contacts or _ContactsSetting().contacts
        contacts = load_contacts(path)
    except ConfigError as error:
        print(f"error: {error}")
        return 2
    if contacts.example and not args.preview:
        print(
            f"error: {path} says `example = true`: fill in the program's verified official "
            "channels and remove that line before publishing (`--preview` exports it anyway, "
            "marked as a preview on every page)"
        )
        return 2
    try:
        report = export(args.out, contacts, preview=args.preview, locales_dir=args.locales)
    except ExportError as error:
        print(f"error: {error}")
        return 2
    print(f"wrote {args.out}: {report}")
    return 0


class ExportError(Exception):
    """The folder cannot be written or replaced; worded for the operator."""


def render(
    contacts: Contacts, *, preview: bool = False, locales_dir: Path = LOCALES_DIR
) -> dict[str, bytes]:
    """Every file of the site: its path (with "/") -> its bytes."""
    site = Site(make_i18n(locales_dir), contacts, preview=preview, locales_dir=locales_dir)
    files = {page.path: page.html.encode() for page in site.pages()}
    files[STYLESHEET] = resources.files(__package__).joinpath(STYLESHEET).read_bytes()
    return files


def measure(files: dict[str, bytes]) -> Report:
    pages = {path: data for path, data in files.items() if path.endswith(".html")}
    largest = max(pages, key=lambda path: len(pages[path]))
    editions = {path.rsplit("/", 1)[0] for path in pages if "/" in path}
    return Report(
        pages=len(pages),
        languages=len({path.split("/")[0] for path in editions}),
        editions=len(editions),
        total_bytes=sum(map(len, files.values())),
        total_gzip_bytes=sum(len(gzip.compress(data, mtime=0)) for data in files.values()),
        largest_page=largest,
        largest_page_bytes=len(pages[largest]),
        stylesheet_bytes=len(files[STYLESHEET]),
    )


def export(
    out: Path, contacts: Contacts, *, preview: bool = False, locales_dir: Path = LOCALES_DIR
) -> Report:
    """Render the site and put it at `out` (replacing an earlier export there)."""
    files = render(contacts, preview=preview, locales_dir=locales_dir)
    write(out, files)
    return measure(files)


def is_export(folder: Path) -> bool:
    try:
        return f'content="{GENERATOR}"' in (folder / INDEX).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def write(out: Path, files: dict[str, bytes]) -> None:
    out = out.absolute()
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is not a folder")
    if out.exists() and any(out.iterdir()) and not is_export(out):
        raise ExportError(f"{out} is not empty and holds no earlier export: choose another folder")
    fresh = out.with_name(f".{out.name}.new-{os.getpid()}")
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    try:
        for path, data in files.items():
            target = fresh / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if out.exists():
            out.rename(old)
        fresh.rename(out)
    except OSError as error:
        shutil.rmtree(fresh, ignore_errors=True)
        if old.exists() and not out.exists():
            old.rename(out)
        raise ExportError(f"cannot write {out} ({error})") from None
    shutil.rmtree(old, ignore_errors=True)

"""/stats for the operator's admins: today, the last 7 and 30 days and all time, by language and
event, with readers by audience, in the admin's language.

Only ids in `settings.admins` pass the filter; for anyone else the command is not matched at all,
so it falls through to the fallback router and gets exactly the reply any unknown command gets.
The counts are exact here (admins are trusted; the CLI's exports can suppress small cells).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta
from typing import Any

from aiogram import Router
from aiogram.filters import Command, Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import get_i18n
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval
from babel.numbers import format_decimal

from bot import telegram_html
from bot.content.audiences import LABELS, Audience
from bot.content.tree import BY_ID
from bot.filters import in_private_chat
from bot.screens import remember
from bot.telegram_html import escape
from storage import Counter, Event, Period, Reports, Totals

log = logging.getLogger("bot.admin")

FALLBACK_LOCALE = "ru"
TOP_SECTIONS = 5
CHART_DAYS = 30


class IsAdmin(Filter):
    """The sender's id is in `settings.admins` (workflow data)."""

    async def __call__(self, message: Message, settings: Any = None) -> bool:
        admins = getattr(settings, "admins", None) or frozenset()
        return message.from_user is not None and message.from_user.id in admins


def _(message: str) -> str:
    """gettext in the admin's language; the msgid itself outside an i18n context."""
    try:
        return get_i18n().gettext(message)
    except LookupError:
        return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The plural form the admin's language needs for n (CLDR rules, from the catalog header)."""
    try:
        return get_i18n().gettext(singular, plural, n)
    except LookupError:
        return singular if n == 1 else plural


def admin_locale() -> Locale:
    try:
        code = get_i18n().current_locale
    except LookupError:
        code = FALLBACK_LOCALE
    try:
        return Locale.parse(code)
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale.parse(FALLBACK_LOCALE)


def event_labels() -> dict[str, str]:
    return {
        "readers": _("readers"),
        Event.STARTED.value: _("starts"),
        Event.ROLE_CHOSEN.value: _("roles chosen"),
        Event.SECTION_READ.value: _("screens read"),
        Event.CONTACTS_SHOWN.value: _("contacts shown"),
        Event.ERASED.value: _("erased"),
        Event.QUESTION_ASKED.value: _("questions asked"),
        Event.CAMPAIGN.value: _("campaign links opened"),
    }


class StatsView:
    """Formats reports with Babel in one locale; text is escaped for Telegram HTML."""

    def __init__(self, locale: Locale) -> None:
        self.locale = locale
        self.labels = event_labels()

    def number(self, n: int) -> str:
        return format_decimal(n, locale=self.locale)

    def day(self, d: date) -> str:
        return format_date(d, format="medium", locale=self.locale)

    def days(self, since: date, until: date) -> str:
        if since == until:
            return self.day(since)
        return format_interval(since, until, skeleton="yMMMd", locale=self.locale)

    def language(self, code: str) -> str:
        try:
            name = Locale.parse(code.replace("-", "_")).get_display_name(self.locale)
        except (ValueError, TypeError, UnknownLocaleError):
            name = None
        return escape(name or code)

    def line(self, name: str, readers: int, events: dict[str, int]) -> str:
        parts = [f"{self.labels['readers']} <b>{self.number(readers)}</b>"]
        parts += [
            # An event without a label (added to the code, its label forgotten) shows its name.
            f"{self.labels.get(event.value, event.value)} {self.number(events[event.value])}"
            for event in Event
            if events.get(event.value)
        ]
        return f"{name}: " + " · ".join(parts)

    def block(self, title: str, totals: Totals, languages: int | None) -> list[str]:
        lines = [f"<b>{escape(title)}</b>"]
        if not totals.events and not totals.readers:
            lines.append(escape(_("nothing counted")))
            return lines
        lines.append(
            self.line(escape(_("all languages")), totals.total_readers(), totals.by_event())
        )
        langs = totals.languages()
        shown = langs if languages is None else langs[:languages]
        readers = totals.readers_by_language()
        lines += [
            self.line(self.language(lang), readers.get(lang, 0), totals.by_event(lang))
            for lang in shown
        ]
        if len(shown) < len(langs):
            hidden = len(langs) - len(shown)
            more = ngettext("… and {n} more language", "… and {n} more languages", hidden)
            more = more.format(n=self.number(hidden))
            lines.append(escape(more))
        return lines

    def topics(self, title: str, counts: dict[str, int], name: Any) -> list[str]:
        if not counts:
            return []
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_SECTIONS]
        items = " · ".join(f"{escape(name(topic))} {self.number(n)}" for topic, n in ranked)
        return [f"{escape(title)}: {items}"]


def section_title(section_id: str) -> str:
    section = BY_ID.get(section_id)
    return _(section.title) if section else section_id


def audience_label(code: str) -> str:
    try:
        return _(LABELS[Audience(code)])
    except ValueError:
        return code


def render(periods: list[tuple[str, Totals]], today: date, locale: Locale) -> str:
    """The /stats message: valid Telegram HTML within the length limit, dropping the least-read
    languages of each period (with a "… and N more" line) if everything would not fit."""
    view = StatsView(locale)
    title = _("Counts")  # outside the f-string, where pybabel can extract it
    head = [
        f"<b>{escape(title)}</b> · UTC · {escape(view.day(today))}",
        "<i>"
        + escape(_("Readers are distinct per day and language; over several days they are summed."))
        + " "
        + escape(
            _(
                "After a restart of the bot, a reader already counted that day is counted again: "
                "the key that tells readers apart lives in memory only, so nothing that could "
                "identify one reaches disk."
            )
        )
        + "</i>",
    ]
    month = periods[2][1] if len(periods) > 2 else periods[-1][1]
    tail = [
        "",
        *view.topics(
            _("Readers by audience, last 30 days"), month.readers_by_audience(), audience_label
        ),
        *view.topics(_("Roles, last 30 days"), month.by_topic(Event.ROLE_CHOSEN.value), str),
        *view.topics(
            _("Most read, last 30 days"), month.by_topic(Event.SECTION_READ.value), section_title
        ),
        *view.topics(_("Campaigns, last 30 days"), month.by_topic(Event.CAMPAIGN.value), str),
    ]
    if month.lost:
        tail.append(
            escape(
                _("Dropped while the database was unavailable: {n}").format(
                    n=view.number(month.lost)
                )
            )
        )
    most = max((len(t.languages()) for _title, t in periods), default=0)
    for languages in [None, *range(most, -1, -1)]:
        lines = list(head)
        for title, totals in periods:
            lines += ["", *view.block(title, totals, languages)]
        text = "\n".join(lines + tail).rstrip()
        if len(text) <= telegram_html.MAX_MESSAGE_LENGTH:
            return text
    return text[: telegram_html.MAX_MESSAGE_LENGTH - 1].rsplit("\n", 1)[
        0
    ]  # never reached in practice


async def stats(message: Message, state: FSMContext, counter: Counter) -> None:
    if not isinstance(counter, Reports):
        text = escape(_("Counts are not kept: no database is configured."))
    else:
        report = counter.report
        today = counter.today()
        try:
            periods = [
                (_("Today"), await report(Period(today, today))),
                (_("Last 7 days"), await report(Period.last_days(7, today))),
                (_("Last 30 days"), await report(Period.last_days(30, today))),
                (_("All time"), await report(Period())),
            ]
        except Exception as error:  # noqa: BLE001 - the admin gets a line, the bot goes on
            log.warning("stats unavailable: %s", type(error).__name__)
            text = escape(
                _("The counts cannot be read right now; they are kept in memory meanwhile.")
            )
        else:
            view = StatsView(admin_locale())
            titled = []
            for title, totals in periods:
                if totals.period.since and totals.period.since != totals.period.until:
                    title = f"{title} · {view.days(totals.period.since, today)}"
                elif totals.period.since is None and totals.first_day:
                    title = f"{title} · {view.days(totals.first_day, today)}"
                titled.append((title, totals))
            text = render(titled, today, view.locale)
    sent = await message.answer(text)
    await remember(state, sent)
    if isinstance(counter, Reports):
        await send_chart(message, state, counter)


async def send_chart(message: Message, state: FSMContext, counter: Reports) -> None:
    """The last 30 days as a chart, after the table (a photo costs bandwidth: admins only).
    Rendered in memory, in a thread (matplotlib takes a moment): no file is left on disk."""
    from bot.charts import render_png  # matplotlib only when a chart is made

    until = counter.today()
    since = until - timedelta(days=CHART_DAYS - 1)
    try:
        daily = await counter.daily(Period(since, until))
        png = await asyncio.to_thread(render_png, daily, since, until)
    except Exception as error:  # noqa: BLE001 - the table is sent; the chart is a bonus
        log.warning("chart unavailable: %s", type(error).__name__)
        return
    sent = await message.answer_photo(BufferedInputFile(png, filename="counts.png"))
    await remember(state, sent)


def register(router: Router) -> None:
    router.message.register(stats, Command("stats"), in_private_chat, IsAdmin())

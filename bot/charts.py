"""The operator's chart: conversations started and distinct readers per UTC day, stacked by
language (the most read 8, then "other"), as a PNG.

Made for `/stats` (in memory, sent to admins only) and for `python -m bot stats --chart FILE.png`.
matplotlib is imported inside `render_png`, only when a chart is made: importing it costs about
half a second and 30 MB, which neither the bot's start-up nor a reader should pay. The figure is
drawn with matplotlib's object API and the Agg canvas, never pyplot: no global state, no window.

What the chart shows is what the counts hold and no more: UTC days (never a time of day), counts
per language; counts under `min_count` are drawn as zero, like the hidden cells of the table, and
"other" sums only the languages' shown counts. The PNG carries no metadata but its size.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

from storage.report import Daily

MAX_LANGUAGES = 8
OTHER = "other"
WIDTH, HEIGHT, DPI = 9.0, 6.0, 100  # 900 x 600 pixels: readable on a phone, about 50 KB


@dataclass(frozen=True)
class Series:
    """What the chart draws: for each day of the period, per language (or "other"), two counts."""

    days: list[date]
    languages: list[str]  # most readers first, OTHER last if present
    starts: dict[str, list[int]]
    readers: dict[str, list[int]]


def _days(since: date, until: date) -> list[date]:
    return [since + timedelta(days=i) for i in range((until - since).days + 1)]


def series(daily: Daily, since: date, until: date, min_count: int = 1) -> Series:
    """Shown counts per day: suppressed under `min_count`, languages beyond 8 summed as "other"."""
    days = _days(since, until)
    index = {day: i for i, day in enumerate(days)}

    def shown(table: dict[tuple[date, str], int]) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for (day, lang), n in table.items():
            if day in index and n >= min_count and n > 0:
                out.setdefault(lang, [0] * len(days))[index[day]] += n
        return out

    starts, readers = shown(daily.starts), shown(daily.readers)
    weight = {
        lang: sum(readers.get(lang, ())) + sum(starts.get(lang, ())) for lang in {*starts, *readers}
    }
    ranked = sorted(weight, key=lambda lang: (-weight[lang], lang))
    kept, rest = ranked[:MAX_LANGUAGES], ranked[MAX_LANGUAGES:]
    if len(rest) == 1:  # one language more is drawn as itself rather than as "other"
        kept, rest = ranked, []
    for table in (starts, readers):
        if rest:
            other = [
                sum(table.get(lang, [0] * len(days))[i] for lang in rest) for i in range(len(days))
            ]
            for lang in rest:
                table.pop(lang, None)
            table[OTHER] = other
    languages = kept + ([OTHER] if rest else [])
    return Series(days, languages, starts, readers)


def render_png(
    daily: Daily,
    since: date,
    until: date,
    *,
    min_count: int = 1,
    title: str = "Counts per UTC day",
) -> bytes:
    """The chart as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    data = series(daily, since, until, min_count)
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, sharex=True)
    positions = list(range(len(data.days)))
    colors = {lang: f"C{i}" if lang != OTHER else "0.6" for i, lang in enumerate(data.languages)}
    panels = [
        (top, data.starts, "Conversations started (/start)"),
        (bottom, data.readers, "Distinct readers (per day and language)"),
    ]
    for axes, table, heading in panels:
        base = [0] * len(positions)
        for lang in data.languages:
            values = table.get(lang, [0] * len(positions))
            axes.bar(positions, values, bottom=base, color=colors[lang], label=lang, width=0.8)
            base = [b + v for b, v in zip(base, values, strict=True)]
        axes.set_title(heading, loc="left", fontsize=10)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.grid(axis="y", alpha=0.3)
        axes.set_axisbelow(True)
        if not any(base):
            axes.text(0.5, 0.5, "no counts", transform=axes.transAxes, ha="center", color="0.5")
    step = max(1, len(positions) // 10)
    bottom.set_xticks(positions[::step], [d.isoformat() for d in data.days[::step]])
    bottom.tick_params(axis="x", labelrotation=45, labelsize=8)
    if data.languages:
        top.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    note = f"{title}, {since.isoformat()} to {until.isoformat()}"
    if min_count > 1:
        note += f"; counts under {min_count} not drawn"
    figure.suptitle(note, fontsize=11)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()

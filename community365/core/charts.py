"""Chart specs for the figures pages, and the period filter they share with tables and exports.

A figures page builds its table rows with one selector and hands the same rows to these helpers,
so a chart can never show a number the table does not. The spec is plain JSON (passed with
``json_script``) that ``static/js/charts.js`` turns into an ECharts option; labels arrive already
translated, and every data point may carry the URL of the list of records behind it.

Periods are whole months: ``?from=2025-01&to=2025-06`` or ``?year=2025``. Bad input is ignored
with a message rather than answered with an error, so a hand-edited URL still shows a page."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^\d{4}$")


def _month(value: str) -> datetime.date | None:
    match = _MONTH.match((value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)


def next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months from ``start`` (inclusive) to ``end`` (exclusive); either may be open."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    error: str = ""

    @property
    def is_set(self) -> bool:
        return self.start is not None or self.end is not None

    @property
    def first_month(self) -> str:
        return self.start.strftime("%Y-%m") if self.start else ""

    @property
    def last_month(self) -> str:
        if self.end is None:
            return ""
        last = self.end - datetime.timedelta(days=1)
        return last.strftime("%Y-%m")

    @property
    def recent_years(self) -> list[int]:
        """This year and the two before, offered as one-click periods."""
        year = timezone.localdate().year
        return [year - 2, year - 1, year]

    @property
    def year(self) -> int | None:
        """The year, when the period is exactly one calendar year."""
        if (
            self.start
            and self.end
            and self.start.month == 1
            and self.end == datetime.date(self.start.year + 1, 1, 1)
        ):
            return self.start.year
        return None

    def params(self) -> dict[str, str]:
        """The query parameters that select this period (for drill-down and export links)."""
        out = {}
        if self.start:
            out["from"] = self.first_month
        if self.end:
            out["to"] = self.last_month
        return out

    def querystring(self) -> str:
        return urlencode(self.params())

    def q(self, field: str) -> Q:
        """Rows whose ``field`` (a datetime or date) falls in the period, in local time."""
        q = Q()
        if self.start:
            q &= Q(**{f"{field}__gte": day_start(self.start)})
        if self.end:
            q &= Q(**{f"{field}__lt": day_start(self.end)})
        return q

    def q_date(self, field: str) -> Q:
        """Like ``q`` for a DateField."""
        q = Q()
        if self.start:
            q &= Q(**{f"{field}__gte": self.start})
        if self.end:
            q &= Q(**{f"{field}__lt": self.end})
        return q


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the local time zone: a day's bound on a timestamp."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def period_from(params: Mapping[str, Any]) -> Period:
    """``?year=2025`` or ``?from=YYYY-MM&to=YYYY-MM`` (either end may be left out)."""
    year = (params.get("year") or "").strip()
    if year:
        if _YEAR.match(year) and 2000 <= int(year) <= 2100:
            return Period(datetime.date(int(year), 1, 1), datetime.date(int(year) + 1, 1, 1))
        return Period(error=_("年份应为四位数字，例如 2025。"))
    raw_from, raw_to = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    start, last = _month(raw_from), _month(raw_to)
    if (raw_from and start is None) or (raw_to and last is None):
        return Period(error=_("月份应写成 2025-03 这样。"))
    end = next_month(last) if last else None
    if start and end and start >= end:
        return Period(error=_("开始月份晚于结束月份。"))
    return Period(start, end)


def with_params(url: str, **params: Any) -> str:
    """``url`` with the non-empty ``params`` appended as a query string."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    if not query:
        return url
    return f"{url}{'&' if '?' in url else '?'}{query}"


# --- chart specs ---------------------------------------------------------------------------------


def series(name: Any, values: Sequence[Any], urls: Sequence[str | None] | None = None) -> dict[str, Any]:
    """One line or set of bars; values are numbers (int, float, Decimal) or None (no value)."""
    return {
        "name": str(name),
        "data": [None if v is None else float(v) for v in values],
        "urls": list(urls) if urls is not None else [None] * len(values),
    }


def bar_chart(
    chart_id: str,
    *,
    title: Any,
    categories: Iterable[Any],
    bars: Sequence[dict[str, Any]],
    average: float | None = None,
    average_label: Any = None,
    percent: bool = False,
) -> dict[str, Any]:
    """Horizontal bars (names stay readable on a phone), one per category and series; ``average``
    is drawn as a mark line (the district's own value, not the mean of the bars)."""
    return {
        "id": chart_id,
        "dom_id": f"chart-{chart_id}",
        "type": "bar",
        "title": str(title),
        "categories": [str(c) for c in categories],
        "series": list(bars),
        "average": None if average is None else round(float(average), 2),
        "averageLabel": str(average_label or _("区平均")),
        "percent": percent,
    }


def line_chart(
    chart_id: str, *, title: Any, months: Sequence[str], lines: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "id": chart_id,
        "dom_id": f"chart-{chart_id}",
        "type": "line",
        "title": str(title),
        "categories": list(months),
        "series": list(lines),
        "average": None,
        "averageLabel": "",
        "percent": False,
    }


def radar_chart(
    chart_id: str, *, title: Any, axes: Sequence[Any], lines: Sequence[dict[str, Any]], maximum: float = 100
) -> dict[str, Any]:
    """A radar (spider) chart: one axis per category (0 to ``maximum``), one polygon per series
    (built with ``series``); used by benchmarking to set a community against the model."""
    return {
        "id": chart_id,
        "dom_id": f"chart-{chart_id}",
        "type": "radar",
        "title": str(title),
        "categories": [str(a) for a in axes],
        "series": list(lines),
        "average": None,
        "averageLabel": "",
        "percent": False,
        "max": maximum,
    }


def month_axis(counts: Iterable[Mapping[str, Any]], period: Period, key: str = "month") -> list[str]:
    """Every month from the first to the last seen (or the period's bounds), gaps included, so a
    quiet month shows as zero rather than vanishing. Months arrive as dates or ``YYYY-MM`` text."""
    seen = sorted({month_key(row[key]) for row in counts if row.get(key) is not None})
    first = period.start or (_month(seen[0]) if seen else None)
    last_exclusive = period.end or (next_month(_month(seen[-1]) or timezone.localdate()) if seen else None)
    if first is None or last_exclusive is None:
        return []
    months: list[str] = []
    day = first
    while day < last_exclusive and len(months) < 240:
        months.append(day.strftime("%Y-%m"))
        day = next_month(day)
    return months


def month_key(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m")
    return str(value)[:7]


def month_period_params(month: str) -> dict[str, str]:
    return {"from": month, "to": month}


def rows_to_bars(
    rows: Sequence[Any],
    *,
    name: Callable[[Any], Any],
    measures: Sequence[tuple[Any, Callable[[Any], Any], Callable[[Any], str | None]]],
) -> tuple[list[str], list[dict[str, Any]]]:
    """Categories and series from table rows: ``measures`` are (label, value of a row, drill URL
    of a row). The same rows feed the table, so the two cannot differ."""
    categories = [str(name(r)) for r in rows]
    bars = [series(label, [value(r) for r in rows], [url(r) for r in rows]) for label, value, url in measures]
    return categories, bars


def period_or_error(*, month_from: str = "", month_to: str = "", year: str = "") -> Period:
    """The API's reading of a period: the same rules, but bad input is refused (422) rather than
    ignored, since a program should learn that its filter did not apply."""
    from community365.core.errors import InvalidInput

    period = period_from({"from": month_from, "to": month_to, "year": year})
    if period.error:
        raise InvalidInput(period.error, field="year" if year else "from")
    return period


BAR_LIMIT = 12  # bars a phone shows without scrolling past the chart; the table keeps every row


def top_rows(
    rows: Sequence[Any], value: Callable[[Any], float | int | None], n: int = BAR_LIMIT
) -> list[Any]:
    """The ``n`` rows with the largest values (rows without a value left out), largest first."""
    kept = [r for r in rows if value(r) is not None]
    return sorted(kept, key=lambda r: -(value(r) or 0))[:n]


def top_title(title: Any, shown: int, total: int) -> str:
    """The chart's title, saying when it shows only the largest bars."""
    if shown >= total:
        return str(title)
    return _("%(title)s（前 %(n)s 个，全部见下表）") % {"title": title, "n": shown}

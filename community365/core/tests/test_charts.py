"""The period filter shared by the figures pages, their lists, exports and API."""

from __future__ import annotations

import datetime

import pytest

from community365.core import charts
from community365.core.errors import InvalidInput


def test_a_month_range_covers_whole_months():
    period = charts.period_from({"from": "2025-11", "to": "2026-02"})
    assert (period.start, period.end) == (datetime.date(2025, 11, 1), datetime.date(2026, 3, 1))
    assert period.params() == {"from": "2025-11", "to": "2026-02"}
    assert period.first_month == "2025-11" and period.last_month == "2026-02"


def test_a_year_is_january_to_december_and_either_end_may_be_open():
    year = charts.period_from({"year": "2025"})
    assert (year.start, year.end, year.year) == (datetime.date(2025, 1, 1), datetime.date(2026, 1, 1), 2025)
    assert year.params() == {"from": "2025-01", "to": "2025-12"}
    since = charts.period_from({"from": "2025-03"})
    assert since.start == datetime.date(2025, 3, 1) and since.end is None and since.year is None
    assert not charts.period_from({}).is_set


@pytest.mark.parametrize(
    "params",
    [
        {"year": "25"},
        {"year": "abcd"},
        {"from": "2025-13"},
        {"to": "2025/01"},
        {"from": "2025-06", "to": "2025-01"},
    ],
)
def test_bad_input_is_ignored_with_a_message_on_pages_and_refused_by_the_api(params):
    period = charts.period_from(params)
    assert period.error and not period.is_set
    with pytest.raises(InvalidInput):
        charts.period_or_error(
            month_from=params.get("from", ""), month_to=params.get("to", ""), year=params.get("year", "")
        )


def test_bounds_are_local_midnights():
    period = charts.period_from({"from": "2025-01", "to": "2025-01"})
    lookups = dict(period.q("published_at").children)
    assert lookups["published_at__gte"].isoformat().startswith("2025-01-01T00:00:00+08:00")
    assert lookups["published_at__lt"].isoformat().startswith("2025-02-01T00:00:00+08:00")


def test_the_bars_are_the_largest_rows_and_the_title_says_so():
    rows = [("a", 1), ("b", None), ("c", 5), ("d", 3)]
    assert charts.top_rows(rows, lambda r: r[1], n=2) == [("c", 5), ("d", 3)]
    assert "2" in charts.top_title("X", 2, 3) and charts.top_title("X", 3, 3) == "X"

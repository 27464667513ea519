"""The wishes figures page: charts drawn from the table's own rows, bars that open lists of exactly
that many wishes, a period filter that changes both, and a query count that does not grow."""

from __future__ import annotations

import json
import re
import statistics

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _chart(html: str, chart_id: str) -> dict:
    match = re.search(rf'<script id="chart-{chart_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, chart_id
    return json.loads(match.group(1))


def _path(url: str) -> str:
    return url.replace("&amp;", "&")


def test_charts_show_the_numbers_of_the_table(client_for):
    response = client_for("admin_district").get("/wishes/figures/")
    assert response.status_code == 200
    html = response.content.decode()
    rows = {f.region.name: f for f in response.context["figures"]}
    published = _chart(html, "wish-published")
    assert published["categories"], "the demo has wishes in several communities"
    for name, value in zip(published["categories"], published["series"][0]["data"], strict=True):
        assert value == rows[name].published
    assert published["average"] == round(rows["江东区"].published / (len(rows) - 1), 2)
    rates = _chart(html, "wish-fulfilment")
    for name, value in zip(rates["categories"], rates["series"][0]["data"], strict=True):
        assert value == rows[name].fulfilment_percent
    # the table shows the same rounding as the chart
    assert f"{rows['江东区'].fulfilment_percent}%" in html
    trend = _chart(html, "wish-trend")
    assert sum(trend["series"][0]["data"]) == rows["江东区"].published


def test_a_bar_opens_a_list_of_exactly_that_many_wishes(client_for):
    client = client_for("admin_district")
    html = client.get("/wishes/figures/").content.decode()
    chart = _chart(html, "wish-published")
    checked = 0
    for value, url in list(zip(chart["series"][0]["data"], chart["series"][0]["urls"], strict=True))[:4]:
        page = client.get(url)
        assert page.status_code == 200
        assert page.context["page"].paginator.count == value, url
        checked += 1
    assert checked
    # and a point of the monthly trend opens that month's wishes
    trend = _chart(html, "wish-trend")
    month_values = trend["series"][1]["data"]
    index = max(range(len(month_values)), key=lambda i: month_values[i])
    page = client.get(trend["series"][1]["urls"][index])
    assert page.context["page"].paginator.count == month_values[index] > 0


def test_the_period_changes_charts_table_and_the_lists_behind_them(client_for):
    client = client_for("admin_district")
    everything = client.get("/wishes/figures/").context["figures"][0]
    months = _chart(client.get("/wishes/figures/").content.decode(), "wish-trend")["categories"]
    month = months[len(months) // 2]
    response = client.get(f"/wishes/figures/?from={month}&to={month}")
    html = response.content.decode()
    one_month = response.context["figures"][0]
    assert 0 < one_month.published < everything.published
    assert _chart(html, "wish-trend")["categories"] == [month]
    chart = _chart(html, "wish-published")
    communities = response.context["figures"][1:]
    assert sum(f.published for f in communities) == one_month.published
    assert (
        chart["series"][0]["data"]
        == sorted((f.published for f in communities if f.published), reverse=True)[:12]
    )
    url = chart["series"][0]["urls"][0]
    assert f"from={month}" in url and f"to={month}" in url
    assert client.get(url).context["page"].paginator.count == chart["series"][0]["data"][0]
    # the table's links carry the period too
    assert f"reached=published&amp;from={month}&amp;to={month}" in html
    # a year without wishes: zeros, not an error
    empty = client.get("/wishes/figures/?year=2001").context["figures"][0]
    assert empty.published == 0 and empty.fulfilment_rate is None


@pytest.mark.parametrize("query", ["year=20x5", "from=2025-13", "from=2025-06&to=2025-01"])
def test_a_bad_period_is_explained_and_the_page_still_shows(client_for, query):
    response = client_for("admin_district").get(f"/wishes/figures/?{query}")
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert response.context["figures"][0].published > 0  # all time, as the message says


def test_the_api_refuses_a_bad_period_and_filters_a_good_one(api_for):
    api = api_for("admin_district")
    assert api.get("/api/v1/wishes-figures?from=2025-13").status_code == 422
    everything = api.get("/api/v1/wishes-figures").json()[0]
    none = api.get("/api/v1/wishes-figures?year=2001").json()[0]
    assert everything["published"] > 0 and none["published"] == 0
    assert set(everything) == {
        "region_id",
        "region",
        "published",
        "claimed",
        "fulfilled",
        "confirmed",
        "median_hours_to_claim",
        "fulfilment_rate",
        "satisfaction",
    }


def test_the_median_is_the_median_of_every_wish(persona):
    """The database picks the middle rows; check against the plain definition."""
    from community365.wishes import policies, selectors
    from community365.wishes.selectors import figure_regions

    user = persona("admin_district")
    regions = figure_regions(user)
    figures = selectors.figures_for(user, regions)
    base = policies.wishes_visible_to(user)
    checked = 0
    for fig in figures:
        pairs = base.filter(
            region__path__startswith=fig.region.path,
            published_at__isnull=False,
            first_claimed_at__isnull=False,
        ).values_list("published_at", "first_claimed_at")
        hours = [(b - a).total_seconds() / 3600 for a, b in pairs]
        expected = round(statistics.median(hours), 1) if hours else None
        assert fig.median_hours_to_claim == expected, fig.region.name
        checked += bool(hours)
    assert checked >= 3


def _published_and_claimed(make_wish, claimant, community: str, n: int) -> None:
    from community365.wishes import services

    for i in range(n):
        wish = make_wish(community, title=f"多一条心愿 {i}")
        if i == 0:
            assert services.wish_claim(actor=claimant, wish=wish).won


def test_figures_cost_the_same_number_of_queries_with_more_wishes(client_for, persona, make_wish):
    from community365.wishes import selectors
    from community365.wishes.selectors import figure_regions

    user = persona("admin_district")
    client = client_for("admin_district")
    regions = figure_regions(user)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as selector_queries:
            selectors.figures_for(user, regions)
        with CaptureQueriesContext(connection) as page_queries:
            assert client.get("/wishes/figures/?from=2020-01").status_code == 200
        return len(selector_queries), len(page_queries)

    before = count()
    # the communities under the places (1) + counts per place (1) + medians for the district's
    # and the communities' path lengths (2)
    assert before[0] == 4
    for community in ("划船社区", "华严社区", "七塔社区"):
        _published_and_claimed(make_wish, persona("member_demo"), community, 3)
    assert count() == before

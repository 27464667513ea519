"""The three linkages' figures: grouped queries that equal the per-group definition, charts from
the tables' own rows, bars that open the figures behind them, a period filter for charts, tables
and API, and a query count that does not grow with teams and activities."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community365.teams import policies, selectors

pytestmark = pytest.mark.django_db


def _chart(html: str, chart_id: str) -> dict:
    match = re.search(rf'<script id="chart-{chart_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, chart_id
    return json.loads(match.group(1))


@pytest.mark.parametrize("place", ["江东区", "百丈街道"])
def test_grouped_figures_equal_the_per_group_definition(persona, region, place):
    """figures_for() (one team set at a time) is the definition; the drill-down rolls the same
    numbers up from four grouped queries."""
    from community365.teams.models import Colour

    admin = persona("admin_district")
    here = region(place)
    drill = selectors.figures_drill(admin, here)
    visible = policies.teams_visible_to(admin).filter(region__path__startswith=here.path)
    assert drill["total"] == selectors.figures_for(visible)
    assert drill["children"]
    for child, figures in drill["children"]:
        assert figures == selectors.figures_for(visible.filter(region__path__startswith=child.path)), child
    for (label, figures), (value, _label) in zip(drill["colours"], Colour.choices, strict=True):
        assert figures == selectors.figures_for(visible.filter(colour=value)), label


def test_workload_from_grouped_queries_equals_the_plain_sums(region):
    from django.db.models import Sum

    from community365.core.roles import Role
    from community365.people.models import RoleAssignment
    from community365.regions.models import COMMUNITY_KINDS, Region

    district = region("江东区")
    children = list(Region.objects.filter(path__startswith=district.path, depth=district.depth + 1))
    rows, total = selectors.workload(children)
    for row in rows:
        assert row.population == (
            Region.objects.filter(path__startswith=row.region.path, kind__in=COMMUNITY_KINDS).aggregate(
                n=Sum("reported_population")
            )["n"]
            or 0
        )
        assert (
            row.workers
            == RoleAssignment.objects.filter(
                role=Role.SOCIAL_WORKER, revoked_at__isnull=True, region__path__startswith=row.region.path
            ).count()
        )
    assert total.workers == sum(r.workers for r in rows) > 0


def test_charts_show_the_tables_and_a_bar_opens_the_figures_behind_it(client_for, region):
    client = client_for("admin_district")
    response = client.get(f"/teams/figures/?region={region('江东区').pk}")
    html = response.content.decode()
    drill = response.context["drill"]
    chart = _chart(html, "teams-activities")
    assert chart["categories"] == [child.name for child, _f in drill["children"]]
    assert chart["series"][0]["data"] == [f.activities for _c, f in drill["children"]]
    assert chart["average"] == round(drill["total"].activities / len(drill["children"]), 2)
    for value, url in zip(chart["series"][0]["data"], chart["series"][0]["urls"], strict=True):
        assert client.get(url).context["drill"]["total"].activities == value, url
    workload = _chart(html, "teams-workload")
    assert workload["average"] == response.context["workload_total"].residents_per_worker
    assert workload["series"][0]["data"] == sorted(
        (w.residents_per_worker for w in response.context["workload"] if w.residents_per_worker is not None),
        reverse=True,
    )


def test_the_period_changes_charts_tables_and_api(client_for, api_for, region):
    district = region("江东区")
    client = client_for("admin_district")
    everything = client.get(f"/teams/figures/?region={district.pk}")
    trend = _chart(everything.content.decode(), "teams-trend")
    index = max(range(len(trend["categories"])), key=lambda i: trend["series"][0]["data"][i])
    month = trend["categories"][index]
    # a month of the trend opens the figures of that month, which count exactly its activities
    assert (
        client.get(trend["series"][0]["urls"][index]).context["drill"]["total"].activities
        == (trend["series"][0]["data"][index])
    )
    response = client.get(f"/teams/figures/?region={district.pk}&from={month}&to={month}")
    total = response.context["drill"]["total"]
    assert 0 < total.activities < everything.context["drill"]["total"].activities
    assert total.members == everything.context["drill"]["total"].members  # members as of today
    html = response.content.decode()
    assert _chart(html, "teams-trend")["categories"] == [month]
    assert sum(_chart(html, "teams-activities")["series"][0]["data"]) == total.activities
    api = api_for("admin_district")
    rows = api.get(f"/api/v1/teams/figures?region={district.pk}&from={month}&to={month}").json()
    assert rows[0]["activities"] == total.activities
    assert api.get(f"/api/v1/teams/figures?region={district.pk}&year=19").status_code == 422


def test_figures_cost_the_same_number_of_queries_with_more_activities(client_for, region, make_activity):
    from community365.teams.models import Team

    district = region("江东区")
    client = client_for("admin_district")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/teams/figures/?region={district.pk}").status_code == 200
        return len(queries)

    count()  # warm the per-process caches
    before = count()
    start = timezone.now() + datetime.timedelta(days=3)
    for team in Team.objects.filter(region__path__startswith=district.path).order_by("id")[:4]:
        make_activity(team, start=start)
    assert count() == before
    assert before <= 25  # was 106: five queries per child region and per colour

"""The talks figures: grouped queries that agree with the topic-by-topic definitions, charts from
the table's own rows, bars that open the board with exactly that many topics, a period filter
for page, board, export and API, and a query count that does not grow with the topics."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community365.talks import policies, selectors
from community365.talks.models import TopicStatus

pytestmark = pytest.mark.django_db

FIELDS = [
    "key",
    "name",
    "raised",
    "reached",
    "accepted",
    "declined",
    "held",
    "closed",
    "tasks",
    "tasks_on_time",
    "tasks_overdue",
    "ratings",
    "score_sum",
]


def _reference(user, by: str) -> tuple[dict[int, dict], dict]:
    """The figures computed topic by topic in Python with the board's predicates (MEASURES): the
    definition the grouped queries must reproduce."""
    from community365.regions.models import Region

    day = selectors.today()
    topics = list(
        selectors.topics_with_details(policies.topics_visible_to(user).exclude(status=TopicStatus.DRAFT))
    )
    subdistricts = {r.path: r for r in Region.objects.filter(kind="subdistrict")}

    def empty(key, name):
        return dict.fromkeys(FIELDS, 0) | {"key": key, "name": name}

    def add(row, topic, tasks):
        for measure in ("raised", "reached", "accepted", "declined", "held", "closed"):
            row[measure] += selectors.MEASURES[measure][1](topic, day)
        row["tasks"] += len(tasks)
        row["tasks_on_time"] += sum(selectors.task_on_time(t) for t in tasks)
        row["tasks_overdue"] += sum(selectors.task_overdue(t, day) for t in tasks)
        row["ratings"] += len(topic.ratings.all())
        row["score_sum"] += sum(r.score for r in topic.ratings.all())

    rows: dict[int, dict] = {}
    total = empty(0, "合计")
    for topic in topics:
        tasks = list(topic.tasks.all())
        add(total, topic, tasks)
        if by == "community":
            groups = [(topic.region_id, topic.region.name)]
        elif by == "subdistrict":
            sub = subdistricts.get(topic.region.path[: 2 * Region.steplen])
            groups = [(sub.pk, sub.name)] if sub else []
        elif by == "department":
            groups = sorted({(t.department.pk, t.department.name) for t in tasks if t.department})
        else:
            leader = topic.invited_leader
            groups = [(leader.pk, str(leader))] if leader and topic.accepted_at else []
        for key, name in groups:
            own = [t for t in tasks if t.department_id == key] if by == "department" else tasks
            add(rows.setdefault(key, empty(key, name)), topic, own)
    return rows, total


@pytest.mark.parametrize("by", ["community", "subdistrict", "department", "leader"])
def test_grouped_figures_equal_the_topic_by_topic_definition(persona, by):
    admin = persona("admin_district")
    rows, total = selectors.figures(admin, by)
    expected_rows, expected_total = _reference(admin, by)
    assert rows, by
    assert {r.key: {f: getattr(r, f) for f in FIELDS} for r in rows} == expected_rows
    assert {f: getattr(total, f) for f in FIELDS} == expected_total


def _chart(html: str, chart_id: str) -> dict:
    match = re.search(rf'<script id="chart-{chart_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, chart_id
    return json.loads(match.group(1))


@pytest.mark.parametrize("by", ["community", "department"])
def test_charts_show_the_table_and_a_bar_opens_that_many_topics(client_for, by):
    client = client_for("admin_district")
    response = client.get(f"/talks/figures/?by={by}")
    html = response.content.decode()
    rows = response.context["rows"]
    raised = _chart(html, "talk-raised")
    shown = sorted(rows, key=lambda r: -r.raised)[:12]  # the largest bars; the table has all
    assert raised["categories"] == [r.name for r in shown]
    assert raised["series"][0]["data"] == [r.raised for r in shown]
    assert raised["average"] == round(response.context["total"].raised / len(rows), 2)
    rates = _chart(html, "talk-rates")
    by_name = {r.name: r for r in rows}
    for name, carried, overdue in zip(
        rates["categories"], rates["series"][0]["data"], rates["series"][1]["data"], strict=True
    ):
        assert (carried, overdue) == (by_name[name].carried_out, by_name[name].overdue_share)
    for value, url in list(zip(raised["series"][0]["data"], raised["series"][0]["urls"], strict=True))[:3]:
        assert client.get(url).context["count"] == value, url


def test_the_period_changes_charts_table_board_export_and_api(client_for, api_for):
    from openpyxl import load_workbook

    client = client_for("admin_district")
    everything = client.get("/talks/figures/")
    trend = _chart(everything.content.decode(), "talk-trend")
    index = max(range(len(trend["categories"])), key=lambda i: trend["series"][0]["data"][i])
    month = trend["categories"][index]
    # a point of the trend opens the board with that month's topics
    assert client.get(trend["series"][0]["urls"][index]).context["count"] == trend["series"][0]["data"][index]

    response = client.get(f"/talks/figures/?from={month}&to={month}")
    html = response.content.decode()
    total = response.context["total"]
    assert 0 < total.raised == trend["series"][0]["data"][index] < everything.context["total"].raised
    assert _chart(html, "talk-trend")["categories"] == [month]
    bar = _chart(html, "talk-raised")["series"][0]
    assert sum(r.raised for r in response.context["rows"]) == total.raised  # one community each
    assert bar["data"] == sorted((r.raised for r in response.context["rows"]), reverse=True)[:12]
    assert client.get(bar["urls"][0]).context["count"] == bar["data"][0]
    assert f"from={month}&amp;to={month}&amp;measure=raised" in html  # the totals' links

    sheet = load_workbook(
        io.BytesIO(client.get(f"/talks/figures.xlsx?from={month}&to={month}").content)
    ).active
    total_row = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "合计")
    assert total_row[1] == total.raised

    api = api_for("admin_district")
    assert api.get(f"/api/v1/talks/figures?from={month}&to={month}").json()["total"]["raised"] == total.raised
    assert api.get("/api/v1/talks/figures?to=2025-99").status_code == 422


def test_a_bad_period_is_explained_not_an_error(client_for):
    response = client_for("admin_district").get("/talks/figures/?from=2025-06&to=2025-01")
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


def test_figures_cost_the_same_number_of_queries_with_more_topics(client_for, persona, answering_topic):
    admin = persona("admin_district")
    client = client_for("admin_district")

    def count() -> list[int]:
        counts = []
        for by in selectors.GROUPS:
            with CaptureQueriesContext(connection) as queries:
                selectors.figures(admin, by)
            counts.append(len(queries))
        with CaptureQueriesContext(connection) as page:
            assert client.get("/talks/figures/?by=department").status_code == 200
        return [*counts, len(page)]

    count()  # warm the per-process caches (roles' catalogue) so both counts start alike
    before = count()
    for i in range(3):
        answering_topic([(f"修灯 {i}", "housing", 1), (f"装扶手 {i}", "housing", 2)])
    assert selectors.figures(admin, "community")[1].tasks >= 6
    assert count() == before
    assert max(before[:4]) <= 9


def test_figures_read_counts_not_rows(persona):
    """Every query over topics, tasks or ratings aggregates in the database: none returns the
    rows themselves for Python to count (the old figures loaded every topic with its tasks)."""
    admin = persona("admin_district")
    for by in selectors.GROUPS:
        with CaptureQueriesContext(connection) as queries:
            selectors.figures(admin, by)
            selectors.figures_trend(admin)
        for query in queries:
            sql = query["sql"].upper()
            if re.search(r'FROM "TALKS_TALK(TOPIC|TASK|RATING)"', sql):
                assert "COUNT(" in sql or "SUM(" in sql, (by, query["sql"][:300])

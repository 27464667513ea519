"""Rows of issue 10's table: each read asks the database the same number of times however much
history there is (counted queries, never wall time). Small worlds: the demo district plus a
few extra rows written directly (load, not behaviour)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import PERSONA_NAMES
from tests import scale_world

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), response


def _extra_rows(model, activity, volunteers, **values):
    """One row of ``model`` (Signup or ServiceRecord) per volunteer for ``activity``."""
    return model.objects.bulk_create(
        model(
            district_id=activity.district_id,
            region_id=activity.region_id,
            activity=activity,
            volunteer=v,
            **values,
        )
        for v in volunteers
    )


def _volunteers(activity, n):
    from community365.people.models import User

    taken = activity.signups.values("volunteer_id")
    recorded = activity.records.values("volunteer_id")
    return list(
        User.objects.filter(username__startswith="member_")
        .exclude(pk__in=taken)
        .exclude(pk__in=recorded)
        .order_by("pk")[:n]
    )


def test_team_records_export_asks_once_whatever_the_number_of_activities(demo_world, client_for):
    """Service-records xlsx: the permission facts are computed once per request, not once per
    distinct activity (was a query per activity: 91 → 832 queries as history grew)."""
    from community365.teams.models import ServiceRecord, Team

    team = (
        Team.objects.filter(region__name="划船社区", activities__records__isnull=False)
        .order_by("pk")
        .distinct()
        .first()
    )
    assert team is not None, "the demo world has a 划船社区 team with service records"
    client = client_for("secretary_huachuan")
    url = reverse("team_records_xlsx", args=[team.pk])
    before = ServiceRecord.objects.filter(activity__team=team).values("activity").distinct().count()
    small, _ = _queries(client, url)
    scale_world.multiply(4, ["teams.Activity", "teams.ServiceRecord"])
    after = ServiceRecord.objects.filter(activity__team=team).values("activity").distinct().count()
    assert after == 4 * before
    large, _ = _queries(client, url)
    assert large == small


def test_signup_sheet_api_reads_a_constant_number_of_queries(demo_world, client_for):
    """The organiser's sign-up sheet: names are decided once for the sheet, not per row (was
    3 queries per sign-up)."""
    from community365.teams.models import Activity, Signup, SignupStatus

    activity = Activity.objects.filter(region__name="划船社区").order_by("pk").first()
    client = client_for("secretary_huachuan")
    url = f"/api/v1/teams/activities/{activity.pk}/signups"
    _extra_rows(
        Signup, activity, _volunteers(activity, 2), status=SignupStatus.WAITLISTED, queued_at=timezone.now()
    )
    small, response = _queries(client, url)
    n = len(response.json())
    _extra_rows(
        Signup, activity, _volunteers(activity, 10), status=SignupStatus.WAITLISTED, queued_at=timezone.now()
    )
    large, response = _queries(client, url)
    assert len(response.json()) == n + 10
    assert large == small
    # and the names are still shown in full to the community's secretary
    assert all("*" not in row["volunteer"] for row in response.json())


def test_records_api_reads_a_constant_number_of_queries(demo_world, client_for):
    """GET /api/v1/teams/records?activity=…: the masking decision per row costs no query."""
    from community365.teams.models import Activity, HoursStatus, RecordSource, ServiceRecord

    activity = Activity.objects.filter(region__name="划船社区").order_by("pk").first()
    client = client_for("secretary_huachuan")
    organiser = activity.organiser
    values = {
        "hours": Decimal("2.0"),
        "status": HoursStatus.PENDING,
        "entered_by": organiser,
        "entered_at": activity.starts_at + datetime.timedelta(hours=3),
        "source": RecordSource.ENTERED,
    }
    _extra_rows(ServiceRecord, activity, _volunteers(activity, 2), **values)
    url = f"/api/v1/teams/records?mine=false&activity={activity.pk}&limit=100"
    small, response = _queries(client, url)
    n = response.json()["count"]
    _extra_rows(ServiceRecord, activity, _volunteers(activity, 10), **values)
    large, response = _queries(client, url)
    assert response.json()["count"] == n + 10
    assert large == small


def test_resident_search_counts_up_to_a_cap_and_pages_by_an_index(demo_world, client_for):
    """Resident list/search: the total is counted up to a cap (not an exact COUNT of every
    resident of the district on each page), and a page is ordered by columns of the person row
    (the index person_search_order), not by the joined places' paths and house numbers."""
    from community365.core.pagination import DEFAULT_CAP
    from community365.people.models import Person

    client = client_for("admin_district")  # the whole district: more residents than the cap
    url = reverse("resident_search")
    small, response = _queries(client, url)
    assert Person.objects.count() > DEFAULT_CAP
    assert response.context["page"].paginator.count == DEFAULT_CAP + 1
    assert response.context["page"].paginator.capped
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    page_sql = [
        q["sql"]
        for q in ctx.captured_queries
        if 'FROM "people_person"' in q["sql"] and "ORDER BY" in q["sql"]
    ]
    assert page_sql, "the page's query"
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    # The capped count does not sort: an ORDER BY there sorted every match before the LIMIT.
    assert counts and all("ORDER BY" not in sql for sql in counts), counts
    for sql in page_sql:
        order = sql.rsplit("ORDER BY", 1)[1]
        assert "regions_" not in order, f"ordered by a joined table: {order}"
    scale_world.multiply(3, ["regions.Household", "people.Person"])
    large, response = _queries(client, url)
    assert large == small
    assert response.context["page"].paginator.count == DEFAULT_CAP + 1
    # A narrower search is counted exactly.
    secretary = client_for("secretary_huachuan")
    _n, response = _queries(
        secretary, url + "?q=" + Person.objects.filter(community__name="划船社区").first().name
    )
    assert not response.context["page"].paginator.capped


def test_resident_counts_group_the_person_table_by_its_own_column(demo_world, persona):
    """Home page (district admin) and region detail: the residents and the households under each
    place are counted by grouping persons and households on their indexed community column — no
    join from every row to the places — and the numbers stay exact."""
    from community365.people.models import Person
    from community365.regions import selectors
    from community365.regions.models import Household, Region

    admin = persona("admin_district")
    district = Region.objects.get(kind="district")
    for nodes in ([district], selectors.children_of(admin, district)):
        with CaptureQueriesContext(connection) as ctx:
            counts = selectors.counts_under(admin, nodes)
        for node in nodes:
            assert (
                counts[node.pk].residents == Person.objects.filter(region__path__startswith=node.path).count()
            )
            assert (
                counts[node.pk].households
                == Household.objects.filter(region__path__startswith=node.path).count()
            )
        for table in ("people_person", "regions_household"):
            sql = [q["sql"] for q in ctx.captured_queries if f'FROM "{table}"' in q["sql"]]
            assert sql and all('"regions_region"' not in one for one in sql), sql
    # A worker of one community: only that community's residents.
    worker = persona("worker_huachuan")
    huachuan = Region.objects.get(name="划船社区")
    mine = selectors.counts_under(worker, [huachuan])[huachuan.pk].residents
    assert mine == Person.objects.filter(community=huachuan).count() > 0


def test_audit_trail_counts_up_to_a_cap_and_filters_days_on_the_indexed_column(
    demo_world, client_for, api_for, monkeypatch
):
    """Audit trail (page and API): the trail grows with every write, so its total is counted
    over a LIMIT (was an exact COUNT of the district's whole history on each view) and says
    "more than" beyond the cap; a day filter is a range on ``occurred_at`` (was a date cast of
    every row, which no index serves)."""
    from community365.audit import api as audit_api
    from community365.audit import views as audit_views
    from community365.audit.models import AuditEvent

    total = AuditEvent.objects.count()
    assert total > 5
    monkeypatch.setattr(audit_views, "COUNT_CAP", 5)
    monkeypatch.setattr(audit_api, "COUNT_CAP", 5)
    client = client_for("admin_district")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("audit_log"))
    assert response.status_code == 200
    assert response.context["page"].paginator.capped
    assert "超过 5 条" in response.content.decode()  # the cap, formatted (10,000 in the demo)
    counts = [
        q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"] and "audit_auditevent" in q["sql"]
    ]
    assert counts and all("LIMIT 6" in sql for sql in counts), counts

    body = api_for("admin_district").get("/api/v1/audit/events?limit=3").json()
    assert (body["count"], body["count_capped"], len(body["items"])) == (5, True, 3)

    today = timezone.localdate().isoformat()
    with CaptureQueriesContext(connection) as ctx:
        narrow = api_for("admin_district").get(f"/api/v1/audit/events?since={today}&until={today}").json()
    sql = " ".join(q["sql"] for q in ctx.captured_queries if "audit_auditevent" in q["sql"])
    assert "cast_date" not in sql and "::date" not in sql, sql
    expected = AuditEvent.objects.filter(occurred_at__date=timezone.localdate()).count()
    assert narrow["count"] == min(expected, 5)


def test_the_wishes_board_counts_without_joining_every_wish_to_its_wisher(demo_world, api_for):
    """Wishes board (API and pages): "the user's own wishes" was a join from every wish to its
    wisher's record inside the visibility filter, so the board's count joined the district's
    whole history (306 ms against 22 ms at 11,000 wishes on PostgreSQL). It is a subquery now."""
    client = api_for("member_demo")
    with CaptureQueriesContext(connection) as ctx:
        body = client.get("/api/v1/wishes?limit=20").json()
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    assert counts, "the board's count"
    assert all('JOIN "people_person"' not in sql for sql in counts), counts
    assert body["count"] >= len(body["items"]) > 0


def test_the_resident_list_filters_a_community_on_the_person_rows_own_column(demo_world, client_for, api_for):
    """Resident list (page and API) of a social worker: the scope is the person row's indexed
    community column, not ``region.path LIKE …`` joined to every person, with which PostgreSQL
    walked the list's index through the whole district (12 s at 360,000 residents). The same
    residents are listed as before."""
    from community365.people import policies
    from community365.people.models import Person

    worker = client_for("worker_huachuan")
    for client, url in (
        (worker, reverse("resident_search")),
        (api_for("worker_huachuan"), "/api/v1/people/persons"),
    ):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        listed = [q["sql"] for q in ctx.captured_queries if 'FROM "people_person"' in q["sql"]]
        assert listed, url
        for sql in listed:
            where = sql.split(" WHERE ", 1)[1] if " WHERE " in sql else ""
            assert '"community_id" IN' in where and "LIKE" not in where.split(" ORDER BY")[0], sql
    user = worker.get(reverse("resident_search")).wsgi_request.user
    assert (
        policies.persons_listed_for(user).count() == Person.objects.filter(community__name="划船社区").count()
    )


@pytest.mark.parametrize("username", PERSONA_NAMES)
def test_the_resident_list_lists_exactly_the_residents_each_persona_may_see(demo_world, persona, username):
    """The list's scope on the community column is the same set as the visibility rule on the
    places' paths, for every persona (district, subdistrict, community staff, residents, none)."""
    from community365.people import policies

    user = persona(username)
    listed = set(policies.persons_listed_for(user).values_list("pk", flat=True))
    assert listed == set(policies.persons_visible_to(user).values_list("pk", flat=True))


def test_a_staff_member_s_own_record_elsewhere_is_listed_too(demo_world, persona):
    """A social worker of 黄鹂社区 who lives in 划船社区 sees their own record in the list, as
    the visibility rule lets them."""
    from community365.people import policies
    from community365.people.models import Person

    user = persona("worker_huangli")
    home = Person.objects.filter(community__name="划船社区", user__isnull=True).order_by("pk").first()
    Person.objects.filter(pk=home.pk).update(user=user)  # load: link a record to the account
    listed = set(policies.persons_listed_for(user).values_list("pk", flat=True))
    assert home.pk in listed
    assert listed == set(policies.persons_visible_to(user).values_list("pk", flat=True))


def test_my_wishes_finds_the_users_wishes_without_joining_every_wish_to_its_wisher(demo_world):
    """ "My wishes" (the wisher's, or those a social worker entered for residents): the wisher's
    account was a join OR-ed with the wish's own column, so PostgreSQL hashed every resident of
    the district for each view (100 ms at 360,000 residents, 0.3 ms as a subquery)."""
    from django.db.models import Count

    from community365.people.models import User
    from community365.wishes.models import Wish

    busiest = (
        Wish.objects.exclude(entered_by=None)
        .values("entered_by")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert busiest, "the demo has wishes entered on a resident's behalf"
    user = User.objects.get(pk=busiest["entered_by"])
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("my_wishes"))
    assert response.status_code == 200
    lists = [q["sql"] for q in ctx.captured_queries if 'FROM "wishes_wish"' in q["sql"]]
    assert lists, "the list of the user's wishes"
    assert all('"people_person"."user_id"' not in sql.split(" WHERE ", 1)[1] for sql in lists), lists
    mine = Wish.objects.filter(entered_by=user) | Wish.objects.filter(wisher__user=user)
    assert len(response.context["rows"]) == min(mine.count(), 100) > 0


def test_the_wishes_board_is_ordered_as_an_index_of_the_wish_table(demo_world):
    """The board sorted every wish of the district for each page (24 ms at 11,000 wishes on
    PostgreSQL; 0.5 ms read down the index wish_board_order): its ordering is an index's."""
    from community365.people.models import User
    from community365.wishes import selectors
    from community365.wishes.models import Wish

    order = list(selectors.wish_search(User.objects.get(username="member_demo")).query.order_by)
    assert order, "the board has an order"
    assert any(list(index.fields) == order for index in Wish._meta.indexes), order


def test_wish_figures_read_only_the_wishes_under_the_listed_places(demo_world):
    """A community's figures read that community's wishes, not every wish its worker may see (the
    district's public board: 255 ms under load at full size); the counts are the hand counts."""
    from community365.people.models import User
    from community365.regions.models import Region
    from community365.wishes import selectors
    from community365.wishes.models import Wish

    worker = User.objects.get(username="worker_huachuan")
    regions = selectors.figure_regions(worker)
    huachuan = Region.objects.get(name="划船社区")
    assert [r.pk for r in regions] == [huachuan.pk]
    with CaptureQueriesContext(connection) as ctx:
        (row,) = selectors.figures_for(worker, regions)
    wishes = [q["sql"] for q in ctx.captured_queries if 'FROM "wishes_wish"' in q["sql"]]
    assert wishes and all(f'"wishes_wish"."region_id" IN ({huachuan.pk})' in sql for sql in wishes), wishes
    mine = Wish.objects.filter(region__path__startswith=huachuan.path)
    assert row.published == mine.filter(published_at__isnull=False).count() > 0
    assert row.claimed == mine.filter(first_claimed_at__isnull=False).count()
    assert row.fulfilled == mine.filter(delivered_at__isnull=False).count()

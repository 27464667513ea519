"""The demo district as the 2016 article describes it (built once per test session by the
conftest, through the services), its personas, and the seed command's guard rails."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client

from community365.audit.models import AuditEvent
from community365.demo import data
from community365.demo.generator import PERSONAS, SOCIAL_WORKERS_TOTAL, build_demo, share_by_population
from community365.people.models import Person, RoleAssignment, User
from community365.regions.models import Department, Household, Organisation, Region, ServiceCentre

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "households": Household.objects.count(),
        "persons": Person.objects.count(),
        "users": User.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "departments": Department.objects.count(),
        "organisations": Organisation.objects.count(),
        "centres": ServiceCentre.objects.count(),
    }


def under(child: Region, parent: Region) -> bool:
    return child.path.startswith(parent.path) and child.depth == parent.depth + 1


# --- the places -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "n"), [("district", 1), ("subdistrict", 8), ("community", 78), ("cooperative", 4)]
)
def test_seed_has_the_places_of_the_article(kind, n):
    assert Region.objects.filter(kind=kind).count() == n


def test_every_subdistrict_is_under_the_district(region):
    district = region("江东区")
    assert all(under(sub, district) for sub in Region.objects.filter(kind="subdistrict"))


def test_every_community_is_under_a_subdistrict():
    subdistricts = list(Region.objects.filter(kind="subdistrict"))
    for community in Region.objects.filter(kind__in=["community", "cooperative"]):
        assert any(under(community, sub) for sub in subdistricts), community.name


def test_huachuan_is_the_model_community_under_baizhang(region):
    huachuan = region("划船社区")
    assert under(huachuan, region("百丈街道"))
    assert huachuan.is_model
    assert (huachuan.reported_households, huachuan.reported_population) == (3900, 10400)


def test_huachuan_is_the_only_model_community():
    assert list(Region.objects.filter(is_model=True).values_list("name", flat=True)) == ["划船社区"]


@pytest.mark.parametrize(
    ("community", "subdistrict"),
    [
        ("黄鹂社区", "白鹤街道"),
        ("福明家园社区", "福明街道"),
        ("华严社区", "百丈街道"),
        ("划船社区", "百丈街道"),
    ],
)
def test_named_communities_are_in_their_subdistricts(region, community, subdistrict):
    assert under(region(community), region(subdistrict))


def test_huangli_is_not_under_baizhang(region):
    assert not region("黄鹂社区").path.startswith(region("百丈街道").path)


def test_region_codes_and_names_are_unique_at_community_level():
    names = list(Region.objects.filter(kind__in=["community", "cooperative"]).values_list("name", flat=True))
    assert len(names) == len(set(names)) == 82


def test_every_community_has_households_and_residents():
    for community in Region.objects.filter(kind__in=["community", "cooperative"]):
        assert Household.objects.filter(region__path__startswith=community.path).exists(), community.name
        assert Person.objects.filter(community=community).exists(), community.name


def test_resident_records_carry_no_id_numbers():
    # The demo generates names and phones only.
    assert not Person.objects.exclude(id_hash=None).exists()


def test_every_resident_lives_in_a_household_of_their_community():
    assert not Person.objects.filter(household__isnull=True).exists()
    mismatched = [
        p.pk
        for p in Person.objects.select_related("community", "region")[:500]
        if not p.region.path.startswith(p.community.path)
    ]
    assert mismatched == []


# --- organisations ----------------------------------------------------------------------------


def test_ten_departments_including_housing():
    names = set(Department.objects.values_list("name", flat=True))
    assert len(names) == 10
    assert {"区住建局", "区民政局", "区府办"} <= names


def test_service_centres_of_the_article():
    names = set(ServiceCentre.objects.values_list("name", flat=True))
    assert names == {name for name, _sub, _addr in data.SERVICE_CENTRES}
    assert any("和丰创意广场" in name for name in names)


def test_organisations_are_in_the_district(region):
    district = region("江东区")
    # the named ones, plus the units the three linkages' demo registers
    names = set(Organisation.objects.values_list("name", flat=True))
    assert {name for name, _sub, _kind in data.ORGANISATIONS} <= names
    assert not Organisation.objects.exclude(district=district).exists()


def test_about_five_hundred_social_workers_spread_over_all_communities():
    workers = RoleAssignment.objects.filter(role="social_worker", revoked_at__isnull=True)
    assert SOCIAL_WORKERS_TOTAL <= workers.count() <= SOCIAL_WORKERS_TOTAL + 10
    communities_with_workers = set(workers.values_list("region_id", flat=True))
    assert (
        set(Region.objects.filter(kind="community").values_list("pk", flat=True)) <= communities_with_workers
    )


def test_social_workers_are_shared_by_reported_population():
    """Each community's generated workers (``sw_<code>_<n>``) are its share of the total by the
    population it reports, within one (the largest remainder), and at least one."""
    communities = {
        r.pk: r.reported_population
        for r in Region.objects.filter(kind="community", reported_population__gt=0)
    }
    generated = dict(
        RoleAssignment.objects.filter(
            role="social_worker", revoked_at__isnull=True, user__username__regex=r"^sw_.+_[0-9]+$"
        )
        .values("region_id")
        .annotate(n=Count("user_id"))
        .values_list("region_id", "n")
    )
    assert sum(generated.values()) == SOCIAL_WORKERS_TOTAL
    population = sum(communities.values())
    for pk, reported in communities.items():
        quota = SOCIAL_WORKERS_TOTAL * reported / population
        assert generated.get(pk, 0) >= 1
        assert abs(generated.get(pk, 0) - quota) < 1, (pk, reported, generated.get(pk), quota)


@pytest.mark.parametrize(
    ("total", "populations", "minimum", "expected"),
    [
        (10, [1, 1, 1], 0, [4, 3, 3]),  # equal remainders: the earlier place first
        (500, [10400, 5200], 1, [333, 167]),
        (5, [100, 0, 0, 0], 1, [2, 1, 1, 1]),  # the minimum first, the rest by population
        (6, [0, 0, 0], 1, [2, 2, 2]),  # no population: evenly
        (7, [3, 2, 2], 0, [3, 2, 2]),
    ],
)
def test_share_by_population_is_the_largest_remainder(total, populations, minimum, expected):
    assert share_by_population(total, populations, minimum=minimum) == expected


def test_generated_social_workers_cannot_sign_in(db):
    worker = User.objects.filter(username__startswith="sw_").first()
    assert worker is not None
    assert not worker.has_usable_password()


# --- personas ---------------------------------------------------------------------------------


@pytest.mark.parametrize("username", [p.username for p in PERSONAS])
def test_persona_signs_in_with_the_demo_password_on_the_login_page(demo_password, username):
    client = Client()
    response = client.post("/login/", {"username": username, "password": demo_password})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("username", ["admin_district", "resident_huachuan"])
def test_persona_cannot_sign_in_with_another_password(username):
    client = Client()
    response = client.post("/login/", {"username": username, "password": "not-the-demo-pass"})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("p", PERSONAS, ids=[p.username for p in PERSONAS])
def test_persona_holds_its_role_at_its_place(persona, p):
    roles = list(RoleAssignment.objects.filter(user=persona(p.username), revoked_at__isnull=True))
    assert [(r.role, r.region.name) for r in roles] == [(p.role, p.place or "江东区")]


def test_resident_persona_is_a_verified_resident_of_huachuan(persona, region):
    person = Person.objects.get(user=persona("resident_huachuan"))
    assert person.community == region("划船社区")
    assert person.verified_at is not None


# --- idempotence and guard rails --------------------------------------------------------------


def test_building_again_creates_nothing():
    before = counts()
    audit_before = AuditEvent.objects.count()
    report = build_demo()
    assert report.created == {}
    assert counts() == before
    assert AuditEvent.objects.count() == audit_before


def test_seed_command_reports_nothing_new_when_run_again():
    before = counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "nothing new" in out.getvalue()
    assert counts() == before


def test_seed_command_refuses_when_demo_data_is_not_allowed(settings):
    settings.ALLOW_DEMO_DATA = False
    before = counts()
    with pytest.raises(CommandError, match="refuses"):
        call_command("seed_demo", stdout=StringIO())
    assert counts() == before


def test_seed_command_refuses_without_the_setting(settings):
    del settings.ALLOW_DEMO_DATA
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())


@pytest.mark.parametrize("scale", [0, -1, 201])
def test_seed_command_refuses_an_absurd_scale(scale):
    before = counts()
    with pytest.raises(CommandError, match="scale"):
        call_command("seed_demo", f"--scale={scale}", stdout=StringIO())
    assert counts() == before


def test_seed_writes_through_the_services_so_the_trail_has_it():
    # Every region and resident of the demo was created through a service, which audits.
    assert AuditEvent.objects.filter(action="regions.region:create").count() == Region.objects.count()
    assert AuditEvent.objects.filter(action="people.person:register").count() == Person.objects.count()


@pytest.mark.parametrize("day", ["2026-11-30", "2027-02-28", "2027-03-01", "2027-04-05", "2031-12-31"])
def test_the_first_secretaries_running_terms_end_after_the_day_the_demo_is_seeded(day):
    """They ended on 28 February 2027: seeded after it, the demo logged a result on an ended term
    and stopped."""
    import datetime

    from community365.demo.stage_mechanisms import running_term_end

    today = datetime.date.fromisoformat(day)
    assert running_term_end(today) > today


def _planner_knows_the_residents() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'people_person'")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone()[0] == 0:
                return False
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'people_person'")
        return cursor.fetchone()[0] > 0


def test_seed_command_leaves_the_planner_statistics_of_what_it_wrote(monkeypatch):
    """A bulk load ends with ANALYZE: without statistics PostgreSQL's plan for the resident list
    at full size took seven seconds instead of a millisecond (core.database)."""
    from community365.core import database

    calls = []
    real = database.refresh_planner_statistics
    monkeypatch.setattr(
        "community365.demo.management.commands.seed_demo.refresh_planner_statistics",
        lambda: calls.append(real()),
    )
    call_command("seed_demo", stdout=StringIO())
    assert len(calls) == 1
    assert _planner_knows_the_residents()


@pytest.mark.parametrize(
    "today, winter",
    [
        (datetime.date(2026, 12, 1), datetime.date(2025, 12, 1)),
        (datetime.date(2026, 12, 31), datetime.date(2025, 12, 1)),
        (datetime.date(2027, 1, 20), datetime.date(2025, 12, 1)),
        (datetime.date(2027, 3, 1), datetime.date(2026, 12, 1)),
        (datetime.date(2026, 11, 30), datetime.date(2025, 12, 1)),
    ],
)
def test_the_lighting_stage_files_the_last_winter_whose_repairs_are_over(today, winter):
    """On 1 December the demo took the winter just begun as "last winter": no repair was in the
    past, the stage's "already built" mark was missing and a second build filed the dark
    stairwells again."""
    from community365.demo.stage_desk import last_winter

    assert last_winter(today) == winter

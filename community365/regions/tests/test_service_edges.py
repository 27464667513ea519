"""The region services at their edges: a name of exactly the longest length is kept, a refusal
names the parent the place was meant for, and places added in bulk under one parent take its
next free paths one after another, as ``add_child`` would (the rest of the bulk path's rules
are tested beside the full-size demo that uses it: ``demo/tests/test_bulk_paths.py``), a
doubled or taken code named wherever it stands, and bulk calls of more places and households
than Python caches small integers for. Every refused registration is kept in the audit trail."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community365.audit.models import AuditEvent, AuditResult
from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, NotAllowed
from community365.regions.models import Household, Region, RegionKind
from community365.regions.services import (
    department_create,
    household_create,
    households_create_bulk,
    organisation_create,
    region_create,
    regions_create_bulk,
    service_centre_create,
)

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("test")


def _step(place: Region) -> int:
    return Region._str2int(place.path[-Region.steplen :])


def test_a_place_name_of_100_characters_is_kept(region):
    place = region_create(
        actor=SYSTEM, parent=region("百丈街道"), kind="community", name="名" * 100, code="T-N"
    )
    assert len(place.name) == 100
    # and a place is no model unless it is said to be
    assert Region.objects.get(pk=place.pk).is_model is False


def test_a_place_of_the_wrong_kind_is_refused_naming_its_parent(region):
    with pytest.raises(InvalidInput) as refused:
        region_create(actor=SYSTEM, parent=region("划船社区"), kind="community", name="某社区", code="T-K")
    assert "划船社区" in str(refused.value)
    with pytest.raises(InvalidInput) as refused:
        region_create(actor=SYSTEM, parent=None, kind="community", name="某社区", code="T-K")
    assert "“—”" in str(refused.value)


def test_places_added_in_bulk_take_their_parents_next_paths_one_after_another(region):
    baizhang = region("百丈街道")
    last = max(
        _step(child)
        for child in Region.objects.filter(path__startswith=baizhang.path, depth=baizhang.depth + 1)
    )
    made = regions_create_bulk(
        actor=SYSTEM,
        entries=[(baizhang, "community", f"新{n}社区", f"T-B{n}") for n in range(3)],
    )
    assert [_step(place) for place in made] == [last + 1, last + 2, last + 3]
    assert {place.depth for place in made} == {baizhang.depth + 1}
    # a place added in bulk is no model and reports no figures of its own
    assert {(p.is_model, p.reported_households, p.reported_population) for p in made} == {(False, None, None)}
    # and the next calls go on from the last child, whether its number is odd or even
    for n in (3, 4):
        (more,) = regions_create_bulk(
            actor=SYSTEM, entries=[(baizhang, "community", f"新{n}社区", f"T-B{n}")]
        )
        assert _step(more) == last + n + 1


@pytest.mark.parametrize(
    ("action", "call"),
    [
        (
            "regions.region:create",
            lambda a, r: region_create(actor=a, parent=r("划船社区"), kind="grid", name="格", code="T-R"),
        ),
        (
            "regions.region:create_bulk",
            lambda a, r: regions_create_bulk(actor=a, entries=[(r("划船社区"), "grid", "格", "T-R")]),
        ),
        (
            "regions.department:create",
            lambda a, r: department_create(actor=a, district=r("江东区"), name="局", code="T-R"),
        ),
        (
            "regions.organisation:create",
            lambda a, r: organisation_create(actor=a, region=r("划船社区"), name="会", kind="social"),
        ),
        (
            "regions.service_centre:create",
            lambda a, r: service_centre_create(actor=a, region=r("划船社区"), name="站"),
        ),
    ],
)
def test_every_refused_registration_is_kept_in_the_audit(persona, region, action, call):
    worker = persona("worker_huachuan")
    with pytest.raises(NotAllowed):
        call(worker, region)
    assert AuditEvent.objects.filter(action=action, result=AuditResult.REFUSED, actor=worker).count() == 1


def test_refused_households_are_kept_in_the_audit(persona, region):
    stair = Region.objects.filter(kind="stairwell", path__startswith=region("划船社区").path).first()
    outsider = persona("worker_huangli")
    with pytest.raises(NotAllowed):
        household_create(actor=outsider, stairwell=stair, number="9-9-901")
    with pytest.raises(NotAllowed):
        households_create_bulk(actor=outsider, entries=[(stair, "9-9-902")])
    refused = AuditEvent.objects.filter(result=AuditResult.REFUSED, actor=outsider)
    assert sorted(refused.values_list("action", flat=True)) == [
        "regions.household:create",
        "regions.household:create_bulk",
    ]


@pytest.mark.parametrize(
    ("codes", "named"),
    [(["T-A", "T-B", "T-B"], "T-B"), (["T-A", "JD-BZ"], "JD-BZ")],  # doubled in the call; taken
)
def test_a_doubled_or_taken_code_is_named_wherever_it_stands_in_the_call(region, codes, named):
    with pytest.raises(Conflict) as refused:
        regions_create_bulk(
            actor=SYSTEM,
            entries=[(region("百丈街道"), "community", f"新{n}社区", code) for n, code in enumerate(codes)],
        )
    assert named in str(refused.value) and "T-A" not in str(refused.value)


def test_the_first_child_of_a_place_takes_its_first_path(region):
    (grid,) = regions_create_bulk(actor=SYSTEM, entries=[(region("划船社区"), "grid", "第99网格", "T-G")])
    (building,) = regions_create_bulk(actor=SYSTEM, entries=[(grid, "building", "99幢", "T-GB")])
    assert _step(building) == 1 and building.path.startswith(grid.path)
    assert Region.objects.get(pk=grid.pk).numchild == 1


@pytest.mark.parametrize("bulk", [False, True])
def test_a_refusal_names_the_kind_as_people_read_it(region, bulk):
    def add(kind: str) -> None:
        if bulk:
            regions_create_bulk(actor=SYSTEM, entries=[(region("百丈街道"), kind, "某处", "T-K")])
        else:
            region_create(actor=SYSTEM, parent=region("百丈街道"), kind=kind, name="某处", code="T-K")

    with pytest.raises(InvalidInput) as refused:
        add("building")
    assert str(RegionKind.BUILDING.label) in str(refused.value) and "building" not in str(refused.value)
    with pytest.raises(InvalidInput) as refused:
        add("village")  # no such kind: named as given
    assert "village" in str(refused.value)


def test_three_hundred_places_in_one_bulk_call_are_all_kept(region):
    made = regions_create_bulk(
        actor=SYSTEM, entries=[(region("划船社区"), "grid", f"第{n}格", f"T-G{n}") for n in range(300)]
    )
    assert len(made) == 300 and Region.objects.filter(code__startswith="T-G").count() == 300


def test_three_hundred_households_in_one_bulk_call_are_all_kept(region):
    """More than Python's cached small integers: the check for numbers doubled within the call
    compares counts by value."""
    stair = Region.objects.filter(kind="stairwell", path__startswith=region("划船社区").path).first()
    made = households_create_bulk(actor=SYSTEM, entries=[(stair, f"H-{n}") for n in range(300)])
    assert len(made) == 300 and Household.objects.filter(region=stair, number__startswith="H-").count() == 300


@pytest.mark.parametrize("bulk", [False, True])
def test_a_door_number_is_kept_to_30_characters(persona, region, bulk):
    worker = persona("worker_huachuan")
    stair = Region.objects.filter(kind="stairwell", path__startswith=region("划船社区").path).first()

    def add(number: str) -> Household:
        if bulk:
            return households_create_bulk(actor=worker, entries=[(stair, number)])[0]
        return household_create(actor=worker, stairwell=stair, number=number)

    with pytest.raises(InvalidInput) as refused:
        add("9" * 31)
    assert refused.value.field == "number"
    assert add("9" * 30).number == "9" * 30


def test_a_household_is_refused_anywhere_but_a_stairwell(persona, region):
    """A subdistrict is not under a community either: the refusal says what a household needs."""
    for place in ("百丈街道", "划船社区"):
        with pytest.raises(InvalidInput, match="楼道下") as refused:
            household_create(actor=SYSTEM, stairwell=region(place), number="1-1-101")
        assert refused.value.field == "stairwell"


def test_households_in_bulk_read_the_districts_communities_once(region):
    stairs = list(
        Region.objects.filter(kind="stairwell", path__startswith=region("江东区").path).order_by("path")[:6]
    )
    counts = []
    for n, few in ((1, stairs[:1]), (2, stairs[1:6])):
        with CaptureQueriesContext(connection) as queries:
            households_create_bulk(actor=SYSTEM, entries=[(stair, f"Q-{n}") for stair in few])
        counts.append(len(queries))
    assert counts[0] == counts[1]

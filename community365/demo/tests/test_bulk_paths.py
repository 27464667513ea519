"""The bulk paths of the full-size demo (``seed_demo --full``): places, households and residents
inserted in batches must pass the same checks as the one-at-a-time services, write the same
audit rows, refuse as a whole, and leave the region tree as ``add_child`` would."""

from __future__ import annotations

import pytest

from community365.audit.models import AuditEvent
from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, NotAllowed
from community365.people import services as people
from community365.people.models import Person
from community365.regions import services as regions
from community365.regions.models import Household, Region, RegionKind

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("test")


def _audit(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def _new_stairwell(community: Region) -> Region:
    (grid,) = regions.regions_create_bulk(
        actor=SYSTEM, entries=[(community, RegionKind.GRID, "第99网格", f"{community.code}-T1")]
    )
    (building,) = regions.regions_create_bulk(
        actor=SYSTEM, entries=[(grid, RegionKind.BUILDING, "991幢", f"{grid.code}-B1")]
    )
    (stair,) = regions.regions_create_bulk(
        actor=SYSTEM, entries=[(building, RegionKind.STAIRWELL, "991幢1单元", f"{building.code}-S1")]
    )
    return stair


def test_bulk_places_take_the_next_paths_like_add_child(region):
    community = region("划船社区")
    before = community.get_children_count()
    audited = _audit("regions.region:create")
    grids = regions.regions_create_bulk(
        actor=SYSTEM,
        entries=[(community, RegionKind.GRID, f"第{n}网格", f"{community.code}-T{n}") for n in (91, 92)],
    )
    community.refresh_from_db()
    assert community.numchild == before + 2
    assert [g.pk for g in community.get_children()][-2:] == [g.pk for g in grids]
    assert all(g.get_parent().pk == community.pk and g.district_id == community.district_id for g in grids)
    # the tree stays sound: a child added afterwards through the service gets the next path
    after = regions.region_create(
        actor=SYSTEM, parent=community, kind=RegionKind.GRID, name="第93网格", code=f"{community.code}-T93"
    )
    assert after.path > grids[-1].path
    assert Region.find_problems() == ([], [], [], [], [])
    assert _audit("regions.region:create") == audited + 3


@pytest.mark.parametrize(
    ("kind", "code", "error"),
    [
        (RegionKind.STAIRWELL, "X-NEW-1", InvalidInput),  # a stairwell does not hang under a community
        (RegionKind.GRID, "JD-BZ-01-G1", Conflict),  # a code already used
    ],
)
def test_bulk_places_refuse_as_a_whole(region, kind, code, error):
    community = region("划船社区")
    count = Region.objects.count()
    with pytest.raises(error):
        regions.regions_create_bulk(
            actor=SYSTEM,
            entries=[(community, RegionKind.GRID, "第98网格", "X-OK-1"), (community, kind, "某处", code)],
        )
    assert Region.objects.count() == count


def test_bulk_places_need_the_right_to_manage_the_place(persona, region):
    with pytest.raises(NotAllowed):
        regions.regions_create_bulk(
            actor=persona("worker_huangli"),
            entries=[(region("划船社区"), RegionKind.GRID, "第97网格", "X-W-1")],
        )
    assert not Region.objects.filter(code="X-W-1").exists()


def test_bulk_households_are_validated_and_audited(region):
    stair = _new_stairwell(region("划船社区"))
    audited = _audit("regions.household:create")
    made = regions.households_create_bulk(actor=SYSTEM, entries=[(stair, "101"), (stair, "102")])
    assert [h.number for h in Household.objects.filter(region=stair).order_by("number")] == ["101", "102"]
    assert _audit("regions.household:create") == audited + 2
    event = AuditEvent.objects.filter(action="regions.household:create").order_by("-pk").first()
    assert event is not None and event.object_id == str(made[-1].pk) and event.region_path == stair.path
    with pytest.raises(Conflict):  # a number twice in one call
        regions.households_create_bulk(actor=SYSTEM, entries=[(stair, "201"), (stair, "201")])
    with pytest.raises(Conflict):  # a number already on record
        regions.households_create_bulk(actor=SYSTEM, entries=[(stair, "301"), (stair, "101")])
    with pytest.raises(InvalidInput):  # households hang under stairwells only
        regions.households_create_bulk(actor=SYSTEM, entries=[(stair.get_parent(), "401")])
    assert Household.objects.filter(region=stair).count() == 2


def test_bulk_residents_match_the_service_and_refuse_as_a_whole(region):
    stair = _new_stairwell(region("划船社区"))
    (home,) = regions.households_create_bulk(actor=SYSTEM, entries=[(stair, "101")])
    one = people.person_register(
        actor=SYSTEM, household=home, name="张三", birth_year=1950, phone="13800000000"
    )
    registered, verified = _audit("people.person:register"), _audit("people.person:verify")
    made = people.persons_register_bulk(
        actor=SYSTEM,
        records=[
            {"household": home, "name": "李四", "birth_year": 1950, "phone": "13800000001"},
            {"household": home, "name": " 王五 ", "gender": "F"},
        ],
        verify=[True, False],
    )
    assert made[0].community_id == one.community_id == region("划船社区").pk
    assert made[0].region_id == one.region_id == stair.pk
    assert made[1].name == "王五" and made[0].verified_at is not None and made[1].verified_at is None
    assert _audit("people.person:register") == registered + 2
    assert _audit("people.person:verify") == verified + 1
    service_row = AuditEvent.objects.filter(action="people.person:register", object_id=str(one.pk)).get()
    bulk_row = AuditEvent.objects.filter(action="people.person:register", object_id=str(made[0].pk)).get()
    for field in ("acting_role", "object_type", "district_id", "region_path", "actor_label", "result"):
        assert getattr(bulk_row, field) == getattr(service_row, field), field
    count = Person.objects.count()
    for bad in ({"name": ""}, {"name": "赵六", "birth_year": 1800}, {"name": "赵六", "phone": "12345"}):
        with pytest.raises(InvalidInput):
            people.persons_register_bulk(
                actor=SYSTEM, records=[{"household": home, "name": "钱七"}, {"household": home, **bad}]
            )
    assert Person.objects.count() == count


def test_bulk_residents_need_the_right_to_manage_the_place(persona, region):
    home = Household.objects.filter(region__path__startswith=region("划船社区").path).first()
    with pytest.raises(NotAllowed):
        people.persons_register_bulk(
            actor=persona("worker_huangli"), records=[{"household": home, "name": "孙八"}]
        )
    assert not Person.objects.filter(name="孙八").exists()

"""The region tree: what may hang under what, unique codes, who may add places, and the counts
shown at each level, which must match plain counts of the records under each node."""

from __future__ import annotations

import pytest

from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, NotAllowed
from community365.people.models import Person
from community365.regions import selectors
from community365.regions.models import COMMUNITY_KINDS, Household, Region
from community365.regions.services import household_create, region_create

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("test")


# --- tree rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parent_name", "kind"),
    [
        ("江东区", "community"),  # a community belongs to a subdistrict
        ("江东区", "cooperative"),
        ("江东区", "district"),
        ("江东区", "stairwell"),
        ("百丈街道", "subdistrict"),
        ("百丈街道", "grid"),
        ("划船社区", "building"),
        ("划船社区", "community"),
    ],
)
def test_place_cannot_hang_under_the_wrong_kind_of_parent(region, parent_name, kind):
    before = Region.objects.count()
    with pytest.raises(InvalidInput) as refused:
        region_create(actor=SYSTEM, parent=region(parent_name), kind=kind, name="新地方", code="T-NEW")
    assert refused.value.field == "kind"
    assert Region.objects.count() == before


def test_community_cannot_be_created_without_a_parent():
    with pytest.raises(InvalidInput):
        region_create(actor=SYSTEM, parent=None, kind="community", name="孤岛社区", code="T-ISLAND")


def test_unknown_kind_is_refused(region):
    with pytest.raises(InvalidInput):
        region_create(actor=SYSTEM, parent=region("百丈街道"), kind="village", name="某村", code="T-V")


def test_community_is_created_under_a_subdistrict(region):
    baizhang = region("百丈街道")
    community = region_create(actor=SYSTEM, parent=baizhang, kind="community", name="新建社区", code="T-NEWC")
    assert community.path.startswith(baizhang.path)
    assert community.depth == baizhang.depth + 1
    assert community.district_id == region("江东区").pk
    assert community in selectors.children_of(SYSTEM, baizhang)


@pytest.mark.parametrize("code", ["JD", "JD-BZ", "JD-BZ-01"])
def test_codes_are_unique_across_the_tree(region, code):
    with pytest.raises(Conflict) as refused:
        region_create(actor=SYSTEM, parent=region("白鹤街道"), kind="community", name="重码社区", code=code)
    assert refused.value.field == "code"
    assert not Region.objects.filter(name="重码社区").exists()


@pytest.mark.parametrize("name", ["", "   ", "名" * 101])
def test_place_name_must_be_given_and_short(region, name):
    with pytest.raises(InvalidInput) as refused:
        region_create(actor=SYSTEM, parent=region("百丈街道"), kind="community", name=name, code="T-NAME")
    assert refused.value.field == "name"


@pytest.mark.parametrize(
    "name", ["staff_baizhang", "secretary_huachuan", "worker_huachuan", "leader_demo", "liaison_housing"]
)
def test_only_a_district_admin_adds_places(persona, region, name):
    with pytest.raises(NotAllowed):
        region_create(
            actor=persona(name), parent=region("划船社区"), kind="grid", name="第9网格", code="T-G9"
        )
    assert not Region.objects.filter(code="T-G9").exists()


def test_district_admin_adds_a_grid_to_a_community(persona, region):
    grid = region_create(
        actor=persona("admin_district"), parent=region("划船社区"), kind="grid", name="第9网格", code="T-G9"
    )
    assert grid.path.startswith(region("划船社区").path)


def test_only_the_system_creates_a_district(persona):
    with pytest.raises(NotAllowed):
        region_create(actor=persona("admin_district"), parent=None, kind="district", name="海曙区", code="HS")
    assert not Region.objects.filter(code="HS").exists()


def test_a_new_district_is_its_own_district():
    district = region_create(actor=SYSTEM, parent=None, kind="district", name="海曙区", code="HS")
    assert district.district_id == district.pk
    assert district.depth == 1


def test_household_must_be_in_a_stairwell(persona, region):
    with pytest.raises(InvalidInput) as refused:
        household_create(actor=persona("worker_huachuan"), stairwell=region("划船社区"), number="1-1-101")
    assert refused.value.field == "stairwell"


def test_household_number_is_unique_within_a_stairwell(persona, region):
    stair = Region.objects.filter(kind="stairwell", path__startswith=region("划船社区").path).first()
    number = Household.objects.filter(region=stair).first().number
    with pytest.raises(Conflict):
        household_create(actor=persona("worker_huachuan"), stairwell=stair, number=number)


def test_social_worker_cannot_add_a_household_in_another_community(persona, region):
    stair = Region.objects.filter(kind="stairwell", path__startswith=region("划船社区").path).first()
    with pytest.raises(NotAllowed):
        household_create(actor=persona("worker_huangli"), stairwell=stair, number="9-9-909")
    assert not Household.objects.filter(number="9-9-909").exists()


# --- counts -----------------------------------------------------------------------------------


def _plain_counts(node: Region) -> tuple[int, int, int]:
    return (
        Region.objects.filter(path__startswith=node.path, kind__in=COMMUNITY_KINDS).count(),
        Household.objects.filter(region__path__startswith=node.path).count(),
        Person.objects.filter(region__path__startswith=node.path).count(),
    )


def _as_tuple(counts) -> tuple[int, int, int]:
    return counts.communities, counts.households, counts.residents


@pytest.mark.parametrize(
    "parent_name",
    [None, "江东区", "百丈街道", "福明街道", "划船社区", "福明股份经济合作社"],
    ids=["district", "subdistricts", "communities-of-baizhang", "units-of-fuming", "grids", "coop-grids"],
)
def test_counts_under_match_plain_counts_at_each_level(persona, region, parent_name):
    # Given the children of one node (or the district itself)
    nodes = [region("江东区")] if parent_name is None else selectors.children_of(SYSTEM, region(parent_name))
    assert nodes
    # When the district admin counts under them
    counts = selectors.counts_under(persona("admin_district"), nodes)
    # Then each figure is what a plain count of the records gives
    for node in nodes:
        assert _as_tuple(counts[node.pk]) == _plain_counts(node), node.name


def test_counts_under_stairwells_match_households_and_residents(persona, region):
    building = Region.objects.filter(kind="building", path__startswith=region("划船社区").path).first()
    stairwells = selectors.children_of(SYSTEM, building)
    counts = selectors.counts_under(persona("worker_huachuan"), stairwells)
    for stair in stairwells:
        assert _as_tuple(counts[stair.pk]) == _plain_counts(stair)
        assert counts[stair.pk].households > 0


def test_district_totals_add_up_over_the_subdistricts(persona, region):
    admin = persona("admin_district")
    district = region("江东区")
    total = selectors.counts_under(admin, [district])[district.pk]
    subs = selectors.counts_under(admin, selectors.children_of(admin, district))
    assert total.communities == 82 == sum(c.communities for c in subs.values())
    assert total.households == sum(c.households for c in subs.values())
    assert total.residents == sum(c.residents for c in subs.values()) == Person.objects.count()


def test_subdistrict_staff_count_nothing_outside_their_subdistrict(persona, region):
    staff = persona("staff_baizhang")
    subdistricts = list(Region.objects.filter(kind="subdistrict"))
    counts = selectors.counts_under(staff, subdistricts)
    for sub in subdistricts:
        if sub.name == "百丈街道":
            assert _as_tuple(counts[sub.pk]) == _plain_counts(sub)
        else:
            assert _as_tuple(counts[sub.pk]) == (0, 0, 0), sub.name


def test_party_member_sees_the_community_but_counts_no_residents(persona, region):
    huachuan = region("划船社区")
    counts = selectors.counts_under(persona("member_demo"), [huachuan])[huachuan.pk]
    assert (counts.communities, counts.households, counts.residents) == (1, 0, 0)


def test_outsider_counts_nothing(region):
    from community365.people.services import user_create

    outsider = user_create(actor=SYSTEM, username="outsider", password=None)
    district = region("江东区")
    assert _as_tuple(selectors.counts_under(outsider, [district])[district.pk]) == (0, 0, 0)


def test_counts_under_no_nodes_is_empty(persona):
    assert selectors.counts_under(persona("admin_district"), []) == {}


def test_new_resident_shows_in_the_counts(persona, region):
    from community365.people.services import person_register

    huachuan = region("划船社区")
    before = selectors.counts_under(persona("admin_district"), [huachuan])[huachuan.pk].residents
    person_register(actor=persona("worker_huachuan"), community=huachuan, name="张新来")
    after = selectors.counts_under(persona("admin_district"), [huachuan])[huachuan.pk].residents
    assert after == before + 1


# --- tops and ancestors -----------------------------------------------------------------------


def test_top_places_of_each_role(persona, region):
    assert selectors.top_regions_of(persona("admin_district")) == [region("江东区")]
    assert selectors.top_regions_of(persona("staff_baizhang")) == [region("百丈街道")]
    assert selectors.top_regions_of(persona("worker_huangli")) == [region("黄鹂社区")]


def test_ancestors_are_listed_from_the_top(region):
    stair = Region.objects.filter(kind="stairwell", path__startswith=region("黄鹂社区").path).first()
    names = [a.name for a in selectors.ancestors_of(stair)]
    assert names[:3] == ["江东区", "白鹤街道", "黄鹂社区"]
    assert len(names) == stair.depth - 1
    assert selectors.ancestors_of(region("江东区")) == []


def test_a_household_number_already_taken_refuses_the_whole_bulk_call(persona, region):
    """The bulk path checks the numbers within the call; a number already in the stairwell is
    refused by the constraint as the same Conflict, and none of the call's households is added."""
    from community365.regions.services import households_create_bulk

    stair = Region.objects.filter(kind="stairwell", path__startswith=region("划船社区").path).first()
    taken = Household.objects.filter(region=stair).first().number
    before = Household.objects.filter(region=stair).count()
    with pytest.raises(Conflict) as refused:
        households_create_bulk(actor=persona("worker_huachuan"), entries=[(stair, "8-8-808"), (stair, taken)])
    assert refused.value.field == "number"
    assert Household.objects.filter(region=stair).count() == before

"""The region services at their edges: a name of exactly the longest length is kept, a refusal
names the parent the place was meant for, and places added in bulk under one parent take its
next free paths one after another, as ``add_child`` would (the rest of the bulk path's rules
are tested beside the full-size demo that uses it: ``demo/tests/test_bulk_paths.py``)."""

from __future__ import annotations

import pytest

from community365.core.actors import SystemActor
from community365.core.errors import InvalidInput
from community365.regions.models import Region
from community365.regions.services import region_create, regions_create_bulk

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("test")


def _step(place: Region) -> int:
    return Region._str2int(place.path[-Region.steplen :])


def test_a_place_name_of_100_characters_is_kept(region):
    place = region_create(
        actor=SYSTEM, parent=region("百丈街道"), kind="community", name="名" * 100, code="T-N"
    )
    assert len(place.name) == 100


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

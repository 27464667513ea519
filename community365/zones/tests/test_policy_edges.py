"""Edges of 整片建强's visibility rules that mutation testing found untested (docs/mutation.md):
a zone with no member yet is seen by those whose view reaches the whole district only, and an
account without a role has no district, no brand and no community's brand page."""

from __future__ import annotations

import pytest

from community365.core.actors import SystemActor
from community365.regions.models import Region
from community365.zones import policies, services
from community365.zones.models import Brand

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")


def test_a_zone_without_members_is_seen_from_the_district_and_not_from_below(persona):
    district = Region.objects.get(kind="district")
    zone = services.zone_create(
        actor=SYSTEM, district=district, name="尚无成员的片区", kind="wing", theme="culture"
    )
    assert not zone.members.exists()
    assert policies.zones_visible_to(persona("leader_demo")).filter(pk=zone.pk).exists()
    assert not policies.zones_visible_to(persona("staff_baizhang")).filter(pk=zone.pk).exists()


def test_an_account_without_a_role_has_no_district_no_brand_and_no_brand_page(new_account):
    roleless = new_account("no_role_yet")
    assert Brand.objects.exists()
    assert policies.district_of(roleless) is None
    assert not policies.brands_visible_to(roleless).exists()
    assert not policies.communities_for_brands(roleless).exists()

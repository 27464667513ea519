"""Edges of the benchmarking rules that mutation testing found untested (docs/mutation.md): who
sees the whole district's comparison, who reads the district's yearly report, and that the
system (imports, the demo) may enter a manual value."""

from __future__ import annotations

import pytest

from community365.benchmarking import policies
from community365.core.actors import SystemActor
from community365.regions import services as regions
from community365.regions.models import Region

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")


def test_the_district_sees_its_whole_comparison_and_a_subdistrict_does_not(persona):
    district = Region.objects.get(kind="district")
    assert policies.sees_whole_district(persona("admin_district"), district)
    assert policies.sees_whole_district(persona("leader_demo"), district)
    assert not policies.sees_whole_district(persona("staff_baizhang"), district)
    assert not policies.sees_whole_district(persona("worker_huachuan"), district)


def test_the_admin_of_another_district_does_not_read_this_districts_report(persona, new_account):
    district = Region.objects.get(kind="district")
    other = regions.region_create(actor=SYSTEM, parent=None, kind="district", name="海曙区", code="HS")
    admin = new_account("admin_haishu", role="district_admin", place=other)
    assert policies.may_read_district_report(admin, other)
    assert not policies.may_read_district_report(admin, district)
    assert policies.may_read_district_report(persona("leader_demo"), district)
    assert not policies.may_read_district_report(persona("staff_baizhang"), district)


def test_the_system_enters_a_manual_value_and_a_resident_does_not(persona):
    community = Region.objects.get(name="划船社区")
    assert policies.may_enter(SYSTEM, community)
    assert policies.may_enter(persona("worker_huachuan"), community)
    assert not policies.may_enter(persona("resident_huachuan"), community)


def test_the_system_confirms_values_and_reads_every_districts_report():
    # imports and the demo act as the system; operations staff (global) read every report
    community = Region.objects.get(name="划船社区")
    assert policies.may_confirm(SYSTEM, community)
    assert policies.may_read_district_report(SYSTEM, Region.objects.get(kind="district"))

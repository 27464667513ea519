"""Declaring an event: who may, over which communities; the vulnerable list; balanced rounds;
the alert; the community's low-lying flag."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.audit.models import AuditEvent
from community365.core.errors import InvalidInput, NotAllowed
from community365.emergency import selectors, services
from community365.emergency.models import CheckAssignment, Reason
from community365.people.models import Person
from community365.regions.models import Household, Region, RegionKind

pytestmark = pytest.mark.django_db


def test_vulnerable_lists_alone_elderly_disabled_difficulty_and_low_lying(region):
    # given: 划船社区 with no low-lying building, a household with one of each kind
    huachuan = region("划船社区")
    people = Person.objects.filter(community=huachuan, household__isnull=False).order_by("pk")
    alone, disabled, poor, elderly_with_family = people[0], people[1], people[2], people[3]
    Person.objects.filter(community=huachuan).update(
        is_elderly=False, lives_alone=False, is_disabled=False, in_difficulty=False
    )
    Person.objects.filter(pk=alone.pk).update(is_elderly=True, lives_alone=True)
    Person.objects.filter(pk=disabled.pk).update(is_disabled=True)
    Person.objects.filter(pk=poor.pk).update(in_difficulty=True)
    Person.objects.filter(pk=elderly_with_family.pk).update(is_elderly=True)
    # when
    found = {v.household_id: v.reasons for v in selectors.vulnerable([huachuan])}
    # then
    assert Reason.ALONE in found[alone.household_id]
    assert Reason.DISABLED in found[disabled.household_id]
    assert Reason.DIFFICULTY in found[poor.household_id]
    if elderly_with_family.household_id not in {alone.household_id, disabled.household_id, poor.household_id}:
        assert elderly_with_family.household_id not in found  # elderly, not alone: not on the list


def test_a_low_lying_building_puts_every_household_on_the_list(region, persona):
    huachuan = region("划船社区")
    Person.objects.filter(community=huachuan).update(
        is_elderly=False, lives_alone=False, is_disabled=False, in_difficulty=False
    )
    assert selectors.vulnerable([huachuan]) == []
    building = (
        Region.objects.filter(path__startswith=huachuan.path, kind=RegionKind.BUILDING)
        .order_by("path")
        .first()
    )
    services.building_set_low_lying(actor=persona("worker_huachuan"), building=building, low_lying=True)
    found = selectors.vulnerable([huachuan])
    expected = Household.objects.filter(region__path__startswith=building.path).count()
    assert expected > 0 and len(found) == expected
    assert all(v.reasons == [Reason.LOW_LYING] and v.building_id == building.pk for v in found)


@pytest.mark.parametrize("who", ["worker_huangli", "volunteer_demo", "emergency_demo", "resident_huachuan"])
def test_only_the_communitys_staff_mark_low_lying(region, persona, who):
    building = (
        Region.objects.filter(path__startswith=region("划船社区").path, kind=RegionKind.BUILDING)
        .order_by("path")
        .first()
    )
    with pytest.raises(NotAllowed):
        services.building_set_low_lying(actor=persona(who), building=building, low_lying=True)
    building.refresh_from_db()
    assert not building.low_lying
    assert AuditEvent.objects.filter(action="emergency.building:low_lying", result="refused").exists()


def test_a_community_is_not_a_building(region, persona):
    with pytest.raises(InvalidInput):
        services.building_set_low_lying(
            actor=persona("worker_huachuan"), building=region("划船社区"), low_lying=True
        )


def test_balanced_rounds_keep_loads_even_and_buildings_whole():
    given = services.balanced_rounds({1: 10, 2: 8, 3: 6, 4: 4, 5: 2}, [100, 200, 300])
    load = dict.fromkeys((100, 200, 300), 0)
    for building, helper in given.items():
        load[helper] += {1: 10, 2: 8, 3: 6, 4: 4, 5: 2}[building]
    assert set(given) == {1, 2, 3, 4, 5}
    assert max(load.values()) - min(load.values()) <= 2
    assert sorted(load.values()) == [10, 10, 10]


@pytest.mark.parametrize("who", ["worker_huangli", "secretary_huachuan", "emergency_demo", "leader_demo"])
def test_only_district_or_subdistrict_staff_declare(declare, who):
    with pytest.raises(NotAllowed):
        declare(actor=who)
    assert AuditEvent.objects.filter(action="emergency.event:declare", result="refused").exists()


def test_a_subdistrict_cannot_declare_over_another_subdistricts_community(declare, region):
    # staff_baizhang holds 百丈街道; 黄鹂社区 lies elsewhere
    assert not region("黄鹂社区").path.startswith(region("百丈街道").path)
    with pytest.raises((InvalidInput, NotAllowed)):
        declare("黄鹂社区", actor="staff_baizhang", place="百丈街道")


def test_bad_windows_are_refused(declare):
    start = timezone.now()
    with pytest.raises(InvalidInput):
        declare(starts_at=start, ends_at=start)
    with pytest.raises(InvalidInput):
        declare(starts_at=start, ends_at=start + datetime.timedelta(days=15))
    with pytest.raises(InvalidInput):
        declare(kind="earthquake")


def test_declaring_assigns_by_building_and_alerts_team_and_workers(
    declare, persona, django_capture_on_commit_callbacks
):
    from community365.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        declared = declare()
    rows = CheckAssignment.objects.filter(event=declared.event)
    assert rows.count() == declared.households > 0
    # a building is never split between two people
    per_building = {}
    for building_id, assignee_id in rows.values_list("building_id", "assignee_id"):
        assert per_building.setdefault(building_id, assignee_id) == assignee_id
    demo = persona("emergency_demo")
    assert rows.filter(assignee=demo).exists()
    assert Notification.objects.filter(recipient=demo, kind="emergency.alert").exists()
    assert Notification.objects.filter(
        recipient=persona("worker_huangli"), kind="emergency.alert_worker"
    ).exists()
    assert not Notification.objects.filter(
        recipient=persona("worker_huachuan"), kind__startswith="emergency."
    ).exists()

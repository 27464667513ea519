"""What declaring and closing do when something is missing: a community without anyone to go
door to door does not stop the others being assigned; the system's acts are put down to the
person who declared the event."""

from __future__ import annotations

import pytest

from community365.core.actors import SystemActor
from community365.emergency import services
from community365.emergency.models import CheckAssignment, EmergencyTask
from community365.people.models import RoleAssignment
from community365.regions.models import Region
from community365.teams.models import TeamKind, TeamMembership

from .conftest import tap

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("tests")


def _two_communities_with_households(region):
    """Two communities of 黄鹂社区's subdistrict that both have households to check, in path order."""
    from community365.emergency import selectors

    huangli = region("黄鹂社区")
    parent = huangli.path[: -Region.steplen]
    siblings = list(
        Region.objects.filter(path__startswith=parent, kind=huangli.kind)
        .exclude(pk=huangli.pk)
        .order_by("path")
    )
    for other in siblings:
        pair = sorted([huangli, other], key=lambda c: c.path)
        rows = selectors.vulnerable(pair)
        if {r.community_id for r in rows} == {c.pk for c in pair}:
            return pair
    pytest.skip("no second community with households to check beside 黄鹂社区")


def _without_helpers(community: Region) -> None:
    """Its social workers' roles revoked and its emergency teams left, through the services."""
    from community365.people import services as people
    from community365.teams import services as teams

    for grant in RoleAssignment.objects.filter(
        region=community, role="social_worker", revoked_at__isnull=True
    ):
        people.role_revoke(actor=SYSTEM, assignment=grant)
    for membership in TeamMembership.objects.filter(
        team__region=community, team__kind=TeamKind.EMERGENCY, left_at__isnull=True
    ):
        teams.team_leave(actor=SYSTEM, membership=membership)


def test_a_community_without_helpers_is_named_and_the_next_one_is_still_assigned(declare, region):
    first, second = _two_communities_with_households(region)
    # the community whose households come first has nobody to send
    _without_helpers(first)
    declared = declare(first.name, second.name)
    assert declared.unassigned_communities == [first.name]
    rows = CheckAssignment.objects.filter(event=declared.event)
    assert not rows.filter(region=first).exists()
    assert rows.filter(region=second).count() == declared.households > 0


def test_a_task_the_system_finishes_is_put_down_to_the_declarer(drill, persona):
    household = (
        CheckAssignment.objects.filter(event=drill, assignee=persona("emergency_demo"))
        .order_by("household_id")
        .values_list("household_id", flat=True)
        .first()
    )
    services.checks_record(
        actor=persona("emergency_demo"),
        event=drill,
        items=services.clean_items([tap(household, "needs_help", needs=["candles"])]),
    )
    task = EmergencyTask.objects.get(event=drill)
    services.task_done(actor=SystemActor("test"), task=task)
    task.refresh_from_db()
    assert (task.status, task.done_by_id) == ("done", drill.declared_by_id)


def test_an_event_the_system_closes_is_closed_by_its_declarer(drill):
    services.event_close(actor=SystemActor("test"), event=drill, summary="到期自动结束")
    drill.refresh_from_db()
    assert (drill.status, drill.closed_by_id) == ("closed", drill.declared_by_id)


def test_an_event_a_person_closes_is_closed_by_them(drill, new_account):
    admin = new_account("staff_second", role="subdistrict_staff", place=drill.region)
    assert drill.declared_by_id != admin.pk
    services.event_close(actor=admin, event=drill)
    drill.refresh_from_db()
    assert drill.closed_by_id == admin.pk

"""Edges of the emergency rules that mutation testing found untested (docs/mutation.md): which
event's board a community's staff manage and whose reports they read, and who sees the
door-to-door assignments and checks."""

from __future__ import annotations

import pytest

from community365.emergency import policies, services
from community365.emergency.models import CheckAssignment, HouseholdCheck

from .conftest import tap

pytestmark = pytest.mark.django_db


def test_staff_manage_and_read_the_events_over_their_community_only(declare, drill, persona):
    # given the drill over 黄鹂社区 and an event declared over 划船社区
    ours = declare("划船社区").event
    worker = persona("worker_huachuan")
    assert policies.may_manage(worker, ours)
    assert not policies.may_manage(worker, drill)
    assert policies.may_read_reports(worker, ours)
    assert not policies.may_read_reports(worker, drill)
    assert policies.may_manage(persona("worker_huangli"), drill)
    # those above the event's place read its report too
    assert policies.may_read_reports(persona("admin_district"), ours)
    assert policies.may_read_reports(persona("staff_baizhang"), ours)
    assert not policies.may_read_reports(persona("resident_huachuan"), ours)


def test_assignments_and_checks_are_seen_by_the_communitys_staff_and_the_helper_only(drill, persona):
    helper = persona("emergency_demo")
    mine = CheckAssignment.objects.filter(event=drill, assignee=helper).order_by("pk")
    assert mine.exists()
    others = CheckAssignment.objects.filter(event=drill).exclude(assignee=helper)
    assert others.exists()
    # the helper sees their own households; the community's worker sees every one of the event
    assert set(policies.assignments_visible_to(helper).filter(event=drill)) >= set(mine)
    assert set(policies.assignments_visible_to(persona("worker_huangli")).filter(event=drill)) == set(
        CheckAssignment.objects.filter(event=drill)
    )
    assert not policies.assignments_visible_to(persona("worker_huachuan")).filter(event=drill).exists()
    assert not policies.assignments_visible_to(persona("resident_huachuan")).filter(event=drill).exists()

    services.checks_record(actor=helper, event=drill, items=services.clean_items([tap(mine[0].household_id)]))
    check = HouseholdCheck.objects.get(event=drill, assignment=mine[0])
    assert policies.checks_visible_to(helper).filter(pk=check.pk).exists()
    assert policies.checks_visible_to(persona("worker_huangli")).filter(pk=check.pk).exists()
    assert not policies.checks_visible_to(persona("worker_huachuan")).filter(pk=check.pk).exists()
    assert not policies.checks_visible_to(persona("resident_huachuan")).filter(pk=check.pk).exists()


def test_a_social_worker_who_checks_households_themself_still_sees_them(drill, persona):
    # the community's worker takes a building's households and checks one of them: the rows are
    # both in their place and their own, and stay in sight
    worker = persona("worker_huangli")
    first = CheckAssignment.objects.filter(event=drill).order_by("pk").first()
    services.building_reassign(actor=worker, event=drill, building=first.building, assignee=worker)
    own = CheckAssignment.objects.filter(event=drill, assignee=worker)
    assert own.exists()
    assert set(policies.assignments_visible_to(worker).filter(event=drill)) >= set(own)
    assert set(policies.assignments_manageable(worker, drill)) >= set(own)
    services.checks_record(actor=worker, event=drill, items=services.clean_items([tap(own[0].household_id)]))
    check = HouseholdCheck.objects.get(event=drill, assignment=own[0])
    assert policies.checks_visible_to(worker).filter(pk=check.pk).exists()


def test_supplies_and_tasks_are_seen_in_the_community_of_the_event_only(drill, persona):
    from community365.emergency.models import EmergencyTask, SupplyIssue

    helper = persona("emergency_demo")
    mine = CheckAssignment.objects.filter(event=drill, assignee=helper).order_by("pk").first()
    item = tap(mine.household_id, "needs_help", needs=["meals"], supplies={"candles": 2})
    services.checks_record(actor=helper, event=drill, items=services.clean_items([item]))
    supply = SupplyIssue.objects.get(event=drill)
    task = EmergencyTask.objects.get(event=drill)
    for who, sees in (("worker_huangli", True), ("worker_huachuan", False), ("resident_huachuan", False)):
        assert policies.supplies_visible_to(persona(who)).filter(pk=supply.pk).exists() is sees, who
        assert policies.tasks_visible_to(persona(who)).filter(pk=task.pk).exists() is sees, who


def test_an_open_event_read_from_the_database_may_be_closed_and_a_closed_one_not(declare, persona):
    from community365.emergency.models import EmergencyEvent

    admin = persona("admin_district")
    event = declare("划船社区").event
    fresh = EmergencyEvent.objects.select_related("region").get(pk=event.pk)  # status as a page reads it
    assert policies.may_close(admin, fresh)
    assert not policies.may_close(persona("worker_huachuan"), fresh)
    services.event_close(actor=admin, event=fresh, summary="已结束。")
    closed = EmergencyEvent.objects.select_related("region").get(pk=event.pk)
    assert not policies.may_close(admin, closed)


def test_a_member_sees_the_events_of_their_emergency_team_until_they_leave(drill, persona, new_account):
    from community365.teams import services as teams
    from community365.teams.models import Team, TeamKind

    # given a volunteer who joins 黄鹂社区's emergency team after the drill was declared: no
    # role anywhere and no households to check, only the membership
    team = Team.objects.get(kind=TeamKind.EMERGENCY, region__name="黄鹂社区")
    volunteer = new_account("emergency_joiner")
    membership = teams.team_add_member(actor=volunteer, team=team, user=volunteer)
    assert policies.events_visible_to(volunteer).filter(pk=drill.pk).exists()
    # when they leave the team, the community's events leave their sight
    teams.team_leave(actor=volunteer, membership=membership)
    assert not policies.events_visible_to(volunteer).filter(pk=drill.pk).exists()


def test_who_may_declare_and_manage_beyond_their_community(drill, persona):
    from community365.core.actors import SystemActor

    # the district and the subdistricts declare; a community's worker and a resident do not
    assert policies.may_declare(persona("admin_district"))
    assert policies.may_declare(persona("staff_baizhang"))
    assert not policies.may_declare(persona("worker_huangli"))
    assert not policies.may_declare(persona("resident_huachuan"))
    # the system manages every board; someone with no place to manage, none
    assert policies.may_manage(SystemActor("tests"), drill)
    assert not policies.may_manage(persona("resident_huachuan"), drill)

"""Edges of the three linkages' visibility rules that mutation testing found untested
(docs/mutation.md): what nobody signed out sees, a team one belongs to outside one's places, and
the records a team leader sees while leading and after leaving."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from community365.teams import policies, services
from community365.teams.models import MemberRole, ServiceRecord, Team, TeamMembership

pytestmark = pytest.mark.django_db


def test_nobody_signed_out_sees_a_shift_a_swap_a_record_or_a_certificate():
    anonymous = AnonymousUser()
    assert not policies.shifts_visible_to(anonymous).exists()
    assert not policies.swaps_visible_to(anonymous).exists()
    assert not policies.records_visible_to(anonymous).exists()
    assert not policies.certificates_visible_to(anonymous).exists()


def test_nobody_signed_out_leads_or_organises(red_team):
    anonymous = AnonymousUser()
    assert not policies.leads_team(anonymous, red_team)
    assert not policies.may_lead(anonymous, red_team)


def _team_out_of_sight(user) -> Team:
    team = Team.objects.exclude(pk__in=policies.teams_visible_to(user).values("pk")).order_by("id").first()
    assert team is not None, "every team is in sight: the test needs one that is not"
    return team


def test_a_team_one_joined_outside_ones_places_is_seen_while_a_member_only(persona):
    resident = persona("resident_huachuan")
    team = _team_out_of_sight(resident)
    membership = services.team_add_member(actor=resident, team=team, user=resident)
    assert policies.teams_visible_to(resident).filter(pk=team.pk).exists()
    services.team_leave(actor=resident, membership=membership)
    assert not policies.teams_visible_to(resident).filter(pk=team.pk).exists()


def test_a_team_leader_sees_the_records_of_activities_others_organised_until_leaving(
    persona, system, make_activity
):
    # given a resident (who sees no one's records by role) appointed leader of a team, and an
    # activity of that team organised by someone else, where another volunteer served
    leader = persona("resident_huachuan")
    team = Team.objects.get(region__name="划船社区", colour="orange")
    activity = make_activity(team, start=timezone.now() - datetime.timedelta(days=2))
    assert activity.organiser_id != leader.pk
    volunteer = persona("volunteer_demo")
    services.record_sheet(actor=system, activity=activity, entries=[(volunteer, 2)])
    record = ServiceRecord.objects.get(activity=activity, volunteer=volunteer)
    assert not policies.records_visible_to(leader).filter(pk=record.pk).exists()

    membership = services.team_add_member(actor=system, team=team, user=leader, role=MemberRole.LEADER)
    # then, while leading, the leader sees the record
    assert policies.records_visible_to(leader).filter(pk=record.pk).exists()
    # and after leaving the team no longer does
    services.team_leave(actor=leader, membership=membership)
    assert TeamMembership.objects.get(pk=membership.pk).left_at is not None
    assert not policies.records_visible_to(leader).filter(pk=record.pk).exists()


def test_a_social_worker_moved_off_the_rota_still_sees_their_own_shifts_and_no_others(persona, revoke_roles):
    from community365.teams.models import Shift

    worker = persona("worker_huachuan")
    own = set(Shift.objects.filter(worker=worker).values_list("pk", flat=True))
    assert own, "the demo rota gives the worker shifts"
    worker = revoke_roles(worker)
    assert set(policies.shifts_visible_to(worker).values_list("pk", flat=True)) == own


def test_a_swap_is_seen_by_who_asked_who_takes_and_the_secretary_not_by_other_workers(persona, region):
    from community365.teams import selectors
    from community365.teams.models import Shift

    worker = persona("worker_huachuan")
    roster = region("划船社区").duty_roster
    shift = Shift.objects.filter(roster=roster, worker=worker, date__gt=timezone.localdate()).first()
    colleagues = list(selectors.community_workers(roster.region).exclude(pk=worker.pk)[:2])
    assert len(colleagues) == 2, "the test needs two colleagues of the worker"
    taker, bystander = colleagues
    swap = services.swap_request(actor=worker, shift=shift, taker=taker, reason="家里有事")
    for who in (worker, taker, persona("secretary_huachuan")):
        assert policies.swaps_visible_to(who).filter(pk=swap.pk).exists(), who
    for who in (bystander, persona("worker_huangli"), persona("resident_huachuan")):
        assert not policies.swaps_visible_to(who).filter(pk=swap.pk).exists(), who


def test_a_resident_sees_the_teams_of_their_subdistrict_and_not_of_another(persona):
    # 百丈街道 holds 划船社区: its 老娘舅 and lawyers' teams serve the community's residents
    resident = persona("resident_huachuan")
    visible = policies.teams_visible_to(resident)
    assert visible.filter(region__name="百丈街道").exists()
    assert not visible.filter(region__name="东胜街道").exists()


def test_my_shifts_opens_for_a_worker_with_no_shift_yet_and_for_one_moved_off_the_rota(
    persona, client_for, region, new_account, revoke_roles
):
    from community365.teams.models import Shift

    # a social worker just appointed, with no shift yet
    newcomer = new_account("worker_new", role="social_worker", place=region("划船社区"))
    assert not Shift.objects.filter(worker=newcomer).exists()
    assert policies.may_open_my_shifts(newcomer)
    # a worker moved off the rota keeps the page of the shifts they worked
    assert policies.may_open_my_shifts(revoke_roles(persona("worker_huachuan")))
    assert client_for("worker_huachuan").get("/teams/my-shifts/").status_code == 200
    # and a resident, never on a rota, does not have it
    assert not policies.may_open_my_shifts(persona("resident_huachuan"))


def test_the_organiser_of_an_activity_organises_it_by_equal_ids(
    persona, red_team, make_activity, new_account
):
    organiser = new_account("organiser_new")
    assert organiser.pk > 256  # past the small integers Python keeps once, where `is` equals `==`
    made = make_activity(red_team, organiser=organiser)
    # read back as a page reads it: the organiser's id is then another int object than the user's
    activity = type(made).objects.select_related("region", "team").get(pk=made.pk)
    assert policies.may_organise(organiser, activity)
    assert not policies.may_organise(persona("resident_huachuan"), activity)


def test_a_team_leader_sees_the_records_of_an_activity_they_organised_for_their_team(
    persona, system, red_team, make_activity
):
    # both the team's leader and the activity's organiser: the record stays in sight
    from community365.people.models import User

    leader = persona("volunteer_demo")
    assert policies.leads_team(leader, red_team)
    activity = make_activity(red_team, start=timezone.now() - datetime.timedelta(days=2))
    assert activity.organiser_id == leader.pk
    other = User.objects.get(username="volunteer_001")
    services.record_sheet(actor=system, activity=activity, entries=[(other, 2)])
    record = ServiceRecord.objects.get(activity=activity, volunteer=other)
    assert policies.records_visible_to(leader).filter(pk=record.pk).exists()

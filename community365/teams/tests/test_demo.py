"""The demo district's three linkages, as the brief and the article describe them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from community365.teams.models import (
    Activity,
    Colour,
    MemberRole,
    PartyMember,
    ReportingStatus,
    Team,
    TeamMembership,
)

pytestmark = pytest.mark.django_db


def test_seven_colour_teams_of_huachuan_with_a_year_of_activities(region):
    teams = Team.objects.filter(region=region("划船社区"), kind="colour")
    assert sorted(teams.values_list("colour", flat=True)) == sorted(Colour.values)
    for team in teams:
        assert Activity.objects.filter(team=team, starts_at__lt=team.created_at).count() >= 12
        assert team.activities.filter(records__status="verified").exists()


def test_thirty_volunteer_logins_in_the_red_team_led_by_volunteer_demo(red_team, demo_password):
    members = TeamMembership.objects.filter(team=red_team, left_at__isnull=True)
    names = set(members.filter(role=MemberRole.MEMBER).values_list("user__username", flat=True))
    assert {f"volunteer_{n:03d}" for n in range(1, 31)} <= names
    assert list(members.filter(role=MemberRole.LEADER).values_list("user__username", flat=True)) == [
        "volunteer_demo"
    ]
    assert get_user_model().objects.get(username="volunteer_030").check_password(demo_password)


def test_party_members_reported_and_some_waiting(region):
    huachuan = PartyMember.objects.filter(region=region("划船社区"))
    assert huachuan.filter(status=ReportingStatus.CONFIRMED).count() >= 10
    # the model confirms its members as they report: only the latest waits for the secretary
    assert huachuan.filter(status=ReportingStatus.REGISTERED).count() == 1
    assert PartyMember.objects.get(user__username="member_demo").in_service

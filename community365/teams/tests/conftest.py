from __future__ import annotations

import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def system():
    from community365.demo.generator import SYSTEM

    return SYSTEM


@pytest.fixture
def red_team(db):
    from community365.teams.models import Team

    return Team.objects.get(region__name="划船社区", colour="red")


@pytest.fixture
def make_activity(db, system, persona):
    """make_activity(team, capacity=10, start=…, hours=2) → an activity organised by the team leader
    (or by ``organiser=``)."""
    from community365.teams import services
    from community365.teams.models import MemberRole, TeamMembership

    def make(
        team, *, capacity=10, start=None, hours=2, allow_waitlist=True, title="测试活动", organiser=None
    ):
        start = start or timezone.now() + datetime.timedelta(days=1)
        leader = TeamMembership.objects.filter(team=team, role=MemberRole.LEADER).first()
        return services.activity_create(
            actor=system,
            team=team,
            title=title,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=hours),
            capacity=capacity,
            allow_waitlist=allow_waitlist,
            organiser=organiser or (leader.user if leader else persona("volunteer_demo")),
            now=start - datetime.timedelta(days=2),
        )

    return make

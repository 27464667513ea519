"""Team membership at its edges: a leader is appointed by the place's team manager (the community
secretary or above), never by another leader; a membership is ended by its holder or the team's
leader, anyone else refused whether their account was made before or after the member's."""

from __future__ import annotations

import pytest

from community365.core.errors import NotAllowed
from community365.teams import services
from community365.teams.models import MemberRole, TeamMembership

pytestmark = pytest.mark.django_db


def _leader_of(team):
    return TeamMembership.objects.filter(team=team, role=MemberRole.LEADER, left_at__isnull=True).first().user


def test_a_leader_is_appointed_by_the_secretary_not_by_another_leader(red_team, persona, new_account):
    leader, candidate = _leader_of(red_team), new_account("volunteer_new")
    with pytest.raises(NotAllowed):
        services.team_add_member(actor=leader, team=red_team, user=candidate, role=MemberRole.LEADER)
    assert not TeamMembership.objects.filter(team=red_team, user=candidate).exists()
    # a leader may add a plain member, and the secretary may appoint the leader
    services.team_add_member(actor=leader, team=red_team, user=new_account("volunteer_plain"))
    made = services.team_add_member(
        actor=persona("secretary_huachuan"), team=red_team, user=candidate, role=MemberRole.LEADER
    )
    assert made.role == MemberRole.LEADER


def test_a_membership_is_ended_by_its_holder_or_the_leader_only(red_team, persona, new_account):
    member = new_account("volunteer_mid")
    membership = services.team_add_member(actor=member, team=red_team, user=member)
    # another account made before the member's, and one made after, are refused alike
    for other in (persona("resident_huachuan"), new_account("volunteer_late")):
        with pytest.raises(NotAllowed):
            services.team_leave(actor=other, membership=membership)
    assert TeamMembership.objects.get(pk=membership.pk).left_at is None
    services.team_leave(actor=_leader_of(red_team), membership=membership)
    assert TeamMembership.objects.get(pk=membership.pk).left_at is not None


def test_a_volunteer_joins_a_team_naming_the_role_as_the_pages_send_it(red_team, new_account):
    volunteer = new_account("volunteer_joins")
    made = services.team_add_member(actor=volunteer, team=red_team, user=volunteer, role="member")
    assert made.user_id == volunteer.pk and made.role == MemberRole.MEMBER

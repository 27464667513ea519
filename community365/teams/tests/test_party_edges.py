"""Party members reporting to their community (双报到) at the rules' edges: an in-service member
names a unit unless they say they are not in service; posts are chosen by the member or the
community, from the member's own district; the member hears whether the community confirmed or
declined, and a decision is taken once; the party organisation is named in up to 120 characters
and a unit's note in up to 200; every refusal is kept in the audit."""

from __future__ import annotations

import pytest

from community365.audit.models import AuditEvent, AuditResult
from community365.core.actors import SystemActor
from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed
from community365.core.roles import Role
from community365.notifications.models import Notification
from community365.people.models import User
from community365.regions import services as regions
from community365.teams import services
from community365.teams.models import PartyMember, ServiceKind, UnitReport

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("tests")


@pytest.fixture
def newcomer(new_account, region):
    """A party member of 划船社区 who has not reported yet (an id past the demo's)."""
    return new_account("member_new", role=Role.PARTY_MEMBER, place=region("划船社区"))


def _register(user, region, *, actor=None, **extra) -> PartyMember:
    """``user`` reports to 划船社区 (by themselves unless an ``actor`` acts for them)."""
    fields = {"party_organisation": "第一支部", **extra}
    return services.party_member_register(
        actor=actor or user, user=user, community=region("划船社区"), **fields
    )


def test_a_member_in_service_names_a_unit_unless_they_say_they_are_not(newcomer, region):
    with pytest.raises(InvalidInput) as refused:
        _register(newcomer, region)  # in service unless said otherwise
    assert refused.value.field == "unit"
    assert not PartyMember.objects.filter(user=newcomer).exists()
    again = User.objects.get(pk=newcomer.pk)  # the account read afresh, as a request reads it
    member = _register(again, region, actor=newcomer, in_service=False)
    assert PartyMember.objects.get(pk=member.pk).in_service is False


def test_a_members_posts_are_chosen_by_the_member_or_their_community_only(
    newcomer, new_account, persona, region
):
    member = PartyMember.objects.get(pk=_register(newcomer, region, in_service=False).pk)  # read afresh
    post = ServiceKind.objects.filter(district_id=member.district_id).order_by("pk").first()
    services.party_member_set_posts(actor=newcomer, member=member, posts=[post])
    services.party_member_set_posts(actor=SYSTEM, member=member, posts=[])
    # another resident, numbered before the member or after, may not
    after = new_account("zz_after")
    before = persona("resident_001")
    assert before.pk < newcomer.pk < after.pk
    for outsider in (before, after):
        with pytest.raises(NotAllowed):
            services.party_member_set_posts(actor=outsider, member=member, posts=[post])
    assert not PartyMember.objects.get(pk=member.pk).posts.exists()
    refused = AuditEvent.objects.filter(action="teams.party_member:set_posts", result=AuditResult.REFUSED)
    assert set(refused.values_list("actor_id", flat=True)) == {before.pk, after.pk}


def test_a_member_reports_for_themselves_or_through_their_community_only(
    newcomer, new_account, persona, region
):
    before = persona("resident_001")
    after = new_account("zz_after")
    assert before.pk < newcomer.pk < after.pk
    for other in (before, after):
        with pytest.raises(NotAllowed):
            _register(newcomer, region, actor=other, in_service=False)
    assert not PartyMember.objects.filter(user=newcomer).exists()
    _register(newcomer, region, actor=persona("secretary_huachuan"), in_service=False)
    assert PartyMember.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize("numbered", ["after", "before"])
def test_a_post_of_another_district_is_refused(newcomer, region, other_district, numbered):
    member = _register(newcomer, region, in_service=False)
    other = other_district(numbered)
    foreign = services.service_kind_define(actor=SYSTEM, district=other, code="post", name="外区岗位")
    assert (foreign.district_id > member.district_id) == (numbered == "after")
    own = ServiceKind.objects.filter(district_id=member.district_id).order_by("pk").first()
    with pytest.raises(InvalidInput) as refused:
        services.party_member_set_posts(actor=newcomer, member=member, posts=[own, foreign])
    assert refused.value.field == "posts"
    assert not PartyMember.objects.get(pk=member.pk).posts.exists()


@pytest.mark.parametrize("confirm, code", [(True, "teams.party_confirmed"), (False, "teams.party_declined")])
def test_the_member_hears_whether_their_community_confirmed(
    newcomer, region, persona, confirm, code, django_capture_on_commit_callbacks
):
    member = _register(newcomer, region, in_service=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.party_member_decide(actor=persona("secretary_huachuan"), member=member, confirm=confirm)
    assert list(Notification.objects.filter(recipient=newcomer).values_list("kind", flat=True)) == [code]
    assert PartyMember.objects.get(pk=member.pk).decided_by == persona("secretary_huachuan")


def test_a_report_decided_twice_is_refused_and_the_refusal_kept(newcomer, region, persona):
    secretary = persona("secretary_huachuan")
    member = _register(newcomer, region, in_service=False)
    services.party_member_decide(actor=SYSTEM, member=member, confirm=True)
    assert PartyMember.objects.get(pk=member.pk).decided_by is None  # the system is no one
    unit = regions.organisation_create(
        actor=SYSTEM, region=region("江东区"), name="报到测试单位", kind="unit"
    )
    report = services.unit_report_register(actor=SYSTEM, organisation=unit, community=region("划船社区"))
    services.unit_report_decide(actor=secretary, report=report, confirm=False)
    assert UnitReport.objects.get(pk=report.pk).decided_by == secretary
    by_system = services.unit_report_register(actor=SYSTEM, organisation=unit, community=region("黄鹂社区"))
    assert services.unit_report_decide(actor=SYSTEM, report=by_system, confirm=True).decided_by is None
    with pytest.raises(InvalidTransition):
        services.party_member_decide(actor=secretary, member=member, confirm=False)
    with pytest.raises(InvalidTransition):
        services.unit_report_decide(actor=secretary, report=report, confirm=True)
    refused = AuditEvent.objects.filter(result=AuditResult.REFUSED, actor=secretary)
    assert set(refused.values_list("action", flat=True)) == {
        "teams.party_member:decide",
        "teams.unit_report:decide",
    }


def test_a_party_organisation_is_named_in_up_to_120_characters(newcomer, region):
    with pytest.raises(InvalidInput) as refused:
        _register(newcomer, region, party_organisation="支" * 121, in_service=False)
    assert refused.value.field == "party_organisation"
    refusal = AuditEvent.objects.filter(action="teams.party_member:register").latest("pk")
    assert (refusal.result, refusal.actor_id) == (AuditResult.REFUSED, newcomer.pk)
    member = _register(newcomer, region, party_organisation="支" * 120, in_service=False)
    assert len(member.party_organisation) == 120


def test_a_units_note_is_up_to_two_hundred_characters(region):
    community = region("划船社区")
    unit = regions.organisation_create(
        actor=SYSTEM, region=community.district, name="报到测试单位", kind="unit"
    )
    with pytest.raises(InvalidInput) as refused:
        services.unit_report_register(actor=SYSTEM, organisation=unit, community=community, note="报" * 201)
    assert refused.value.field == "note"
    refusal = AuditEvent.objects.filter(action="teams.unit_report:register").latest("pk")
    assert refusal.result == AuditResult.REFUSED
    report = services.unit_report_register(
        actor=SYSTEM, organisation=unit, community=community, note="报" * 200
    )
    assert len(report.note) == 200

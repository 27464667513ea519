"""A second write of what may exist once is refused by the database's unique constraint, the only
guard of these services (no check reads first): the answer is a Conflict a person understands,
with the field it concerns, and the first record stays the only one."""

from __future__ import annotations

import pytest

from community365.core.errors import Conflict
from community365.teams import services
from community365.teams.models import MemberRole, ServiceKind, Team, TeamMembership

pytestmark = pytest.mark.django_db


def test_a_service_kinds_code_is_used_once_in_a_district(system, region):
    district = region("江东区")
    services.service_kind_define(actor=system, district=district, code="tea-talk", name="茶话服务")
    with pytest.raises(Conflict) as refused:
        services.service_kind_define(actor=system, district=district, code="tea-talk", name="另一个")
    assert refused.value.field == "code"
    assert ServiceKind.objects.filter(district=district, code="tea-talk").count() == 1


def test_a_teams_name_is_used_once_at_a_place(system, region):
    community = region("划船社区")
    services.team_create(actor=system, region=community, name="银发互助队", kind="interest")
    with pytest.raises(Conflict) as refused:
        services.team_create(actor=system, region=community, name="银发互助队", kind="interest")
    assert refused.value.field == "name"
    assert Team.objects.filter(region=community, name="银发互助队").count() == 1
    # the same name at another place is another team
    services.team_create(actor=system, region=region("黄鹂社区"), name="银发互助队", kind="interest")


def test_a_member_joins_a_team_once_while_a_member(system, region, new_account):
    team = services.team_create(actor=system, region=region("划船社区"), name="读报小组", kind="interest")
    volunteer = new_account("reader_one", role="volunteer", place=region("划船社区"))
    first = services.team_add_member(actor=volunteer, team=team, user=volunteer)
    with pytest.raises(Conflict):
        services.team_add_member(actor=volunteer, team=team, user=volunteer)
    with pytest.raises(Conflict):
        services.team_add_member(actor=system, team=team, user=volunteer, role=MemberRole.LEADER)
    assert TeamMembership.objects.filter(team=team, user=volunteer, left_at__isnull=True).count() == 1
    # after leaving, joining again is a new membership
    services.team_leave(actor=volunteer, membership=first)
    services.team_add_member(actor=volunteer, team=team, user=volunteer)
    assert TeamMembership.objects.filter(team=team, user=volunteer).count() == 2


def test_a_social_worker_holds_one_shift_in_a_slot(system, region):
    import datetime

    from community365.teams import selectors
    from community365.teams.models import Shift, ShiftKind, Slot

    community = region("黄鹂社区")
    roster = services.roster_open(actor=system, community=community)
    worker = selectors.community_workers(community).first()
    day = datetime.date(2030, 3, 4)
    services.shift_add(actor=system, roster=roster, date=day, slot=Slot.MORNING, worker=worker)
    with pytest.raises(Conflict) as refused:
        services.shift_add(
            actor=system, roster=roster, date=day, slot=Slot.MORNING, worker=worker, kind=ShiftKind.ON_CALL
        )
    assert refused.value.field == "worker"
    assert Shift.objects.filter(roster=roster, date=day, slot=Slot.MORNING, worker=worker).count() == 1
    # another slot of the same day is another shift
    services.shift_add(actor=system, roster=roster, date=day, slot=Slot.EVENING, worker=worker)


def test_a_volunteers_hours_are_entered_once_per_activity_by_hand_or_on_the_sheet(
    make_activity, red_team, system, persona
):
    import datetime

    from django.utils import timezone

    from community365.teams.models import ServiceRecord

    start = timezone.now() - datetime.timedelta(days=2)
    activity = make_activity(red_team, start=start)
    volunteer, other = persona("volunteer_001"), persona("volunteer_002")
    for who in (volunteer, other):
        services.signup_create(
            actor=system, activity=activity, volunteer=who, now=start - datetime.timedelta(hours=1)
        )
    leader = persona("volunteer_demo")
    services.record_enter(actor=leader, activity=activity, volunteer=volunteer, hours=2)
    with pytest.raises(Conflict):
        services.record_enter(actor=leader, activity=activity, volunteer=volunteer, hours=3)
    # a sheet naming someone already recorded is refused whole: the other is not recorded either
    with pytest.raises(Conflict):
        services.record_sheet(actor=leader, activity=activity, entries=[(other, 2), (volunteer, 2)])
    assert list(ServiceRecord.objects.filter(activity=activity).values_list("volunteer_id", "hours")) == [
        (volunteer.pk, 2)
    ]


def test_a_unit_reports_to_a_community_once(system, region):
    from community365.regions.models import Organisation
    from community365.teams.models import UnitReport

    community = region("华严社区")
    unit = (
        Organisation.objects.filter(district_id=community.district_id)
        .exclude(pk__in=UnitReport.objects.filter(region=community).values("organisation_id"))
        .first()
    )
    assert unit is not None, "the demo has a unit not yet reported to 华严社区"
    services.unit_report_register(actor=system, organisation=unit, community=community, note="在职党员报到")
    with pytest.raises(Conflict):
        services.unit_report_register(actor=system, organisation=unit, community=community)
    assert UnitReport.objects.filter(organisation=unit, region=community).count() == 1
    # the same unit may report to another community too
    services.unit_report_register(actor=system, organisation=unit, community=region("划船社区"))

"""Writes of the three linkages. Every function is a service: keyword-only, ``actor`` first,
one transaction with an audit entry, notifications on commit. Services that build history
for the demo accept ``now`` from the system actor only."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.core.roles import Role
from community365.notifications.services import notify
from community365.people.models import RoleAssignment, User
from community365.regions.models import COMMUNITY_KINDS, Organisation, Region

from . import policies, rules
from .models import (
    Activity,
    ActivityStatus,
    Certificate,
    Colour,
    CorrectionRequest,
    CorrectionStatus,
    DutyRoster,
    HoursStatus,
    MemberRole,
    PartyMember,
    ReportingStatus,
    ServiceKind,
    ServiceRecord,
    Shift,
    ShiftKind,
    ShiftSwap,
    Signup,
    SignupStatus,
    Slot,
    SwapStatus,
    Team,
    TeamKind,
    TeamMembership,
    UnitReport,
)


def _now(actor: Any, now: datetime.datetime | None) -> datetime.datetime:
    """The time of the act: now, or an explicit time when the system writes history."""
    if now is None:
        return timezone.now()
    if not isinstance(actor, SystemActor):
        raise InvalidInput(_("只有系统可以补录过去的时间。"))
    return now


def _district_of(region: Region) -> int:
    return region.district_id or region.pk


def _text(value: str, field: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("此项不能为空。"), field=field)
    if len(value) > max_length:
        raise InvalidInput(_("内容过长（最多 %(n)d 个字）。") % {"n": max_length}, field=field)
    return value


def _holds(user: User, role: str, region: Region) -> bool:
    return RoleAssignment.objects.filter(
        user=user, role=role, region=region, revoked_at__isnull=True
    ).exists()


# === 社工联勤: the duty rota ====================================================================


class CoverageGaps(Conflict):
    """Publishing a rota with unstaffed slots needs a second, deliberate "publish anyway"."""

    code = "coverage_gaps"


@dataclass(frozen=True)
class PatternEntry:
    weekday: int  # 0 = Monday
    slot: str
    kind: str
    worker_id: int


@service("teams.roster:open")
def roster_open(*, actor: Any, community: Region) -> DutyRoster:
    """The community's rota, created on first use."""
    if community.kind not in COMMUNITY_KINDS:
        raise InvalidInput(_("值班表只能建在社区或合作社。"), field="community")
    roster = DutyRoster.objects.filter(region=community).first()
    if roster is not None:
        return roster
    role = permissions.require_at(actor, policies.ROTA_MANAGE.name, community.path)
    roster = DutyRoster.objects.create(region=community, district_id=_district_of(community))
    audit_record(actor=actor, action="teams.roster:open", target=roster, role=role)
    return roster


def _require_rota_manager(actor: Any, roster: DutyRoster) -> str:
    return permissions.require_at(
        actor, policies.ROTA_MANAGE.name, roster.region.path, _("只有本社区书记可以编排值班表。")
    )


def _check_worker(roster: DutyRoster, worker: User) -> None:
    if not _holds(worker, Role.SOCIAL_WORKER, roster.region):
        raise InvalidInput(_("%(name)s 不是本社区的社工。") % {"name": worker}, field="worker")


def _check_slot(slot: str, kind: str) -> None:
    if slot not in Slot.values:
        raise InvalidInput(_("未知的时段。"), field="slot")
    if kind not in ShiftKind.values:
        raise InvalidInput(_("未知的值班方式。"), field="kind")


@service("teams.shift:add")
def shift_add(
    *,
    actor: Any,
    roster: DutyRoster,
    date: datetime.date,
    slot: str,
    worker: User,
    kind: str = ShiftKind.DESK,
    custom_label: str = "",
) -> Shift:
    role = _require_rota_manager(actor, roster)
    _check_slot(slot, kind)
    _check_worker(roster, worker)
    label = _text(custom_label, "custom_label", 30, required=slot == Slot.CUSTOM)
    try:
        with transaction.atomic():
            shift = Shift.objects.create(
                roster=roster,
                region=roster.region,
                district_id=roster.district_id,
                date=date,
                slot=slot,
                kind=kind,
                worker=worker,
                custom_label=label,
            )
    except IntegrityError:
        raise Conflict(_("%(name)s 在这个时段已有班次。") % {"name": worker}, field="worker") from None
    audit_record(
        actor=actor,
        action="teams.shift:add",
        target=shift,
        role=role,
        changes={"date": date, "slot": slot, "kind": kind, "worker": worker.username},
    )
    return shift


@service("teams.shift:remove")
def shift_remove(*, actor: Any, shift: Shift) -> None:
    roster = shift.roster
    role = _require_rota_manager(actor, roster)
    if ShiftSwap.objects.filter(shift=shift, status=SwapStatus.PENDING).exists():
        raise InvalidTransition(_("这个班次有待审批的换班申请，请先处理。"))
    audit_record(
        actor=actor,
        action="teams.shift:remove",
        target=shift,
        role=role,
        changes={"date": shift.date, "slot": shift.slot, "worker": shift.worker_id},
    )
    shift.delete()


def _fill(roster: DutyRoster, start: datetime.date, end: datetime.date, pattern: list[PatternEntry]) -> int:
    """Create the pattern's shifts on every day from start to end; existing ones are kept."""
    by_weekday: dict[int, list[PatternEntry]] = {}
    for entry in pattern:
        by_weekday.setdefault(entry.weekday, []).append(entry)
    rows = []
    day = start
    while day <= end:
        for entry in by_weekday.get(day.weekday(), []):
            rows.append(
                Shift(
                    roster=roster,
                    region_id=roster.region_id,
                    district_id=roster.district_id,
                    date=day,
                    slot=entry.slot,
                    kind=entry.kind,
                    worker_id=entry.worker_id,
                )
            )
        day += datetime.timedelta(days=1)
    before = Shift.objects.filter(roster=roster, date__range=(start, end)).count()
    Shift.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return Shift.objects.filter(roster=roster, date__range=(start, end)).count() - before


@service("teams.roster:fill")
def roster_fill_pattern(
    *,
    actor: Any,
    roster: DutyRoster,
    start: datetime.date,
    end: datetime.date,
    pattern: list[PatternEntry],
) -> int:
    """Fill a period from a weekly pattern (weekday, slot, kind, worker). Returns shifts added."""
    role = _require_rota_manager(actor, roster)
    if end < start:
        raise InvalidInput(_("结束日期不能早于开始日期。"), field="end")
    if (end - start).days > 400:
        raise InvalidInput(_("一次最多排一年。"), field="end")
    workers = {e.worker_id for e in pattern}
    valid = set(
        RoleAssignment.objects.filter(
            user_id__in=workers, role=Role.SOCIAL_WORKER, region=roster.region, revoked_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    if workers - valid:
        raise InvalidInput(_("排班模板中有人不是本社区的社工。"), field="pattern")
    for entry in pattern:
        _check_slot(entry.slot, entry.kind)
        if entry.slot == Slot.CUSTOM or not 0 <= entry.weekday <= 6:
            raise InvalidInput(_("排班模板只能用上午、下午、晚上三个时段。"), field="pattern")
    added = _fill(roster, start, end, pattern)
    audit_record(
        actor=actor,
        action="teams.roster:fill",
        target=roster,
        role=role,
        changes={"start": start, "end": end, "pattern": len(pattern), "added": added},
    )
    return added


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@service("teams.roster:copy_week")
def roster_copy_week(
    *, actor: Any, roster: DutyRoster, source_monday: datetime.date, until: datetime.date
) -> int:
    """Repeat one week's shifts on every following week up to ``until`` (copy forward)."""
    role = _require_rota_manager(actor, roster)
    source_monday = monday_of(source_monday)
    start = source_monday + datetime.timedelta(days=7)
    if until < start:
        raise InvalidInput(_("复制到的日期须在本周之后。"), field="until")
    if (until - start).days > 400:
        raise InvalidInput(_("一次最多排一年。"), field="until")
    pattern = [
        PatternEntry(s.date.weekday(), s.slot, s.kind, s.worker_id)
        for s in Shift.objects.filter(
            roster=roster, date__range=(source_monday, source_monday + datetime.timedelta(days=6))
        ).exclude(slot=Slot.CUSTOM)
    ]
    if not pattern:
        raise InvalidInput(_("这一周还没有班次，无法复制。"), field="source_monday")
    added = _fill(roster, start, until, pattern)
    audit_record(
        actor=actor,
        action="teams.roster:copy_week",
        target=roster,
        role=role,
        changes={"source_monday": source_monday, "until": until, "added": added},
    )
    return added


@service("teams.roster:publish")
def roster_publish(
    *, actor: Any, roster: DutyRoster, through: datetime.date, accept_gaps: bool = False
) -> DutyRoster:
    """Publish the rota up to ``through``. Unstaffed slots are refused unless accepted."""
    from .selectors import coverage_holes

    role = _require_rota_manager(actor, roster)
    # The check covers everything people will see as published: from today to ``through``.
    start = timezone.localdate()
    holes = coverage_holes(roster, start, through) if through >= start else []
    if holes and not accept_gaps:
        raise CoverageGaps(
            _("%(start)s 至 %(end)s 还有 %(n)d 个时段无人值班。确认仍要发布吗？")
            % {"start": start, "end": through, "n": len(holes)}
        )
    roster.published_through = max(through, roster.published_through or through)
    roster.save(update_fields=["published_through"])
    audit_record(
        actor=actor,
        action="teams.roster:publish",
        target=roster,
        role=role,
        changes={"through": through, "gaps_accepted": len(holes)},
    )
    return roster


@service("teams.swap:request")
def swap_request(
    *, actor: Any, shift: Shift, taker: User, other_shift: Shift | None = None, reason: str = ""
) -> ShiftSwap:
    if getattr(actor, "pk", None) != shift.worker_id:
        raise NotAllowed(_("只能为自己的班次申请换班。"))
    if shift.date < timezone.localdate():
        raise InvalidTransition(_("已过去的班次不能换班。"))
    if taker.pk == shift.worker_id:
        raise InvalidInput(_("不能和自己换班。"), field="taker")
    _check_worker(shift.roster, taker)
    if other_shift is not None and (
        other_shift.worker_id != taker.pk or other_shift.roster_id != shift.roster_id
    ):
        raise InvalidInput(_("换回的班次须是对方在本社区的班次。"), field="other_shift")
    if ShiftSwap.objects.filter(shift=shift, status=SwapStatus.PENDING).exists():
        raise Conflict(_("这个班次已有待审批的换班申请。"))
    swap = ShiftSwap.objects.create(
        shift=shift,
        other_shift=other_shift,
        region_id=shift.region_id,
        district_id=shift.district_id,
        requested_by=actor,
        taker=taker,
        reason=_text(reason, "reason", 200, required=False),
    )
    audit_record(actor=actor, action="teams.swap:request", target=swap, role=Role.SOCIAL_WORKER)
    for secretary in RoleAssignment.objects.filter(
        role=Role.COMMUNITY_SECRETARY, region_id=shift.region_id, revoked_at__isnull=True
    ).values_list("user_id", flat=True):
        notify(
            recipient_id=secretary,
            kind="teams.swap",
            title=_("换班申请：%(date)s %(slot)s") % {"date": shift.date, "slot": shift.slot_label},
            url=f"/teams/rota/{shift.region_id}/",
        )
    return swap


@service("teams.swap:decide")
def swap_decide(*, actor: Any, swap: ShiftSwap, approve: bool) -> ShiftSwap:
    role = permissions.require_at(
        actor, policies.ROTA_MANAGE.name, swap.shift.region.path, _("只有本社区书记可以审批换班。")
    )
    now = timezone.now()
    new_status = SwapStatus.APPROVED if approve else SwapStatus.REJECTED
    if not ShiftSwap.objects.filter(pk=swap.pk, status=SwapStatus.PENDING).update(
        status=new_status, decided_by=actor if not isinstance(actor, SystemActor) else None, decided_at=now
    ):
        raise InvalidTransition(_("这条换班申请已处理过。"))
    if approve:
        # The shifts change hands only if nobody changed them since the request.
        moved = Shift.objects.filter(pk=swap.shift_id, worker_id=swap.requested_by_id).update(
            worker_id=swap.taker_id
        )
        if swap.other_shift_id is not None:
            moved &= Shift.objects.filter(pk=swap.other_shift_id, worker_id=swap.taker_id).update(
                worker_id=swap.requested_by_id
            )
        if not moved:
            raise InvalidTransition(_("班次在申请后已被改动，无法换班。"))
    swap.refresh_from_db()
    audit_record(
        actor=actor, action="teams.swap:decide", target=swap, role=role, changes={"status": new_status}
    )
    for user_id in (swap.requested_by_id, swap.taker_id):
        notify(
            recipient_id=user_id,
            kind="teams.swap",
            title=_("换班申请%(result)s") % {"result": swap.get_status_display()},
            url="/teams/my-shifts/",
        )
    return swap


@service("teams.swap:withdraw")
def swap_withdraw(*, actor: Any, swap: ShiftSwap) -> ShiftSwap:
    if getattr(actor, "pk", None) != swap.requested_by_id:
        raise NotAllowed(_("只能撤回自己的申请。"))
    if not ShiftSwap.objects.filter(pk=swap.pk, status=SwapStatus.PENDING).update(
        status=SwapStatus.WITHDRAWN
    ):
        raise InvalidTransition(_("这条换班申请已处理过。"))
    swap.refresh_from_db()
    audit_record(actor=actor, action="teams.swap:withdraw", target=swap)
    return swap


# === 党员联动 ====================================================================================


@service("teams.party_member:register")
def party_member_register(
    *,
    actor: Any,
    user: User,
    community: Region,
    party_organisation: str,
    unit: Organisation | None = None,
    in_service: bool = True,
    posts: Iterable[ServiceKind] = (),
) -> PartyMember:
    """A party member reports to the community where they live (双报到); the community confirms."""
    if community.kind not in COMMUNITY_KINDS:
        raise InvalidInput(_("请选择居住的社区。"), field="community")
    if getattr(actor, "pk", None) != user.pk:
        permissions.require_at(actor, policies.PARTY_CONFIRM.name, community.path)
    if in_service and unit is None:
        raise InvalidInput(_("在职党员请填写工作单位。"), field="unit")
    if PartyMember.objects.filter(user=user).exists():
        raise Conflict(_("已经报到过了。"))
    member = PartyMember.objects.create(
        user=user,
        region=community,
        district_id=_district_of(community),
        party_organisation=_text(party_organisation, "party_organisation", 120),
        unit=unit,
        in_service=in_service,
    )
    member.posts.set(list(posts))
    audit_record(actor=actor, action="teams.party_member:register", target=member)
    return member


@service("teams.party_member:decide")
def party_member_decide(
    *, actor: Any, member: PartyMember, confirm: bool, now: datetime.datetime | None = None
) -> PartyMember:
    role = permissions.require_at(actor, policies.PARTY_CONFIRM.name, member.region.path)
    status = ReportingStatus.CONFIRMED if confirm else ReportingStatus.DECLINED
    if not PartyMember.objects.filter(pk=member.pk, status=ReportingStatus.REGISTERED).update(
        status=status,
        decided_at=_now(actor, now),
        decided_by=None if isinstance(actor, SystemActor) else actor,
    ):
        raise InvalidTransition(_("该党员的报到已处理过。"))
    member.refresh_from_db()
    audit_record(
        actor=actor, action="teams.party_member:decide", target=member, role=role, changes={"status": status}
    )
    notify(
        recipient_id=member.user_id,
        kind="teams.party",
        title=_("报到%(s)s") % {"s": member.get_status_display()},
    )
    return member


@service("teams.party_member:set_posts")
def party_member_set_posts(*, actor: Any, member: PartyMember, posts: Iterable[ServiceKind]) -> PartyMember:
    if getattr(actor, "pk", None) != member.user_id:
        permissions.require_at(actor, policies.PARTY_CONFIRM.name, member.region.path)
    chosen = list(posts)
    if any(p.district_id != member.district_id for p in chosen):
        raise InvalidInput(_("岗位不属于本区。"), field="posts")
    member.posts.set(chosen)
    audit_record(
        actor=actor,
        action="teams.party_member:set_posts",
        target=member,
        changes={"posts": [p.code for p in chosen]},
    )
    return member


@service("teams.unit_report:register")
def unit_report_register(
    *, actor: Any, organisation: Organisation, community: Region, note: str = ""
) -> UnitReport:
    if community.kind not in COMMUNITY_KINDS:
        raise InvalidInput(_("请选择社区。"), field="community")
    role = permissions.require_at(actor, policies.PARTY_VIEW.name, community.path)
    try:
        with transaction.atomic():
            report = UnitReport.objects.create(
                organisation=organisation,
                region=community,
                district_id=_district_of(community),
                note=_text(note, "note", 200, required=False),
            )
    except IntegrityError:
        raise Conflict(_("该单位已向这个社区报到。")) from None
    audit_record(actor=actor, action="teams.unit_report:register", target=report, role=role)
    return report


@service("teams.unit_report:decide")
def unit_report_decide(*, actor: Any, report: UnitReport, confirm: bool) -> UnitReport:
    role = permissions.require_at(actor, policies.PARTY_CONFIRM.name, report.region.path)
    status = ReportingStatus.CONFIRMED if confirm else ReportingStatus.DECLINED
    if not UnitReport.objects.filter(pk=report.pk, status=ReportingStatus.REGISTERED).update(
        status=status, decided_at=timezone.now(), decided_by=None if isinstance(actor, SystemActor) else actor
    ):
        raise InvalidTransition(_("该单位的报到已处理过。"))
    report.refresh_from_db()
    audit_record(
        actor=actor, action="teams.unit_report:decide", target=report, role=role, changes={"status": status}
    )
    return report


# === 志愿联盟: teams ============================================================================


@service("teams.service_kind:define")
def service_kind_define(
    *, actor: Any, district: Region, code: str, name: str, colour: str = "", description: str = ""
) -> ServiceKind:
    role = permissions.require_at(actor, policies.TEAM_MANAGE.name, district.path)
    if district.kind != "district":
        raise InvalidInput(_("服务类别由区定义。"), field="district")
    if colour and colour not in Colour.values:
        raise InvalidInput(_("未知的颜色。"), field="colour")
    try:
        with transaction.atomic():
            kind = ServiceKind.objects.create(
                district=district,
                code=_text(code, "code", 30),
                name=_text(name, "name", 60),
                colour=colour,
                description=_text(description, "description", 200, required=False),
            )
    except IntegrityError:
        raise Conflict(_("编码已被使用。"), field="code") from None
    audit_record(
        actor=actor, action="teams.service_kind:define", target=kind, role=role, district_id=district.pk
    )
    return kind


@service("teams.team:create")
def team_create(
    *,
    actor: Any,
    region: Region,
    name: str,
    kind: str,
    colour: str = "",
    service_kind: ServiceKind | None = None,
    description: str = "",
) -> Team:
    role = permissions.require_at(actor, policies.TEAM_MANAGE.name, region.path)
    if kind not in TeamKind.values:
        raise InvalidInput(_("未知的队伍类型。"), field="kind")
    if (kind == TeamKind.COLOUR) != bool(colour):
        raise InvalidInput(_("七彩服务队须选颜色，其他队伍不选颜色。"), field="colour")
    if colour and colour not in Colour.values:
        raise InvalidInput(_("未知的颜色。"), field="colour")
    if region.kind not in ("subdistrict", "community", "cooperative", "district"):
        raise InvalidInput(_("队伍须设在区、街道或社区。"), field="region")
    try:
        with transaction.atomic():
            team = Team.objects.create(
                region=region,
                district_id=_district_of(region),
                name=_text(name, "name", 80),
                kind=kind,
                colour=colour,
                service_kind=service_kind,
                description=_text(description, "description", 300, required=False),
            )
    except IntegrityError:
        raise Conflict(_("这里已有同名的队伍。"), field="name") from None
    audit_record(actor=actor, action="teams.team:create", target=team, role=role)
    return team


@service("teams.team:add_member")
def team_add_member(*, actor: Any, team: Team, user: User, role: str = MemberRole.MEMBER) -> TeamMembership:
    """Leaders add members; appointing a leader needs the place's team manager. A volunteer may
    join a team themself."""
    if role not in MemberRole.values:
        raise InvalidInput(_("未知的职务。"), field="role")
    joining_self = getattr(actor, "pk", None) == user.pk and role == MemberRole.MEMBER
    if role == MemberRole.LEADER:
        permissions.require_at(
            actor, policies.TEAM_MANAGE.name, team.region.path, _("只有社区书记或上级可以任命队长。")
        )
    elif not joining_self and not policies.may_lead(actor, team):
        raise NotAllowed(_("只有队长可以添加队员。"))
    try:
        with transaction.atomic():
            membership = TeamMembership.objects.create(
                team=team, user=user, role=role, region_id=team.region_id, district_id=team.district_id
            )
    except IntegrityError:
        raise Conflict(_("已经是这支队伍的成员。")) from None
    audit_record(
        actor=actor,
        action="teams.team:add_member",
        target=membership,
        changes={"user": user.username, "role": role},
    )
    return membership


@service("teams.team:leave")
def team_leave(*, actor: Any, membership: TeamMembership) -> TeamMembership:
    if getattr(actor, "pk", None) != membership.user_id and not policies.may_lead(actor, membership.team):
        raise NotAllowed(_("只有本人或队长可以办理退出。"))
    if not TeamMembership.objects.filter(pk=membership.pk, left_at__isnull=True).update(
        left_at=timezone.now()
    ):
        raise InvalidTransition(_("已经退出了。"))
    membership.refresh_from_db()
    audit_record(actor=actor, action="teams.team:leave", target=membership)
    return membership


# === 志愿联盟: activities and sign-up ===========================================================


@service("teams.activity:create")
def activity_create(
    *,
    actor: Any,
    team: Team,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    capacity: int,
    place: str = "",
    needs: str = "",
    service_kind: ServiceKind | None = None,
    allow_waitlist: bool = True,
    organiser: User | None = None,
    now: datetime.datetime | None = None,
) -> Activity:
    if not policies.may_lead(actor, team):
        raise NotAllowed(_("只有队长可以发布这支队伍的活动。"))
    moment = _now(actor, now)
    if ends_at <= starts_at:
        raise InvalidInput(_("结束时间须晚于开始时间。"), field="ends_at")
    if ends_at - starts_at > datetime.timedelta(hours=24):
        raise InvalidInput(_("一次活动最长 24 小时。"), field="ends_at")
    if starts_at < moment - datetime.timedelta(hours=1):
        raise InvalidInput(_("开始时间已经过去。"), field="starts_at")
    if not 1 <= capacity <= 1000:
        raise InvalidInput(_("名额须在 1 到 1000 之间。"), field="capacity")
    if organiser is None:
        if isinstance(actor, SystemActor):
            raise InvalidInput(_("请指定组织者。"), field="organiser")
        organiser = actor
    activity = Activity.objects.create(
        team=team,
        region_id=team.region_id,
        district_id=team.district_id,
        title=_text(title, "title", 100),
        service_kind=service_kind or team.service_kind,
        place=_text(place, "place", 120, required=False),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        allow_waitlist=allow_waitlist,
        needs=_text(needs, "needs", 300, required=False),
        checkin_code=f"{secrets.randbelow(10**6):06d}",
        organiser=organiser,
    )
    audit_record(actor=actor, action="teams.activity:create", target=activity)
    return activity


@service("teams.activity:cancel")
def activity_cancel(*, actor: Any, activity: Activity) -> Activity:
    if not policies.may_organise(actor, activity):
        raise NotAllowed(_("只有组织者可以取消活动。"))
    if not Activity.objects.filter(pk=activity.pk, status=ActivityStatus.OPEN).update(
        status=ActivityStatus.CANCELLED
    ):
        raise InvalidTransition(_("活动已取消。"))
    activity.refresh_from_db()
    audit_record(actor=actor, action="teams.activity:cancel", target=activity)
    for user_id in activity.signups.exclude(status=SignupStatus.CANCELLED).values_list(
        "volunteer_id", flat=True
    ):
        notify(
            recipient_id=user_id, kind="teams.activity", title=_("活动已取消：%(t)s") % {"t": activity.title}
        )
    return activity


@service("teams.activity:served")
def activity_set_served(*, actor: Any, activity: Activity, residents_served: int) -> Activity:
    if not policies.may_organise(actor, activity):
        raise NotAllowed(_("只有组织者可以填写服务人次。"))
    if not 0 <= residents_served <= 100_000:
        raise InvalidInput(_("服务人次不合理。"), field="residents_served")
    activity.residents_served = residents_served
    activity.save(update_fields=["residents_served"])
    audit_record(
        actor=actor,
        action="teams.activity:served",
        target=activity,
        changes={"residents_served": residents_served},
    )
    return activity


@service("teams.signup:create")
def signup_create(
    *, actor: Any, activity: Activity, volunteer: User | None = None, now: datetime.datetime | None = None
) -> Signup:
    """Sign up for an activity. The place is taken by a conditional UPDATE of the counter
    (``signed_up_count < capacity``) inside this transaction, so concurrent sign-ups never
    over-fill it; a unique constraint stops double sign-ups. Full ⇒ the waiting list."""
    volunteer = volunteer or actor
    if volunteer is None or isinstance(volunteer, SystemActor):
        raise InvalidInput(_("请指定志愿者。"), field="volunteer")
    if volunteer.pk != getattr(actor, "pk", None) and not policies.may_organise(actor, activity):
        raise NotAllowed(_("只能为自己报名。"))
    moment = _now(actor, now)
    if activity.status != ActivityStatus.OPEN:
        raise NotAllowed(_("活动已取消，不能报名。"))
    if activity.ends_at <= moment:
        raise NotAllowed(_("活动已结束，不能报名。"))
    existing = Signup.objects.filter(activity=activity, volunteer=volunteer).first()
    if existing is not None and existing.status != SignupStatus.CANCELLED:
        raise Conflict(
            _("您已报名这个活动。") if existing.status == SignupStatus.SIGNED_UP else _("您已在候补名单中。")
        )
    took_place = Activity.objects.filter(pk=activity.pk, signed_up_count__lt=F("capacity")).update(
        signed_up_count=F("signed_up_count") + 1
    )
    if took_place:
        status = SignupStatus.SIGNED_UP
    elif not activity.allow_waitlist:
        raise Conflict(_("名额已满。"), code="full")
    else:
        Activity.objects.filter(pk=activity.pk).update(waitlist_count=F("waitlist_count") + 1)
        status = SignupStatus.WAITLISTED
    if existing is not None:
        if not Signup.objects.filter(pk=existing.pk, status=SignupStatus.CANCELLED).update(
            status=status, queued_at=moment, checked_in_at=None, checked_out_at=None
        ):
            raise Conflict(_("您已报名这个活动。"))
        signup = Signup.objects.get(pk=existing.pk)
    else:
        try:
            with transaction.atomic():
                signup = Signup.objects.create(
                    activity=activity,
                    volunteer=volunteer,
                    status=status,
                    queued_at=moment,
                    region_id=activity.region_id,
                    district_id=activity.district_id,
                )
        except IntegrityError:
            raise Conflict(_("您已报名这个活动。")) from None
    audit_record(actor=actor, action="teams.signup:create", target=signup, changes={"status": status})
    return signup


@service("teams.signup:cancel")
def signup_cancel(*, actor: Any, signup: Signup) -> Signup:
    """Cancel a sign-up; a freed place goes to the first on the waiting list."""
    activity = signup.activity
    if getattr(actor, "pk", None) != signup.volunteer_id and not policies.may_organise(actor, activity):
        raise NotAllowed(_("只能取消自己的报名。"))
    if signup.checked_in_at is not None:
        raise InvalidTransition(_("已签到，不能取消报名。"))
    was = signup.status
    if (
        not Signup.objects.filter(pk=signup.pk, status=was)
        .exclude(status=SignupStatus.CANCELLED)
        .update(status=SignupStatus.CANCELLED)
    ):
        raise InvalidTransition(_("报名已取消。"))
    promoted = None
    if was == SignupStatus.SIGNED_UP:
        promoted = _promote_first_waiting(activity)
        if promoted is None:
            Activity.objects.filter(pk=activity.pk).update(signed_up_count=F("signed_up_count") - 1)
    else:
        Activity.objects.filter(pk=activity.pk).update(waitlist_count=F("waitlist_count") - 1)
    signup.refresh_from_db()
    audit_record(
        actor=actor,
        action="teams.signup:cancel",
        target=signup,
        changes={"was": was, "promoted": promoted.volunteer_id if promoted else None},
    )
    return signup


def _promote_first_waiting(activity: Activity) -> Signup | None:
    """Move the earliest waiting sign-up to the freed place (it keeps the counter unchanged)."""
    for candidate in Signup.objects.filter(activity=activity, status=SignupStatus.WAITLISTED).order_by(
        "queued_at", "id"
    )[:20]:
        if Signup.objects.filter(pk=candidate.pk, status=SignupStatus.WAITLISTED).update(
            status=SignupStatus.SIGNED_UP
        ):
            Activity.objects.filter(pk=activity.pk).update(waitlist_count=F("waitlist_count") - 1)
            notify(
                recipient_id=candidate.volunteer_id,
                kind="teams.activity",
                title=_("候补成功：%(t)s") % {"t": activity.title},
                url=f"/teams/activities/{activity.pk}/",
            )
            return candidate
    return None


def _check_code(activity: Activity, code: str | None) -> None:
    if not code or not secrets.compare_digest(str(code).strip(), activity.checkin_code):
        raise NotAllowed(_("签到码不正确。"))


@service("teams.signup:check_in")
def signup_check_in(
    *, actor: Any, signup: Signup, code: str | None = None, now: datetime.datetime | None = None
) -> Signup:
    """The organiser checks a volunteer in, or the volunteer does with the code shown at the venue."""
    activity = signup.activity
    moment = _now(actor, now)
    by_self = getattr(actor, "pk", None) == signup.volunteer_id and not policies.may_organise(actor, activity)
    if by_self:
        _check_code(activity, code)
        if not activity.starts_at - datetime.timedelta(hours=1) <= moment <= activity.ends_at:
            raise NotAllowed(_("不在活动时间内，不能自助签到。"))
    elif not policies.may_organise(actor, activity):
        raise NotAllowed(_("只有组织者可以为他人签到。"))
    if not Signup.objects.filter(
        pk=signup.pk, status=SignupStatus.SIGNED_UP, checked_in_at__isnull=True
    ).update(checked_in_at=moment):
        raise InvalidTransition(_("未报名成功或已签到。"))
    signup.refresh_from_db()
    audit_record(actor=actor, action="teams.signup:check_in", target=signup)
    return signup


@service("teams.signup:check_out")
def signup_check_out(
    *, actor: Any, signup: Signup, code: str | None = None, now: datetime.datetime | None = None
) -> Signup:
    """Check out; the hours between check-in and check-out become a pending service record."""
    activity = signup.activity
    moment = _now(actor, now)
    by_self = getattr(actor, "pk", None) == signup.volunteer_id and not policies.may_organise(actor, activity)
    if by_self:
        _check_code(activity, code)
    elif not policies.may_organise(actor, activity):
        raise NotAllowed(_("只有组织者可以为他人签退。"))
    if signup.checked_in_at is None:
        raise InvalidTransition(_("还没有签到。"))
    if moment <= signup.checked_in_at:
        raise InvalidInput(_("签退时间须晚于签到时间。"))
    if not Signup.objects.filter(pk=signup.pk, checked_out_at__isnull=True).update(checked_out_at=moment):
        raise InvalidTransition(_("已经签退。"))
    signup.refresh_from_db()
    assert signup.checked_in_at is not None and signup.checked_out_at is not None
    if not ServiceRecord.objects.filter(activity=activity, volunteer_id=signup.volunteer_id).exists():
        ServiceRecord.objects.create(
            activity=activity,
            volunteer_id=signup.volunteer_id,
            region_id=activity.region_id,
            district_id=activity.district_id,
            hours=rules.checked_hours(signup.checked_in_at, signup.checked_out_at),
            entered_by_id=activity.organiser_id,
            entered_at=moment,
            note=_("签到签退自动生成"),
        )
    audit_record(actor=actor, action="teams.signup:check_out", target=signup)
    return signup


# === 志愿联盟: service hours (民政部 2021 办法) ====================================================


def _window_role(actor: Any, activity: Activity, moment: datetime.datetime, note: str) -> str:
    """Organisers act within 10 working days of the activity; after that only a district
    admin, as a correction with a reason."""
    deadline = rules.entry_deadline(timezone.localdate(activity.ends_at))
    in_window = timezone.localdate(moment) <= deadline
    if isinstance(actor, SystemActor):
        return "system"
    if in_window and policies.may_organise(actor, activity):
        return "organiser"
    if permissions.has_perm_at(actor, policies.RECORD_CORRECT.name, activity.region.path):
        if not in_window and not note.strip():
            raise InvalidInput(_("超过期限的更正须写明原因。"), field="note")
        return "correction" if not in_window else "district_admin"
    if policies.may_organise(actor, activity):
        raise NotAllowed(
            _("已超过活动结束后 %(n)d 个工作日（截至 %(d)s），须由区委组织部管理员更正。")
            % {"n": rules.ENTRY_WINDOW_WORKING_DAYS, "d": deadline}
        )
    raise NotAllowed(_("只有活动组织者可以录入或核实服务时长。"))


def _not_own(actor: Any, activity: Activity, volunteer_ids: Iterable[int]) -> None:
    """Nobody verifies their own hours (the system verifies in the organiser's name)."""
    verifier_id = activity.organiser_id if isinstance(actor, SystemActor) else getattr(actor, "pk", None)
    if verifier_id in set(volunteer_ids):
        raise NotAllowed(_("不能核实自己的服务时长，请由队长或社区书记核实。"))


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("时长须为数字。"), field="hours") from None
    if not Decimal(0) < hours <= Decimal(24):
        raise InvalidInput(_("时长须大于 0、不超过 24 小时。"), field="hours")
    return hours


@service("teams.record:enter")
def record_enter(
    *,
    actor: Any,
    activity: Activity,
    volunteer: User,
    hours: Any,
    note: str = "",
    verify: bool = False,
    now: datetime.datetime | None = None,
) -> ServiceRecord:
    """Enter the actual hours of a volunteer who took part; ``verify`` confirms them at once."""
    moment = _now(actor, now)
    as_what = _window_role(actor, activity, moment, note)
    amount = _hours(hours)
    if verify:
        _not_own(actor, activity, [volunteer.pk])
    if not Signup.objects.filter(
        activity=activity, volunteer=volunteer, status=SignupStatus.SIGNED_UP
    ).exists():
        raise InvalidInput(_("该志愿者没有报名成功这个活动。"), field="volunteer")
    user = None if isinstance(actor, SystemActor) else actor
    try:
        with transaction.atomic():
            record = ServiceRecord.objects.create(
                activity=activity,
                volunteer=volunteer,
                region_id=activity.region_id,
                district_id=activity.district_id,
                hours=amount,
                entered_by=user or activity.organiser,
                entered_at=moment,
                note=_text(note, "note", 200, required=False),
                corrected=as_what == "correction",
                status=HoursStatus.VERIFIED if verify else HoursStatus.PENDING,
                verified_by=(user or activity.organiser) if verify else None,
                verified_at=moment if verify else None,
            )
    except IntegrityError:
        raise Conflict(_("这位志愿者在本活动已有服务记录。")) from None
    audit_record(
        actor=actor,
        action="teams.record:enter",
        target=record,
        role=as_what,
        changes={"hours": amount, "verified": verify, "late": as_what == "correction"},
    )
    return record


@service("teams.record:sheet")
def record_sheet(
    *,
    actor: Any,
    activity: Activity,
    entries: list[tuple[User, Any]],
    residents_served: int | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """The organiser's attendance sheet entered after the activity (a paper sign-in sheet):
    each volunteer with the hours served, recorded as signed up, attended and verified.
    Places are taken with the same conditional counter update as a sign-up."""
    moment = _now(actor, now)
    as_what = _window_role(actor, activity, moment, "")
    if moment < activity.ends_at:
        raise InvalidTransition(_("活动结束后才能录入签到表。"))
    volunteers = {v.pk: (v, _hours(h)) for v, h in entries}
    _not_own(actor, activity, volunteers)
    existing = set(
        Signup.objects.filter(activity=activity, volunteer_id__in=volunteers).values_list(
            "volunteer_id", flat=True
        )
    )
    new_ids = [pk for pk in volunteers if pk not in existing]
    if new_ids and not Activity.objects.filter(
        pk=activity.pk, signed_up_count__lte=F("capacity") - len(new_ids)
    ).update(signed_up_count=F("signed_up_count") + len(new_ids)):
        raise Conflict(_("签到人数超过了活动名额。"), code="full")
    verifier = activity.organiser if isinstance(actor, SystemActor) else actor
    Signup.objects.bulk_create(
        [
            Signup(
                activity=activity,
                volunteer_id=pk,
                status=SignupStatus.SIGNED_UP,
                queued_at=activity.starts_at,
                checked_in_at=activity.starts_at,
                checked_out_at=activity.starts_at + datetime.timedelta(hours=float(volunteers[pk][1])),
                region_id=activity.region_id,
                district_id=activity.district_id,
            )
            for pk in new_ids
        ]
    )
    try:
        with transaction.atomic():
            ServiceRecord.objects.bulk_create(
                [
                    ServiceRecord(
                        activity=activity,
                        volunteer_id=pk,
                        hours=hours,
                        status=HoursStatus.VERIFIED,
                        entered_by=verifier,
                        entered_at=moment,
                        verified_by=verifier,
                        verified_at=moment,
                        region_id=activity.region_id,
                        district_id=activity.district_id,
                    )
                    for pk, (_v, hours) in volunteers.items()
                ]
            )
    except IntegrityError:
        raise Conflict(_("签到表中有志愿者在本活动已有服务记录。")) from None
    if residents_served is not None:
        Activity.objects.filter(pk=activity.pk).update(residents_served=residents_served)
    audit_record(
        actor=actor,
        action="teams.record:sheet",
        target=activity,
        role=as_what,
        changes={"volunteers": sorted(volunteers), "residents_served": residents_served},
    )
    return len(volunteers)


@service("teams.record:verify")
def record_verify(
    *, actor: Any, record: ServiceRecord, approve: bool, note: str = "", now: datetime.datetime | None = None
) -> ServiceRecord:
    moment = _now(actor, now)
    as_what = _window_role(actor, record.activity, moment, note)
    _not_own(actor, record.activity, [record.volunteer_id])
    status = HoursStatus.VERIFIED if approve else HoursStatus.REJECTED
    if not approve and not note.strip():
        raise InvalidInput(_("不通过时请写明原因。"), field="note")
    verifier = record.activity.organiser if isinstance(actor, SystemActor) else actor
    if not ServiceRecord.objects.filter(pk=record.pk, status=HoursStatus.PENDING).update(
        status=status,
        verified_by=verifier,
        verified_at=moment,
        note=(note or record.note)[:200],
        corrected=as_what == "correction" or record.corrected,
    ):
        raise InvalidTransition(_("这条记录已经核实过。"))
    record.refresh_from_db()
    audit_record(
        actor=actor, action="teams.record:verify", target=record, role=as_what, changes={"status": status}
    )
    notify(
        recipient_id=record.volunteer_id,
        kind="teams.hours",
        title=_("服务时长%(s)s：%(t)s") % {"s": record.get_status_display(), "t": record.activity.title},
        url="/teams/my-hours/",
    )
    return record


@service("teams.correction:request")
def correction_request(*, actor: Any, record: ServiceRecord, message: str) -> CorrectionRequest:
    if getattr(actor, "pk", None) != record.volunteer_id:
        raise NotAllowed(_("只能为自己的服务记录申请更正。"))
    if record.corrections.filter(status=CorrectionStatus.OPEN).exists():
        raise Conflict(_("已有一条待处理的更正申请。"))
    request = CorrectionRequest.objects.create(
        record=record,
        region_id=record.region_id,
        district_id=record.district_id,
        requested_by=actor,
        message=_text(message, "message", 300),
    )
    audit_record(actor=actor, action="teams.correction:request", target=request)
    notify(
        recipient_id=record.activity.organiser_id,
        kind="teams.hours",
        title=_("服务时长更正申请：%(t)s") % {"t": record.activity.title},
        url=f"/teams/activities/{record.activity_id}/",
    )
    return request


@service("teams.record:correct")
def record_correct(
    *, actor: Any, record: ServiceRecord, hours: Any, note: str, now: datetime.datetime | None = None
) -> ServiceRecord:
    """Change the hours of a record (answering a correction request, or on the organiser's own
    notice); the record counts as verified by the corrector. Audited with before and after."""
    moment = _now(actor, now)
    as_what = _window_role(actor, record.activity, moment, note)
    _not_own(actor, record.activity, [record.volunteer_id])
    amount = _hours(hours)
    before = (str(record.hours), record.status)
    record.hours = amount
    record.status = HoursStatus.VERIFIED
    record.verified_by = record.activity.organiser if isinstance(actor, SystemActor) else actor
    record.verified_at = moment
    record.corrected = True
    record.note = _text(note, "note", 200, required=False)
    record.save(update_fields=["hours", "status", "verified_by", "verified_at", "corrected", "note"])
    record.corrections.filter(status=CorrectionStatus.OPEN).update(
        status=CorrectionStatus.RESOLVED, resolved_at=moment, resolved_by=record.verified_by
    )
    audit_record(
        actor=actor,
        action="teams.record:correct",
        target=record,
        role=as_what,
        changes={
            "hours": [before[0], str(amount)],
            "status": [before[1], HoursStatus.VERIFIED],
            "note": note,
        },
    )
    notify(
        recipient_id=record.volunteer_id,
        kind="teams.hours",
        title=_("服务时长已更正"),
        url="/teams/my-hours/",
    )
    return record


@service("teams.correction:decline")
def correction_decline(*, actor: Any, correction: CorrectionRequest, note: str) -> CorrectionRequest:
    if not policies.may_organise(actor, correction.record.activity) and not permissions.has_perm_at(
        actor, policies.RECORD_CORRECT.name, correction.region.path
    ):
        raise NotAllowed(_("只有组织者或区委组织部管理员可以处理更正申请。"))
    if not CorrectionRequest.objects.filter(pk=correction.pk, status=CorrectionStatus.OPEN).update(
        status=CorrectionStatus.DECLINED,
        resolved_at=timezone.now(),
        resolved_by=None if isinstance(actor, SystemActor) else actor,
    ):
        raise InvalidTransition(_("这条更正申请已处理过。"))
    correction.refresh_from_db()
    audit_record(actor=actor, action="teams.correction:decline", target=correction, message=note[:300])
    notify(
        recipient_id=correction.requested_by_id,
        kind="teams.hours",
        title=_("更正申请未获同意"),
        body=note[:500],
        url="/teams/my-hours/",
    )
    return correction


@service("teams.certificate:issue")
def certificate_issue(*, actor: Any, volunteer: User, now: datetime.datetime | None = None) -> Certificate:
    """A certificate of the volunteer's verified hours (pending and rejected ones never count)."""
    moment = _now(actor, now)
    if getattr(actor, "pk", None) != volunteer.pk and not permissions.is_global(actor):
        raise NotAllowed(_("证明只能由志愿者本人申请。"))
    verified = ServiceRecord.objects.filter(volunteer=volunteer, status=HoursStatus.VERIFIED)
    totals = verified.aggregate(hours=Sum("hours"))
    hours = totals["hours"] or Decimal(0)
    count = verified.count()
    if not count:
        raise NotAllowed(_("还没有已核实的服务时长，暂不能出具证明。"))
    first = verified.order_by("activity__starts_at").select_related("activity").first()
    last = verified.order_by("-activity__starts_at").select_related("activity", "region").first()
    assert first is not None and last is not None
    serial = f"{timezone.localdate(moment):%Y%m%d}{secrets.token_hex(3).upper()}"
    content = {
        "serial": serial,
        "volunteer": volunteer.pk,
        "name": volunteer.display_name or volunteer.username,
        "hours": str(hours.quantize(Decimal("0.1"))),
        "records": count,
        "from": timezone.localdate(first.activity.starts_at).isoformat(),
        "to": timezone.localdate(last.activity.starts_at).isoformat(),
        "issued": timezone.localdate(moment).isoformat(),
        "stars": rules.star_level(hours),
    }
    certificate = Certificate.objects.create(
        volunteer=volunteer,
        region_id=last.region_id,
        district_id=last.district_id,
        hours=hours,
        record_count=count,
        serial=serial,
        content=content,
        code=rules.certificate_code(serial, content),
        issued_at=moment,
        issued_by=volunteer if isinstance(actor, SystemActor) else actor,
    )
    audit_record(actor=actor, action="teams.certificate:issue", target=certificate, changes={"hours": hours})
    return certificate

"""社工联勤: the duty rota — shifts, pattern fill, copy a week, publish with a coverage check, swaps."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.core.roles import Role
from community365.notifications.services import notify
from community365.people.models import RoleAssignment, User
from community365.regions.models import COMMUNITY_KINDS, Region

from .. import phrases, policies
from ..models import (
    DutyRoster,
    Shift,
    ShiftKind,
    ShiftSwap,
    Slot,
    SwapStatus,
)
from ._common import _district_of, _holds, _text


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
    from ..selectors import coverage_holes

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
            code=phrases.SWAP_REQUESTED,
            params={
                **phrases.shift_params(shift),
                "requester": actor.display_name or actor.username,
                "taker": taker.display_name or taker.username,
            },
            url=f"/teams/rota/{shift.region_id}/",
        )
    return swap


def _refuse_double_booking(swap: ShiftSwap) -> None:
    """Nobody takes a shift in a slot they already work (the unique constraint would refuse it
    too, but as a server error instead of a reason)."""
    moves: list[tuple[Shift, int]] = [(swap.shift, swap.taker_id)]
    if swap.other_shift is not None:
        moves.append((swap.other_shift, swap.requested_by_id))
    leaving = [swap.shift_id, swap.other_shift_id]
    for shift, worker_id in moves:
        if (
            Shift.objects.filter(
                roster_id=shift.roster_id, date=shift.date, slot=shift.slot, worker_id=worker_id
            )
            .exclude(pk__in=[pk for pk in leaving if pk is not None])
            .exists()
        ):
            raise Conflict(_("接班的人在这个时段已经有班，不能换班。"))


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
        _refuse_double_booking(swap)
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
            code=phrases.SWAP_APPROVED if approve else phrases.SWAP_REJECTED,
            params=phrases.shift_params(swap.shift),
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

"""志愿联盟: service hours by the 2021 rules (window, verification, corrections) and certificates."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
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
from community365.notifications.services import notify
from community365.people.models import User

from .. import phrases, policies, rules
from ..models import (
    Activity,
    Certificate,
    CorrectionRequest,
    CorrectionStatus,
    HoursStatus,
    RecordSource,
    ServiceRecord,
    Signup,
    SignupStatus,
)
from ._common import _now, _text


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
                        source=RecordSource.SHEET,
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
        code=phrases.HOURS_VERIFIED if approve else phrases.HOURS_REJECTED,
        params={"title": record.activity.title, "note": note[:200]},
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
        code=phrases.CORRECTION_REQUESTED,
        params={"title": record.activity.title},
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
        code=phrases.HOURS_CORRECTED,
        params={"title": record.activity.title},
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
        code=phrases.CORRECTION_DECLINED,
        params={"title": correction.record.activity.title, "note": note[:300]},
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

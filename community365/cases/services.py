"""Every write about mediation cases and the legal clinic: typed, keyword-only, ``actor``
first, one transaction with an audit entry, notifications on commit.

Races are settled by the database: taking a case from the queue is a conditional UPDATE
(``WHERE status='registered' AND mediator IS NULL``); a clinic slot is held by one live booking
(a partial unique index), so two phones asking for the same slot cannot both get it."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.core.phrases import date_param
from community365.notifications.services import notify
from community365.people.identity import id_hash, normalise_id_number
from community365.people.models import Person, RoleAssignment, User
from community365.regions.models import Department, Region, RegionKind

from . import phrases, policies
from .models import (
    BookingStatus,
    CaseSource,
    CaseStatus,
    ClinicBooking,
    ClinicRota,
    ClinicSession,
    Consultation,
    ConsultationCategory,
    ConsultationReferral,
    DepartmentReferral,
    DisputeKind,
    LegalClinic,
    MediationAgreement,
    MediationCase,
    MediationParty,
    MediationSession,
    Outcome,
    PartySide,
    ReferralTo,
    SessionStatus,
)

TIME_LIMIT_DAYS = 30  # 人民调解: 30 days from acceptance, extendable once
EXTENSION_DAYS = 30
FOLLOW_UP_DAYS = 30
SCAN_TYPES = {".pdf", ".jpg", ".jpeg", ".png"}
SCAN_MAX_BYTES = 5 * 1024 * 1024


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _text(value: str, field: str, max_length: int, *, required: bool = True, min_length: int = 1) -> str:
    text = (value or "").strip()
    if required and len(text) < min_length:
        raise InvalidInput(_("请填写这一项。") if not text else _("内容太短。"), field=field)
    if len(text) > max_length:
        raise InvalidInput(_("不能超过 %(n)s 个字。") % {"n": max_length}, field=field)
    return text


def _acting_user(actor: Any, fallback: User | None) -> User:
    """The person a record names as its author: the actor, or (system actors: the demo, an
    import) the user the record belongs to."""
    user = actor if isinstance(actor, User) else fallback
    if user is None:
        raise InvalidInput(_("请指定经办人。"), field="actor")
    return user


def _secretaries(region: Region) -> list[int]:
    """The community's secretaries (whom the system tells about a case to assign)."""
    return list(
        RoleAssignment.objects.filter(
            region=region, role="community_secretary", revoked_at__isnull=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )


# === mediation ==================================================================================


@dataclass(frozen=True)
class PartyIn:
    """A party as entered: a resident on record (``person``) or an outsider by name. The ID
    number, when given, is checked and reduced to a keyed hash and its last four characters."""

    side: str
    name: str = ""
    person: Person | None = None
    phone: str = ""
    address: str = ""
    id_number: str = ""


def _party(case: MediationCase, party: PartyIn, index: int) -> MediationParty:
    if party.side not in PartySide.values:
        raise InvalidInput(_("请选择当事人身份。"), field=f"parties[{index}].side")
    if party.person is not None:
        if party.person.district_id != case.district_id:
            raise InvalidInput(_("当事人档案不在本区。"), field=f"parties[{index}].person")
        name = party.person.name
        phone = party.phone or party.person.phone
        digest, last4 = party.person.id_hash or "", party.person.id_last4
    else:
        name = _text(party.name, f"parties[{index}].name", 60)
        phone = party.phone
        digest, last4 = "", ""
    if party.id_number:
        number = normalise_id_number(party.id_number)
        digest, last4 = id_hash(number), number[-4:]
    phone = (phone or "").strip()
    if phone and (not phone.isdigit() or not 7 <= len(phone) <= 15):
        raise InvalidInput(_("电话号码格式不正确。"), field=f"parties[{index}].phone")
    return MediationParty(
        case=case,
        district_id=case.district_id,
        side=party.side,
        person=party.person,
        name=name,
        phone=phone,
        address=_text(party.address, f"parties[{index}].address", 120, required=False),
        id_hash=digest,
        id_last4=last4,
    )


@service("cases.mediation:register")
def mediation_register(
    *,
    actor: Any,
    region: Region,
    kind: str,
    source: str,
    summary: str,
    parties: list[PartyIn],
    place: str = "",
    now: datetime.datetime | None = None,
) -> MediationCase:
    """A dispute registered in a community; it waits in the association's queue until the
    secretary assigns it or a mediator takes it."""
    role = permissions.require_at(
        actor, policies.REGISTER.name, region.path, _("只有本社区的书记、社工或调解员可以登记调解案件。")
    )
    if region.kind not in (RegionKind.COMMUNITY, RegionKind.COOPERATIVE):
        raise InvalidInput(_("请选择纠纷所在的社区。"), field="region")
    if kind not in DisputeKind.values:
        raise InvalidInput(_("请选择纠纷类型。"), field="kind")
    if source not in CaseSource.values:
        raise InvalidInput(_("请选择案件来源。"), field="source")
    sides = {p.side for p in parties}
    if PartySide.APPLICANT not in sides or PartySide.RESPONDENT not in sides:
        raise InvalidInput(_("至少要有一位申请人和一位被申请人。"), field="parties")
    if len(parties) > 10:
        raise InvalidInput(_("当事人最多 10 位。"), field="parties")
    moment = _now(now)
    registered_by = actor if isinstance(actor, User) else None
    if registered_by is None:
        raise InvalidInput(_("请指定登记人。"), field="actor")
    case = MediationCase.objects.create(
        district_id=region.district_id or region.pk,
        region=region,
        number=f"new-{uuid.uuid4().hex[:24]}",  # replaced below, once the id is known
        kind=kind,
        source=source,
        place=_text(place, "place", 120, required=False),
        summary=_text(summary, "summary", 1000, min_length=4),
        registered_by=registered_by,
        registered_at=moment,
    )
    # The number is the year and the row's id: unique without a counter to race on.
    case.number = f"{timezone.localtime(moment).year}-{case.pk:05d}"
    MediationCase.objects.filter(pk=case.pk).update(number=case.number)
    MediationParty.objects.bulk_create([_party(case, p, i) for i, p in enumerate(parties)])
    audit_record(
        actor=actor,
        action="cases.mediation:register",
        target=case,
        role=role,
        changes={"kind": kind, "source": source, "parties": len(parties)},
    )
    for secretary in _secretaries(region):
        if secretary != getattr(actor, "pk", None):
            notify(
                recipient_id=secretary,
                code=phrases.MEDIATION_REGISTERED,
                params={"number": case.number},
                url=f"/cases/mediations/{case.pk}/",
            )
    return case


def _require_eligible_mediator(user: User, case: MediationCase, field: str) -> None:
    if not user.is_active or not policies.may_mediate_at(user, case.region.path):
        raise InvalidInput(_("所选人员不是本社区的在册调解员。"), field=field)


@service("cases.mediation:assign")
def mediation_assign(
    *,
    actor: Any,
    case: MediationCase,
    mediator: User,
    co_mediator: User | None = None,
    now: datetime.datetime | None = None,
) -> MediationCase:
    """The secretary gives the case to a mediator (and a second one if wanted)."""
    role = permissions.require_at(
        actor, policies.MANAGE.name, case.region.path, _("只有本社区书记可以分派调解案件。")
    )
    if case.status not in (CaseStatus.REGISTERED, CaseStatus.ACCEPTED):
        raise InvalidTransition(_("案件已有结果，不能再分派。"))
    _require_eligible_mediator(mediator, case, "mediator")
    if co_mediator is not None:
        if co_mediator.pk == mediator.pk:
            raise InvalidInput(_("协助调解员须是另一位调解员。"), field="co_mediator")
        _require_eligible_mediator(co_mediator, case, "co_mediator")
    moment = _now(now)
    updates: dict[str, Any] = {"mediator": mediator, "co_mediator": co_mediator}
    if case.status == CaseStatus.REGISTERED:
        updates |= {
            "status": CaseStatus.ACCEPTED,
            "accepted_at": moment,
            "deadline": timezone.localdate(moment) + datetime.timedelta(days=TIME_LIMIT_DAYS),
        }
    if not MediationCase.objects.filter(pk=case.pk, status=case.status).update(**updates):
        raise Conflict(_("案件刚刚被他人处理，请刷新后再试。"))
    case.refresh_from_db()
    audit_record(
        actor=actor,
        action="cases.mediation:assign",
        target=case,
        role=role,
        changes={"mediator": mediator.pk, "co_mediator": getattr(co_mediator, "pk", None)},
    )
    for user in filter(None, (mediator, co_mediator)):
        notify(
            recipient_id=user.pk,
            code=phrases.MEDIATION_ASSIGNED,
            params={"number": case.number},
            url=f"/cases/mediations/{case.pk}/",
        )
    return case


@service("cases.mediation:take")
def mediation_take(*, actor: Any, case: MediationCase, now: datetime.datetime | None = None) -> MediationCase:
    """A mediator takes a case from the association's queue: the first one wins."""
    if not isinstance(actor, User) or not policies.may_mediate_at(actor, case.region.path):
        raise NotAllowed(_("只有本社区所属协会的调解员可以受理案件。"))
    moment = _now(now)
    taken = MediationCase.objects.filter(
        pk=case.pk, status=CaseStatus.REGISTERED, mediator__isnull=True
    ).update(
        mediator=actor,
        status=CaseStatus.ACCEPTED,
        accepted_at=moment,
        deadline=timezone.localdate(moment) + datetime.timedelta(days=TIME_LIMIT_DAYS),
    )
    if not taken:
        raise Conflict(_("这个案件已经有调解员受理了。"), code="already_taken")
    case.refresh_from_db()
    audit_record(actor=actor, action="cases.mediation:take", target=case, role="mediator")
    for secretary in _secretaries(case.region):
        notify(
            recipient_id=secretary,
            code=phrases.MEDIATION_TAKEN,
            params={"number": case.number},
            url=f"/cases/mediations/{case.pk}/",
        )
    return case


def _require_open(case: MediationCase) -> None:
    if case.status != CaseStatus.ACCEPTED:
        raise InvalidTransition(_("只有调解中的案件可以这样做。"))


@service("cases.mediation:session")
def mediation_record_session(
    *,
    actor: Any,
    case: MediationCase,
    held_at: datetime.datetime,
    attended: str,
    notes: str,
    now: datetime.datetime | None = None,
) -> MediationSession:
    policies.require_mediator(actor, case)
    _require_open(case)
    moment = _now(now)
    if held_at > moment + datetime.timedelta(minutes=5):
        raise InvalidInput(_("调解时间不能晚于现在。"), field="held_at")
    if case.accepted_at and held_at < case.accepted_at - datetime.timedelta(days=1):
        raise InvalidInput(_("调解时间不能早于受理时间。"), field="held_at")
    session = MediationSession.objects.create(
        case=case,
        district_id=case.district_id,
        held_at=held_at,
        attended=_text(attended, "attended", 200),
        notes=_text(notes, "notes", 2000, min_length=2),
        recorded_by=_acting_user(actor, case.mediator),
        recorded_at=moment,
    )
    # The notes stay out of the audit trail: only that a session was recorded.
    audit_record(actor=actor, action="cases.mediation:session", target=case, changes={"session": session.pk})
    return session


@service("cases.mediation:extend")
def mediation_extend(
    *, actor: Any, case: MediationCase, reason: str, now: datetime.datetime | None = None
) -> MediationCase:
    """Extend the time limit once, by 30 days, with the reason recorded."""
    policies.require_mediator(actor, case)
    _require_open(case)
    reason = _text(reason, "reason", 200, min_length=4)
    base = case.deadline or timezone.localdate(_now(now))
    if not MediationCase.objects.filter(
        pk=case.pk, extended_at__isnull=True, status=CaseStatus.ACCEPTED
    ).update(
        extended_at=_now(now),
        extension_reason=reason,
        deadline=base + datetime.timedelta(days=EXTENSION_DAYS),
        overdue_notified_at=None,
    ):
        raise InvalidTransition(_("调解期限只能延长一次。"), code="already_extended")
    case.refresh_from_db()
    audit_record(
        actor=actor, action="cases.mediation:extend", target=case, changes={"deadline": case.deadline}
    )
    return case


@service("cases.mediation:agree")
def mediation_agree(
    *,
    actor: Any,
    case: MediationCase,
    facts: str,
    terms: str,
    performance: str,
    now: datetime.datetime | None = None,
) -> MediationAgreement:
    """The parties reached an agreement: the 协议书 is made from the case (printed, signed on
    paper, the scan attached later); the follow-up visit falls due 30 days on."""
    policies.require_mediator(actor, case)
    moment = _now(now)
    if not MediationCase.objects.filter(pk=case.pk, status=CaseStatus.ACCEPTED).update(
        status=CaseStatus.AGREED,
        outcome=Outcome.AGREED,
        decided_at=moment,
        follow_up_due=timezone.localdate(moment) + datetime.timedelta(days=FOLLOW_UP_DAYS),
    ):
        raise InvalidTransition(_("只有调解中的案件可以达成协议。"))
    agreement = MediationAgreement.objects.create(
        case=case,
        district_id=case.district_id,
        facts=_text(facts, "facts", 2000, min_length=2),
        terms=_text(terms, "terms", 2000, min_length=2),
        performance=_text(performance, "performance", 300, min_length=2),
        made_by=_acting_user(actor, case.mediator),
        made_at=moment,
    )
    case.refresh_from_db()
    audit_record(actor=actor, action="cases.mediation:agree", target=case)
    return agreement


@service("cases.mediation:not_reached")
def mediation_not_reached(
    *,
    actor: Any,
    case: MediationCase,
    referral_to: str,
    note: str = "",
    department_id: int | None = None,
    now: datetime.datetime | None = None,
) -> MediationCase:
    """No agreement: the parties are referred (court, police, a department, legal aid) and the
    case is closed."""
    policies.require_mediator(actor, case)
    if referral_to not in ReferralTo.values:
        raise InvalidInput(_("请选择转往何处。"), field="referral_to")
    department = None
    if referral_to in (ReferralTo.DEPARTMENT, ReferralTo.LEGAL_AID):
        department = _referral_department(case.district_id, referral_to, department_id)
    moment = _now(now)
    if not MediationCase.objects.filter(pk=case.pk, status=CaseStatus.ACCEPTED).update(
        status=CaseStatus.CLOSED,
        outcome=Outcome.NOT_REACHED,
        decided_at=moment,
        closed_at=moment,
        referral_to=referral_to,
        referral_note=_text(note, "note", 300, required=False),
    ):
        raise InvalidTransition(_("只有调解中的案件可以登记调解不成。"))
    case.refresh_from_db()
    if department is not None:
        _create_referral(
            department=department,
            region_id=case.region_id,
            district_id=case.district_id,
            note=case.referral_note,
            moment=moment,
            case=case,
        )
    audit_record(
        actor=actor, action="cases.mediation:not_reached", target=case, changes={"referral_to": referral_to}
    )
    return case


@service("cases.agreement:scan")
def agreement_attach_scan(
    *, actor: Any, case: MediationCase, upload: Any, now: datetime.datetime | None = None
) -> MediationAgreement:
    """The signed paper agreement, scanned (PDF or picture)."""
    policies.require_mediator(actor, case)
    agreement = MediationAgreement.objects.filter(case=case).first()
    if agreement is None:
        raise InvalidTransition(_("本案还没有调解协议书。"))
    name = (getattr(upload, "name", "") or "").lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in SCAN_TYPES:
        raise InvalidInput(_("扫描件须为 PDF、JPG 或 PNG。"), field="scan")
    if getattr(upload, "size", 0) > SCAN_MAX_BYTES:
        raise InvalidInput(_("扫描件不能超过 5MB。"), field="scan")
    head = upload.read(8)
    upload.seek(0)
    if suffix == ".pdf" and not head.startswith(b"%PDF"):
        raise InvalidInput(_("这不是一个 PDF 文件。"), field="scan")
    if suffix != ".pdf":
        from community365.core.uploads import clean_image

        upload = clean_image(upload, field="scan")
    agreement.scan.save(f"agreement-{case.pk}{'.pdf' if suffix == '.pdf' else '.jpg'}", upload, save=False)
    agreement.scan_uploaded_at = _now(now)
    agreement.save(update_fields=["scan", "scan_uploaded_at"])
    audit_record(actor=actor, action="cases.agreement:scan", target=case)
    return agreement


@service("cases.mediation:follow_up")
def mediation_follow_up(
    *, actor: Any, case: MediationCase, kept: bool, note: str, now: datetime.datetime | None = None
) -> MediationCase:
    """The follow-up visit about 30 days after the agreement: was it kept? Closes the case."""
    if not (policies.is_case_mediator(actor, case) or policies.may_manage(actor, case)):
        raise NotAllowed(_("只有本案调解员或社区书记可以登记回访。"))
    moment = _now(now)
    if not MediationCase.objects.filter(pk=case.pk, status=CaseStatus.AGREED).update(
        status=CaseStatus.CLOSED,
        followed_up_at=moment,
        kept=bool(kept),
        follow_up_note=_text(note, "note", 300, min_length=2),
        closed_at=moment,
    ):
        raise InvalidTransition(_("只有已达成协议、待回访的案件可以登记回访。"))
    case.refresh_from_db()
    audit_record(actor=actor, action="cases.mediation:follow_up", target=case, changes={"kept": bool(kept)})
    return case


@service("cases.mediation:sweep")
def mediation_sweep(*, actor: Any, now: datetime.datetime | None = None) -> dict[str, int]:
    """Cases past their time limit and agreements due for their follow-up visit: the mediators
    (and the secretary, for overdue cases) are told once. Each case is claimed for the notice
    by a conditional UPDATE, so two sweeps never tell twice."""
    moment = _now(now)
    today = timezone.localdate(moment)
    overdue = list(
        MediationCase.objects.filter(
            status=CaseStatus.ACCEPTED, deadline__lt=today, overdue_notified_at__isnull=True
        ).values_list("pk", flat=True)[:500]
    )
    told_overdue = 0
    for case in MediationCase.objects.filter(pk__in=overdue).select_related("region"):
        if not MediationCase.objects.filter(pk=case.pk, overdue_notified_at__isnull=True).update(
            overdue_notified_at=moment
        ):
            continue
        told_overdue += 1
        for uid in {case.mediator_id, case.co_mediator_id, *_secretaries(case.region)}:
            if uid is None:
                continue
            notify(
                recipient_id=uid,
                code=phrases.MEDIATION_OVERDUE,
                params={"number": case.number, "deadline": date_param(case.deadline or today)},
                url=f"/cases/mediations/{case.pk}/",
            )
        audit_record(actor=actor, action="cases.mediation:overdue", target=case)
    due = MediationCase.objects.filter(status=CaseStatus.AGREED, follow_up_due=today).values_list(
        "pk", "number", "mediator_id"
    )[:500]
    for pk, number, mediator_id in due:
        notify(
            recipient_id=mediator_id,
            code=phrases.MEDIATION_FOLLOW_UP_DUE,
            params={"number": number},
            url=f"/cases/mediations/{pk}/",
        )
    return {"overdue": told_overdue, "follow_up_due": len(due)}


# === the legal clinic ===========================================================================


@service("cases.clinic:set_up")
def clinic_set_up(
    *,
    actor: Any,
    region: Region,
    team: Any,
    starts: datetime.time,
    ends: datetime.time,
    place: str,
    day_of_month: int = 8,
    slot_minutes: int = 30,
) -> LegalClinic:
    role = policies.require_desk(actor, _RegionHolder(region))
    from community365.teams.models import TeamKind

    if team.kind != TeamKind.LAWYERS or team.district_id != (region.district_id or region.pk):
        raise InvalidInput(_("请选择本区的党员律师服务团。"), field="team")
    if not 1 <= int(day_of_month) <= 28:
        raise InvalidInput(_("坐诊日须在每月 1–28 日之间。"), field="day_of_month")
    if ends <= starts:
        raise InvalidInput(_("结束时间须晚于开始时间。"), field="ends")
    if slot_minutes not in (15, 20, 30, 45, 60):
        raise InvalidInput(_("每个时段须为 15、20、30、45 或 60 分钟。"), field="slot_minutes")
    clinic, created = LegalClinic.objects.update_or_create(
        region=region,
        defaults={
            "district_id": region.district_id or region.pk,
            "team": team,
            "day_of_month": int(day_of_month),
            "starts": starts,
            "ends": ends,
            "slot_minutes": slot_minutes,
            "place": _text(place, "place", 120),
        },
    )
    audit_record(
        actor=actor, action="cases.clinic:set_up", target=clinic, role=role, changes={"created": created}
    )
    return clinic


@dataclass(frozen=True)
class _RegionHolder:
    region: Region


def _lawyer_of_team(user: User, clinic: LegalClinic) -> None:
    from community365.teams.models import TeamMembership

    if not TeamMembership.objects.filter(team_id=clinic.team_id, user=user, left_at__isnull=True).exists():
        raise InvalidInput(_("值班律师须是本工作室所属律师服务团的成员。"), field="lawyer")


@service("cases.clinic:rota")
def clinic_rota_set(*, actor: Any, clinic: LegalClinic, month: datetime.date, lawyer: User) -> ClinicRota:
    """The lawyer on duty for a month; planned sessions of that month take the new lawyer."""
    role = policies.require_desk(actor, clinic)
    _lawyer_of_team(lawyer, clinic)
    first = month.replace(day=1)
    rota, _created = ClinicRota.objects.update_or_create(
        clinic=clinic, month=first, defaults={"lawyer": lawyer, "district_id": clinic.district_id}
    )
    ClinicSession.objects.filter(
        clinic=clinic,
        status=SessionStatus.PLANNED,
        starts_at__gte=_aware(first, datetime.time(0)),
        starts_at__lt=_aware(_next_month(first), datetime.time(0)),
    ).update(lawyer=lawyer)
    audit_record(
        actor=actor,
        action="cases.clinic:rota",
        target=clinic,
        role=role,
        changes={"month": first, "lawyer": lawyer.pk},
    )
    return rota


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _aware(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


@service("cases.clinic:plan")
def clinic_plan_session(*, actor: Any, clinic: LegalClinic, month: datetime.date) -> ClinicSession:
    """The month's session on the clinic's day, with the rota's lawyer; planning it twice gives
    the same session."""
    role = policies.require_desk(actor, clinic)
    day = month.replace(day=clinic.day_of_month)
    starts_at = _aware(day, clinic.starts)
    existing = ClinicSession.objects.filter(
        clinic=clinic,
        starts_at__gte=_aware(month.replace(day=1), datetime.time(0)),
        starts_at__lt=_aware(_next_month(month.replace(day=1)), datetime.time(0)),
    ).first()
    if existing is not None:
        return existing
    rota = ClinicRota.objects.filter(clinic=clinic, month=month.replace(day=1)).first()
    session = ClinicSession.objects.create(
        clinic=clinic,
        district_id=clinic.district_id,
        region_id=clinic.region_id,
        starts_at=starts_at,
        ends_at=_aware(day, clinic.ends),
        place=clinic.place,
        lawyer=rota.lawyer if rota else None,
    )
    audit_record(actor=actor, action="cases.clinic:plan", target=session, role=role)
    return session


def slot_count(session: ClinicSession) -> int:
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    return max(1, minutes // session.clinic.slot_minutes)


def slot_time(session: ClinicSession, slot: int) -> datetime.datetime:
    return session.starts_at + datetime.timedelta(minutes=session.clinic.slot_minutes * slot)


def _when(session: ClinicSession, slot: int | None = None) -> str:
    moment = timezone.localtime(slot_time(session, slot) if slot is not None else session.starts_at)
    return moment.strftime("%Y-%m-%d %H:%M")


def _told_of(booking: ClinicBooking) -> int | None:
    """Who hears of a booking's session (moved, cancelled, reminded): the resident when they have
    an account, else whoever booked for them; None when neither (a walk-in the desk wrote down)."""
    if booking.person is not None and booking.person.user_id:
        return booking.person.user_id
    return booking.booked_by_id


@service("cases.clinic:move")
def clinic_move_session(
    *,
    actor: Any,
    session: ClinicSession,
    starts_at: datetime.datetime,
    reason: str,
    now: datetime.datetime | None = None,
) -> ClinicSession:
    """Move a planned session (same length); everybody booked is told the new time."""
    role = policies.require_desk(actor, session)
    if session.status != SessionStatus.PLANNED:
        raise InvalidTransition(_("只有待坐诊的场次可以改期。"))
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at, timezone.get_current_timezone())
    if starts_at < _now(now):
        raise InvalidInput(_("新的时间已经过去。"), field="starts_at")
    length = session.ends_at - session.starts_at
    ClinicSession.objects.filter(pk=session.pk).update(
        starts_at=starts_at,
        ends_at=starts_at + length,
        moved_at=_now(now),
        move_reason=_text(reason, "reason", 200, min_length=2),
        reminded_at=None,
    )
    session.refresh_from_db()
    audit_record(
        actor=actor, action="cases.clinic:move", target=session, role=role, changes={"starts_at": starts_at}
    )
    for booking in session.bookings.filter(status=BookingStatus.BOOKED).select_related("person"):
        recipient = _told_of(booking)
        if recipient is None:
            continue
        notify(
            recipient_id=recipient,
            code=phrases.CLINIC_SESSION_MOVED,
            params={"when": _when(session, booking.slot), "place": session.place},
            url="/cases/clinic/mine/",
        )
    return session


def _lock_session_status(session: ClinicSession) -> str:
    """The session's status read under a row lock, so a booking and a cancellation of the same
    session are serialised: a booking made first is cancelled with the session, one made after
    finds it cancelled."""
    status = (
        ClinicSession.objects.select_for_update()
        .filter(pk=session.pk)
        .values_list("status", flat=True)
        .first()
    )
    session.status = status or session.status
    return session.status


@service("cases.clinic:cancel_session")
def clinic_cancel_session(
    *,
    actor: Any,
    session: ClinicSession,
    reason: str,
    now: datetime.datetime | None = None,
) -> ClinicSession:
    """Cancel a whole planned session (the secretary or the justice officer), with a reason; every
    live booking is cancelled and everyone booked is told. The conditional UPDATE takes the
    session's row lock first, so a booking racing it is either cancelled with it or refused."""
    role = policies.require_session_canceller(actor, session)
    text = _text(reason, "reason", 200, min_length=2)
    moment = _now(now)
    if not ClinicSession.objects.filter(pk=session.pk, status=SessionStatus.PLANNED).update(
        status=SessionStatus.CANCELLED, cancelled_at=moment, cancel_reason=text, reminded_at=None
    ):
        raise InvalidTransition(_("只有待坐诊的场次可以取消。"))
    session.refresh_from_db()
    booked = list(
        session.bookings.filter(status=BookingStatus.BOOKED).select_related("person").order_by("slot", "id")
    )
    ClinicBooking.objects.filter(pk__in=[b.pk for b in booked]).update(status=BookingStatus.CANCELLED)
    audit_record(
        actor=actor,
        action="cases.clinic:cancel_session",
        target=session,
        role=role,
        changes={"reason": text, "bookings": len(booked)},
    )
    messages = []
    for booking in booked:
        recipient = _told_of(booking)
        if recipient is not None:
            messages.append((recipient, _when(session, booking.slot)))

    def _tell() -> None:
        for recipient_id, when in messages:
            notify(
                recipient_id=recipient_id,
                code=phrases.CLINIC_SESSION_CANCELLED,
                params={"when": when, "reason": text},
                url="/cases/clinic/mine/",
            )

    transaction.on_commit(_tell)
    return session


def _check_bookable(session: ClinicSession, slot: int, now: datetime.datetime) -> None:
    status = _lock_session_status(session)
    if status == SessionStatus.CANCELLED:
        raise InvalidTransition(_("这场坐诊已经取消，不再接受预约。"))
    if status != SessionStatus.PLANNED:
        raise InvalidTransition(_("这场坐诊不接受预约。"))
    if session.ends_at <= now:
        raise InvalidTransition(_("这场坐诊已经结束。"))
    if not 0 <= slot < slot_count(session):
        raise InvalidInput(_("没有这个时段。"), field="slot")


@service("cases.clinic:book")
def clinic_book(
    *,
    actor: Any,
    session: ClinicSession,
    slot: int,
    note: str = "",
    person: Person | None = None,
    now: datetime.datetime | None = None,
) -> ClinicBooking:
    """A resident books a slot for themself, or the desk books one for a resident."""
    moment = _now(now)
    own = getattr(actor, "person", None) if isinstance(actor, User) else None
    if person is None or (own is not None and person.pk == own.pk):
        if own is None:
            raise NotAllowed(_("请由社工为居民预约，或以居民账号登录后预约。"))
        person, role = own, "resident"
        if person.district_id != session.district_id:
            raise NotAllowed(_("只能预约本区的法律工作室。"))
    else:
        role = policies.require_desk(actor, session)
        if person.district_id != session.district_id:
            raise InvalidInput(_("该居民不在本区。"), field="person")
    _check_bookable(session, slot, moment)
    try:
        with transaction.atomic():
            booking = ClinicBooking.objects.create(
                session=session,
                district_id=session.district_id,
                region_id=session.region_id,
                slot=slot,
                person=person,
                name=person.name,
                note=_text(note, "note", 300, required=False),
                booked_by=actor if isinstance(actor, User) else None,
                booked_at=moment,
            )
    except IntegrityError:
        if ClinicBooking.objects.filter(session=session, person=person, status=BookingStatus.BOOKED).exists():
            raise Conflict(_("这场坐诊您已经预约过了。"), code="already_booked") from None
        raise Conflict(_("这个时段刚刚被别人约走了，请换一个。"), code="slot_taken") from None
    audit_record(actor=actor, action="cases.clinic:book", target=booking, role=role, changes={"slot": slot})
    if role != "resident" and person.user_id:
        notify(
            recipient_id=person.user_id,
            code=phrases.CLINIC_BOOKED,
            params={"when": _when(session, slot)},
            url="/cases/clinic/mine/",
        )
    return booking


@service("cases.clinic:walk_in")
def clinic_walk_in(
    *,
    actor: Any,
    session: ClinicSession,
    name: str = "",
    person: Person | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> ClinicBooking:
    """Someone came without booking: added at the desk (takes no slot, attended at once)."""
    if not (policies.may_run_desk(actor, session) or policies.is_session_lawyer(actor, session)):
        raise NotAllowed(_("只有本社区的社工、书记或坐诊律师可以登记现场咨询。"))
    if _lock_session_status(session) == SessionStatus.CANCELLED:
        raise InvalidTransition(_("这场坐诊已经取消。"))
    booking = ClinicBooking.objects.create(
        session=session,
        district_id=session.district_id,
        region_id=session.region_id,
        slot=0,
        walk_in=True,
        person=person,
        name=person.name if person else _text(name, "name", 60),
        note=_text(note, "note", 300, required=False),
        booked_by=actor if isinstance(actor, User) else None,
        booked_at=_now(now),
        status=BookingStatus.ATTENDED,
    )
    audit_record(actor=actor, action="cases.clinic:walk_in", target=booking)
    return booking


@service("cases.clinic:cancel_booking")
def clinic_cancel_booking(*, actor: Any, booking: ClinicBooking) -> ClinicBooking:
    own = booking.person is not None and booking.person.user_id == getattr(actor, "pk", None)
    if not (
        own
        or booking.booked_by_id == getattr(actor, "pk", None)
        or policies.may_run_desk(actor, booking.session)
    ):
        raise NotAllowed(_("只能取消自己的预约。"))
    if not ClinicBooking.objects.filter(pk=booking.pk, status=BookingStatus.BOOKED).update(
        status=BookingStatus.CANCELLED
    ):
        raise InvalidTransition(_("这个预约已经不能取消。"))
    booking.refresh_from_db()
    audit_record(actor=actor, action="cases.clinic:cancel_booking", target=booking)
    return booking


@service("cases.clinic:attendance")
def clinic_mark(*, actor: Any, booking: ClinicBooking, attended: bool) -> ClinicBooking:
    """The lawyer or the desk marks a booked resident as come or not come (no-show)."""
    session = booking.session
    if not (policies.is_session_lawyer(actor, session) or policies.may_run_desk(actor, session)):
        raise NotAllowed(_("只有坐诊律师或本社区社工可以登记到场情况。"))
    status = BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW
    if (
        not ClinicBooking.objects.filter(
            pk=booking.pk, status__in=[BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW]
        )
        .exclude(consultation__isnull=False)
        .update(status=status)
    ):
        raise InvalidTransition(_("这个预约已取消或已有咨询记录。"))
    booking.refresh_from_db()
    audit_record(actor=actor, action="cases.clinic:attendance", target=booking, changes={"status": status})
    return booking


@service("cases.clinic:consult")
def clinic_record_consultation(
    *,
    actor: Any,
    booking: ClinicBooking,
    category: str,
    advice: str,
    referral: str = "",
    referral_note: str = "",
    department_id: int | None = None,
    dispute_kind: str = DisputeKind.OTHER,
    respondent: str = "",
    now: datetime.datetime | None = None,
) -> Consultation:
    """The lawyer's record; a referral to mediation registers the case in the same step (the
    resident as applicant), ready for the secretary to assign."""
    session = booking.session
    policies.require_lawyer(actor, session)
    if category not in ConsultationCategory.values:
        raise InvalidInput(_("请选择咨询类别。"), field="category")
    if referral not in ConsultationReferral.values:
        raise InvalidInput(_("请选择转介去向。"), field="referral")
    if booking.status == BookingStatus.CANCELLED:
        raise InvalidTransition(_("这个预约已经取消。"))
    department = None
    if referral in (ConsultationReferral.DEPARTMENT, ConsultationReferral.LEGAL_AID):
        department = _referral_department(booking.district_id, referral, department_id)
    moment = _now(now)
    case = None
    if referral == ConsultationReferral.MEDIATION:
        case = _register_from_clinic(actor, booking, dispute_kind, respondent, advice, moment)
    try:
        with transaction.atomic():
            consultation = Consultation.objects.create(
                booking=booking,
                district_id=booking.district_id,
                region_id=booking.region_id,
                lawyer=_acting_user(actor, session.lawyer),
                category=category,
                advice=_text(advice, "advice", 1000, min_length=2),
                referral=referral,
                referral_note=_text(referral_note, "referral_note", 200, required=False),
                mediation_case=case,
                recorded_at=moment,
            )
    except IntegrityError:
        raise Conflict(_("这次咨询已有记录。")) from None
    if department is not None:
        _create_referral(
            department=department,
            region_id=booking.region_id,
            district_id=booking.district_id,
            note=consultation.referral_note,
            moment=moment,
            consultation=consultation,
        )
    ClinicBooking.objects.filter(pk=booking.pk).update(status=BookingStatus.ATTENDED)
    audit_record(
        actor=actor,
        action="cases.clinic:consult",
        target=booking,
        changes={"category": category, "referral": referral, "case": getattr(case, "pk", None)},
    )
    return consultation


def _register_from_clinic(
    actor: Any, booking: ClinicBooking, kind: str, respondent: str, advice: str, moment: datetime.datetime
) -> MediationCase:
    """A mediation case registered by the lawyer's referral (the lawyer holds no register
    permission of their own: the referral is the clinic's step, audited as such)."""
    if kind not in DisputeKind.values:
        raise InvalidInput(_("请选择纠纷类型。"), field="dispute_kind")
    region = booking.person.community if booking.person else booking.session.region
    case = MediationCase.objects.create(
        district_id=booking.district_id,
        region=region,
        number=f"new-{uuid.uuid4().hex[:24]}",
        kind=kind,
        source=CaseSource.CLINIC,
        summary=_text(advice, "advice", 1000, min_length=2),
        registered_by=actor,
        registered_at=moment,
    )
    case.number = f"{timezone.localtime(moment).year}-{case.pk:05d}"
    MediationCase.objects.filter(pk=case.pk).update(number=case.number)
    parties = [PartyIn(side=PartySide.APPLICANT, person=booking.person, name=booking.name)]
    parties.append(PartyIn(side=PartySide.RESPONDENT, name=_text(respondent, "respondent", 60)))
    MediationParty.objects.bulk_create([_party(case, p, i) for i, p in enumerate(parties)])
    audit_record(
        actor=actor,
        action="cases.mediation:register",
        target=case,
        role="lawyer",
        changes={"source": "clinic"},
    )
    for secretary in _secretaries(region):
        notify(
            recipient_id=secretary,
            code=phrases.CLINIC_REFERRED,
            params={"number": case.number},
            url=f"/cases/mediations/{case.pk}/",
        )
    return case


@service("cases.clinic:close")
def clinic_close_session(
    *, actor: Any, session: ClinicSession, now: datetime.datetime | None = None
) -> ClinicSession:
    """The session was held: bookings nobody came to become no-shows, and the lawyer's hours
    become verified volunteer hours in the alliance (an activity of the lawyers' team with one
    service record, through the teams services)."""
    if not (policies.may_run_desk(actor, session) or policies.is_session_lawyer(actor, session)):
        raise NotAllowed(_("只有本社区社工或坐诊律师可以结束坐诊。"))
    moment = _now(now)
    if moment < session.ends_at:
        raise InvalidTransition(_("坐诊结束后才能登记。"))
    if session.lawyer_id is None:
        raise InvalidInput(_("请先排定坐诊律师。"), field="lawyer")
    if not ClinicSession.objects.filter(pk=session.pk, status=SessionStatus.PLANNED).update(
        status=SessionStatus.HELD
    ):
        raise InvalidTransition(_("这场坐诊已经结束或取消。"))
    no_shows = ClinicBooking.objects.filter(session=session, status=BookingStatus.BOOKED).update(
        status=BookingStatus.NO_SHOW
    )
    activity = _record_lawyer_hours(session)
    ClinicSession.objects.filter(pk=session.pk).update(hours_activity=activity)
    session.refresh_from_db()
    audit_record(actor=actor, action="cases.clinic:close", target=session, changes={"no_shows": no_shows})
    return session


def _record_lawyer_hours(session: ClinicSession) -> Any:
    from community365.teams import services as teams
    from community365.teams.models import MemberRole, TeamMembership

    system = SystemActor("cases_clinic")
    team = session.clinic.team
    # The organiser verifies the hours: the team's leader, else the lawyer's community
    # secretary is not a member, so the district's system verifies in the leader's name.
    leader = (
        TeamMembership.objects.filter(team=team, role=MemberRole.LEADER, left_at__isnull=True)
        .exclude(user_id=session.lawyer_id or 0)
        .values_list("user_id", flat=True)
        .first()
    )
    organiser = (
        User.objects.get(pk=leader)
        if leader
        else User.objects.filter(pk__in=_secretaries(session.region)).first()
    )
    if organiser is None:
        return None
    activity = teams.activity_create(
        actor=system,
        team=team,
        title=f"{session.clinic.region.name}法律工作室坐诊",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        capacity=1,
        place=session.place,
        organiser=organiser,
        now=session.starts_at - datetime.timedelta(days=1),
    )
    lawyer = _acting_user(None, session.lawyer)
    teams.record_sheet(
        actor=system, activity=activity, entries=[(lawyer, session.hours)], now=session.ends_at
    )
    return activity


@service("cases.clinic:remind")
def clinic_send_reminders(*, actor: Any, now: datetime.datetime | None = None) -> int:
    """The day before a session: everybody booked and the lawyer are reminded, once (the
    session is claimed for the reminder by a conditional UPDATE)."""
    moment = _now(now)
    tomorrow = timezone.localdate(moment) + datetime.timedelta(days=1)
    sessions = ClinicSession.objects.filter(
        status=SessionStatus.PLANNED,
        reminded_at__isnull=True,
        starts_at__gte=_aware(tomorrow, datetime.time(0)),
        starts_at__lt=_aware(tomorrow + datetime.timedelta(days=1), datetime.time(0)),
    ).select_related("clinic")
    told = 0
    for session in sessions:
        if not ClinicSession.objects.filter(pk=session.pk, reminded_at__isnull=True).update(
            reminded_at=moment
        ):
            continue
        bookings = session.bookings.filter(status=BookingStatus.BOOKED).select_related("person")
        for booking in bookings:
            recipient = _told_of(booking)
            if recipient is None:
                continue
            notify(
                recipient_id=recipient,
                code=phrases.CLINIC_REMINDER,
                params={"when": _when(session, booking.slot), "place": session.place},
                url="/cases/clinic/mine/",
            )
            told += 1
        if session.lawyer_id:
            notify(
                recipient_id=session.lawyer_id,
                code=phrases.CLINIC_REMINDER,
                params={"when": _when(session), "place": session.place},
                url=f"/cases/clinic/sessions/{session.pk}/",
            )
    return told


# === referrals to a department (the departments' one inbox) =====================================

JUSTICE_DEPARTMENT_CODE = "justice"  # 区司法局: where legal aid is applied for


def _referral_department(district_id: int, kind: str, department_id: int | None) -> Department:
    """The department a referral goes to: legal aid is 区司法局's; a department referral names one
    of the district's departments."""
    if kind == "legal_aid":
        found = Department.objects.filter(district_id=district_id, code=JUSTICE_DEPARTMENT_CODE).first()
        if found is None:
            raise InvalidInput(_("本区还没有登记区司法局，无法转法律援助。"), field="referral")
        return found
    found = (
        Department.objects.filter(district_id=district_id, pk=department_id).first()
        if department_id
        else None
    )
    if found is None:
        raise InvalidInput(_("请选择转往哪个职能部门。"), field="department")
    return found


def _department_liaisons(department: Department) -> list[int]:
    return list(
        RoleAssignment.objects.filter(
            department=department, role="department_liaison", revoked_at__isnull=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def _create_referral(
    *,
    department: Department,
    region_id: int,
    district_id: int,
    note: str,
    moment: datetime.datetime,
    consultation: Consultation | None = None,
    case: MediationCase | None = None,
) -> DepartmentReferral:
    referral = DepartmentReferral.objects.create(
        district_id=district_id,
        region_id=region_id,
        department=department,
        consultation=consultation,
        mediation_case=case,
        note=note,
        created_at=moment,
    )
    recipients = _department_liaisons(department)
    params = {"department": department.name, "source": "clinic" if consultation else "mediation"}

    def _tell() -> None:
        for user_id in recipients:
            notify(recipient_id=user_id, code=phrases.DEPARTMENT_REFERRED, params=params, url="/talks/tasks/")

    transaction.on_commit(_tell)
    return referral


@service("cases.referral:handle")
def referral_handle(
    *, actor: Any, referral: DepartmentReferral, now: datetime.datetime | None = None
) -> DepartmentReferral:
    """The department's liaison marks a referral handled (once; a second mark is refused)."""
    policies.require_referral_handler(actor, referral)
    moment = _now(now)
    if not DepartmentReferral.objects.filter(pk=referral.pk, handled_at__isnull=True).update(
        handled_at=moment, handled_by=_acting_user(actor, None) if isinstance(actor, User) else None
    ):
        raise InvalidTransition(_("这件转介已经处理过了。"))
    referral.refresh_from_db()
    audit_record(actor=actor, action="cases.referral:handle", target=referral)
    return referral

"""/api/v1/teams/…: rota, party members, teams, activities and sign-up, hours, certificates.
Thin: load through the policies (invisible ⇒ 404), call a service or selector, shape the answer."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from community365.core.api import (
    MAX_ID,
    MONTH_PATTERN,
    YEAR_PATTERN,
    ErrorOut,
    Id,
    PageParams,
    paginate,
    words,
)
from community365.core.context import signed_in_user
from community365.core.errors import InvalidInput, NotAllowed, NotFound
from community365.people.models import User

from . import certificates, policies, presenters, selectors, services
from .models import Activity, ServiceKind, ShiftKind, Signup, Slot

router = Router(tags=["teams"])
ERRORS: dict[int, Any] = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- teams ------------------------------------------------------------------------------------


class TeamOut(Schema):
    id: int
    name: str
    kind: str
    colour: str | None
    region_id: int
    region_name: str
    service_kind: str | None


class TeamPage(Schema):
    items: list[TeamOut]
    count: int


def _team(t: Any) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "kind": t.kind,
        "colour": t.colour or None,
        "region_id": t.region_id,
        "region_name": t.region.name,
        "service_kind": t.service_kind.name if t.service_kind_id else None,
    }


class TeamFilter(Schema):
    colour: str = Field("", max_length=10)
    kind: str = Field("", max_length=12)
    region: Id | None = Field(None, ge=1)


@router.get("/teams", response=TeamPage)
def list_teams(request: HttpRequest, filters: Query[TeamFilter], page: Query[PageParams]) -> Any:
    """Teams the user can see: under their places, at the places above them, and their own."""
    qs = policies.teams_visible_to(request.user).select_related("region", "service_kind")
    if filters.colour:
        qs = qs.filter(colour=filters.colour)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.region:
        from community365.regions.policies import get_visible_region

        qs = qs.filter(region__path__startswith=get_visible_region(request.user, filters.region).path)
    items, count = paginate(qs.order_by("region__path", "kind", "colour", "name"), page)
    return {"items": [_team(t) for t in items], "count": count}


@router.get("/teams/{team_id}", response={200: TeamOut, 404: ErrorOut})
def get_team(request: HttpRequest, team_id: Id) -> Any:
    return _team(policies.get_visible_team(request.user, team_id))


# --- activities -------------------------------------------------------------------------------


class ActivityIn(Schema):
    team: Id = Field(..., ge=1)
    title: str = Field(..., max_length=100, pattern=words())
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int = Field(..., ge=1, le=1000)
    place: str = Field("", max_length=120)
    needs: str = Field("", max_length=300)
    service_kind: str = Field("", max_length=30, description="code of a district service kind")
    allow_waitlist: bool = True


class ActivityOut(Schema):
    id: int
    team: int
    team_name: str
    title: str
    place: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    signed_up_count: int
    waitlist_count: int
    allow_waitlist: bool
    needs: str
    status: str
    residents_served: int
    my_status: str | None = None


class ActivityPage(Schema):
    items: list[ActivityOut]
    count: int


def _activity(a: Activity, user: Any, my_status: dict[int, str] | None = None) -> dict[str, Any]:
    if my_status is None:
        my_status = _my_status(user, [a.pk])
    return {
        "id": a.pk,
        "team": a.team_id,
        "team_name": a.team.name,
        "title": a.title,
        "place": a.place,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "capacity": a.capacity,
        "signed_up_count": a.signed_up_count,
        "waitlist_count": a.waitlist_count,
        "allow_waitlist": a.allow_waitlist,
        "needs": a.needs,
        "status": a.status,
        "residents_served": a.residents_served,
        "my_status": my_status.get(a.pk),
    }


def _my_status(user: Any, activity_ids: list[int]) -> dict[int, str]:
    """The user's own sign-up status per activity, in one query for a whole page."""
    return dict(
        Signup.objects.filter(
            activity_id__in=activity_ids, volunteer_id=getattr(user, "pk", None)
        ).values_list("activity_id", "status")
    )


class ActivityFilter(Schema):
    team: Id | None = Field(None, ge=1)
    upcoming: bool = False


@router.get("/activities", response=ActivityPage)
def list_activities(request: HttpRequest, filters: Query[ActivityFilter], page: Query[PageParams]) -> Any:
    qs = policies.activities_visible_to(request.user).select_related("team")
    if filters.team:
        qs = qs.filter(team_id=filters.team)
    if filters.upcoming:
        qs = qs.filter(ends_at__gte=timezone.now()).order_by("starts_at")
    else:
        qs = qs.order_by("-starts_at")
    items, count = paginate(qs, page)
    mine = _my_status(request.user, [a.pk for a in items])
    return {"items": [_activity(a, request.user, mine) for a in items], "count": count}


@router.post("/activities", response={201: ActivityOut, **ERRORS})
def create_activity(request: HttpRequest, payload: ActivityIn) -> Any:
    """A team leader (or the place's secretary) publishes an activity of their team."""
    user = signed_in_user(request)
    team = policies.get_visible_team(user, payload.team)
    kind = None
    if payload.service_kind:
        kind = ServiceKind.objects.filter(district_id=team.district_id, code=payload.service_kind).first()
        if kind is None:
            raise InvalidInput("未知的服务类别。", field="service_kind")
    activity = services.activity_create(
        actor=user,
        team=team,
        title=payload.title,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        capacity=payload.capacity,
        place=payload.place,
        needs=payload.needs,
        service_kind=kind,
        allow_waitlist=payload.allow_waitlist,
    )
    return Status(201, _activity(activity, user))


@router.get("/activities/{activity_id}", response={200: ActivityOut, 404: ErrorOut})
def get_activity(request: HttpRequest, activity_id: Id) -> Any:
    return _activity(policies.get_visible_activity(request.user, activity_id), request.user)


class SignupOut(Schema):
    id: int
    activity: int
    volunteer: str
    status: str
    checked_in_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None


def _signup(s: Signup, viewer: Any, *, need: bool | None = None) -> dict[str, Any]:
    return {
        "id": s.pk,
        "activity": s.activity_id,
        "volunteer": presenters.label_for(viewer, s.volunteer, s.activity, need=need),
        "status": s.status,
        "checked_in_at": s.checked_in_at,
        "checked_out_at": s.checked_out_at,
    }


@router.post("/activities/{activity_id}/signups", response={201: SignupOut, **ERRORS})
def sign_up(request: HttpRequest, activity_id: Id) -> Any:
    """Sign the user up: "signed_up" while places last, then "waitlisted"; 409 if already
    signed up (or full without a waiting list); 422 when the activity is over or cancelled."""
    user = signed_in_user(request)
    activity = policies.get_visible_activity(user, activity_id)
    return Status(201, _signup(services.signup_create(actor=user, activity=activity), user))


@router.delete("/activities/{activity_id}/signups/mine", response={200: SignupOut, **ERRORS})
def cancel_my_signup(request: HttpRequest, activity_id: Id) -> Any:
    """Cancel one's sign-up; a freed place goes to the first on the waiting list."""
    user = signed_in_user(request)
    activity = policies.get_visible_activity(user, activity_id)
    signup = Signup.objects.filter(activity=activity, volunteer=user).first()
    if signup is None:
        raise NotFound("您没有报名这个活动。")
    return _signup(services.signup_cancel(actor=user, signup=signup), user)


@router.get("/activities/{activity_id}/signups", response={200: list[SignupOut], **ERRORS})
def list_signups(request: HttpRequest, activity_id: Id) -> Any:
    """The organiser's sheet: sign-ups in order (names in full for the organiser only)."""
    user = signed_in_user(request)
    activity = policies.get_visible_activity(user, activity_id)
    if not presenters.sees_participants(user, activity):
        from community365.core.errors import NotAllowed

        raise NotAllowed("只有组织者可以查看报名名单。")
    # Whoever reads the sheet sees the names (checked above): one decision, not one per row.
    rows = activity.signups.select_related("volunteer").order_by("status", "queued_at", "id")
    return [_signup(s, user, need=True) for s in rows]


class CodeIn(Schema):
    code: str = Field("", max_length=8, description="the code shown at the venue (self check-in)")


def _signup_of(user: Any, activity_id: int, signup_id: int | None) -> Signup:
    activity = policies.get_visible_activity(user, activity_id)
    qs = Signup.objects.select_related("activity", "activity__region", "activity__team", "volunteer")
    signup = (
        qs.filter(activity=activity, pk=signup_id).first()
        if signup_id
        else qs.filter(activity=activity, volunteer=user).first()
    )
    if signup is None:
        raise NotFound("没有找到该报名。")
    return signup


@router.post("/activities/{activity_id}/signups/{signup_id}/check-in", response={200: SignupOut, **ERRORS})
def check_in(request: HttpRequest, activity_id: Id, signup_id: Id, payload: CodeIn) -> Any:
    user = signed_in_user(request)
    signup = _signup_of(user, activity_id, signup_id)
    return _signup(services.signup_check_in(actor=user, signup=signup, code=payload.code or None), user)


@router.post("/activities/{activity_id}/signups/{signup_id}/check-out", response={200: SignupOut, **ERRORS})
def check_out(request: HttpRequest, activity_id: Id, signup_id: Id, payload: CodeIn) -> Any:
    user = signed_in_user(request)
    signup = _signup_of(user, activity_id, signup_id)
    return _signup(services.signup_check_out(actor=user, signup=signup, code=payload.code or None), user)


@router.post("/activities/{activity_id}/check-in", response={200: SignupOut, **ERRORS})
def self_check_in(request: HttpRequest, activity_id: Id, payload: CodeIn) -> Any:
    """A volunteer checks in with the code shown at the venue; 404 when not signed up."""
    user = signed_in_user(request)
    activity = policies.get_visible_activity(user, activity_id)
    return _signup(services.signup_self_check_in(actor=user, activity=activity, code=payload.code), user)


@router.post("/activities/{activity_id}/check-out", response={200: SignupOut, **ERRORS})
def self_check_out(request: HttpRequest, activity_id: Id, payload: CodeIn) -> Any:
    user = signed_in_user(request)
    activity = policies.get_visible_activity(user, activity_id)
    return _signup(services.signup_self_check_out(actor=user, activity=activity, code=payload.code), user)


# --- service hours ----------------------------------------------------------------------------


class RecordOut(Schema):
    id: int
    activity: int
    activity_title: str
    date: datetime.date
    volunteer: str
    hours: Decimal
    status: str
    source: str = Field(..., description="entered | checkout | sheet")
    verified_by: str | None
    verified_at: datetime.datetime | None
    corrected: bool


class RecordPage(Schema):
    items: list[RecordOut]
    count: int


def _record(r: Any, viewer: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "activity": r.activity_id,
        "activity_title": r.activity.title,
        "date": timezone.localdate(r.activity.starts_at),
        "volunteer": presenters.label_for(viewer, r.volunteer, r.activity),
        "hours": r.hours,
        "status": r.status,
        "source": r.source,
        "verified_by": presenters.person_label(r.verified_by, full=True) if r.verified_by_id else None,
        "verified_at": r.verified_at,
        "corrected": r.corrected,
    }


class RecordFilter(Schema):
    mine: bool = Field(True, description="only the user's own records")
    activity: Id | None = Field(None, ge=1)
    status: str = Field("", max_length=10)


@router.get("/records", response=RecordPage)
def list_records(request: HttpRequest, filters: Query[RecordFilter], page: Query[PageParams]) -> Any:
    user = signed_in_user(request)
    qs = policies.records_visible_to(user).select_related(
        "activity", "activity__region", "activity__team", "volunteer", "verified_by"
    )
    if filters.mine and not filters.activity:
        qs = qs.filter(volunteer=user)
    if filters.activity:
        qs = qs.filter(activity_id=filters.activity)
    if filters.status:
        qs = qs.filter(status=filters.status)
    items, count = paginate(qs.order_by("-activity__starts_at", "id"), page)
    return {"items": [_record(r, user) for r in items], "count": count}


class RecordIn(Schema):
    activity: Id = Field(..., ge=1)
    volunteer: Id = Field(..., ge=1, description="user id of the volunteer")
    hours: float = Field(..., ge=0.1, le=24, description="hours, 0.1–24 (kept to one decimal)")
    note: str = Field("", max_length=200)
    verify: bool = False


@router.post("/records", response={201: RecordOut, **ERRORS})
def enter_record(request: HttpRequest, payload: RecordIn) -> Any:
    """The organiser enters a volunteer's actual hours (within 10 working days of the activity)."""
    user = signed_in_user(request)
    activity = policies.get_visible_activity(user, payload.activity)
    volunteer = get_object_or_404(User, pk=payload.volunteer, signups__activity=activity)
    record = services.record_enter(
        actor=user,
        activity=activity,
        volunteer=volunteer,
        hours=payload.hours,
        note=payload.note,
        verify=payload.verify,
    )
    return Status(201, _record(record, user))


class VerifyIn(Schema):
    approve: bool
    note: str = Field("", max_length=200)


@router.post("/records/{record_id}/verify", response={200: RecordOut, **ERRORS})
def verify_record(request: HttpRequest, record_id: Id, payload: VerifyIn) -> Any:
    user = signed_in_user(request)
    record = policies.get_visible_record(user, record_id)
    return _record(
        services.record_verify(actor=user, record=record, approve=payload.approve, note=payload.note), user
    )


class CorrectIn(Schema):
    hours: float = Field(..., ge=0.1, le=24, description="hours, 0.1–24 (kept to one decimal)")
    note: str = Field(..., max_length=200, pattern=words())


@router.post("/records/{record_id}/correct", response={200: RecordOut, **ERRORS})
def correct_record(request: HttpRequest, record_id: Id, payload: CorrectIn) -> Any:
    """Change a record's hours: the organiser within the window, a district admin after it."""
    user = signed_in_user(request)
    record = policies.get_visible_record(user, record_id)
    return _record(
        services.record_correct(actor=user, record=record, hours=payload.hours, note=payload.note), user
    )


class CorrectionIn(Schema):
    message: str = Field(..., max_length=300, pattern=words())


class CorrectionOut(Schema):
    id: int
    record: int
    status: str
    message: str


@router.post("/records/{record_id}/corrections", response={201: CorrectionOut, **ERRORS})
def ask_correction(request: HttpRequest, record_id: Id, payload: CorrectionIn) -> Any:
    """A volunteer asks for a correction of their own record."""
    user = signed_in_user(request)
    record = policies.get_visible_record(user, record_id)
    c = services.correction_request(actor=user, record=record, message=payload.message)
    return Status(201, {"id": c.pk, "record": record.pk, "status": c.status, "message": c.message})


class HoursOut(Schema):
    verified_hours: Decimal
    pending_hours: Decimal
    stars: int
    next_star_at: int | None


@router.get("/hours/mine", response=HoursOut)
def my_hours(request: HttpRequest) -> Any:
    summary = selectors.hours_of(signed_in_user(request))
    return {
        "verified_hours": summary.verified,
        "pending_hours": summary.pending,
        "stars": summary.stars,
        "next_star_at": summary.next_star,
    }


# --- certificates -----------------------------------------------------------------------------


class CertificateOut(Schema):
    id: int
    code: str
    hours: Decimal
    record_count: int
    issued_at: datetime.datetime
    pdf_url: str


def _certificate(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "code": c.code,
        "hours": c.hours,
        "record_count": c.record_count,
        "issued_at": c.issued_at,
        "pdf_url": f"/teams/certificates/{c.pk}.pdf",
    }


@router.get("/certificates", response=list[CertificateOut])
def list_certificates(request: HttpRequest) -> Any:
    user = signed_in_user(request)
    return [
        _certificate(c)
        for c in policies.certificates_visible_to(user).filter(volunteer=user).order_by("-issued_at")
    ]


@router.post("/certificates", response={201: CertificateOut, **ERRORS})
def issue_certificate(request: HttpRequest) -> Any:
    """A certificate of the user's verified hours, with a code anyone can check."""
    user = signed_in_user(request)
    return Status(201, _certificate(services.certificate_issue(actor=user, volunteer=user)))


@router.get("/certificates/{certificate_id}/pdf", response={200: None, 404: ErrorOut})
def certificate_pdf(request: HttpRequest, certificate_id: Id) -> Any:
    certificate = policies.get_visible_certificate(request.user, certificate_id)
    response = HttpResponse(
        certificates.certificate_pdf(certificate, check_url=certificates.check_url(request, certificate)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.serial}.pdf"'
    return response


class CheckOut(Schema):
    valid: bool
    name: str | None = None
    hours: str | None = None
    records: int | None = None
    issued: str | None = None


@router.get("/certificates/check", auth=None, response=CheckOut)
def check_certificate(request: HttpRequest, code: str = Query(..., max_length=60)) -> Any:  # type: ignore[type-arg]
    """Public: is this a genuine certificate? The code is recomputed from the stored content."""
    return certificates.check(code)


# --- rota ---------------------------------------------------------------------------------------


class ShiftOut(Schema):
    id: int
    date: datetime.date
    slot: str
    slot_label: str
    kind: str
    worker_id: int
    worker: str


def _shift(s: Any) -> dict[str, Any]:
    return {
        "id": s.pk,
        "date": s.date,
        "slot": s.slot,
        "slot_label": s.slot_label,
        "kind": s.kind,
        "worker_id": s.worker_id,
        "worker": s.worker.display_name or s.worker.username,
    }


class PeriodIn(Schema):
    start: datetime.date
    end: datetime.date


def _period(period: PeriodIn) -> tuple[datetime.date, datetime.date]:
    if period.end < period.start or (period.end - period.start).days > 400:
        raise InvalidInput("时间段须在一年以内，且结束不早于开始。", field="end")
    return period.start, period.end


@router.get("/rota/{community_id}/shifts", response={200: list[ShiftOut], 404: ErrorOut, 422: ErrorOut})
def rota_shifts(request: HttpRequest, community_id: Id, period: Query[PeriodIn]) -> Any:
    community = policies.get_visible_roster_place(request.user, community_id)
    start, end = _period(period)
    qs = policies.shifts_visible_to(request.user).filter(region=community, date__range=(start, end))
    return [_shift(s) for s in qs.select_related("worker").order_by("date", "slot", "id")]


def _rota_to_manage(user: Any, community_id: int) -> Any:
    """The community whose rota this user may edit: 404 when invisible, 422 ``not_allowed``
    when visible but not theirs to manage. Checked here as well as in the services, so neither
    check alone stands between a social worker and the rota."""
    community = policies.get_visible_roster_place(user, community_id)
    if not policies.may_manage_rota(user, community):
        raise NotAllowed(_("只有本社区书记可以编排值班表。"))
    return community


class ShiftIn(Schema):
    date: datetime.date
    slot: Slot
    worker: Id = Field(..., ge=1)
    kind: ShiftKind = ShiftKind.DESK
    custom_label: str = Field("", max_length=30, description="required for the custom slot")


@router.post("/rota/{community_id}/shifts", response={201: ShiftOut, **ERRORS})
def rota_add_shift(request: HttpRequest, community_id: Id, payload: ShiftIn) -> Any:
    user = signed_in_user(request)
    community = _rota_to_manage(user, community_id)
    roster = services.roster_open(actor=user, community=community)
    worker = selectors.community_workers(community).filter(pk=payload.worker).first()
    if worker is None:
        raise InvalidInput(_("该社工不在本社区。"), field="worker")
    shift = services.shift_add(
        actor=user,
        roster=roster,
        date=payload.date,
        slot=payload.slot,
        worker=worker,
        kind=payload.kind,
        custom_label=payload.custom_label,
    )
    return Status(201, _shift(shift))


@router.delete("/rota/shifts/{shift_id}", response={204: None, **ERRORS})
def rota_remove_shift(request: HttpRequest, shift_id: Id) -> Any:
    user = signed_in_user(request)
    shift = policies.get_visible_shift(user, shift_id)
    _rota_to_manage(user, shift.region_id)
    services.shift_remove(actor=user, shift=shift)
    return Status(204, None)


class PatternItem(Schema):
    weekday: int = Field(..., ge=0, le=6, description="0 = Monday")
    slot: Literal["morning", "afternoon", "evening"]
    kind: ShiftKind = ShiftKind.DESK
    worker: Id = Field(..., ge=1)


class FillIn(Schema):
    start: datetime.date
    end: datetime.date
    pattern: list[PatternItem] = Field(..., min_length=1, max_length=200)


@router.post("/rota/{community_id}/fill", response={200: dict, **ERRORS})
def rota_fill(request: HttpRequest, community_id: Id, payload: FillIn) -> Any:
    """Fill a period from a weekly pattern; existing shifts are kept. Returns shifts added."""
    user = signed_in_user(request)
    community = _rota_to_manage(user, community_id)
    roster = services.roster_open(actor=user, community=community)
    pattern = [services.PatternEntry(p.weekday, p.slot, p.kind, p.worker) for p in payload.pattern]
    added = services.roster_fill_pattern(
        actor=user, roster=roster, start=payload.start, end=payload.end, pattern=pattern
    )
    return {"added": added}


class CopyWeekIn(Schema):
    week: datetime.date = Field(..., description="any day of the week to copy")
    until: datetime.date


@router.post("/rota/{community_id}/copy-week", response={200: dict, **ERRORS})
def rota_copy_week(request: HttpRequest, community_id: Id, payload: CopyWeekIn) -> Any:
    """Repeat one week's shifts on every following week up to ``until``."""
    user = signed_in_user(request)
    community = _rota_to_manage(user, community_id)
    roster = services.roster_open(actor=user, community=community)
    added = services.roster_copy_week(
        actor=user, roster=roster, source_monday=payload.week, until=payload.until
    )
    return {"added": added}


class HoleOut(Schema):
    date: datetime.date
    slot: str
    slot_label: str


@router.get("/rota/{community_id}/coverage", response={200: list[HoleOut], 404: ErrorOut, 422: ErrorOut})
def rota_coverage(request: HttpRequest, community_id: Id, period: Query[PeriodIn]) -> Any:
    """Every day and required slot of the period that nobody staffs."""
    community = policies.get_visible_roster_place(request.user, community_id)
    start, end = _period(period)
    roster = getattr(community, "duty_roster", None)
    if roster is None:
        return [
            {"date": start + datetime.timedelta(days=i), "slot": s, "slot_label": str(Slot(s).label)}
            for i in range((end - start).days + 1)
            for s in ("morning", "afternoon", "evening")
        ]
    return [
        {"date": h.date, "slot": h.slot, "slot_label": h.slot_label}
        for h in selectors.coverage_holes(roster, start, end)
    ]


class RotaPublishIn(Schema):
    through: datetime.date
    accept_gaps: bool = False


@router.post("/rota/{community_id}/publish", response={200: dict, **ERRORS})
def rota_publish(request: HttpRequest, community_id: Id, payload: RotaPublishIn) -> Any:
    """Publish up to a date; 409 "coverage_gaps" names the count of holes unless accepted."""
    user = signed_in_user(request)
    community = _rota_to_manage(user, community_id)
    roster = services.roster_open(actor=user, community=community)
    roster = services.roster_publish(
        actor=user, roster=roster, through=payload.through, accept_gaps=payload.accept_gaps
    )
    return {"published_through": roster.published_through}


@router.get("/my-shifts", response=list[ShiftOut])
def my_shifts(request: HttpRequest, period: Query[PeriodIn]) -> Any:
    start, end = _period(period)
    return [
        _shift(s) for s in selectors.my_shifts(signed_in_user(request), start, end).select_related("worker")
    ]


class SwapIn(Schema):
    shift: Id = Field(..., ge=1)
    taker: Id = Field(..., ge=1)
    other_shift: Id | None = Field(None, ge=1)
    reason: str = Field("", max_length=200)


class SwapOut(Schema):
    id: int
    shift: int
    taker_id: int
    status: str


@router.post("/swaps", response={201: SwapOut, **ERRORS})
def request_swap(request: HttpRequest, payload: SwapIn) -> Any:
    user = signed_in_user(request)
    shift = policies.get_visible_shift(user, payload.shift)
    taker = selectors.community_workers(shift.region).filter(pk=payload.taker).first()
    if taker is None:
        raise InvalidInput("接班人须是本社区的社工。", field="taker")
    other = policies.get_visible_shift(user, payload.other_shift) if payload.other_shift else None
    swap = services.swap_request(
        actor=user, shift=shift, taker=taker, other_shift=other, reason=payload.reason
    )
    return Status(
        201, {"id": swap.pk, "shift": swap.shift_id, "taker_id": swap.taker_id, "status": swap.status}
    )


class DecideIn(Schema):
    approve: bool


@router.post("/swaps/{swap_id}/decide", response={200: SwapOut, **ERRORS})
def decide_swap(request: HttpRequest, swap_id: Id, payload: DecideIn) -> Any:
    user = signed_in_user(request)
    swap = services.swap_decide(
        actor=user, swap=policies.get_visible_swap(user, swap_id), approve=payload.approve
    )
    return {"id": swap.pk, "shift": swap.shift_id, "taker_id": swap.taker_id, "status": swap.status}


# --- figures ------------------------------------------------------------------------------------


class TeamFiguresOut(Schema):
    region_id: int
    region_name: str
    teams: int
    members: int
    activities: int
    verified_hours: Decimal
    residents_served: int


@router.get("/figures", response={200: list[TeamFiguresOut], 404: ErrorOut, 422: ErrorOut})
def figures(
    request: HttpRequest,
    region: int = Query(..., ge=1, le=MAX_ID),  # type: ignore[type-arg]
    month_from: str = Query(
        "",
        alias="from",
        pattern=MONTH_PATTERN,
        description="first month, YYYY-MM, 2000–2100 (activities' start)",
    ),  # type: ignore[type-arg]
    month_to: str = Query(
        "", alias="to", pattern=MONTH_PATTERN, description="last month, YYYY-MM, 2000–2100"
    ),  # type: ignore[type-arg]
    year: str = Query(
        "", pattern=YEAR_PATTERN, description="a whole year, YYYY, 2000–2100 (instead of from/to)"
    ),  # type: ignore[type-arg]
) -> Any:
    """Figures at a region and each child region, over the teams the user can see (the figures
    page's selector); activities, hours and residents served optionally in a period."""
    from community365.core import permissions
    from community365.core.charts import period_or_error
    from community365.core.errors import NotAllowed
    from community365.regions.policies import get_visible_region

    place = get_visible_region(request.user, region)
    if not permissions.has_perm_at(request.user, policies.FIGURES_VIEW.name, place.path):
        raise NotAllowed("只有工作人员和区领导可以查看统计。")
    period = period_or_error(month_from=month_from, month_to=month_to, year=year)
    drill = selectors.figures_drill(request.user, place, period)
    rows = [(place, drill["total"]), *drill["children"]]
    return [
        {
            "region_id": r.pk,
            "region_name": r.name,
            "teams": f.teams,
            "members": f.members,
            "activities": f.activities,
            "verified_hours": f.verified_hours,
            "residents_served": f.residents_served,
        }
        for r, f in rows
    ]

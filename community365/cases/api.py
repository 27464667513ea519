"""/api/v1/cases — mediation cases (confidential) and the legal clinic.

``GET /mediations`` lists the cases whose parties the caller may read (the case's mediators,
the community's secretary, the district's justice officers); for anybody else a case is a 404.
Every answer carrying parties is written to the audit trail."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from community365.core.api import MAX_ID, ErrorOut, Id, PageParams, paginate
from community365.people.models import User
from community365.people.policies import get_visible_person

from . import policies, selectors, services

router = Router(tags=["cases"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PartyOut(Schema):
    side: str
    name: str = Field(
        ..., description="in full for the case's mediators and the secretary, masked for oversight"
    )
    phone: str
    id_last4: str = Field(..., description="the last four characters of the ID number, masked")
    on_record: bool


class MediationOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    source: str
    status: str
    status_label: str
    community: str
    mediator: str
    registered_at: datetime.datetime
    accepted_at: datetime.datetime | None
    deadline: datetime.date | None
    extended: bool
    outcome: str
    kept: bool | None
    parties: list[PartyOut]
    actions: list[str]


class MediationPage(Schema):
    items: list[MediationOut]
    count: int


class SessionOut(Schema):
    held_at: datetime.datetime
    attended: str
    notes: str


class MediationDetailOut(MediationOut):
    summary: str
    place: str
    sessions: list[SessionOut]
    referral_to: str
    follow_up_due: datetime.date | None
    agreement_pdf: str = Field("", description="URL of the 人民调解协议书 PDF, once agreed")


class MediationFilter(Schema):
    status: str = Field("", description="registered | accepted | agreed | closed")
    mine: bool = Field(False, description="only cases the caller mediates")


class PartyIn(Schema):
    side: str = Field(..., description="applicant | respondent")
    person_id: int | None = Field(None, description="a resident on record (people.Person)")
    name: str = Field("", max_length=60)
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=120)
    id_number: str = Field("", max_length=18, description="checked, then kept as hash + last 4 only")


class MediationIn(Schema):
    community_id: int
    kind: str
    source: str
    summary: str = Field(..., max_length=1000)
    place: str = Field("", max_length=120)
    parties: list[PartyIn] = Field(..., max_length=10)


class MediationAssignIn(Schema):
    mediator_id: int
    co_mediator_id: int | None = None


class SessionIn(Schema):
    held_at: datetime.datetime
    attended: str = Field(..., max_length=200)
    notes: str = Field(..., max_length=2000)


class AgreeIn(Schema):
    facts: str = Field(..., max_length=2000)
    terms: str = Field(..., max_length=2000)
    performance: str = Field(..., max_length=300)


class NotReachedIn(Schema):
    referral_to: str
    note: str = Field("", max_length=300)
    department: int | None = Field(None, ge=1, le=MAX_ID)


class ExtendIn(Schema):
    reason: str = Field(..., max_length=200)


class FollowUpIn(Schema):
    kept: bool
    note: str = Field(..., max_length=300)


def _shape(user: Any, case: Any, parties: list[selectors.PartyView]) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "kind": case.kind,
        "kind_label": str(case.get_kind_display()),
        "source": case.source,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "community": case.region.name,
        "mediator": case.mediator.display_name if case.mediator else "",
        "registered_at": case.registered_at,
        "accepted_at": case.accepted_at,
        "deadline": case.deadline,
        "extended": case.extended_at is not None,
        "outcome": case.outcome,
        "kept": case.kept,
        "parties": [p.__dict__ for p in parties],
        "actions": policies.actions_for(user, case),
    }


@router.get("/mediations", response=MediationPage)
def cases_list_mediations(
    request: HttpRequest, filters: Query[MediationFilter], page: Query[PageParams]
) -> Any:
    """The cases the caller may read, newest first, with their parties (each read audited)."""
    qs = selectors.mediation_list(request.user, status=filters.status, mine=filters.mine)
    items, count = paginate(qs, page)
    parties = selectors.read_parties(request.user, items, channel_note="api:list")
    return {"items": [_shape(request.user, c, parties[c.pk]) for c in items], "count": count}


def _detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = policies.get_visible_mediation(request.user, case_id)
    parties = selectors.read_parties(request.user, [case], channel_note="api:detail")[case.pk]
    data = _shape(request.user, case, parties)
    data.update(
        summary=case.summary,
        place=case.place,
        sessions=list(case.sessions.values("held_at", "attended", "notes")),
        referral_to=case.referral_to,
        follow_up_due=case.follow_up_due,
        agreement_pdf=f"/cases/mediations/{case.pk}/agreement.pdf"
        if "agreement_pdf" in data["actions"]
        else "",
    )
    return data


@router.get("/mediations/{case_id}", response={200: MediationDetailOut, 404: ErrorOut})
def cases_get_mediation(request: HttpRequest, case_id: Id) -> Any:
    return _detail(request, case_id)


class RegisteredOut(Schema):
    id: int
    number: str
    status: str
    readable: bool = Field(
        ..., description="whether the caller may open the case (its mediators, the secretary, justice)"
    )


@router.post("/mediations", response={201: RegisteredOut, **ERRORS})
def cases_register_mediation(request: HttpRequest, payload: MediationIn) -> Any:
    from community365.regions.policies import get_visible_region

    region = get_visible_region(request.user, payload.community_id)
    parties = [
        services.PartyIn(
            side=p.side,
            name=p.name,
            person=get_visible_person(request.user, p.person_id) if p.person_id else None,
            phone=p.phone,
            address=p.address,
            id_number=p.id_number,
        )
        for p in payload.parties
    ]
    case = services.mediation_register(
        actor=request.user,
        region=region,
        kind=payload.kind,
        source=payload.source,
        summary=payload.summary,
        place=payload.place,
        parties=parties,
    )
    # A social worker who referred a case does not read it afterwards: the answer says so.
    readable = policies.mediations_visible_to(request.user).filter(pk=case.pk).exists()
    return 201, {"id": case.pk, "number": case.number, "status": case.status, "readable": readable}


@router.get("/mediation-queue", response=MediationPage)
def cases_mediation_queue(request: HttpRequest, page: Query[PageParams]) -> Any:
    """Registered cases nobody has taken, where the caller mediates: kind, community and date
    only (the parties appear once the case is the caller's)."""
    qs = (
        policies.queue_for(request.user)
        .select_related("region", "mediator", "co_mediator")
        .order_by("registered_at")
    )
    items, count = paginate(qs, page)
    return {"items": [_shape(request.user, c, []) for c in items], "count": count}


def _queued_or_visible(user: Any, case_id: int) -> Any:
    case = policies.queue_for(user).select_related("region").filter(pk=case_id).first()
    return case or policies.get_visible_mediation(user, case_id)


@router.post("/mediations/{case_id}/take", response={200: MediationDetailOut, **ERRORS})
def cases_take_mediation(request: HttpRequest, case_id: Id) -> Any:
    case = _queued_or_visible(request.user, case_id)
    services.mediation_take(actor=request.user, case=case)
    return _detail(request, case_id)


def _user(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    found = User.objects.filter(pk=user_id).first()
    if found is None:
        from community365.core.errors import InvalidInput

        raise InvalidInput(_("请选择调解员。"), field="mediator_id")
    return found


@router.post("/mediations/{case_id}/assign", response={200: MediationDetailOut, **ERRORS})
def cases_assign_mediation(request: HttpRequest, case_id: Id, payload: MediationAssignIn) -> Any:
    case = policies.get_visible_mediation(request.user, case_id)
    mediator = _user(payload.mediator_id)
    assert mediator is not None
    services.mediation_assign(
        actor=request.user, case=case, mediator=mediator, co_mediator=_user(payload.co_mediator_id)
    )
    return _detail(request, case_id)


@router.post("/mediations/{case_id}/sessions", response={200: MediationDetailOut, **ERRORS})
def cases_record_session(request: HttpRequest, case_id: Id, payload: SessionIn) -> Any:
    case = policies.get_visible_mediation(request.user, case_id)
    services.mediation_record_session(
        actor=request.user, case=case, held_at=payload.held_at, attended=payload.attended, notes=payload.notes
    )
    return _detail(request, case_id)


@router.post("/mediations/{case_id}/extend", response={200: MediationDetailOut, **ERRORS})
def cases_extend_mediation(request: HttpRequest, case_id: Id, payload: ExtendIn) -> Any:
    case = policies.get_visible_mediation(request.user, case_id)
    services.mediation_extend(actor=request.user, case=case, reason=payload.reason)
    return _detail(request, case_id)


@router.post("/mediations/{case_id}/agreement", response={200: MediationDetailOut, **ERRORS})
def cases_agree_mediation(request: HttpRequest, case_id: Id, payload: AgreeIn) -> Any:
    case = policies.get_visible_mediation(request.user, case_id)
    services.mediation_agree(
        actor=request.user,
        case=case,
        facts=payload.facts,
        terms=payload.terms,
        performance=payload.performance,
    )
    return _detail(request, case_id)


@router.post("/mediations/{case_id}/not-reached", response={200: MediationDetailOut, **ERRORS})
def cases_not_reached(request: HttpRequest, case_id: Id, payload: NotReachedIn) -> Any:
    case = policies.get_visible_mediation(request.user, case_id)
    services.mediation_not_reached(
        actor=request.user,
        case=case,
        referral_to=payload.referral_to,
        note=payload.note,
        department_id=payload.department,
    )
    return _detail(request, case_id)


@router.post("/mediations/{case_id}/follow-up", response={200: MediationDetailOut, **ERRORS})
def cases_follow_up(request: HttpRequest, case_id: Id, payload: FollowUpIn) -> Any:
    case = policies.get_visible_mediation(request.user, case_id)
    services.mediation_follow_up(actor=request.user, case=case, kept=payload.kept, note=payload.note)
    return _detail(request, case_id)


@router.get("/mediation-figures", response={200: dict, 404: ErrorOut})
def cases_mediation_figures(request: HttpRequest) -> Any:
    """Counts only (no names): the judicial offices' form for the caller's places."""
    if not policies.may_read_figures(request.user):
        from community365.core.errors import NotFound

        raise NotFound(_("没有找到该调解案件。"))
    return selectors.mediation_figures(request.user)


# --- the clinic ---------------------------------------------------------------------------------


class ClinicSessionOut(Schema):
    id: int
    community: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    lawyer: str
    status: str
    free_slots: list[int]


class BookIn(Schema):
    slot: int = Field(..., ge=0, le=200)
    note: str = Field("", max_length=300)
    person_id: int | None = Field(None, description="a resident booked for by the desk")


class ClinicBookingOut(Schema):
    id: int
    session_id: int
    slot: int
    at: datetime.datetime
    status: str


def _session_out(session: Any, free: list[int]) -> dict[str, Any]:
    return {
        "id": session.pk,
        "community": session.region.name,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "place": session.place,
        "lawyer": session.lawyer.display_name if session.lawyer else "",
        "status": session.status,
        "free_slots": free,
    }


@router.get("/clinic/sessions", response=list[ClinicSessionOut])
def cases_clinic_sessions(request: HttpRequest) -> Any:
    """Coming clinic sessions of the caller's district with their free slots."""
    sessions = list(selectors.upcoming_sessions(request.user, now=timezone.now())[:20])
    free = selectors.free_slots(sessions)
    return [_session_out(s, free[s.pk]) for s in sessions]


@router.post("/clinic/sessions/{session_id}/bookings", response={201: ClinicBookingOut, **ERRORS})
def cases_clinic_book(request: HttpRequest, session_id: Id, payload: BookIn) -> Any:
    session = policies.get_visible_session(request.user, session_id)
    person = get_visible_person(request.user, payload.person_id) if payload.person_id else None
    booking = services.clinic_book(
        actor=request.user, session=session, slot=payload.slot, note=payload.note, person=person
    )
    return 201, {
        "id": booking.pk,
        "session_id": session.pk,
        "slot": booking.slot,
        "at": services.slot_time(session, booking.slot),
        "status": booking.status,
    }


class ClinicCancelIn(Schema):
    reason: str = Field(..., min_length=2, max_length=200)


@router.post("/clinic/sessions/{session_id}/cancel", response={200: ClinicSessionOut, **ERRORS})
def cases_clinic_cancel_session(request: HttpRequest, session_id: Id, payload: ClinicCancelIn) -> Any:
    """Cancel a whole planned session with a reason (the community's secretary or the district's
    justice officer); everyone booked is told. A session already held or cancelled: 422 invalid_transition."""
    session = policies.get_visible_session(request.user, session_id)
    session = services.clinic_cancel_session(actor=request.user, session=session, reason=payload.reason)
    return _session_out(session, [])


# --- the departments' referrals -----------------------------------------------------------------


class CasesReferralOut(Schema):
    id: int
    department: str
    community: str
    kind: str = Field(..., description="consultation | mediation")
    note: str
    created_at: datetime.datetime
    handled_at: datetime.datetime | None


class CasesReferralPage(Schema):
    items: list[CasesReferralOut]
    count: int


def _referral_out(referral: Any) -> dict[str, Any]:
    return {
        "id": referral.pk,
        "department": referral.department.name,
        "community": referral.region.name,
        "kind": "mediation" if referral.mediation_case_id else "consultation",
        "note": referral.note,
        "created_at": referral.created_at,
        "handled_at": referral.handled_at,
    }


@router.get("/referrals", response=CasesReferralPage)
def cases_list_referrals(request: HttpRequest, page: Query[PageParams]) -> Any:
    """The open referrals to the caller's departments (their liaisons'; empty for anyone else),
    oldest first. They carry no party's details: the department learns who from the community."""
    qs = (
        policies.referrals_visible_to(request.user)
        .filter(handled_at__isnull=True)
        .select_related("department", "region")
        .order_by("created_at", "id")
    )
    rows, count = paginate(qs, page)
    return {"items": [_referral_out(r) for r in rows], "count": count}


@router.post("/referrals/{referral_id}/handled", response={200: CasesReferralOut, **ERRORS})
def cases_handle_referral(request: HttpRequest, referral_id: Id) -> Any:
    """The department's liaison marks a referral handled (once; a second mark is 422 invalid_transition)."""
    referral = policies.get_referral_for(request.user, referral_id)
    return _referral_out(services.referral_handle(actor=request.user, referral=referral))

"""Reads: the case lists, the parties (every read audited), the clinic's slots, and the
figures in the judicial offices' form — each figure one grouped query."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Substr

from community365.audit.services import audit_build, audit_record_many
from community365.core import permissions
from community365.core.masking import mask_id_last4

from . import policies
from .models import (
    BookingStatus,
    CaseStatus,
    ClinicBooking,
    ClinicSession,
    Consultation,
    DepartmentReferral,
    MediationCase,
    MediationParty,
    Outcome,
    SessionStatus,
)
from .services import slot_count, slot_time


@dataclass(frozen=True)
class PartyView:
    side: str
    side_label: str
    name: str
    phone: str
    address: str
    id_last4: str
    on_record: bool


def mediation_list(
    user: Any, *, status: str = "", kind: str = "", mine: bool = False
) -> QuerySet[MediationCase]:
    qs = policies.mediations_visible_to(user).select_related("region", "mediator", "co_mediator")
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if mine:
        qs = qs.filter(Q(mediator_id=user.pk) | Q(co_mediator_id=user.pk))
    return qs.order_by("-registered_at", "-id")


def read_parties(
    user: Any, cases: list[MediationCase], *, channel_note: str = ""
) -> dict[int, list[PartyView]]:
    """The parties of cases the user may see, masked as the user's role needs; every read is
    written to the audit trail (one entry per case)."""
    if not cases:
        return {}
    full = {case.pk: policies.sees_names_in_full(user, case) for case in cases}
    result: dict[int, list[PartyView]] = {case.pk: [] for case in cases}
    for party in MediationParty.objects.filter(case_id__in=list(result)).order_by("case_id", "side", "id"):
        clear = full[party.case_id]
        result[party.case_id].append(
            PartyView(
                side=party.side,
                side_label=str(party.get_side_display()),
                name=party.name if clear else party.masked_name,
                phone=party.phone if clear else party.masked_phone,
                address=party.address if clear else "",
                id_last4=mask_id_last4(party.id_last4),
                on_record=party.person_id is not None,
            )
        )
    # One entry per case read, written in one INSERT (a page of cases costs one query, not 20).
    audit_record_many(
        [
            audit_build(
                actor=user,
                action="cases.mediation:read_parties",
                target=case,
                changes={"masked": not full[case.pk], "where": channel_note},
            )
            for case in cases
        ]
    )
    return result


def counts_only(user: Any) -> dict[str, int]:
    """What everybody with a figures role sees: counts by status under their places."""
    paths = permissions.scope_paths(user, policies.FIGURES.name)
    rows = MediationCase.objects.filter(permissions.path_q(paths)).values("status").annotate(n=Count("id"))
    counts = {row["status"]: row["n"] for row in rows}
    return {status: counts.get(status, 0) for status in CaseStatus.values}


# --- the clinic ---------------------------------------------------------------------------------


@dataclass
class Slot:
    index: int
    at: datetime.datetime
    booking: ClinicBooking | None
    mine: bool


def slots(user: Any, session: ClinicSession) -> list[Slot]:
    """The session's slots, each free or taken; who took it only for the lawyer and the desk."""
    live = {
        b.slot: b
        for b in session.bookings.filter(
            status__in=["booked", "attended", "no_show"], walk_in=False
        ).select_related("person")
    }
    uid = getattr(user, "pk", None)
    result = []
    for index in range(slot_count(session)):
        booking = live.get(index)
        mine = booking is not None and (
            booking.booked_by_id == uid or (booking.person is not None and booking.person.user_id == uid)
        )
        result.append(Slot(index=index, at=slot_time(session, index), booking=booking, mine=mine))
    return result


def free_slots(sessions: list[ClinicSession]) -> dict[int, list[int]]:
    """The free slot numbers of several sessions, from one query over their bookings."""
    taken: dict[int, set[int]] = {s.pk: set() for s in sessions}
    rows = ClinicBooking.objects.filter(
        session_id__in=list(taken), status__in=["booked", "attended", "no_show"], walk_in=False
    ).values_list("session_id", "slot")
    for session_id, slot in rows:
        taken[session_id].add(slot)
    return {s.pk: [i for i in range(slot_count(s)) if i not in taken[s.pk]] for s in sessions}


def my_bookings(user: Any) -> QuerySet[ClinicBooking]:
    return (
        ClinicBooking.objects.filter(Q(person__user_id=user.pk) | Q(booked_by_id=user.pk, walk_in=False))
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("session", "session__clinic", "session__clinic__region", "consultation")
        .order_by("-session__starts_at", "slot")
    )


def upcoming_sessions(user: Any, *, now: datetime.datetime) -> QuerySet[ClinicSession]:
    return (
        policies.sessions_visible_to(user)
        .filter(status=SessionStatus.PLANNED, ends_at__gte=now)
        .select_related("clinic", "region", "lawyer")
        .annotate(booked=Count("bookings", filter=Q(bookings__status="booked", bookings__walk_in=False)))
        .order_by("starts_at")
    )


# --- figures ------------------------------------------------------------------------------------


def _period(
    qs: QuerySet[Any], field: str, start: datetime.datetime | None, end: datetime.datetime | None
) -> QuerySet[Any]:
    if start is not None:
        qs = qs.filter(**{f"{field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{field}__lt": end})
    return qs


def mediation_figures(
    user: Any, *, start: datetime.datetime | None = None, end: datetime.datetime | None = None
) -> dict[str, Any]:
    """The judicial offices' form: cases by kind and by source, agreements reached %, kept at
    follow-up %, average days; per mediator, community and subdistrict. Each block is one
    grouped query over the cases under the user's places."""
    paths = permissions.scope_paths(user, policies.FIGURES.name)
    base = _period(MediationCase.objects.filter(permissions.path_q(paths)), "registered_at", start, end)
    decided = Q(outcome__in=[Outcome.AGREED, Outcome.NOT_REACHED])
    summary = base.aggregate(
        total=Count("id"),
        decided=Count("id", filter=decided),
        agreed=Count("id", filter=Q(outcome=Outcome.AGREED)),
        followed=Count("id", filter=Q(kept__isnull=False)),
        kept=Count("id", filter=Q(kept=True)),
        open=Count("id", filter=Q(status__in=[CaseStatus.REGISTERED, CaseStatus.ACCEPTED])),
        avg=Avg(
            ExpressionWrapper(F("decided_at") - F("accepted_at"), output_field=DurationField()),
            filter=Q(decided_at__isnull=False, accepted_at__isnull=False),
        ),
    )
    avg = summary.pop("avg")
    summary["avg_days"] = round(avg.total_seconds() / 86400, 1) if avg is not None else None
    summary["agreed_pct"] = _pct(summary["agreed"], summary["decided"])
    summary["kept_pct"] = _pct(summary["kept"], summary["followed"])

    def grouped(*keys: str) -> list[dict[str, Any]]:
        rows = list(
            base.values(*keys)
            .annotate(
                total=Count("id"),
                decided=Count("id", filter=decided),
                agreed=Count("id", filter=Q(outcome=Outcome.AGREED)),
                followed=Count("id", filter=Q(kept__isnull=False)),
                kept=Count("id", filter=Q(kept=True)),
            )
            .order_by("-total", *keys)
        )
        for row in rows:
            row["agreed_pct"] = _pct(row["agreed"], row["decided"])
            row["kept_pct"] = _pct(row["kept"], row["followed"])
        return rows

    by_subdistrict = list(
        base.annotate(sub=Substr("region__path", 1, 8))
        .values("sub")
        .annotate(
            total=Count("id"),
            agreed=Count("id", filter=Q(outcome=Outcome.AGREED)),
            decided=Count("id", filter=decided),
        )
        .order_by("sub")
    )
    from community365.regions.models import Region

    names = dict(
        Region.objects.filter(path__in=[r["sub"] for r in by_subdistrict]).values_list("path", "name")
    )
    for row in by_subdistrict:
        row["name"] = names.get(row["sub"], row["sub"])
        row["agreed_pct"] = _pct(row["agreed"], row["decided"])
    return {
        "summary": summary,
        "by_kind": grouped("kind"),
        "by_source": grouped("source"),
        "by_community": grouped("region__name")[:100],
        "by_subdistrict": by_subdistrict,
        "by_mediator": grouped("mediator__display_name")[:100],
    }


def clinic_figures(
    user: Any, *, start: datetime.datetime | None = None, end: datetime.datetime | None = None
) -> dict[str, Any]:
    """Sessions held, consultations by category, referrals, lawyers' hours."""
    paths = permissions.scope_paths(user, policies.FIGURES.name)
    sessions = _period(ClinicSession.objects.filter(permissions.path_q(paths)), "starts_at", start, end)
    held = sessions.filter(status=SessionStatus.HELD)
    consultations = _period(
        Consultation.objects.filter(permissions.path_q(paths)), "booking__session__starts_at", start, end
    )
    bookings = _period(
        ClinicBooking.objects.filter(permissions.path_q(paths)), "session__starts_at", start, end
    )
    hours = held.aggregate(
        sessions=Count("id"),
        seconds=Sum(ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())),
    )
    seconds = hours["seconds"]
    booking_counts = bookings.aggregate(
        booked=Count("id", filter=Q(walk_in=False)),
        walk_ins=Count("id", filter=Q(walk_in=True)),
        no_shows=Count("id", filter=Q(status=BookingStatus.NO_SHOW)),
    )
    return {
        "sessions_held": hours["sessions"],
        "lawyer_hours": round(seconds.total_seconds() / 3600, 1) if seconds else 0,
        "by_category": list(
            consultations.values("category").annotate(n=Count("id")).order_by("-n", "category")
        ),
        "by_referral": list(
            consultations.exclude(referral="")
            .values("referral")
            .annotate(n=Count("id"))
            .order_by("-n", "referral")
        ),
        "consultations": consultations.count(),
        **booking_counts,
    }


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def department_open_referrals(user: Any, limit: int = 50) -> tuple[list[DepartmentReferral], int]:
    """The open referrals to the user's departments, for the departments' one inbox (the talks'
    task inbox lists them beside the tasks and the desk's requests): the first ``limit``, oldest
    first, and how many."""
    qs = (
        policies.referrals_visible_to(user)
        .filter(handled_at__isnull=True)
        .select_related("department", "region")
        .order_by("created_at", "id")
    )
    return list(qs[:limit]), qs.count()

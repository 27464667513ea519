"""Reads of the service desk: lists filtered and paged in the database, a request's detail with
what this user may do with it, and the masked view of personal data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from community365.core.masking import mask_name, mask_phone
from community365.core.phrases import render

from . import policies
from .models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    LightingFile,
    LightingLog,
    LightState,
    RequestStatus,
    ServiceRequest,
)
from .services import TRANSITIONS, can_reopen

STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": tuple(OPEN_STATUSES),
    "done": tuple(DONE_STATUSES),
}


@dataclass(frozen=True)
class RequestFilter:
    status: str = ""
    community: int | None = None
    category: str = ""
    mine: bool = False
    overdue: bool = False
    department: bool = False


def requests_for(user: Any, f: RequestFilter) -> QuerySet[ServiceRequest]:
    qs = policies.requests_visible_to(user).select_related(
        "item", "community", "region", "assignee", "department", "team", "organisation", "person"
    )
    if f.status in STATUS_GROUPS:
        qs = qs.filter(status__in=STATUS_GROUPS[f.status])
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.community:
        qs = qs.filter(community_id=f.community)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.mine:
        qs = qs.filter(Q(assignee_id=user.pk) | Q(author_id=user.pk) | Q(person__user_id=user.pk))
    if f.department:
        qs = qs.filter(department_id__in=policies.liaison_departments(user))
    if f.overdue:
        qs = qs.filter(
            status__in=[RequestStatus.SUBMITTED, RequestStatus.ACCEPTED], resolution_due__lt=timezone.now()
        )
    return qs.order_by("-created_at", "-id")


def actions_for(user: Any, req: ServiceRequest, now: datetime.datetime | None = None) -> list[str]:
    """What this user may do with the request now (the pages and the API show exactly these)."""
    now = now or timezone.now()
    actions: list[str] = []
    if policies.can_handle(user, req):
        for action in ("accept", "transfer", "merge", "escalate", "pause", "resume", "close", "callback"):
            if req.status in TRANSITIONS[action][0]:
                actions.append(action)
    if policies.is_requester(user, req):
        if req.status == RequestStatus.CLOSED:
            actions.append("rate")
        if can_reopen(req, now):
            actions.append("reopen")
        if req.status == RequestStatus.WAITING and "resume" not in actions:
            actions.append("resume")
    return actions


def holder_of(req: ServiceRequest) -> str:
    for thing in (req.department, req.team, req.organisation):
        if thing is not None:
            return thing.name
    if req.assignee is not None:
        return req.assignee.display_name or req.assignee.username
    return ""


def contact_of(user: Any, req: ServiceRequest) -> str:
    """Handlers and the requester see the phone; everyone else a masked one."""
    if policies.is_requester(user, req) or policies.can_handle(user, req):
        return req.contact_phone
    return mask_phone(req.contact_phone) if req.contact_phone else ""


def overdue(req: ServiceRequest, now: datetime.datetime) -> bool:
    if req.status in (RequestStatus.SUBMITTED, RequestStatus.ACCEPTED):
        return req.resolution_due < now
    if req.closed_at is not None and req.status != RequestStatus.MERGED:
        return req.closed_at > req.resolution_due
    return False


def events_of(req: ServiceRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": e.code,
            "params": e.params,
            "text": render(e.code, e.params),
            "actor": mask_name(e.actor.display_name) if e.actor and e.actor.display_name else "",
            "at": e.at,
        }
        for e in req.events.select_related("actor").all()
    ]


def department_open_requests(user: Any, limit: int = 50) -> tuple[list[ServiceRequest], int]:
    """The open requests routed to the user's departments, for the departments' inbox (the talks'
    task inbox shows them beside the tasks): the first ``limit`` by deadline, and how many."""
    departments = policies.liaison_departments(user)
    if not departments:
        return [], 0
    qs = (
        ServiceRequest.objects.filter(department_id__in=departments, status__in=list(OPEN_STATUSES))
        .select_related("item", "community", "region")
        .order_by("resolution_due", "id")
    )
    return list(qs[:limit]), qs.count()


# --- stairwell lighting files ------------------------------------------------------------------


def lighting_files_for(user: Any, *, place: Any = None, state: str = "") -> QuerySet[LightingFile]:
    """The files the user sees, under ``place`` (a subdistrict or community) when given; with
    ``state`` ``dark`` or ``faulty`` (or ``unlit`` for both), the oldest first — the list of dark
    stairwells with their age."""
    qs = policies.lighting_files_visible_to(user).select_related("stairwell", "community")
    if place is not None:
        qs = qs.filter(Q(community__path__startswith=place.path))
    if state == "unlit":
        return qs.exclude(state=LightState.LIT).order_by("state_since", "id")
    if state in LightState.values:
        return qs.filter(state=state).order_by("state_since", "id")
    return qs.order_by("community__path", "stairwell__path")


def lighting_counts(user: Any, *, place: Any = None) -> dict[str, int]:
    """How many stairwells are lit, faulty, dark: one grouped query."""
    qs = policies.lighting_files_visible_to(user)
    if place is not None:
        qs = qs.filter(community__path__startswith=place.path)
    counts = dict.fromkeys(LightState.values, 0)
    for row in qs.values("state").annotate(n=Count("id")).order_by():
        counts[row["state"]] = row["n"]
    return counts


def lighting_dark_by_community(user: Any, *, place: Any = None) -> list[dict[str, Any]]:
    """Dark (or faulty) stairwells per community with the oldest date: one grouped query."""
    qs = policies.lighting_files_visible_to(user).exclude(state=LightState.LIT)
    if place is not None:
        qs = qs.filter(community__path__startswith=place.path)
    return list(
        qs.values("community_id", "community__name")
        .annotate(n=Count("id"), oldest=Min("state_since"))
        .order_by("-n", "community__name")[:200]
    )


def age_days(file: LightingFile, now: datetime.datetime | None = None) -> int:
    return max(((now or timezone.now()) - file.state_since).days, 0)


def lighting_log(file: LightingFile, limit: int = 50) -> list[LightingLog]:
    return list(file.log.select_related("actor", "request")[:limit])

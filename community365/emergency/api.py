"""/api/v1/cases/emergencies — the events, one event with the caller's households, and the
checklist's batches of taps.

``POST /{event_id}/checks`` takes a JSON list of ``{"household", "status", "key", ...}``; each
``key`` is the phone's idempotency key, so a batch sent again answers ``new: 0`` and adds nothing."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from community365.core.api import ErrorOut, Id, PageParams, paginate

from . import policies, selectors, services

router = Router(tags=["emergencies"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class EventOut(Schema):
    id: int
    title: str
    kind: str
    level: str
    status: str = Field(..., description="open | closed")
    is_drill: bool
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str


class EventPage(Schema):
    items: list[EventOut]
    count: int


class HouseholdOut(Schema):
    household: int
    status: str = Field(
        ..., description="the latest check: safe | needs_help | not_home | moved, or '' (to check)"
    )
    number: str
    building: str
    reasons: list[str]


class EventDetailOut(EventOut):
    checked: int = Field(..., description="households checked (of those the caller may see)")
    to_check: int
    needs_help: int
    households: list[HouseholdOut] = Field(..., description="the caller's assigned households")


class CheckIn(Schema):
    household: Id
    status: Literal["safe", "needs_help", "not_home", "moved"]
    key: str = Field(..., min_length=8, max_length=64, description="the tap's idempotency key")
    needs: list[Literal["candles", "meals", "medicine", "evacuation"]] = []
    supplies: dict[str, int] = Field(
        {}, description="supplies given: candles, meals, medicine, water → quantity"
    )
    note: str = Field("", max_length=200)
    at: datetime.datetime | None = Field(None, description="when it was tapped (queued offline)")


class ChecksOut(Schema):
    sent: int
    new: int = Field(..., description="taps recorded now; taps sent before are skipped")


def _event_out(event: Any) -> dict[str, Any]:
    return {
        "id": event.pk,
        "title": event.title,
        "kind": event.kind,
        "level": event.level,
        "status": event.status,
        "is_drill": event.is_drill,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "place": event.region.name,
    }


@router.get("", response=EventPage)
def list_emergencies(request: HttpRequest, page: Query[PageParams]) -> Any:
    """The events the user can see (open ones first)."""
    qs = (
        policies.events_visible_to(request.user)
        .select_related("region")
        .order_by("status", "-starts_at", "-pk")
    )
    events, count = paginate(qs, page)
    return {"items": [_event_out(e) for e in events], "count": count}


@router.get("/{event_id}", response={200: EventDetailOut, 404: ErrorOut})
def get_emergency(request: HttpRequest, event_id: Id) -> Any:
    event = policies.get_visible_event(request.user, event_id)
    figures = selectors.counts(policies.assignments_manageable(request.user, event))
    households = [
        {
            "household": a.household_id,
            "status": a.status,
            "number": a.household.number,
            "building": a.building.name,
            "reasons": a.reasons,
        }
        for a in selectors.checklist(request.user, event)
    ]
    return {**_event_out(event), **figures, "households": households}


@router.post("/{event_id}/checks", response={200: ChecksOut, **ERRORS})
def post_checks(request: HttpRequest, event_id: Id, payload: list[CheckIn]) -> Any:
    event = policies.get_visible_event(request.user, event_id)
    raw = [{**item.dict(), "at": item.at.isoformat() if item.at else None} for item in payload]
    items = services.clean_items(raw)
    new = services.checks_record(actor=request.user, event=event, items=items)
    return {"sent": len(items), "new": new}


class EmergencyUpdateIn(Schema):
    title: str = Field(..., min_length=1, max_length=100)
    level: Literal["blue", "yellow", "orange", "red"]
    ends_at: datetime.datetime = Field(..., description="after the start, at most 14 days from it")


@router.post("/{event_id}/update", response={200: EventOut, **ERRORS})
def update_emergency(request: HttpRequest, event_id: Id, payload: EmergencyUpdateIn) -> Any:
    """Correct an open event: name, level (raised or lowered; everyone alerted hears the new
    level) and expected end. The declaring district's or subdistrict's staff only; a closed event
    is refused (422 invalid_transition)."""
    event = policies.get_visible_event(request.user, event_id)
    event = services.event_update(
        actor=request.user, event=event, title=payload.title, level=payload.level, ends_at=payload.ends_at
    )
    return _event_out(event)

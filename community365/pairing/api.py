"""/api/v1/pairing — pairings, a pairing's visits, logging a visit, turning a need."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from community365.core.api import ErrorOut, Id, PageParams, paginate, words
from community365.core.errors import InvalidInput
from community365.people.models import Person

from . import policies, selectors, services
from .models import PairingVisit, VisitNeed

router = Router(tags=["pairing"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PairingOut(Schema):
    id: int
    community: str
    household: int
    household_label: str
    cadre: str
    unit: str
    since: datetime.date
    ended_on: datetime.date | None
    last_visit_on: datetime.date | None
    visits: int
    due: bool = Field(..., description="a live pairing never visited or last visited 30 days ago or more")


class PairingPage(Schema):
    items: list[PairingOut]
    count: int


class PairingFilter(Schema):
    mine: bool = Field(False, description="only the caller's own pairings (as the cadre)")
    status: Literal["live", "ended", "all"] = "live"


class PairingNeedOut(Schema):
    id: int
    text: str
    turned_to: str = Field(..., description="'' (not yet) | request | wish | topic")
    record: int | None = Field(None, description="the id of the request, wish or topic it became")


class PairingVisitOut(Schema):
    id: int
    visited_on: datetime.date
    cadre: str
    companions: str
    found: str
    has_photo: bool
    needs: list[PairingNeedOut]


class PairingVisitPage(Schema):
    items: list[PairingVisitOut]
    count: int


class PairingVisitIn(Schema):
    visited_on: datetime.date
    found: str = Field(..., min_length=4, max_length=2000, pattern=words(4))
    companions: str = Field("", max_length=120)
    needs: list[Annotated[str, Field(max_length=200, pattern=words(2))]] = Field(
        [], max_length=services.MAX_NEEDS, description="needs found, 2–200 characters each"
    )


class PairingTurnIn(Schema):
    kind: Literal["request", "wish", "topic"]
    person: Id = Field(..., description="the household member the request, wish or topic is for")
    title: str = Field("", max_length=30)
    text: str = Field("", max_length=2000)
    item: Id | None = Field(None, description="the desk's catalogue item (kind=request)")
    category: Literal[
        "", "party_building", "convenience", "smart_info", "public_welfare", "tailored_care", "shared_culture"
    ] = Field("", description="the wish's service category (kind=wish)")
    value_yuan: int = Field(0, ge=0, le=100_000)
    request_text: str = Field("", max_length=1000, description="the topic's request (kind=topic)")


def _pairing_out(p: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "community": p.region.name,
        "household": p.household_id,
        "household_label": services.household_label(p.household),
        "cadre": str(p.cadre),
        "unit": p.unit_name,
        "since": p.since,
        "ended_on": p.ended_on,
        "last_visit_on": p.last_visit_on,
        "visits": p.visits,
        "due": p.ended_on is None and selectors.due_on(p) <= timezone.localdate(),
    }


def _need_out(n: VisitNeed) -> dict[str, Any]:
    return {
        "id": n.pk,
        "text": n.text,
        "turned_to": n.turned_to,
        "record": n.request_id or n.wish_id or n.topic_id,
    }


@router.get("", response={200: PairingPage, 401: ErrorOut, 422: ErrorOut})
def list_pairings(request: HttpRequest, page: Query[PageParams], filters: Query[PairingFilter]) -> Any:
    """Pairings the caller may see: their own (as the cadre) and those of the places they oversee."""
    qs = policies.pairings_visible_to(request.user)
    if filters.mine:
        qs = qs.filter(cadre_id=request.user.pk)
    if filters.status == "live":
        qs = qs.filter(ended_on__isnull=True)
    elif filters.status == "ended":
        qs = qs.filter(ended_on__isnull=False)
    qs = qs.select_related("region", "household", "household__region", "cadre").order_by("region__path", "pk")
    items, count = paginate(qs, page)
    return {"items": [_pairing_out(p) for p in items], "count": count}


@router.get(
    "/{pairing_id}/visits", response={200: PairingVisitPage, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def list_pairing_visits(request: HttpRequest, pairing_id: Id, page: Query[PageParams]) -> Any:
    pairing = policies.get_visible_pairing(request.user, pairing_id)
    qs = PairingVisit.objects.filter(pairing=pairing).select_related("cadre").order_by("-visited_on", "-pk")
    visits, count = paginate(qs, page)
    needs: dict[int, list[dict[str, Any]]] = {v.pk: [] for v in visits}
    for n in VisitNeed.objects.filter(visit_id__in=list(needs) or [0]).order_by("pk"):
        needs[n.visit_id].append(_need_out(n))
    return {
        "items": [
            {
                "id": v.pk,
                "visited_on": v.visited_on,
                "cadre": str(v.cadre),
                "companions": v.companions,
                "found": v.found,
                "has_photo": bool(v.photo),
                "needs": needs[v.pk],
            }
            for v in visits
        ],
        "count": count,
    }


@router.post("/{pairing_id}/visits", response={201: PairingVisitOut, **ERRORS})
def post_pairing_visit(request: HttpRequest, pairing_id: Id, payload: PairingVisitIn) -> Any:
    """Log a visit (the paired cadre, or the community's social worker or secretary)."""
    pairing = policies.get_visible_pairing(request.user, pairing_id)
    visit = services.visit_log(
        actor=request.user,
        pairing=pairing,
        visited_on=payload.visited_on,
        found=payload.found,
        companions=payload.companions,
        needs=payload.needs,
    )
    return Status(
        201,
        {
            "id": visit.pk,
            "visited_on": visit.visited_on,
            "cadre": str(pairing.cadre),
            "companions": visit.companions,
            "found": visit.found,
            "has_photo": False,
            "needs": [_need_out(n) for n in visit.needs.order_by("pk")],
        },
    )


@router.post("/needs/{need_id}/turn", response={200: PairingNeedOut, **ERRORS})
def turn_pairing_need(request: HttpRequest, need_id: Id, payload: PairingTurnIn) -> Any:
    """Turn a need found on a visit into a desk request, a micro-wish or a talk topic, once."""
    need = policies.get_visible_need(request.user, need_id)
    person = Person.objects.filter(pk=payload.person, household_id=need.visit.household_id).first()
    if person is None:
        raise InvalidInput(_("这位居民不是这户的家庭成员。"), field="person")
    item = None
    if payload.item is not None:
        from community365.desk.services import items_for

        item = items_for(need.region).filter(pk=payload.item).first()
        if item is None:
            raise InvalidInput(_("该社区没有这项服务。"), field="item")
    need = services.need_turn(
        actor=request.user,
        need=need,
        kind=payload.kind,
        person=person,
        title=payload.title,
        text=payload.text,
        item=item,
        category=payload.category,
        value_yuan=payload.value_yuan,
        request_text=payload.request_text,
    )
    return _need_out(need)

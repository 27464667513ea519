"""/api/v1/benchmarking/… — the league table, a community's gaps against the model, the periods.

Access (see policies): district admin and leaders see all communities; subdistrict staff their
subdistrict's; a community's staff their own community only (its row with its district-wide
rank). Others: 404."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import Field

from community365.core.api import ErrorOut
from community365.core.errors import NotFound

from . import policies, selectors, services

router = Router(tags=["benchmarking"])

READ_ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}
# A period's key: a year, a quarter or a month (2025, 2025-Q1, 2025-03).
PeriodKey = Annotated[
    str | None,
    Query(pattern=r"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$", description="2025, 2025-Q1 or 2025-03"),
]
CommunityId = Annotated[int, Path(ge=1, le=policies.MAX_ID, description="a community's id")]


class DimensionOut(Schema):
    code: str = Field(..., description="linkages (三联), services (六服务) or mechanisms (五机制)")
    score: Decimal | None


class LeagueItem(Schema):
    community_id: int
    name: str
    subdistrict_id: int
    subdistrict: str
    is_model: bool
    rank: int
    previous_rank: int | None
    movement: int | None = Field(None, description="places gained since the period before (+) or lost (−)")
    score: Decimal
    grade: str
    people_index: Decimal | None = Field(None, description="为民指数")
    service_index: Decimal | None = Field(None, description="服务指数")
    dimensions: list[DimensionOut]


class LeagueOut(Schema):
    period: str
    items: list[LeagueItem]
    count: int


class GapItem(Schema):
    code: str
    indicator: str
    dimension: str
    unit: str
    direction: str
    value: Decimal | None
    model_value: Decimal | None
    gap: Decimal | None = Field(None, description="model_value − value")
    points: Decimal | None
    model_points: Decimal | None
    behind: bool
    formula: str
    records: str = Field(..., description="the list of records behind the value (a URL), or empty")


class GapsOut(Schema):
    period: str
    community_id: int
    community: str
    model_community_id: int | None
    model_community: str | None
    items: list[GapItem]
    count: int


class PeriodOut(Schema):
    key: str
    kind: str
    start: datetime.date
    end: datetime.date


class PeriodsOut(Schema):
    items: list[PeriodOut]
    count: int


def _district(request: HttpRequest) -> Any:
    user = request.user
    district = policies.district_of(user) if policies.may_view(user) else None
    if district is None:
        raise NotFound(_("没有可查看的对标得分。"))
    return district


@router.get("/periods", response={200: PeriodsOut, **READ_ERRORS})
def list_periods(request: HttpRequest) -> Any:
    """The periods with complete scores, newest first."""
    runs = selectors.periods(_district(request))
    return {
        "items": [{"key": r.key, "kind": r.kind, "start": r.start, "end": r.end} for r in runs],
        "count": len(runs),
    }


@router.get("/league", response={200: LeagueOut, **READ_ERRORS})
def league(request: HttpRequest, period: PeriodKey = None, subdistrict: int | None = None) -> Any:
    """The communities the user sees, by rank in the district."""
    run = selectors.run_for(_district(request), period)
    if subdistrict is not None and not policies.valid_id(subdistrict):
        subdistrict = -1
    rows = selectors.league(request.user, run, subdistrict=subdistrict)
    items = [
        {
            "community_id": s.community_id,
            "name": s.community.name,
            "subdistrict_id": s.subdistrict_id,
            "subdistrict": s.subdistrict.name,
            "is_model": s.community.is_model,
            "rank": s.rank,
            "previous_rank": s.previous_rank,
            "movement": s.movement,
            "score": s.total,
            "grade": s.grade,
            "people_index": s.people_index,
            "service_index": s.service_index,
            "dimensions": [{"code": d, "score": getattr(s, d)} for d in selectors.DIMENSIONS],
        }
        for s in rows
    ]
    return {"period": run.key, "items": items, "count": len(items)}


@router.get("/communities/{community_id}/gaps", response={200: GapsOut, **READ_ERRORS})
def community_gaps(request: HttpRequest, community_id: CommunityId, period: PeriodKey = None) -> Any:
    """Every indicator of the community beside the model's, the furthest behind first; ``records``
    opens the records behind the value."""
    district = _district(request)
    community = policies.get_visible_community(request.user, community_id)
    run = selectors.run_for(district, period)
    model = selectors.model_community(district)
    rows = selectors.gaps(run, community, model)
    items = [
        {
            "code": g.node.provider_code or g.node.code,
            "indicator": g.node.display_label,
            "dimension": g.node.dimension,
            "unit": g.node.display_unit,
            "direction": g.node.direction,
            "value": g.value,
            "model_value": g.model_value,
            "gap": g.gap,
            "points": g.points,
            "model_points": g.model_points,
            "behind": g.behind,
            "formula": str(g.indicator.formula) if g.indicator else g.node.description,
            "records": request.build_absolute_uri(g.records_url) if g.records_url else "",
        }
        for g in rows
    ]
    return {
        "period": run.key,
        "community_id": community.pk,
        "community": community.name,
        "model_community_id": model.pk if model else None,
        "model_community": model.name if model else None,
        "items": items,
        "count": len(items),
    }


# --- manual indicators ---------------------------------------------------------------------------

WRITE_ERRORS: dict[int, Any] = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
EntryId = Annotated[int, Path(ge=1, le=policies.MAX_ID, description="an entry's id")]


class BmEntryOut(Schema):
    id: int
    indicator_id: int
    indicator: str
    year: int
    community_id: int
    community: str
    value: Decimal
    status: str = Field(..., description="submitted (待街道确认), confirmed, returned or superseded")
    evidence: str
    links: list[str]
    files: int = Field(..., description="how many evidence files (the files are on the entry's page)")
    supersedes_id: int | None = Field(None, description="the entry this one corrects")
    entered_at: datetime.datetime
    decided_at: datetime.datetime | None
    return_reason: str


class BmEntriesOut(Schema):
    items: list[BmEntryOut]
    count: int


class BmEntryIn(Schema):
    indicator_id: int = Field(..., ge=1, le=policies.MAX_ID)
    community_id: int = Field(..., ge=1, le=policies.MAX_ID)
    value: str = Field(
        ..., pattern=r"^-?[0-9]{1,9}(\.[0-9]{1,2})?$", description="the value, e.g. 12 or 87.5"
    )
    evidence: str = Field(..., min_length=2, max_length=500, description="how the value was arrived at")
    links: list[Annotated[str, Field(pattern=r"^https?://\S+$", max_length=300)]] = Field(
        ..., min_length=1, max_length=5, description="evidence links (files are uploaded on the page)"
    )


class BmReturnIn(Schema):
    reason: str = Field(..., min_length=2, max_length=300)


def _entry_out(e: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "indicator_id": e.node_id,
        "indicator": e.node.label,
        "year": e.node.tree.year,
        "community_id": e.community_id,
        "community": e.community.name,
        "value": e.value,
        "status": e.status,
        "evidence": e.evidence,
        "links": e.links or [],
        "files": getattr(e, "n_files", None) if getattr(e, "n_files", None) is not None else e.files.count(),
        "supersedes_id": e.supersedes_id,
        "entered_at": e.entered_at,
        "decided_at": e.decided_at,
        "return_reason": e.return_reason,
    }


@router.get("/entries", response={200: BmEntriesOut, **READ_ERRORS})
def list_entries(
    request: HttpRequest,
    status: Annotated[
        str | None, Query(pattern=r"^(submitted|confirmed|returned|superseded)$", description="filter")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Any:
    """Manual indicator values of the communities the user sees, newest first."""
    from django.db.models import Count

    _district(request)
    qs = selectors.entries_visible(request.user)
    if status:
        qs = qs.filter(status=status)
    count = qs.count()
    rows = list(qs.annotate(n_files=Count("files")).order_by("-entered_at", "-id")[offset : offset + limit])
    return {"items": [_entry_out(e) for e in rows], "count": count}


@router.post("/entries", response={201: BmEntryOut, **WRITE_ERRORS})
def submit_entry(request: HttpRequest, payload: BmEntryIn) -> Any:
    """A community's value of a manual indicator with evidence links; it supersedes the
    community's pending or returned value, and its confirmed one once confirmed."""
    from .models import Source, TreeNode

    _district(request)
    community = policies.get_visible_community(request.user, payload.community_id)
    node = (
        TreeNode.objects.select_related("tree")
        .filter(pk=payload.indicator_id, district_id=community.district_id, source=Source.MANUAL)
        .first()
    )
    if node is None:
        raise NotFound(_("没有这项社区填报指标。"))
    entry = services.entry_submit(
        actor=request.user,
        node=node,
        community=community,
        value=payload.value,
        evidence=payload.evidence,
        links=payload.links,
    )
    return 201, _entry_out(entry)


def _visible_entry(request: HttpRequest, entry_id: int) -> Any:
    _district(request)
    entry = selectors.entries_visible(request.user).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("没有这条填报，或您无权查看。"))
    return entry


@router.post("/entries/{entry_id}/confirm", response={200: BmEntryOut, **WRITE_ERRORS})
def confirm_entry(request: HttpRequest, entry_id: EntryId) -> Any:
    """The subdistrict confirms a pending value: it enters the scores from the next computation."""
    entry = services.entry_confirm(actor=request.user, entry=_visible_entry(request, entry_id))
    return _entry_out(entry)


@router.post("/entries/{entry_id}/return", response={200: BmEntryOut, **WRITE_ERRORS})
def return_entry(request: HttpRequest, entry_id: EntryId, payload: BmReturnIn) -> Any:
    """The subdistrict returns a pending value with a reason; the community enters it again."""
    entry = services.entry_return(
        actor=request.user, entry=_visible_entry(request, entry_id), reason=payload.reason
    )
    return _entry_out(entry)

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

from . import policies, selectors

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

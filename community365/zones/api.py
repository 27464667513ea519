"""/api/v1/zones/… — the zones a user sees (with their members' aggregated score), one zone, and
the progress towards a year's targets.

Access (see policies): zones for the district's admin and leaders (all), a subdistrict's staff
(zones reaching into it), a community's staff (their community's zones); progress for the
admin, leaders (every subdistrict and the district's figures) and a subdistrict's staff (their
own subdistrict). Others: 404."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import Field

from community365.core.api import ErrorOut
from community365.core.errors import NotFound

from . import policies, selectors
from .models import Level, Scope

router = Router(tags=["zones"])

READ_ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}
ZoneId = Annotated[int, Path(ge=1, le=policies.MAX_ID, description="a zone's id")]
Year = Annotated[
    int | None, Query(ge=2000, le=2100, description="the year whose scores are read; default this year")
]


class ZoneItem(Schema):
    id: int
    code: str
    name: str
    kind: str = Field(..., description="core (一核), wing (五翼) or link (十联动)")
    link_form: str = Field(
        ...,
        description="community_community, building_community, cooperative_cooperative; empty unless a link",
    )
    theme: str
    status: str = Field(..., description="planned, building, built or demonstration")
    status_since: datetime.date
    members: int
    scored_members: int
    score: Decimal | None = Field(
        None, description="mean total score of the member communities and cooperatives"
    )


class ZoneListOut(Schema):
    year: int
    period: str | None = Field(
        None, description="the score run read (a year, else the newest quarter or month)"
    )
    items: list[ZoneItem]
    count: int


class ZoneMemberOut(Schema):
    id: int
    kind: str
    name: str
    community_id: int | None
    score: Decimal | None


class ZoneChangeOut(Schema):
    on: datetime.date
    from_status: str
    to_status: str
    reverted: bool
    reason: str


class ZoneCheckItemOut(Schema):
    indicator: str = Field(..., description="a registered indicator code, or 'total'")
    label: str
    comparison: str = Field(..., description="gte or lte")
    threshold: Decimal
    value: Decimal | None
    met: bool


class ZoneLevelOut(Schema):
    level: str = Field(..., description="standard (达标) or demonstration (示范)")
    defined: bool
    met: bool
    items: list[ZoneCheckItemOut]


class ZoneOut(ZoneItem):
    description: str
    period: str | None
    member_list: list[ZoneMemberOut]
    history: list[ZoneChangeOut]
    levels: list[ZoneLevelOut]


class ZoneTargetItem(Schema):
    measure: str = Field(
        ..., description="demonstration_zones, subdistricts_standard_pct or subdistricts_demonstration_pct"
    )
    target: Decimal
    actual: Decimal | None
    achieved: bool
    shortfall: int
    explanation: str


class ZoneSubdistrictItem(Schema):
    subdistrict_id: int
    name: str
    communities: int
    total: Decimal | None
    levels: list[ZoneLevelOut]


class ZoneProgressOut(Schema):
    year: int
    period: str | None
    whole_district: bool
    targets: list[ZoneTargetItem] = Field(..., description="empty unless the user sees the whole district")
    subdistricts: list[ZoneSubdistrictItem]
    demonstration_zone_ids: list[int]


def _district(request: HttpRequest, allowed: Any) -> Any:
    user = request.user
    district = policies.district_of(user) if allowed(user) else None
    if district is None:
        raise NotFound(_("没有可查看的片区。"))
    return district


def _levels(checks: dict[str, selectors.LevelCheck]) -> list[dict[str, Any]]:
    return [
        {
            "level": level,
            "defined": c.defined,
            "met": c.met,
            "items": [
                {
                    "indicator": i.item.indicator_code,
                    "label": i.label,
                    "comparison": i.item.comparison,
                    "threshold": i.item.threshold,
                    "value": i.value,
                    "met": i.met,
                }
                for i in c.checks
            ],
        }
        for level, c in checks.items()
    ]


def _item(row: selectors.ZoneRow) -> dict[str, Any]:
    z = row.zone
    return {
        "id": z.pk,
        "code": z.code,
        "name": z.name,
        "kind": z.kind,
        "link_form": z.link_form,
        "theme": z.theme,
        "status": z.status,
        "status_since": z.status_since,
        "members": row.members,
        "scored_members": row.scored,
        "score": row.score,
    }


@router.get("/", response={200: ZoneListOut, **READ_ERRORS})
def list_zones(request: HttpRequest, year: Year = None, kind: str | None = None) -> Any:
    """The zones the user sees, in the layout's order, with their score in the year."""
    district = _district(request, policies.may_view)
    year = year or timezone.localdate().year
    zones = list(selectors.zone_list(request.user, district, kind=kind or ""))
    run = selectors.run_of_year(district, year)
    rows = selectors.zone_rows(zones, selectors.scores(run))
    return {
        "year": year,
        "period": run.key if run else None,
        "items": [_item(r) for r in rows],
        "count": len(rows),
    }


@router.get("/targets", response={200: ZoneProgressOut, **READ_ERRORS})
def targets_progress(request: HttpRequest, year: Year = None) -> Any:
    """The year's targets against the subdistricts' 达标/示范 evaluation and the zones' statuses."""
    district = _district(request, policies.may_view_progress)
    year = year or timezone.localdate().year
    p = selectors.progress(request.user, district, year)
    return {
        "year": year,
        "period": p.run.key if p.run else None,
        "whole_district": p.whole,
        "targets": [
            {
                "measure": t.target.measure,
                "target": t.target.value,
                "actual": t.actual,
                "achieved": t.achieved,
                "shortfall": t.shortfall,
                "explanation": t.explanation,
            }
            for t in (p.targets if p.whole else [])
        ],
        "subdistricts": [
            {
                "subdistrict_id": s.region.pk,
                "name": s.region.name,
                "communities": s.communities,
                "total": s.total,
                "levels": _levels(s.checks),
            }
            for s in p.subdistricts
        ],
        "demonstration_zone_ids": [z.pk for z in p.demonstration_zones] if p.whole else [],
    }


@router.get("/{zone_id}", response={200: ZoneOut, **READ_ERRORS})
def get_zone(request: HttpRequest, zone_id: ZoneId, year: Year = None) -> Any:
    """One zone: members with their scores, the dated status history, the check against the
    year's zone standards."""
    district = _district(request, policies.may_view)
    zone = policies.get_visible_zone(request.user, zone_id)
    year = year or timezone.localdate().year
    run = selectors.run_of_year(district, year)
    standards = selectors.standards_of(district, year)
    codes = {
        i.indicator_code for (scope, _l), items in standards.items() if scope == Scope.ZONE for i in items
    }
    data = selectors.scores(run, codes)
    members = selectors.zone_members(zone)
    row = selectors.zone_rows([zone], data)[0]
    items = {level: standards.get((Scope.ZONE, level), []) for level in Level.values}
    checks = selectors.check_group(data, [m.community_id for m in members if m.community_id], items)
    return {
        **_item(row),
        "description": zone.description,
        "period": run.key if run else None,
        "member_list": [
            {
                "id": m.pk,
                "kind": m.kind,
                "name": m.name,
                "community_id": m.community_id,
                "score": data.totals.get(m.community_id) if m.community_id else None,
            }
            for m in members
        ],
        "history": [
            {
                "on": h.on,
                "from_status": h.from_status,
                "to_status": h.to_status,
                "reverted": h.reverted,
                "reason": h.reason,
            }
            for h in selectors.zone_history(zone)
        ],
        "levels": _levels(checks),
    }

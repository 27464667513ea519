from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from community365.core.api import ErrorOut, Id, PageParams, paginate
from community365.core.errors import NotFound

from . import policies, selectors
from .models import RegionKind

router = Router(tags=["regions"])


class RegionOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    code: str
    depth: int
    parent_id: int | None
    district_id: int | None


class RegionPage(Schema):
    items: list[RegionOut]
    count: int


class RegionCountsOut(Schema):
    communities: int
    households: int
    residents: int


class RegionDetailOut(RegionOut):
    path_names: list[str]
    reported_households: int | None
    reported_population: int | None
    is_model: bool
    counts: RegionCountsOut


class RegionFilter(Schema):
    kind: RegionKind | None = None
    parent: Id | None = Field(None, ge=1, description="only the direct children of this region")
    q: str = Field("", max_length=40, description="name contains")


def _parent_ids(regions: list[Any]) -> dict[str, int]:
    from .models import Region

    paths = {r.path[: (r.depth - 1) * Region.steplen] for r in regions if r.depth > 1}
    return dict(Region.objects.filter(path__in=paths).values_list("path", "id"))


def region_out(region: Any, parents: dict[str, int]) -> dict[str, Any]:
    from .models import Region

    return {
        "id": region.pk,
        "name": region.name,
        "kind": region.kind,
        "kind_label": region.get_kind_display(),
        "code": region.code,
        "depth": region.depth,
        "parent_id": parents.get(region.path[: (region.depth - 1) * Region.steplen]),
        "district_id": region.district_id,
    }


@router.get("/regions", response=RegionPage)
def list_regions(request: HttpRequest, filters: Query[RegionFilter], page: Query[PageParams]) -> Any:
    """Places the user can see, in tree order."""
    qs = policies.regions_visible_to(request.user).order_by("path")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.parent:
        parent = policies.regions_visible_to(request.user).filter(pk=filters.parent).first()
        if parent is None:
            raise NotFound(_("没有找到上级区域。"))
        qs = qs.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    regions, count = paginate(qs, page)
    parents = _parent_ids(regions)
    return {"items": [region_out(r, parents) for r in regions], "count": count}


@router.get("/regions/{region_id}", response={200: RegionDetailOut, 404: ErrorOut})
def get_region(request: HttpRequest, region_id: Id) -> Any:
    region = policies.get_visible_region(request.user, region_id)
    ancestors = selectors.ancestors_of(region)
    counts = selectors.counts_under(request.user, [region])[region.pk]
    data = region_out(region, {a.path: a.pk for a in ancestors})
    data.update(
        path_names=[a.name for a in ancestors] + [region.name],
        reported_households=region.reported_households,
        reported_population=region.reported_population,
        is_model=region.is_model,
        counts=counts.__dict__,
    )
    return data

"""The drillable figures of the three linkages: members, activities, hours, residents served,
and social workers' workload."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from community365.core import permissions
from community365.core.context import signed_in_user
from community365.regions.models import COMMUNITY_KINDS, Region
from community365.regions.policies import get_visible_region, regions_visible_to
from community365.regions.selectors import ancestors_of

from .. import policies, selectors
from ._common import _int, _visible

# --- figures ------------------------------------------------------------------------------------


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    """Drillable figures: members, activities, verified hours, residents served; and workload."""
    user = signed_in_user(request)
    paths = permissions.scope_paths(user, policies.FIGURES_VIEW.name)
    if request.GET.get("region"):
        region = _visible(lambda: get_visible_region(user, _int(request.GET.get("region"))))
    else:
        tops = regions_visible_to(user).order_by("depth", "path")
        region = tops.first() if paths is None else tops.filter(path__in=paths).first()
        if region is None:
            raise Http404
    if not permissions.has_perm_at(user, policies.FIGURES_VIEW.name, region.path):
        raise Http404
    drill = selectors.figures_drill(user, region)
    children = list(
        Region.objects.filter(
            path__startswith=region.path, depth=region.depth + 1, kind__in=["subdistrict", *COMMUNITY_KINDS]
        ).order_by("path")
    )
    workload_rows, workload_total = selectors.workload(children or [region])
    ancestors = [
        a for a in ancestors_of(region) if permissions.has_perm_at(user, policies.FIGURES_VIEW.name, a.path)
    ]
    return render(
        request,
        "teams/figures.html",
        {
            "region": region,
            "ancestors": ancestors,
            "drill": drill,
            "workload": workload_rows,
            "workload_total": workload_total,
        },
    )

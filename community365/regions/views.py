from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from community365.core import permissions
from community365.core.errors import NotFound

from . import policies, selectors


@login_required
@require_GET
def region_browser(request: HttpRequest) -> HttpResponse:
    tops = selectors.top_regions_of(request.user)
    if len(tops) == 1:
        return redirect("region_detail", region_id=tops[0].pk)
    return render(request, "regions/browser.html", {"tops": tops})


@login_required
@require_GET
def region_detail(request: HttpRequest, region_id: int) -> HttpResponse:
    """One place: its ancestors by name, its children with counts at each level."""
    try:
        region = policies.get_visible_region(request.user, region_id)
    except NotFound:
        raise Http404 from None
    children = selectors.children_of(request.user, region)
    child_counts = selectors.counts_under(request.user, children)
    own_counts = selectors.counts_under(request.user, [region])[region.pk]
    households = []
    if region.kind == "stairwell":
        households = list(
            policies.households_visible_to(request.user).filter(region=region).order_by("number")
        )
    can_list_people = permissions.has_perm_at(request.user, "people.person:view", region.path)
    can_count = selectors.may_count(request.user, region)
    return render(
        request,
        "regions/detail.html",
        {
            "region": region,
            "ancestors": selectors.ancestors_of(region),
            "children": [(child, child_counts[child.pk]) for child in children],
            "counts": own_counts,
            "households": households,
            "can_list_people": can_list_people,
            "can_count": can_count,
        },
    )

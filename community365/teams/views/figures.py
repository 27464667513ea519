"""The drillable figures of the three linkages: members, activities, hours, residents served,
and social workers' workload."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from community365.core import charts, permissions
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
    period = charts.period_from(request.GET)
    drill = selectors.figures_drill(user, region, period)
    trend = selectors.figures_trend(user, region, period)
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
            "period": period,
            "keep": {"region": region.pk},
            "period_query": period.querystring(),
            "charts": figure_charts(region, drill, trend, workload_rows, workload_total, period),
        },
    )


def figure_charts(
    region: Region,
    drill: dict[str, Any],
    trend: list[selectors.TrendPoint],
    workload_rows: list[selectors.WorkloadRow],
    workload_total: selectors.WorkloadRow | None,
    period: charts.Period,
) -> list[dict[str, Any]]:
    """The page's charts from the tables' own rows. A child region's bar opens that region's
    figures; a month opens the figures of that month; a team's bar opens the team."""
    page = reverse("teams_figures")

    def at(place: Region, **when: str) -> str:
        return charts.with_params(page, region=place.pk, **(when or period.params()))

    out = [
        charts.line_chart(
            "teams-trend",
            title=_("每月活动与已核实时长"),
            months=[p.month for p in trend],
            lines=[
                charts.series(
                    _("活动"),
                    [p.activities for p in trend],
                    [at(region, **charts.month_period_params(p.month)) for p in trend],
                ),
                charts.series(
                    _("已核实时长（小时）"),
                    [p.verified_hours for p in trend],
                    [at(region, **charts.month_period_params(p.month)) for p in trend],
                ),
            ],
        )
    ]
    children = drill["children"]
    if children:
        names, bars = charts.rows_to_bars(
            children,
            name=lambda row: row[0].name,
            measures=[(_("活动"), lambda row: row[1].activities, lambda row: at(row[0]))],
        )
        out.append(
            charts.bar_chart(
                "teams-activities",
                title=_("下级区域的活动"),
                categories=names,
                bars=bars,
                average=drill["total"].activities / len(children),
                average_label=_("平均"),
            )
        )
    if drill["teams"]:
        shown = charts.top_rows(drill["teams"], lambda row: row[1].verified_hours)
        names, bars = charts.rows_to_bars(
            shown,
            name=lambda row: row[0].name,
            measures=[
                (
                    _("已核实时长（小时）"),
                    lambda row: row[1].verified_hours,
                    lambda row: reverse("team_detail", args=[row[0].pk]),
                )
            ],
        )
        out.append(
            charts.bar_chart("teams-hours", title=_("本级队伍的已核实时长"), categories=names, bars=bars)
        )
    rated = [w for w in workload_rows if w.residents_per_worker is not None]
    if rated and workload_total is not None:
        shown = charts.top_rows(rated, lambda w: w.residents_per_worker)
        names, bars = charts.rows_to_bars(
            shown,
            name=lambda w: w.region.name,
            measures=[
                (
                    _("每名社工服务居民"),
                    lambda w: w.residents_per_worker,
                    lambda w: at(w.region) if w.region.pk != region.pk else None,
                )
            ],
        )
        out.append(
            charts.bar_chart(
                "teams-workload",
                title=charts.top_title(_("每名社工服务的居民"), len(shown), len(rated)),
                categories=names,
                bars=bars,
                average=workload_total.residents_per_worker,
                average_label=region.name,
            )
        )
    return out

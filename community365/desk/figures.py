"""The desk's figures: requests by category, community, subdistrict and month; response and
resolution times (median and 90th percentile); deadline met %; satisfaction; reopen rate; hot
spots. Every figure is one grouped query over the user's scope and the period — the medians come
from a grouped histogram of whole hours, never from a list of every request."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, F, IntegerField, Q, QuerySet
from django.db.models.functions import Cast, Substr, TruncMonth
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from community365.core import charts, permissions
from community365.core.exports import xlsx_response
from community365.regions.models import Region
from community365.wishes.models import ServiceCategory

from .models import RequestStatus, ServiceRequest

HOT_SPOT_MIN = 3


def scoped(paths: list[str] | None, period: charts.Period) -> QuerySet[ServiceRequest]:
    return (
        ServiceRequest.objects.exclude(status=RequestStatus.MERGED)
        .filter(permissions.path_q(paths, "community__path"))
        .filter(period.q("created_at"))
    )


MEASURES = {
    "n": Count("id"),
    "closed": Count("id", filter=Q(status__in=[RequestStatus.CLOSED, RequestStatus.CONFIRMED])),
    "met": Count("id", filter=Q(deadline_met=True)),
    "rated": Count("id", filter=Q(rating__isnull=False)),
    "satisfaction": Avg("rating"),
    "reopened": Count("id", filter=Q(reopen_count__gt=0)),
}


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    closed = row["closed"]
    row["met_pct"] = round(100 * row["met"] / closed, 1) if closed else None
    row["reopen_pct"] = round(100 * row["reopened"] / closed, 1) if closed else None
    row["satisfaction"] = round(row["satisfaction"], 2) if row["satisfaction"] is not None else None
    return row


def grouped(qs: QuerySet[ServiceRequest], key: Any, **alias: Any) -> list[dict[str, Any]]:
    """One query: the measures per value of ``key``."""
    qs = qs.annotate(**alias) if alias else qs
    return [_finish(r) for r in qs.values(key).annotate(**MEASURES).order_by(key)]


def percentiles(qs: QuerySet[ServiceRequest], field: str) -> dict[str, float | None]:
    """Median and 90th percentile in hours, from one grouped query of whole-hour buckets."""
    buckets = list(
        qs.filter(**{f"{field}__isnull": False})
        .annotate(hour=Cast(F(field) / 3600, IntegerField()))
        .values("hour")
        .annotate(n=Count("id"))
        .order_by("hour")
    )
    total = sum(b["n"] for b in buckets)
    if not total:
        return {"median": None, "p90": None, "n": 0}
    out: dict[str, Any] = {"n": total}
    for name, share in (("median", 0.5), ("p90", 0.9)):
        needed, running = share * total, 0
        for bucket in buckets:
            running += bucket["n"]
            if running >= needed:
                out[name] = bucket["hour"] + 1  # the bucket's upper bound: "within N hours"
                break
    return out


def hot_spot_groups(qs: QuerySet[ServiceRequest]) -> QuerySet[Any]:
    """The same category recurring at the same place (stairwell, building or grid): one row per
    place and category with at least ``HOT_SPOT_MIN`` requests."""
    return (
        qs.exclude(region_id=F("community_id"))
        .values("region_id", "region__name", "community__name", "category")
        .annotate(n=Count("id"))
        .filter(n__gte=HOT_SPOT_MIN)
        .order_by("-n", "region_id")
    )


def hot_spots(qs: QuerySet[ServiceRequest]) -> list[dict[str, Any]]:
    """The hot spots as the hot-spot pages count them (a place and everything under it; see
    ``selectors.find_hot_spots``), in the figures' row shape (deskflow)."""
    from .selectors import find_hot_spots

    return [
        {
            "region_id": s.place_id,
            "region__name": s.place_label,
            "community_id": s.community_id,
            "community__name": s.community_name,
            "category": s.category,
            "n": s.n,
        }
        for s in find_hot_spots(qs, minimum=HOT_SPOT_MIN)
    ]


def recent_period() -> charts.Period:
    """The hot spots' window on the home page: this month and the two before."""
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    month = today.month - 2
    year = today.year + (month - 1) // 12
    start = datetime.date(year, (month - 1) % 12 + 1, 1)
    return charts.period_from({"from": start.strftime("%Y-%m")})


def page_context(request: HttpRequest, paths: list[str] | None) -> dict[str, Any]:
    period = charts.period_from(request.GET)
    qs = scoped(paths, period)
    labels = dict(ServiceCategory.choices)
    by_category = grouped(qs, "category")
    for row in by_category:
        row["name"] = labels.get(row["category"], row["category"])
        row["url"] = charts.with_params(reverse("services_home"), category=row["category"])
    by_community = grouped(qs, "community_id")
    names = dict(
        Region.objects.filter(pk__in=[r["community_id"] for r in by_community]).values_list("pk", "name")
    )
    for row in by_community:
        row["name"] = names.get(row["community_id"], "")
        row["url"] = charts.with_params(reverse("services_home"), community=row["community_id"])
    by_subdistrict = grouped(qs, "sub_path", sub_path=Substr("community__path", 1, Region.steplen * 2))
    sub_names = dict(
        Region.objects.filter(path__in=[r["sub_path"] for r in by_subdistrict]).values_list("path", "name")
    )
    for row in by_subdistrict:
        row["name"] = sub_names.get(row["sub_path"], "")
    by_month = list(
        qs.annotate(month=TruncMonth("created_at")).values("month").annotate(n=Count("id")).order_by("month")
    )
    total = _finish(qs.aggregate(**MEASURES))
    months = charts.month_axis(by_month, period)
    counts = {charts.month_key(r["month"]): r["n"] for r in by_month}
    cat_top = charts.top_rows(by_category, lambda r: r["n"])
    com_top = charts.top_rows(by_community, lambda r: r["n"])
    chart_list = [
        charts.bar_chart(
            "desk-category",
            title=_("按类别"),
            categories=[r["name"] for r in cat_top],
            bars=[charts.series(_("诉求数"), [r["n"] for r in cat_top], [r["url"] for r in cat_top])],
        ),
        charts.bar_chart(
            "desk-community",
            title=charts.top_title(_("按社区"), len(com_top), len(by_community)),
            categories=[r["name"] for r in com_top],
            bars=[charts.series(_("诉求数"), [r["n"] for r in com_top], [r["url"] for r in com_top])],
        ),
        charts.line_chart(
            "desk-month",
            title=_("按月"),
            months=months,
            lines=[charts.series(_("诉求数"), [counts.get(m, 0) for m in months])],
        ),
    ]
    spots = hot_spots(qs)
    for spot in spots:
        spot["category_label"] = labels.get(spot["category"], spot["category"])
        spot["url"] = charts.with_params(
            reverse("services_home"), place=spot["region_id"], category=spot["category"], **period.params()
        )
    return {
        "period": period,
        "total": total,
        "response": percentiles(qs, "response_seconds"),
        "resolution": percentiles(qs, "resolution_seconds"),
        "by_category": by_category,
        "by_community": by_community,
        "by_subdistrict": by_subdistrict,
        "hot_spots": spots,
        "charts": chart_list,
    }


def xlsx(request: HttpRequest, paths: list[str] | None) -> HttpResponse:
    context = page_context(request, paths)
    header = [_("社区"), _("诉求数"), _("已办结"), _("按时办结率%"), _("满意度"), _("重办率%")]
    rows = [
        [r["name"], r["n"], r["closed"], r["met_pct"], r["satisfaction"], r["reopen_pct"]]
        for r in context["by_community"]
    ]
    return xlsx_response("services-figures.xlsx", _("六服务统计"), header, rows)

"""The desk's benchmarking indicators (core/indicators.py): one grouped query over all
communities each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext_lazy as _

from community365.core import indicators
from community365.regions.models import Region

from .models import RequestStatus, ServiceRequest


def _in(period: indicators.Period, ids: Sequence[int]):  # type: ignore[no-untyped-def]
    return ServiceRequest.objects.filter(
        community_id__in=list(ids), created_at__gte=period.start_dt, created_at__lt=period.end_dt
    ).exclude(status=RequestStatus.MERGED)


@indicators.provider(
    code="desk.deadline_met",
    dimension=indicators.SERVICES,
    label=_("诉求按时办结率"),
    unit="%",
    formula=_("期内提出、已办结的诉求中按时办结的 ÷ 已办结的 × 100"),
    records="services_home",
    indices=("service",),
)
def deadline_met(period: indicators.Period, ids: Sequence[int]) -> Mapping[int, indicators.Value]:
    rows = (
        _in(period, ids)
        .filter(deadline_met__isnull=False)
        .values("community_id")
        .annotate(n=Count("id"), met=Count("id", filter=Q(deadline_met=True)))
    )
    return {
        r["community_id"]: indicators.Value(
            round(100 * r["met"] / r["n"], 1), numerator=r["met"], denominator=r["n"]
        )
        for r in rows
    }


@indicators.provider(
    code="desk.satisfaction",
    dimension=indicators.SERVICES,
    label=_("诉求满意度"),
    unit=_("分（1–5）"),
    formula=_("期内提出的诉求中居民评价的平均星数"),
    records="services_home",
    indices=("people", "service"),
)
def satisfaction(period: indicators.Period, ids: Sequence[int]) -> Mapping[int, indicators.Value]:
    rows = (
        _in(period, ids)
        .filter(rating__isnull=False)
        .values("community_id")
        .annotate(avg=Avg("rating"), n=Count("id"))
    )
    return {r["community_id"]: indicators.Value(round(r["avg"], 2), denominator=r["n"]) for r in rows}


@indicators.provider(
    code="desk.requests_per_1000",
    dimension=indicators.SERVICES,
    label=_("每千名居民诉求数"),
    unit=_("件/千人"),
    formula=_("期内诉求数 ÷ 社区上报人口 × 1000"),
    records="services_home",
    indices=("people",),
)
def requests_per_1000(period: indicators.Period, ids: Sequence[int]) -> Mapping[int, indicators.Value]:
    counts = dict(
        _in(period, ids).values("community_id").annotate(n=Count("id")).values_list("community_id", "n")
    )
    population = dict(
        Region.objects.filter(pk__in=list(counts), reported_population__gt=0).values_list(
            "pk", "reported_population"
        )
    )
    return {
        cid: indicators.Value(round(n * 1000 / population[cid], 2), numerator=n, denominator=population[cid])
        for cid, n in counts.items()
        if cid in population
    }

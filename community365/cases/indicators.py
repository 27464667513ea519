"""Benchmarking indicators from mediation and the legal clinic (see core/indicators.py): each
one grouped query over all the communities asked for (plus one for the population)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from community365.core import indicators
from community365.people.models import Person

from .models import Consultation, MediationCase, Outcome


@indicators.provider(
    code="cases.agreements_kept_pct",
    dimension=indicators.SERVICES,
    label=_("调解协议回访履行率"),
    unit="%",
    direction=indicators.HIGHER,
    formula=_("期内回访时协议已履行的案件数 ÷ 期内回访的案件数 × 100"),
    indices=("people",),
)
def agreements_kept_pct(
    period: indicators.Period, community_ids: Sequence[int]
) -> Mapping[int, indicators.Value]:
    rows = (
        MediationCase.objects.filter(
            region_id__in=community_ids,
            followed_up_at__gte=period.start_dt,
            followed_up_at__lt=period.end_dt,
        )
        .values("region_id")
        .annotate(followed=Count("id"), kept=Count("id", filter=Q(kept=True)))
    )
    return {
        r["region_id"]: indicators.Value(round(100 * r["kept"] / r["followed"], 1), r["kept"], r["followed"])
        for r in rows
        if r["followed"]
    }


@indicators.provider(
    code="cases.agreements_reached_pct",
    dimension=indicators.SERVICES,
    label=_("人民调解成功率"),
    unit="%",
    direction=indicators.HIGHER,
    formula=_("期内调解成功的案件数 ÷ 期内有结果的案件数 × 100"),
    indices=("service",),
)
def agreements_reached_pct(
    period: indicators.Period, community_ids: Sequence[int]
) -> Mapping[int, indicators.Value]:
    rows = (
        MediationCase.objects.filter(
            region_id__in=community_ids, decided_at__gte=period.start_dt, decided_at__lt=period.end_dt
        )
        .values("region_id")
        .annotate(decided=Count("id"), agreed=Count("id", filter=Q(outcome=Outcome.AGREED)))
    )
    return {
        r["region_id"]: indicators.Value(
            round(100 * r["agreed"] / r["decided"], 1), r["agreed"], r["decided"]
        )
        for r in rows
        if r["decided"]
    }


@indicators.provider(
    code="cases.consultations_per_1000",
    dimension=indicators.SERVICES,
    label=_("每千名居民法律咨询人次"),
    unit=_("人次/千人"),
    direction=indicators.HIGHER,
    formula=_("期内法律工作室的咨询人次 ÷ 登记居民数 × 1000"),
    indices=("service",),
)
def consultations_per_1000(
    period: indicators.Period, community_ids: Sequence[int]
) -> Mapping[int, indicators.Value]:
    rows = (
        Consultation.objects.filter(
            region_id__in=community_ids,
            booking__session__starts_at__gte=period.start_dt,
            booking__session__starts_at__lt=period.end_dt,
        )
        .values("region_id")
        .annotate(n=Count("id"))
    )
    counts = {r["region_id"]: r["n"] for r in rows}
    if not counts:
        return {}
    population = dict(
        Person.objects.filter(community_id__in=list(counts))
        .values("community_id")
        .annotate(n=Count("id"))
        .values_list("community_id", "n")
    )
    return {
        cid: indicators.Value(round(n * 1000 / population[cid], 2), n, population[cid])
        for cid, n in counts.items()
        if population.get(cid)
    }

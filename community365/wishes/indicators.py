"""Benchmarking indicators computed from the wishes' records (see community365.core.indicators).

Each function is one query over all the communities asked for (never a loop over them)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Avg, Count
from django.utils.translation import gettext_lazy as _

from community365.core import indicators
from community365.core.indicators import Period, Value

from .models import Wish, WishStatus


@indicators.provider(
    code="wishes.fulfilled_per_1000",
    dimension=indicators.SERVICES,
    label=_("每千名居民实现的微心愿"),
    unit=_("个/千人"),
    direction=indicators.HIGHER,
    formula=_("期内确认实现（已圆梦）的微心愿数 ÷ 社区上报人口 × 1000"),
    records="wish_list",
    records_param="region",
    indices=(indicators.SERVICE,),
)
def fulfilled_per_1000(period: Period, community_ids: Sequence[int]) -> dict[int, Value]:
    rows = (
        Wish.objects.filter(
            region_id__in=list(community_ids),
            status=WishStatus.CONFIRMED,
            confirmed_at__gte=period.start_dt,
            confirmed_at__lt=period.end_dt,
        )
        .values("region_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {r["region_id"]: r["n"] for r in rows}
    return indicators.per_1000(counts, indicators.populations(community_ids))


@indicators.provider(
    code="wishes.median_days_to_claim",
    dimension=indicators.SERVICES,
    label=_("微心愿从发布到认领的天数（中位数）"),
    unit=_("天"),
    direction=indicators.LOWER,
    formula=_("期内首次被认领的微心愿，首次认领时间 − 发布时间（天）的中位数"),
    records="wish_list",
    records_param="region",
    indices=(indicators.SERVICE,),
)
def median_days_to_claim(period: Period, community_ids: Sequence[int]) -> dict[int, Value]:
    rows = Wish.objects.filter(
        region_id__in=list(community_ids),
        first_claimed_at__gte=period.start_dt,
        first_claimed_at__lt=period.end_dt,
        published_at__isnull=False,
    ).values_list("region_id", "published_at", "first_claimed_at")
    waits: dict[int, list[float]] = defaultdict(list)
    for region_id, published, claimed in rows.iterator():
        if published is None or claimed is None:
            continue
        waits[region_id].append(max((claimed - published).total_seconds(), 0) / 86400)
    return {
        cid: Value(Decimal(str(round(statistics.median(days), 1))), numerator=None, denominator=len(days))
        for cid, days in waits.items()
    }


@indicators.provider(
    code="wishes.satisfaction",
    dimension=indicators.SERVICES,
    label=_("微心愿满意度"),
    unit=_("分（满分5）"),
    direction=indicators.HIGHER,
    formula=_("期内确认实现且有评价的微心愿，心愿人评分（1–5）的平均值"),
    records="wish_list",
    records_param="region",
    indices=(indicators.PEOPLE,),
)
def satisfaction(period: Period, community_ids: Sequence[int]) -> dict[int, Value]:
    rows = (
        Wish.objects.filter(
            region_id__in=list(community_ids),
            confirmed_at__gte=period.start_dt,
            confirmed_at__lt=period.end_dt,
            rating__isnull=False,
        )
        .values("region_id")
        .annotate(avg=Avg("rating"), n=Count("id"))
        .order_by()
    )
    return {r["region_id"]: Value(Decimal(str(round(r["avg"], 2))), denominator=r["n"]) for r in rows}

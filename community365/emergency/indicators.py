"""Benchmarking indicators of the emergency response (see community365.core.indicators)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from community365.core import indicators

from .models import CheckAssignment


@indicators.provider(
    code="emergency.checked_share",
    dimension=indicators.SERVICES,
    label=_("应急事件中重点关注户入户排查率"),
    unit="%",
    direction=indicators.HIGHER,
    formula=_("期内开始的应急事件中已排查的重点关注户 ÷ 重点关注户 × 100"),
    indices=("people",),
)
def checked_share(period: indicators.Period, community_ids: Sequence[int]) -> Mapping[int, indicators.Value]:
    rows = (
        CheckAssignment.objects.filter(
            region_id__in=list(community_ids),
            event__starts_at__gte=period.start_dt,
            event__starts_at__lt=period.end_dt,
        )
        .values("region_id")
        .annotate(total=Count("id"), checked=Count("id", filter=~Q(status="")))
    )
    return {
        r["region_id"]: indicators.Value(round(r["checked"] * 100 / r["total"], 1), r["checked"], r["total"])
        for r in rows
        if r["total"]
    }

"""Benchmarking indicators computed from the two-way talks' records (see core.indicators)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Avg, Count, F, Q
from django.utils.translation import gettext_lazy as _

from community365.core import indicators
from community365.core.indicators import Period, Value

from .models import TalkRating, TalkTask, TaskStatus


@indicators.provider(
    code="talks.tasks_on_time",
    dimension=indicators.MECHANISMS,
    label=_("约谈承诺事项按期办结率"),
    unit="%",
    direction=indicators.HIGHER,
    formula=_("完成期限落在期内的约谈任务中，在期限当天或之前完成的 ÷ 完成期限落在期内的任务 × 100%"),
    records="talk_board",
    indices=(indicators.PEOPLE, indicators.SERVICE),
)
def tasks_on_time(period: Period, community_ids: Sequence[int]) -> dict[int, Value]:
    rows = (
        TalkTask.objects.filter(
            topic__region_id__in=list(community_ids), deadline__gte=period.start, deadline__lte=period.end
        )
        .values("topic__region_id")
        .annotate(
            due=Count("id"),
            on_time=Count(
                "id",
                filter=Q(status=TaskStatus.DONE, done_at__isnull=False, done_at__date__lte=F("deadline")),
            ),
        )
        .order_by()
    )
    return {
        r["topic__region_id"]: Value(
            (Decimal(r["on_time"]) * 100 / r["due"]).quantize(Decimal("0.1")),
            numerator=r["on_time"],
            denominator=r["due"],
        )
        for r in rows
    }


@indicators.provider(
    code="talks.satisfaction",
    dimension=indicators.MECHANISMS,
    label=_("约谈满意度"),
    unit=_("分（满分5）"),
    direction=indicators.HIGHER,
    formula=_("期内居民对约谈办理结果的评分（1–5）的平均值"),
    records="talk_board",
    indices=(indicators.PEOPLE,),
)
def satisfaction(period: Period, community_ids: Sequence[int]) -> dict[int, Value]:
    rows = (
        TalkRating.objects.filter(
            topic__region_id__in=list(community_ids), at__gte=period.start_dt, at__lt=period.end_dt
        )
        .values("topic__region_id")
        .annotate(avg=Avg("score"), n=Count("id"))
        .order_by()
    )
    return {r["topic__region_id"]: Value(Decimal(str(round(r["avg"], 2))), denominator=r["n"]) for r in rows}

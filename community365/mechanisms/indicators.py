"""Indicators for benchmarking (core/indicators.py): one grouped query over all communities."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from community365.core import indicators

from .models import FirstSecretaryResult, ProjectStatus, ProjectTask, ResultStatus, SecretaryProject


@indicators.provider(
    code="mechanisms.projects_on_schedule",
    dimension=indicators.MECHANISMS,
    label=_("书记项目按期推进率"),
    unit="%",
    direction=indicators.HIGHER,
    formula=_("列入名单的书记项目中没有逾期任务的 ÷ 列入名单的项目数 × 100"),
    records="mech_projects",
)
def projects_on_schedule(
    period: indicators.Period, community_ids: Sequence[int]
) -> Mapping[int, indicators.Value]:
    late = ProjectTask.objects.filter(project_id=OuterRef("pk"), done_at__isnull=True, due__lt=period.end)
    rows = (
        SecretaryProject.objects.filter(
            region_id__in=community_ids,
            status__in=[ProjectStatus.APPROVED, ProjectStatus.EVALUATED],
            year__gte=period.start.year,
            year__lte=period.end.year,
        )
        .values("region_id")
        .annotate(n=Count("id"), late=Count("id", filter=Q(Exists(late))))
    )
    return {
        r["region_id"]: indicators.Value(
            round((r["n"] - r["late"]) * 100 / r["n"], 1), numerator=r["n"] - r["late"], denominator=r["n"]
        )
        for r in rows
        if r["n"]
    }


@indicators.provider(
    code="mechanisms.first_secretary_results",
    dimension=indicators.MECHANISMS,
    label=_("第一书记成绩（经社区确认）"),
    unit=_("项"),
    direction=indicators.HIGHER,
    formula=_("期内社区确认的第一书记成绩数量之和"),
    records="mech_results",
)
def first_secretary_results(
    period: indicators.Period, community_ids: Sequence[int]
) -> Mapping[int, indicators.Value]:
    rows = (
        FirstSecretaryResult.objects.filter(
            region_id__in=community_ids,
            status=ResultStatus.CONFIRMED,
            confirmed_at__gte=period.start_dt,
            confirmed_at__lt=period.end_dt,
        )
        .values("region_id")
        .annotate(n=Sum("quantity"))
    )
    return {r["region_id"]: indicators.Value(r["n"]) for r in rows}

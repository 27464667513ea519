"""Benchmarking indicators of pairing (see community365.core.indicators)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from community365.core import indicators
from community365.people.models import Person

from .models import Pairing, PairingVisit


@indicators.provider(
    code="pairing.difficulty_paired_share",
    dimension=indicators.SERVICES,
    label=_("困难户结对率"),
    unit="%",
    direction=indicators.HIGHER,
    formula=_("期末有在结对干部的困难户 ÷ 困难户（有家庭成员标记为困难的户）× 100"),
    indices=("people",),
)
def difficulty_paired_share(
    period: indicators.Period, community_ids: Sequence[int]
) -> Mapping[int, indicators.Value]:
    base = Person.objects.filter(
        community_id__in=list(community_ids), in_difficulty=True, household__isnull=False
    )
    totals = {
        r["community_id"]: r["n"]
        for r in base.values("community_id").annotate(n=Count("household_id", distinct=True))
    }
    end = period.end + datetime.timedelta(days=1)
    live = base.filter(
        Exists(
            Pairing.objects.filter(household_id=OuterRef("household_id"), since__lt=end).filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=end)
            )
        )
    )
    paired = {
        r["community_id"]: r["n"]
        for r in live.values("community_id").annotate(n=Count("household_id", distinct=True))
    }
    return {
        cid: indicators.Value(round(paired.get(cid, 0) * 100 / total, 1), paired.get(cid, 0), total)
        for cid, total in totals.items()
        if total
    }


@indicators.provider(
    code="pairing.visits_per_pairing",
    dimension=indicators.SERVICES,
    label=_("每个结对的年均走访次数"),
    unit=_("次/结对·年"),
    direction=indicators.HIGHER,
    formula=_("期内走访次数 ÷ 期内在结对的结对数，折算为一年"),
    indices=("service",),
)
def visits_per_pairing(
    period: indicators.Period, community_ids: Sequence[int]
) -> Mapping[int, indicators.Value]:
    start, end = period.start, period.end + datetime.timedelta(days=1)
    years = max((end - start).days, 1) / 365
    visits = {
        r["region_id"]: r["n"]
        for r in PairingVisit.objects.filter(
            region_id__in=list(community_ids), visited_on__gte=start, visited_on__lt=end
        )
        .values("region_id")
        .annotate(n=Count("id"))
    }
    pairings = {
        r["region_id"]: r["n"]
        for r in Pairing.objects.filter(region_id__in=list(community_ids), since__lt=end)
        .exclude(ended_on__lt=start)
        .values("region_id")
        .annotate(n=Count("id"))
    }
    return {
        cid: indicators.Value(round(visits.get(cid, 0) / n / years, 1), visits.get(cid, 0), n)
        for cid, n in pairings.items()
        if n
    }

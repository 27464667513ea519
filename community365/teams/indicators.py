"""Benchmarking indicators computed from the teams' records: the duty rota, social workers,
party members' reporting and volunteer hours (see community365.core.indicators).

Each function reads a fixed number of queries over all the communities asked for."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community365.core import indicators
from community365.core.indicators import Period, Value
from community365.core.roles import Role
from community365.people.models import RoleAssignment

from .models import DutyRoster, HoursStatus, PartyMember, ReportingStatus, ServiceRecord, Shift


@indicators.provider(
    code="teams.rota_coverage",
    dimension=indicators.LINKAGES,
    label=_("社工联勤值班覆盖率"),
    unit="%",
    direction=indicators.HIGHER,
    formula=_(
        "期内（自建立排班表之日起、截至今天）有社工值班的必值时段数 ÷ （天数 × 每天必值时段数）× 100%；"
        "没有排班表的社区无此项数值"
    ),
    records="rota_home",
    indices=(indicators.SERVICE,),
)
def rota_coverage(period: Period, community_ids: Sequence[int]) -> dict[int, Value]:
    last = min(period.end, timezone.localdate())
    if last < period.start:
        return {}
    required: dict[int, set[str]] = {}
    first_day: dict[int, datetime.date] = {}
    for region_id, slots, created in DutyRoster.objects.filter(region_id__in=list(community_ids)).values_list(
        "region_id", "required_slots", "created_at"
    ):
        # measured from the day the community set up its rota (not before it had one)
        start = max(period.start, timezone.localdate(created))
        if slots and start <= last:
            required[region_id] = set(slots)
            first_day[region_id] = start
    covered: dict[int, set[tuple[datetime.date, str]]] = defaultdict(set)
    rows = (
        Shift.objects.filter(region_id__in=list(required), date__gte=period.start, date__lte=last)
        .values_list("region_id", "date", "slot")
        .distinct()
    )
    for region_id, day, slot in rows.iterator():
        if slot in required[region_id] and day >= first_day[region_id]:
            covered[region_id].add((day, slot))
    out: dict[int, Value] = {}
    for region_id, slots in required.items():
        need = ((last - first_day[region_id]).days + 1) * len(slots)
        have = len(covered[region_id])
        out[region_id] = Value(
            (Decimal(have) * 100 / need).quantize(Decimal("0.1")), numerator=have, denominator=need
        )
    return out


@indicators.provider(
    code="teams.residents_per_worker",
    dimension=indicators.LINKAGES,
    label=_("每名社工服务的居民数"),
    unit=_("人/社工"),
    direction=indicators.LOWER,
    formula=_("社区上报人口 ÷ 期末在岗社工人数（在本社区持社工角色的账号）"),
    records="rota_home",
    indices=(indicators.SERVICE,),
)
def residents_per_worker(period: Period, community_ids: Sequence[int]) -> dict[int, Value]:
    pops = indicators.populations(community_ids)
    rows = (
        RoleAssignment.objects.filter(
            role=Role.SOCIAL_WORKER,
            region_id__in=list(pops),
            granted_at__lt=period.end_dt,
        )
        .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gte=period.end_dt))
        .values("region_id")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
    )
    return {
        r["region_id"]: Value(
            (Decimal(pops[r["region_id"]]) / r["n"]).quantize(Decimal("0.1")),
            numerator=pops[r["region_id"]],
            denominator=r["n"],
        )
        for r in rows
        if r["n"]
    }


@indicators.provider(
    code="teams.party_reported_per_100",
    dimension=indicators.LINKAGES,
    label=_("党员报到确认率（每百名登记报到党员）"),
    unit=_("人/百人"),
    direction=indicators.HIGHER,
    formula=_("期末已由社区确认报到的党员数 ÷ 期末前登记报到的党员数（不含未通过）× 100"),
    records="party",
    indices=(indicators.SERVICE,),
)
def party_reported_per_100(period: Period, community_ids: Sequence[int]) -> dict[int, Value]:
    rows = (
        PartyMember.objects.filter(region_id__in=list(community_ids), registered_at__lt=period.end_dt)
        .exclude(status=ReportingStatus.DECLINED)
        .values("region_id")
        .annotate(
            n=Count("id"),
            confirmed=Count("id", filter=Q(status=ReportingStatus.CONFIRMED, decided_at__lt=period.end_dt)),
        )
        .order_by()
    )
    return {
        r["region_id"]: Value(
            (Decimal(r["confirmed"]) * 100 / r["n"]).quantize(Decimal("0.1")),
            numerator=r["confirmed"],
            denominator=r["n"],
        )
        for r in rows
        if r["n"]
    }


@indicators.provider(
    code="teams.volunteer_hours_per_1000",
    dimension=indicators.LINKAGES,
    label=_("每千名居民的志愿服务时长"),
    unit=_("小时/千人"),
    direction=indicators.HIGHER,
    formula=_("期内开展的活动中已核实的志愿服务时长合计 ÷ 社区上报人口 × 1000"),
    records="teams_figures",
    records_param="region",
    indices=(indicators.SERVICE,),
)
def volunteer_hours_per_1000(period: Period, community_ids: Sequence[int]) -> dict[int, Value]:
    rows = (
        ServiceRecord.objects.filter(
            region_id__in=list(community_ids),
            status=HoursStatus.VERIFIED,
            activity__starts_at__gte=period.start_dt,
            activity__starts_at__lt=period.end_dt,
        )
        .values("region_id")
        .annotate(h=Sum("hours"))
        .order_by()
    )
    return indicators.per_1000({r["region_id"]: r["h"] for r in rows}, indicators.populations(community_ids))

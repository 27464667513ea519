"""Reads of 整片建强: zones with their scores, the standards evaluated for subdistricts and zones,
and the progress towards the year's targets.

Every figure comes from the benchmarking score snapshots of one run of the year (see
``run_of_year``): one query for the communities' totals, one for the indicator values the
standards name, one for the zones' members — O(communities) rows, never a query per community.

Formulas (also written on the pages):
- a group's value (a subdistrict's communities, a zone's member communities and cooperatives)
  on an indicator = the mean of the values of its communities that have one; its total = the
  mean of their total scores. Members that are not places of the tree (buildings,
  organisations, centres) have no score and do not count;
- a group reaches a level when every item of that level's standard holds (an item without any
  value does not hold); 示范 also needs 达标 (the higher level includes the lower);
- a zone counts as a demonstration zone of a year when its status at the year's end (or today,
  while the year runs) is 示范片."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community365.benchmarking.models import IndicatorResult, ScoreRun, ScoreSnapshot
from community365.core import indicators
from community365.regions.models import Region, RegionKind

from . import policies
from .models import (
    PERCENT_MEASURES,
    TOTAL,
    Brand,
    Comparison,
    Level,
    Measure,
    Scope,
    Standard,
    StandardItem,
    Zone,
    ZoneKind,
    ZoneMember,
    ZoneStatus,
    ZoneStatusChange,
    ZoneTarget,
)

TWO = Decimal("0.01")

FORMULAS = [
    gettext_lazy(
        "片区得分＝片区内成员社区（含股份经济合作社）在该期对标总分的算术平均；楼宇、组织、党群服务中心等成员不计分；没有得分的成员不计入平均。"
    ),
    gettext_lazy(
        "街道（或片区）在某项指标上的数值＝其社区在该期该指标数值的算术平均（只计有数值的社区）；总分＝其社区总分的算术平均。"
    ),
    gettext_lazy(
        "达到某一等级＝该等级标准的每一项都满足；某项没有任何数值视为未满足。“示范”须同时满足“达标”标准。"
    ),
    gettext_lazy(
        "达标（示范）街道比例＝达标（示范）的街道数 ÷ 全区街道数 × 100%；示范片区数＝年末（年度进行中为今天）状态为“示范片”的片区数。"
    ),
    gettext_lazy(
        "年度得分取该年度的年度计分；年度尚未结束时取该年最近一期已完成的季度（没有季度时取月度）计分，页面写明所用期间。"
    ),
]


def _mean(values: Iterable[Decimal | None]) -> Decimal | None:
    got = [v for v in values if v is not None]
    return (sum(got, Decimal(0)) / len(got)).quantize(TWO, ROUND_HALF_UP) if got else None


# --- the run of a year --------------------------------------------------------------------------
def run_of_year(district: Region, year: int) -> ScoreRun | None:
    """The year's complete year run; while the year runs, its newest complete quarter (else
    month). One query."""
    return (
        ScoreRun.objects.filter(district=district, complete=True, start__year=year)
        .annotate(
            span=Case(
                When(kind="year", then=Value(3)),
                When(kind="quarter", then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("-span", "-end", "pk")
        .first()
    )


def years(district: Region) -> list[int]:
    """Years with a target or a standard, and this year (newest first)."""
    found = set(ZoneTarget.objects.filter(district=district).values_list("year", flat=True))
    found |= set(Standard.objects.filter(district=district).values_list("year", flat=True))
    found.add(timezone.localdate().year)
    return sorted(found, reverse=True)


@dataclass
class Scores:
    """The run's communities: total and subdistrict per community, and the values of the
    indicators the standards name."""

    run: ScoreRun | None
    totals: dict[int, Decimal] = field(default_factory=dict)
    subdistrict_of: dict[int, int] = field(default_factory=dict)
    values: dict[tuple[int, str], Decimal | None] = field(default_factory=dict)


def scores(run: ScoreRun | None, codes: Iterable[str] = ()) -> Scores:
    """Two queries: the snapshots' totals, and the results of the named indicators."""
    out = Scores(run=run)
    if run is None:
        return out
    for row in ScoreSnapshot.objects.filter(run=run).values_list("community_id", "subdistrict_id", "total"):
        out.totals[row[0]] = row[2]
        out.subdistrict_of[row[0]] = row[1]
    wanted = [c for c in set(codes) if c != TOTAL]
    if wanted:
        rows = IndicatorResult.objects.filter(run=run, node__provider_code__in=wanted).values_list(
            "community_id", "node__provider_code", "value"
        )
        for cid, code, value in rows:
            out.values[(cid, code)] = value
    return out


# --- standards ----------------------------------------------------------------------------------
def indicator_label(code: str) -> str:
    if code == TOTAL:
        return _("对标总分")
    ind = indicators.REGISTRY.get(code)
    return str(ind.label) if ind else code


def indicator_unit(code: str) -> str:
    if code == TOTAL:
        return _("分")
    ind = indicators.REGISTRY.get(code)
    return str(ind.unit) if ind else ""


def indicator_choices() -> list[tuple[str, str]]:
    """The codes a standard item may name: the total score and every registered indicator."""
    return [
        (TOTAL, indicator_label(TOTAL)),
        *sorted(((code, str(ind.label)) for code, ind in indicators.REGISTRY.items()), key=lambda c: c[0]),
    ]


def standards_of(district: Region, year: int) -> dict[tuple[str, str], list[StandardItem]]:
    """(scope, level) → its items, for one year (one query)."""
    out: dict[tuple[str, str], list[StandardItem]] = {}
    for std in Standard.objects.filter(district=district, year=year):
        out.setdefault((std.scope, std.level), [])
    items = StandardItem.objects.filter(standard__district=district, standard__year=year).select_related(
        "standard"
    )
    for item in items.order_by("standard__scope", "standard__level", "id"):
        out.setdefault((item.standard.scope, item.standard.level), []).append(item)
    return out


@dataclass
class ItemCheck:
    item: StandardItem
    value: Decimal | None
    met: bool

    @property
    def label(self) -> str:
        return indicator_label(self.item.indicator_code)

    @property
    def unit(self) -> str:
        return indicator_unit(self.item.indicator_code)

    @property
    def wanted(self) -> str:
        return f"{self.item.get_comparison_display()} {fmt(self.item.threshold)}"


@dataclass
class LevelCheck:
    level: str
    defined: bool  # the year has a standard of this level (with items)
    met: bool
    checks: list[ItemCheck]

    @property
    def missed(self) -> list[ItemCheck]:
        return [c for c in self.checks if not c.met]

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label)

    @property
    def missed_text(self) -> str:
        """The items not met, in a sentence: "对标总分 ≥ 45（实际 41.44）；…"."""
        return _("；").join(
            _("%(label)s %(wanted)s（实际 %(value)s）")
            % {"label": c.label, "wanted": c.wanted, "value": fmt(c.value)}
            for c in self.missed
        )


def fmt(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def holds(item: StandardItem, value: Decimal | None) -> bool:
    if value is None:
        return False
    return value >= item.threshold if item.comparison == Comparison.GTE else value <= item.threshold


def group_value(data: Scores, community_ids: Sequence[int], code: str) -> Decimal | None:
    if code == TOTAL:
        return _mean(data.totals.get(c) for c in community_ids)
    return _mean(data.values.get((c, code)) for c in community_ids)


def check_group(
    data: Scores, community_ids: Sequence[int], items_by_level: dict[str, list[StandardItem]]
) -> dict[str, LevelCheck]:
    """The group against each level's items; 示范 also needs 达标."""
    out: dict[str, LevelCheck] = {}
    for level in (Level.STANDARD, Level.DEMONSTRATION):
        items = items_by_level.get(level, [])
        checks = [
            ItemCheck(
                item=i, value=(v := group_value(data, community_ids, i.indicator_code)), met=holds(i, v)
            )
            for i in items
        ]
        met = bool(items) and all(c.met for c in checks)
        out[level] = LevelCheck(level=level, defined=bool(items), met=met, checks=checks)
    if out[Level.DEMONSTRATION].met and not out[Level.STANDARD].met and out[Level.STANDARD].defined:
        out[Level.DEMONSTRATION].met = False
    return out


# --- zones --------------------------------------------------------------------------------------
@dataclass
class ZoneRow:
    zone: Zone
    members: int = 0
    places: list[int] = field(default_factory=list)  # member communities and cooperatives
    score: Decimal | None = None
    scored: int = 0


def zone_list(user: Any, district: Region, *, kind: str = "") -> QuerySet[Zone]:
    qs = policies.zones_visible_to(user).filter(district=district)
    if kind in ZoneKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("order", "id")


def zone_rows(zones: Sequence[Zone], data: Scores) -> list[ZoneRow]:
    """Each zone with its member count and score (one query for all the zones' members)."""
    rows = {z.pk: ZoneRow(zone=z) for z in zones}
    members = ZoneMember.objects.filter(zone_id__in=list(rows)).values_list("zone_id", "community_id")
    for zone_id, community_id in members:
        row = rows[zone_id]
        row.members += 1
        if community_id is not None:
            row.places.append(community_id)
    for row in rows.values():
        got = [data.totals[c] for c in row.places if c in data.totals]
        row.scored = len(got)
        row.score = _mean(got)
    return [rows[z.pk] for z in zones]


def zone_members(zone: Zone) -> list[ZoneMember]:
    return list(zone.members.select_related("community").order_by("kind", "id"))


def zone_history(zone: Zone, limit: int = 50) -> list[ZoneStatusChange]:
    return list(zone.changes.order_by("-on", "-id")[:limit])


def zone_check(zone: Zone, data: Scores, year: int) -> dict[str, LevelCheck]:
    """The zone against the year's zone standards (its member places' mean values)."""
    standards = standards_of(zone.district, year)
    items = {level: standards.get((Scope.ZONE, level), []) for level in Level.values}
    places = list(zone.members.filter(community__isnull=False).values_list("community_id", flat=True))
    return check_group(data, places, items)


def zone_check_for(zone: Zone, year: int) -> dict[str, LevelCheck]:
    """As ``zone_check``, reading the year's scores first (the service's demonstration rule)."""
    codes = set(
        StandardItem.objects.filter(
            standard__district=zone.district, standard__year=year, standard__scope=Scope.ZONE
        ).values_list("indicator_code", flat=True)
    )
    data = scores(run_of_year(zone.district, year), codes)
    return zone_check(zone, data, year)


def layout_chart(rows: Sequence[ZoneRow], district: Region, url_of: Any) -> dict[str, Any]:
    """The layout diagram (一核五翼十联动) as an ECharts graph spec: the core in the middle, the
    wings around it, each link beside the area its first member community lies in (else the
    core). Drawn by ``zones/static/zones/layout.js``; a node's URL opens the zone."""
    nodes = []
    links = []
    core = next((r for r in rows if r.zone.kind == ZoneKind.CORE), None)
    area_of: dict[int, int] = {}
    for r in rows:
        if r.zone.kind in (ZoneKind.CORE, ZoneKind.WING):
            for c in r.places:
                area_of.setdefault(c, r.zone.pk)
    for r in rows:
        z = r.zone
        nodes.append(
            {
                "id": str(z.pk),
                "name": z.name,
                "category": z.kind,
                "status": z.get_status_display(),
                "theme": z.get_theme_display(),
                "score": None if r.score is None else float(r.score),
                "url": url_of(z),
                "demonstration": z.status == ZoneStatus.DEMONSTRATION,
            }
        )
        if z.kind == ZoneKind.WING and core is not None:
            links.append({"source": str(core.zone.pk), "target": str(z.pk), "kind": "wing"})
        elif z.kind == ZoneKind.LINK:
            anchor = next((area_of[c] for c in r.places if c in area_of), core.zone.pk if core else None)
            if anchor is not None and anchor != z.pk:
                links.append({"source": str(anchor), "target": str(z.pk), "kind": "link"})
    return {
        "id": "zones-layout",
        "dom_id": "chart-zones-layout",
        "title": _("%(district)s整片建强布局：一核五翼十联动") % {"district": district.name},
        "categories": [{"name": str(label), "key": key} for key, label in ZoneKind.choices],
        "nodes": nodes,
        "links": links,
        "scoreLabel": _("得分"),
        "statusLabel": _("状态"),
    }


# --- targets and progress ----------------------------------------------------------------------
@dataclass
class SubdistrictProgress:
    region: Region
    communities: int
    checks: dict[str, LevelCheck]
    total: Decimal | None

    @property
    def at_standard(self) -> bool:
        return self.checks[Level.STANDARD].met

    @property
    def at_demonstration(self) -> bool:
        return self.checks[Level.DEMONSTRATION].met


@dataclass
class TargetProgress:
    target: ZoneTarget
    actual: Decimal | None
    counted: int
    out_of: int
    explanation: str

    @property
    def achieved(self) -> bool:
        return self.actual is not None and self.actual >= self.target.value

    @property
    def is_percent(self) -> bool:
        return self.target.measure in PERCENT_MEASURES

    @property
    def shortfall(self) -> int:
        """How many more subdistricts (or zones) are needed to reach the target."""
        if self.achieved:
            return 0
        if self.is_percent:
            needed = (self.target.value * self.out_of / 100).to_integral_value(rounding="ROUND_CEILING")
            return max(0, int(needed) - self.counted)
        return max(0, int(self.target.value.to_integral_value(rounding="ROUND_CEILING")) - self.counted)


@dataclass
class Progress:
    year: int
    run: ScoreRun | None
    cutoff: datetime.date
    targets: list[TargetProgress]
    subdistricts: list[SubdistrictProgress]  # the rows the user may see
    all_subdistricts: int
    demonstration_zones: list[Zone]
    standards: dict[tuple[str, str], list[StandardItem]]
    whole: bool

    @property
    def behind(self) -> list[TargetProgress]:
        return [t for t in self.targets if not t.achieved]


def cutoff_of(year: int) -> datetime.date:
    today = timezone.localdate()
    end = datetime.date(year, 12, 31)
    return min(end, today) if year >= today.year else end


def demonstration_zones(district: Region, on: datetime.date) -> list[Zone]:
    """Zones whose status at ``on`` was 示范片: the latest dated change on or before it (one
    query)."""
    latest = (
        ZoneStatusChange.objects.filter(zone=OuterRef("pk"), on__lte=on)
        .order_by("-on", "-id")
        .values("to_status")[:1]
    )
    return list(
        Zone.objects.filter(district=district)
        .annotate(status_then=Subquery(latest))
        .filter(status_then=ZoneStatus.DEMONSTRATION)
        .order_by("order", "id")
    )


def progress(user: Any, district: Region, year: int) -> Progress:
    """The year's targets against the subdistricts' evaluation and the zones' statuses."""
    standards = standards_of(district, year)
    codes = {i.indicator_code for items in standards.values() for i in items}
    run = run_of_year(district, year)
    data = scores(run, codes)
    subs = list(Region.objects.filter(district=district, kind=RegionKind.SUBDISTRICT).order_by("path"))
    members: dict[int, list[int]] = {}
    for cid, sid in data.subdistrict_of.items():
        members.setdefault(sid, []).append(cid)
    items = {level: standards.get((Scope.SUBDISTRICT, level), []) for level in Level.values}
    evaluated = [
        SubdistrictProgress(
            region=s,
            communities=len(members.get(s.pk, [])),
            checks=check_group(data, members.get(s.pk, []), items),
            total=group_value(data, members.get(s.pk, []), TOTAL),
        )
        for s in subs
    ]
    cutoff = cutoff_of(year)
    demo_zones = demonstration_zones(district, cutoff)
    n = len(evaluated)
    at_std = [p for p in evaluated if p.at_standard]
    at_demo = [p for p in evaluated if p.at_demonstration]
    out: list[TargetProgress] = []
    for target in ZoneTarget.objects.filter(district=district, year=year).order_by("measure"):
        if target.measure == Measure.DEMONSTRATION_ZONES:
            counted = len(demo_zones)
            actual: Decimal | None = Decimal(counted)
            text = _("截至 %(date)s，状态为“示范片”的片区 %(n)s 个，目标 %(t)s 个。") % {
                "date": cutoff.isoformat(),
                "n": counted,
                "t": fmt(target.value),
            }
            out.append(TargetProgress(target, actual, counted, counted, text))
            continue
        reached = at_std if target.measure == Measure.SUBDISTRICTS_STANDARD else at_demo
        level = Level.STANDARD if target.measure == Measure.SUBDISTRICTS_STANDARD else Level.DEMONSTRATION
        if run is None or not n:
            text = _("%(year)s 年还没有对标得分，无法评估。") % {"year": year}
            out.append(TargetProgress(target, None, 0, n, text))
            continue
        if not items[level]:
            text = _("%(year)s 年还没有制定街道“%(level)s”标准，无法评估。") % {
                "year": year,
                "level": Level(level).label,
            }
            out.append(TargetProgress(target, None, 0, n, text))
            continue
        actual = (Decimal(len(reached)) * 100 / n).quantize(Decimal("0.1"), ROUND_HALF_UP)
        names = _("、").join(p.region.name for p in reached) or _("无")
        text = _("全区 %(n)s 个街道中 %(k)s 个%(level)s（%(pct)s%%），目标 %(t)s%%：%(names)s。") % {
            "n": n,
            "k": len(reached),
            "level": Level(level).label,
            "pct": fmt(actual),
            "t": fmt(target.value),
            "names": names,
        }
        out.append(TargetProgress(target, actual, len(reached), n, text))
    paths = policies.progress_paths(user)
    whole = policies.sees_whole_district(user, policies.PROGRESS.name, district)
    visible = (
        evaluated
        if whole
        else [p for p in evaluated if any(p.region.path.startswith(x) for x in paths or [])]
    )
    return Progress(
        year=year,
        run=run,
        cutoff=cutoff,
        targets=out,
        subdistricts=visible,
        all_subdistricts=n,
        demonstration_zones=demo_zones,
        standards=standards,
        whole=whole,
    )


# --- brands -------------------------------------------------------------------------------------
def brand_of(community: Region) -> Brand | None:
    return Brand.objects.filter(district_id=community.district_id, community=community).first()


def brand_list(user: Any) -> QuerySet[Brand]:
    return policies.brands_visible_to(user).select_related("community").order_by("community__path")

"""Reads of 对标. Every page reads a fixed number of queries: the snapshot rows of one run
(O(communities)), never the records behind them; the records are one link away."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.core import indicators
from community365.core.errors import InvalidInput, NotFound
from community365.regions.models import Region

from . import policies, scoring
from .models import IndicatorResult, IndicatorTree, ScoreRun, ScoreSnapshot, TreeNode

DIMENSIONS = ("linkages", "services", "mechanisms")


def periods(district: Region) -> list[ScoreRun]:
    return list(
        ScoreRun.objects.filter(district=district, complete=True)
        .order_by("-start", "kind")
        .only("key", "kind", "start", "end", "finished_at", "tree_version")
    )


# A year is what a league is read over once it has a quarter of records; before that (January
# to March) the pages open on the year just ended, which a thin new year would hide behind a few
# weeks of activity.
YOUNG_YEAR_DAYS = 90


def default_key(district: Region) -> str | None:
    """The newest complete year — the year before it while the newest is younger than a quarter
    — else the newest complete period."""
    runs = ScoreRun.objects.filter(district=district, complete=True)
    years = runs.filter(kind="year").order_by("-start", "id")
    newest = years.first()
    if newest is not None:
        if (timezone.localdate() - newest.start).days < YOUNG_YEAR_DAYS:
            # the year that started before it (not merely the second row: two runs may start
            # on the same day)
            before = years.filter(start__lt=newest.start).first()
            if before is not None:
                return before.key
        return newest.key
    run = runs.order_by("-start", "-end", "id").first()
    return run.key if run else None


def run_for(district: Region, key: str | None) -> ScoreRun:
    if not key:
        key = default_key(district)
        if key is None:
            raise NotFound(_("还没有计算过对标得分。"))
    if scoring.parse_key(key) is None:
        raise InvalidInput(_("期间应写成 2025、2025-Q1 或 2025-03。"), field="period")
    run = ScoreRun.objects.filter(district=district, key=key, complete=True).select_related("tree").first()
    if run is None:
        raise NotFound(_("%(period)s 还没有对标得分。") % {"period": key})
    return run


def league(
    user: Any, run: ScoreRun, *, subdistrict: int | None = None, order: str = "rank"
) -> list[ScoreSnapshot]:
    qs: QuerySet[ScoreSnapshot] = (
        ScoreSnapshot.objects.filter(run=run)
        .filter(community__in=policies.communities_visible_to(user))
        .select_related("community", "subdistrict")
    )
    if subdistrict:
        qs = qs.filter(subdistrict_id=subdistrict)
    if order in DIMENSIONS:
        return sorted(qs, key=lambda s: (-(getattr(s, order) or Decimal(-1)), s.rank, s.community_id))
    return list(qs.order_by("rank", "community__path"))


def subdistricts_of(district: Region) -> list[Region]:
    return list(Region.objects.filter(district=district, kind="subdistrict").order_by("path"))


@dataclass
class Group:
    region: Region
    count: int = 0
    total: Decimal | None = None
    dims: dict[str, Decimal | None] = field(default_factory=dict)
    people_index: Decimal | None = None
    service_index: Decimal | None = None


def _mean(values: Sequence[Decimal | None]) -> Decimal | None:
    got = [v for v in values if v is not None]
    return (sum(got, Decimal(0)) / len(got)).quantize(Decimal("0.01")) if got else None


def by_subdistrict(run: ScoreRun, snapshots: Sequence[ScoreSnapshot]) -> list[Group]:
    """Subdistricts side by side: the mean of their communities (from the rows already read)."""
    groups: dict[int, list[ScoreSnapshot]] = {}
    regions: dict[int, Region] = {}
    for s in snapshots:
        groups.setdefault(s.subdistrict_id, []).append(s)
        regions[s.subdistrict_id] = s.subdistrict
    out = []
    for sid, rows in groups.items():
        out.append(
            Group(
                region=regions[sid],
                count=len(rows),
                total=_mean([r.total for r in rows]),
                dims={d: _mean([getattr(r, d) for r in rows]) for d in DIMENSIONS},
                people_index=_mean([r.people_index for r in rows]),
                service_index=_mean([r.service_index for r in rows]),
            )
        )
    return sorted(out, key=lambda g: -(g.total or 0))


def model_community(district: Region) -> Region | None:
    return Region.objects.filter(district=district, kind="community", is_model=True).order_by("pk").first()


@dataclass
class Gap:
    node: TreeNode
    indicator: indicators.Indicator | None
    value: Decimal | None
    model_value: Decimal | None
    points: Decimal | None
    model_points: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    model_numerator: Decimal | None
    model_denominator: Decimal | None
    records_url: str

    @property
    def gap(self) -> Decimal | None:
        if self.value is None or self.model_value is None:
            return None
        return (self.model_value - self.value).quantize(Decimal("0.01"))

    @property
    def points_gap(self) -> Decimal:
        return (self.model_points or Decimal(0)) - (self.points or Decimal(0))

    @property
    def behind(self) -> bool:
        return self.points_gap > 0


def records_url(node: TreeNode, community_id: int, run: ScoreRun) -> str:
    if node.provider_code not in indicators.REGISTRY:
        return ""
    ind = indicators.get(node.provider_code)
    if not ind.records:
        return ""
    try:
        base = reverse(ind.records)
    except NoReverseMatch:
        return ""
    params = {
        ind.records_param: community_id,
        "from": run.start.strftime("%Y-%m"),
        "to": run.end.strftime("%Y-%m"),
    }
    return f"{base}?{urlencode(params)}"


def gaps(run: ScoreRun, community: Region, model: Region | None) -> list[Gap]:
    """Every leaf indicator, the community's value beside the model's; the furthest behind
    (in points) first."""
    ids = [community.pk] + ([model.pk] if model and model.pk != community.pk else [])
    rows = IndicatorResult.objects.filter(run=run, community_id__in=ids).select_related("node")
    mine: dict[int, IndicatorResult] = {}
    theirs: dict[int, IndicatorResult] = {}
    nodes: dict[int, TreeNode] = {}
    for r in rows:
        nodes[r.node_id] = r.node
        if r.community_id == community.pk:
            mine[r.node_id] = r
        if model and r.community_id == model.pk:
            theirs[r.node_id] = r
    out = []
    for node_id, node in nodes.items():
        m, t = mine.get(node_id), theirs.get(node_id)
        out.append(
            Gap(
                node=node,
                indicator=indicators.REGISTRY.get(node.provider_code),
                value=m.value if m else None,
                model_value=t.value if t else None,
                points=m.points if m else None,
                model_points=t.points if t else None,
                numerator=m.numerator if m else None,
                denominator=m.denominator if m else None,
                model_numerator=t.numerator if t else None,
                model_denominator=t.denominator if t else None,
                records_url=records_url(node, community.pk, run),
            )
        )
    return sorted(out, key=lambda g: (-g.points_gap, node.order if (node := g.node) else 0))


def medians(run: ScoreRun) -> dict[str, Decimal | None]:
    """The district median of each dimension and of the total in one run (one query)."""
    rows = list(ScoreSnapshot.objects.filter(run=run).values("total", *DIMENSIONS))
    out: dict[str, Decimal | None] = {}
    for key in ("total", *DIMENSIONS):
        vals = [r[key] for r in rows if r[key] is not None]
        out[key] = Decimal(str(statistics.median(vals))).quantize(Decimal("0.01")) if vals else None
    return out


def snapshot_of(run: ScoreRun, community: Region) -> ScoreSnapshot | None:
    return ScoreSnapshot.objects.filter(run=run, community=community).first()


def trend(community: Region, kind: str, limit: int = 24) -> list[ScoreSnapshot]:
    """The community's last ``limit`` periods of a kind, oldest first (one query)."""
    rows = list(
        ScoreSnapshot.objects.filter(community=community, run__kind=kind, run__complete=True)
        .select_related("run")
        .order_by("-run__start")[:limit]
    )
    return rows[::-1]


def tree_of(district: Region, year: int) -> IndicatorTree | None:
    return IndicatorTree.objects.filter(district=district, year=year).first()


def tree_nodes(tree: IndicatorTree) -> list[TreeNode]:
    """The tree's nodes depth first (a dimension, then its indicators, each with its
    sub-indicators), in one query."""
    nodes = list(tree.nodes.filter(retired_at__isnull=True).order_by("order", "id"))
    children: dict[int | None, list[TreeNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    out: list[TreeNode] = []

    def walk(parent: int | None) -> None:
        for node in children.get(parent, []):
            out.append(node)
            walk(node.pk)

    walk(None)
    return out


# --- manual indicators ---------------------------------------------------------------------------


def open_manual_leaves(district_id: int | None = None, today: Any = None) -> list[TreeNode]:
    """The manual indicators of the published trees still open for entries (a few: one query)."""
    from django.utils import timezone

    from .models import Source, TreeStatus

    today = today or timezone.localdate()
    qs = TreeNode.objects.filter(
        source=Source.MANUAL, retired_at__isnull=True, tree__status=TreeStatus.PUBLISHED
    ).select_related("tree")
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    return [n for n in qs.order_by("-tree__year", "order", "id") if today <= n.tree.closes_on]


@dataclass
class Due:
    node: TreeNode
    community: Region
    returned: Any = None  # the latest entry when it was returned (its reason is shown)


def entries_due(user: Any, today: Any = None) -> list[Due]:
    """What the user's communities still have to enter: each open manual indicator × community
    the user enters for, without a pending or confirmed value (a returned one is due again).
    Three queries whatever the history."""
    from .models import ManualEntry

    communities = list(
        Region.objects.filter(kind="community")
        .filter(permissions_path_q(policies.enter_paths(user)))
        .order_by("path")
    )
    if not communities:
        return []
    leaves = [
        n for n in open_manual_leaves(today=today) if any(c.district_id == n.district_id for c in communities)
    ]
    if not leaves:
        return []
    ids = [c.pk for c in communities]
    held: set[tuple[int, int]] = set()
    returned: dict[tuple[int, int], Any] = {}
    for entry in ManualEntry.objects.filter(node__in=leaves, community_id__in=ids).exclude(
        status=ManualEntry.Status.SUPERSEDED
    ):
        key = (entry.node_id, entry.community_id)
        if entry.status == ManualEntry.Status.RETURNED:
            returned[key] = entry
        else:
            held.add(key)
    return [
        Due(node=node, community=c, returned=returned.get((node.pk, c.pk)))
        for node in leaves
        for c in communities
        if c.district_id == node.district_id and (node.pk, c.pk) not in held
    ]


def permissions_path_q(paths: list[str] | None) -> Any:
    from community365.core import permissions

    return permissions.path_q(paths, "path")


def entries_to_confirm(user: Any) -> QuerySet[Any]:
    """Pending values in the subdistricts the user confirms for (counted in SQL)."""
    from .models import ManualEntry

    paths = policies.confirm_paths(user)
    if paths is None:
        paths = []  # a global actor does not confirm for a subdistrict
    return (
        ManualEntry.objects.filter(status=ManualEntry.Status.SUBMITTED)
        .filter(permissions_path_q_field(paths, "community__path"))
        .select_related("node__tree", "community")
        .order_by("entered_at", "id")
    )


def permissions_path_q_field(paths: list[str] | None, field: str) -> Any:
    from community365.core import permissions

    return permissions.path_q(paths, field)


def entries_visible(user: Any) -> QuerySet[Any]:
    """Every entry of the communities the user sees in benchmarking."""
    from .models import ManualEntry

    return ManualEntry.objects.filter(community__in=policies.communities_visible_to(user)).select_related(
        "node__tree", "community"
    )


def entry_history(node: TreeNode, community: Region, limit: int = 30) -> list[Any]:
    """The entries of a value, newest first (the latest ``limit``: a value corrected more often
    than that keeps its older entries in the audit trail and the API), with their files (two
    queries)."""
    from .models import ManualEntry

    return list(
        ManualEntry.objects.filter(district_id=node.district_id, node=node, community=community)
        .select_related("entered_by", "decided_by")
        .prefetch_related("files")
        .order_by("-entered_at", "-id")[:limit]
    )


def stars(run: ScoreRun | None, rows: Sequence[ScoreSnapshot | None]) -> None:
    """Set ``stars`` (★★★☆☆) on each snapshot from its run's grade bands (no query: the run's
    tree is read with the run)."""
    if run is None:
        return
    tree = run.tree
    top = max((int(b.get("stars") or 0) for b in tree.grade_bands or []), default=0)
    for row in rows:
        if row is None:
            continue
        n = tree.stars_of(row.grade)
        row.stars = ("★" * n + "☆" * (top - n)) if top else ""  # type: ignore[attr-defined]
        row.star_count = n  # type: ignore[attr-defined]


def retired_nodes(tree: IndicatorTree) -> list[TreeNode]:
    return list(tree.nodes.filter(retired_at__isnull=False).order_by("-retired_at", "id"))


def district_report_data(
    run: ScoreRun, model: Region | None, *, top: int = 3, gaps: int = 10
) -> dict[str, Any]:
    """The figures of the district's report, all from the run's rows: the league, each
    dimension's leaders, the subdistricts, the indicators where the district is furthest behind
    the model (model's points − the district's mean points), and the months of the year."""
    from django.db.models import Avg

    rows = list(
        ScoreSnapshot.objects.filter(run=run)
        .select_related("community", "subdistrict")
        .order_by("rank", "community__path")
    )
    leaders = {
        d: sorted((s for s in rows if getattr(s, d) is not None), key=lambda s: (-getattr(s, d), s.rank))[
            :top
        ]
        for d in DIMENSIONS
    }
    mean_points = dict(
        IndicatorResult.objects.filter(run=run, points__isnull=False)
        .values("node_id")
        .annotate(avg=Avg("points"))
        .values_list("node_id", "avg")
    )
    model_points = (
        dict(IndicatorResult.objects.filter(run=run, community=model).values_list("node_id", "points"))
        if model
        else {}
    )
    nodes = {n.pk: n for n in TreeNode.objects.filter(pk__in=list(mean_points))}
    gap_rows: list[dict[str, Any]] = []
    for node_id, avg in mean_points.items():
        mp = model_points.get(node_id)
        if mp is None:
            continue
        avg = Decimal(str(avg)).quantize(Decimal("0.01"))
        gap_rows.append(
            {
                "node": nodes[node_id],
                "label": nodes[node_id].display_label,
                "model_points": mp,
                "mean_points": avg,
                "gap": (mp - avg).quantize(Decimal("0.01")),
            }
        )
    gap_rows.sort(key=lambda g: (-g["gap"], g["node"].order))
    trend_rows = (
        ScoreSnapshot.objects.filter(
            run__district_id=run.district_id,
            run__kind="month",
            run__complete=True,
            run__start__gte=run.start,
            run__end__lte=run.end,
        )
        .values("run__key")
        .annotate(mean=Avg("total"))
        .order_by("run__key")
    )
    model_trend = (
        dict(
            ScoreSnapshot.objects.filter(
                community=model,
                run__kind="month",
                run__complete=True,
                run__start__gte=run.start,
                run__end__lte=run.end,
            ).values_list("run__key", "total")
        )
        if model
        else {}
    )
    totals = [s.total for s in rows]
    return {
        "rows": rows,
        "groups": by_subdistrict(run, rows),
        "leaders": leaders,
        "gaps": gap_rows[:gaps],
        "trend": [
            {
                "key": t["run__key"],
                "mean": Decimal(str(t["mean"])).quantize(Decimal("0.01")),
                "model": model_trend.get(t["run__key"]),
            }
            for t in trend_rows
        ],
        "mean": _mean(totals),
        "median": Decimal(str(statistics.median(totals))).quantize(Decimal("0.01")) if totals else None,
    }

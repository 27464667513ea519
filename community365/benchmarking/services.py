"""Every write of 对标: the indicator tree (define, publish, change with a version, copy to the
next year) and the computation of score snapshots. Typed, keyword-only, ``actor`` first, one
transaction, audited."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import indicators
from community365.core.actors import actor_label
from community365.core.errors import InvalidInput, NotAllowed, NotFound
from community365.regions.models import Region, RegionKind

from . import policies, scoring
from .models import (
    Dimension,
    Direction,
    IndicatorResult,
    IndicatorTree,
    ManualEntry,
    Rule,
    ScoreRun,
    ScoreSnapshot,
    Source,
    TreeChange,
    TreeNode,
    TreeStatus,
)

# Fields of a node that a change after publication records (and versions).
NODE_FIELDS = (
    "label",
    "weight",
    "unit",
    "direction",
    "floor",
    "target",
    "rule",
    "thresholds",
    "source",
    "provider_code",
    "description",
)


def _dec(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        out = Decimal(str(value))
    except Exception as exc:
        raise InvalidInput(_("“%(field)s”应为数字。") % {"field": field}, field=field) from exc
    if not out.is_finite() or abs(out) >= Decimal("1e10"):
        raise InvalidInput(_("“%(field)s”超出范围。") % {"field": field}, field=field)
    return out


def _require_district(actor: Any, district: Region) -> None:
    if not policies.may_define(actor, district):
        raise NotAllowed(_("只有区里的管理员可以设置对标指标体系。"))


def _held_by_platform(label: str, provider_code: str) -> indicators.Indicator | None:
    """The registered provider a manual indicator would duplicate: same code or same meaning."""
    wanted = (label or "").strip()
    for ind in indicators.all_indicators():
        if provider_code and ind.code == provider_code:
            return ind
        if wanted and str(ind.label).strip() == wanted:
            return ind
    return None


def _check_leaf(
    *,
    rule: str,
    source: str,
    provider_code: str,
    label: str,
    floor: Any,
    target: Any,
    steps: Any,
    direction: str,
) -> None:
    if source not in Source.values:
        raise InvalidInput(_("请选择数据来源。"), field="source")
    if rule not in Rule.values:
        raise InvalidInput(_("请选择计分规则。"), field="rule")
    if direction not in Direction.values:
        raise InvalidInput(_("请选择方向。"), field="direction")
    if source == Source.PROVIDER:
        if provider_code not in indicators.REGISTRY:
            raise InvalidInput(
                _("没有这个自动计算方法：%(code)s。") % {"code": provider_code}, field="provider_code"
            )
    else:
        held = _held_by_platform(label, provider_code)
        if held is not None:
            raise InvalidInput(
                _("“%(label)s”平台已有记录（%(code)s），请选“平台记录自动计算”，不要让社区重复填报。")
                % {"label": held.label, "code": held.code},
                field="source",
                code="double_entry",
            )
    if rule == Rule.LINEAR:
        if floor is None or target is None:
            raise InvalidInput(_("线性计分需要保底值和目标值。"), field="target")
        if floor == target:
            raise InvalidInput(_("保底值和目标值不能相同。"), field="target")
    if rule == Rule.THRESHOLDS:
        if (
            not isinstance(steps, list)
            or not steps
            or not all(isinstance(s, list | tuple) and len(s) == 2 for s in steps)
        ):
            raise InvalidInput(_("分档计分需要至少一档：[[数值, 得分], …]。"), field="thresholds")
        for _limit, points in steps:
            p = _dec(points, "thresholds")
            _dec(_limit, "thresholds")
            if p is None or not 0 <= p <= 100:
                raise InvalidInput(_("每档得分应在 0 到 100 之间。"), field="thresholds")


@service("benchmarking.tree.create")
def tree_create(
    *, actor: Any, district: Region, year: int, name: str, grade_bands: list[dict[str, Any]] | None = None
) -> IndicatorTree:
    _require_district(actor, district)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput(_("年份应为四位数字，例如 2025。"), field="year")
    if IndicatorTree.objects.filter(district=district, year=year).exists():
        raise NotAllowed(_("%(year)s 年已有指标体系，请修改它或从上一年复制。") % {"year": year})
    tree = IndicatorTree.objects.create(
        district=district,
        year=year,
        name=(name or "").strip()[:100] or _("对标指标体系"),
        grade_bands=grade_bands or [],
    )
    audit_record(actor=actor, action="benchmarking.tree.create", target=tree, district_id=district.pk)
    return tree


@service("benchmarking.node.add")
def node_add(
    *,
    actor: Any,
    tree: IndicatorTree,
    parent: TreeNode | None,
    code: str,
    label: str,
    dimension: str = "",
    weight: Any = 1,
    unit: str = "",
    direction: str = Direction.HIGHER,
    floor: Any = None,
    target: Any = None,
    rule: str = Rule.LINEAR,
    thresholds: list[Any] | None = None,
    source: str = "",
    provider_code: str = "",
    description: str = "",
    reason: str = "",
) -> TreeNode:
    _require_district(actor, tree.district)
    label = (label or "").strip()
    if not label:
        raise InvalidInput(_("请填写指标名称。"), field="label")
    if parent is not None and parent.tree_id != tree.pk:
        raise InvalidInput(_("上级指标不在这套体系里。"), field="parent")
    level = 1 if parent is None else parent.level + 1
    if level > 3:
        raise InvalidInput(_("指标最多三级。"), field="parent")
    if level == 1:
        if dimension not in Dimension.values:
            raise InvalidInput(_("一级指标应为三联、六服务或五机制之一。"), field="dimension")
        if tree.nodes.filter(level=1, dimension=dimension).exists():
            raise InvalidInput(_("这个维度已有一级指标。"), field="dimension")
    else:
        assert parent is not None
        dimension = parent.dimension
        if parent.source:
            raise InvalidInput(
                _("“%(label)s”已是计分指标，不能再往下分。") % {"label": parent.label}, field="parent"
            )
    w = _dec(weight, "weight")
    if w is None or w <= 0:
        raise InvalidInput(_("权重应大于 0。"), field="weight")
    fl, tg = _dec(floor, "floor"), _dec(target, "target")
    if source:
        if level == 1:
            raise InvalidInput(_("一级指标按下级指标汇总，不直接计分。"), field="source")
        _check_leaf(
            rule=rule,
            source=source,
            provider_code=provider_code,
            label=label,
            floor=fl,
            target=tg,
            steps=thresholds,
            direction=direction,
        )
    if tree.nodes.filter(code=code).exists():
        raise InvalidInput(_("编码 %(code)s 已用过。") % {"code": code}, field="code")
    node = TreeNode.objects.create(
        tree=tree,
        district=tree.district,
        parent=parent,
        level=level,
        code=code[:60],
        label=label[:100],
        dimension=dimension,
        weight=w,
        order=tree.nodes.count(),
        unit=unit[:30],
        direction=direction,
        floor=fl,
        target=tg,
        rule=rule,
        thresholds=thresholds or [],
        source=source,
        provider_code=provider_code if source == Source.PROVIDER else "",
        description=description[:300],
    )
    if tree.status == TreeStatus.PUBLISHED:
        _version(actor, tree, node.code, {}, _node_state(node), reason)
    audit_record(actor=actor, action="benchmarking.node.add", target=node, district_id=tree.district_id)
    return node


def _node_state(node: TreeNode) -> dict[str, Any]:
    return {
        f: (str(getattr(node, f)) if isinstance(getattr(node, f), Decimal) else getattr(node, f))
        for f in NODE_FIELDS
    }


def _version(actor: Any, tree: IndicatorTree, code: str, before: dict, after: dict, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("指标体系已发布，修改须写明理由（将留下版本记录）。"), field="reason")
    updated = IndicatorTree.objects.filter(pk=tree.pk).update(version=models_F("version") + 1)
    assert updated == 1
    tree.refresh_from_db(fields=["version"])
    TreeChange.objects.create(
        tree=tree,
        district=tree.district,
        version=tree.version,
        node_code=code,
        before=before,
        after=after,
        reason=reason[:300],
        actor_label=actor_label(actor)[:150],
    )


def models_F(name: str):
    from django.db.models import F

    return F(name)


@service("benchmarking.node.update")
def node_update(*, actor: Any, node: TreeNode, changes: dict[str, Any], reason: str = "") -> TreeNode:
    node = TreeNode.objects.select_for_update().select_related("tree").get(pk=node.pk)
    tree = node.tree
    _require_district(actor, tree.district)
    unknown = set(changes) - set(NODE_FIELDS)
    if unknown:
        raise InvalidInput(_("不能修改：%(f)s。") % {"f": ", ".join(sorted(unknown))})
    before = _node_state(node)
    for key, value in changes.items():
        if key in ("weight", "floor", "target"):
            value = _dec(value, key)
        setattr(node, key, value)
    if node.weight is None or node.weight <= 0:
        raise InvalidInput(_("权重应大于 0。"), field="weight")
    if node.source:
        _check_leaf(
            rule=node.rule,
            source=node.source,
            provider_code=node.provider_code,
            label=node.label,
            floor=node.floor,
            target=node.target,
            steps=node.thresholds,
            direction=node.direction,
        )
    after = _node_state(node)
    if after == before:
        return node
    node.save()
    if tree.status == TreeStatus.PUBLISHED:
        _version(actor, tree, node.code, before, after, reason)
    audit_record(
        actor=actor,
        action="benchmarking.node.update",
        target=node,
        changes={"before": before, "after": after},
    )
    return node


@service("benchmarking.tree.publish")
def tree_publish(*, actor: Any, tree: IndicatorTree) -> IndicatorTree:
    _require_district(actor, tree.district)
    if not tree.nodes.exclude(source="").exists():
        raise NotAllowed(_("体系里还没有计分指标，不能发布。"))
    updated = IndicatorTree.objects.filter(pk=tree.pk, status=TreeStatus.DRAFT).update(
        status=TreeStatus.PUBLISHED, published_at=timezone.now()
    )
    if not updated:
        raise NotAllowed(_("这套指标体系已经发布。"))
    tree.refresh_from_db()
    audit_record(actor=actor, action="benchmarking.tree.publish", target=tree)
    return tree


@service("benchmarking.tree.copy")
def tree_copy(*, actor: Any, tree: IndicatorTree, year: int) -> IndicatorTree:
    """Copy a year's tree (nodes, weights, rules, bands) to another year as a draft."""
    _require_district(actor, tree.district)
    if IndicatorTree.objects.filter(district=tree.district, year=year).exists():
        raise NotAllowed(_("%(year)s 年已有指标体系。") % {"year": year})
    new = IndicatorTree.objects.create(
        district=tree.district, year=year, name=tree.name, grade_bands=tree.grade_bands
    )
    mapping: dict[int, TreeNode] = {}
    for node in tree.nodes.order_by("level", "order", "id"):
        old_pk = node.pk
        parent = mapping[node.parent_id] if node.parent_id else None
        node.pk = None
        node.id = None
        node.tree = new
        node.parent = parent
        node.save()
        mapping[old_pk] = node
    audit_record(actor=actor, action="benchmarking.tree.copy", target=new, changes={"from": tree.year})
    return new


# --- scores ---------------------------------------------------------------------------------------


def communities_of(district: Region) -> list[Region]:
    return list(
        Region.objects.filter(district=district, kind=RegionKind.COMMUNITY)
        .order_by("path")
        .only("pk", "path", "name")
    )


@service("benchmarking.scores.compute")
def scores_compute(*, actor: Any, district: Region, key: str) -> ScoreRun:
    """Compute one period's scores for every community of the district into a new run; when it
    is complete, it replaces the previous run of the period (in one transaction)."""
    parsed = scoring.parse_key(key)
    if parsed is None:
        raise InvalidInput(_("期间应写成 2025、2025-Q1 或 2025-03。"), field="period")
    kind, start, end = parsed
    # One computation per district at a time (PostgreSQL: a row lock on the district; SQLite
    # writes are serialised anyway): two sweeps at once cannot swap each other's runs out.
    Region.objects.select_for_update().filter(pk=district.pk).first()
    tree = IndicatorTree.objects.filter(district=district, year=start.year).first()
    if tree is None:
        raise NotFound(_("%(year)s 年还没有对标指标体系。") % {"year": start.year})
    communities = communities_of(district)
    ids = [c.pk for c in communities]
    subdistrict_of = _subdistricts(communities)
    nodes = list(tree.nodes.all())
    children: dict[int | None, list[TreeNode]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    leaves = [n for n in nodes if n.source]
    period = indicators.Period(start, end)

    values: dict[int, dict[int, indicators.Value]] = {}
    manual = [n.pk for n in leaves if n.source == Source.MANUAL]
    entries: dict[int, dict[int, indicators.Value]] = defaultdict(dict)
    if manual:
        for node_id, community_id, value in ManualEntry.objects.filter(
            node_id__in=manual, status=ManualEntry.Status.CONFIRMED
        ).values_list("node_id", "community_id", "value"):
            entries[node_id][community_id] = indicators.Value(value)
    for leaf in leaves:
        if leaf.source == Source.PROVIDER and leaf.provider_code in indicators.REGISTRY:
            values[leaf.pk] = indicators.get(leaf.provider_code).values(period, ids)
        else:
            values[leaf.pk] = entries.get(leaf.pk, {})

    points: dict[int, dict[int, Decimal]] = {}
    for leaf in leaves:
        raw = {cid: Decimal(str(v.value)) for cid, v in values[leaf.pk].items() if v.value is not None}
        if leaf.rule == "rank":
            points[leaf.pk] = scoring.by_rank(raw, leaf.direction)
        elif leaf.rule == "thresholds":
            points[leaf.pk] = {
                c: scoring.thresholds(v, leaf.thresholds, leaf.direction) for c, v in raw.items()
            }
        else:
            assert leaf.floor is not None and leaf.target is not None
            points[leaf.pk] = {
                c: scoring.linear(v, leaf.floor, leaf.target, leaf.direction) for c, v in raw.items()
            }

    def score(node: TreeNode, cid: int) -> Decimal | None:
        if node.source:
            return points[node.pk].get(cid)
        return scoring.weighted_mean((score(ch, cid), ch.weight) for ch in children[node.pk])

    index_leaves = {
        name: [
            leaf
            for leaf in leaves
            if leaf.provider_code in indicators.REGISTRY
            and name in indicators.get(leaf.provider_code).indices
        ]
        for name in (indicators.PEOPLE, indicators.SERVICE)
    }
    roots = children[None]
    per_dim: dict[int, dict[str, Decimal | None]] = {}
    totals: dict[int, Decimal] = {}
    for cid in ids:
        dims = {root.dimension: score(root, cid) for root in roots}
        per_dim[cid] = dims
        # A dimension with nothing measured counts 0 in the total (it cannot be skipped there,
        # or a community measured on one dimension only would rank on that one alone).
        totals[cid] = scoring.weighted_mean(
            (dims[r.dimension] or Decimal(0), r.weight) for r in roots
        ) or Decimal(0)
    rank_of = scoring.ranks(totals)
    previous = dict(
        ScoreSnapshot.objects.filter(
            run__district=district, run__key=scoring.previous_key(key), run__complete=True
        ).values_list("community_id", "rank")
    )

    run = ScoreRun.objects.create(
        district=district, tree=tree, tree_version=tree.version, kind=kind, key=key, start=start, end=end
    )
    snapshots = []
    results = []
    for cid in ids:
        dims = per_dim[cid]
        snapshots.append(
            ScoreSnapshot(
                run=run,
                district=district,
                community_id=cid,
                subdistrict_id=subdistrict_of[cid],
                total=totals[cid],
                linkages=dims.get("linkages"),
                services=dims.get("services"),
                mechanisms=dims.get("mechanisms"),
                people_index=scoring.weighted_mean(
                    (points[lf.pk].get(cid), lf.weight) for lf in index_leaves[indicators.PEOPLE]
                ),
                service_index=scoring.weighted_mean(
                    (points[lf.pk].get(cid), lf.weight) for lf in index_leaves[indicators.SERVICE]
                ),
                rank=rank_of[cid],
                previous_rank=previous.get(cid),
                grade=scoring.grade(totals[cid], tree.grade_bands),
            )
        )
        for leaf in leaves:
            v = values[leaf.pk].get(cid)
            results.append(
                IndicatorResult(
                    run=run,
                    district_id=run.district_id,
                    community_id=cid,
                    node=leaf,
                    value=_q(v.value) if v else None,
                    numerator=_q(v.numerator) if v else None,
                    denominator=_q(v.denominator) if v else None,
                    points=_q(points[leaf.pk].get(cid)),
                )
            )
    ScoreSnapshot.objects.bulk_create(snapshots, batch_size=500)
    IndicatorResult.objects.bulk_create(results, batch_size=1000)
    # Swap: the old complete run goes, the new one becomes complete, in this transaction.
    ScoreRun.objects.filter(district=district, key=key).exclude(pk=run.pk).delete()
    ScoreRun.objects.filter(pk=run.pk).update(complete=True, finished_at=timezone.now())
    run.complete = True
    audit_record(
        actor=actor,
        action="benchmarking.scores.compute",
        target=run,
        district_id=district.pk,
        changes={"period": key, "communities": len(ids), "indicators": len(leaves)},
        object_repr=key,
    )
    return run


def _q(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _subdistricts(communities: list[Region]) -> dict[int, int]:
    steplen = Region.steplen
    prefixes = {c.path[: 2 * steplen] for c in communities}
    subs = dict(Region.objects.filter(path__in=prefixes).values_list("path", "pk"))
    return {c.pk: subs[c.path[: 2 * steplen]] for c in communities}


def compute_all(
    *,
    actor: Any,
    district: Region,
    year: int,
    kinds: tuple[str, ...] = ("month", "quarter", "year"),
    until: datetime.date | None = None,
) -> int:
    """Every period of ``year`` of the given kinds that has begun by ``until`` (default today),
    oldest first (so that each period's movement reads the one before). Returns how many."""
    until = until or timezone.localdate()
    done = 0
    for kind in ("month", "quarter", "year"):
        if kind not in kinds:
            continue
        for key in scoring.keys_of_year(year, kind):
            parsed = scoring.parse_key(key)
            assert parsed is not None
            if parsed[1] > until:
                continue
            scores_compute(actor=actor, district=district, key=key)
            done += 1
    return done

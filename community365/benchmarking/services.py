"""Every write of 对标: the indicator tree (define, publish, change with a version, copy to the
next year) and the computation of score snapshots. Typed, keyword-only, ``actor`` first, one
transaction, audited."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import indicators
from community365.core.actors import actor_label
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed, NotFound
from community365.regions.models import Region, RegionKind

from . import policies, scoring
from .models import (
    Dimension,
    Direction,
    IndicatorResult,
    IndicatorTree,
    ManualEntry,
    ManualEntryFile,
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
    "min_value",
    "max_value",
    "min_base",
)
# What a dimension (level 1) or a group (a node scored from its children) may change.
PARENT_FIELDS = ("label", "weight", "description")
# The dimensions' weights are shares of the total in per cent: they must add up to this.
DIMENSION_TOTAL = Decimal(100)


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


_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


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
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
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
    if min_value is not None and max_value is not None and min_value > max_value:
        raise InvalidInput(_("最小值不能大于最大值。"), field="max_value")


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
    min_value: Any = None,
    max_value: Any = None,
    reason: str = "",
) -> TreeNode:
    _require_district(actor, tree.district)
    if parent is not None and parent.retired_at is not None:
        raise InvalidInput(_("上级指标已停用。"), field="parent")
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
    lo, hi = _dec(min_value, "min_value"), _dec(max_value, "max_value")
    code = (code or "").strip()
    if not code or not _CODE.match(code):
        raise InvalidInput(_("编码只能用小写字母、数字和连字符，例如 party-lectures。"), field="code")
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
            min_value=lo,
            max_value=hi,
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
        min_value=lo,
        max_value=hi,
    )
    if tree.status == TreeStatus.PUBLISHED:
        if level == 1:
            _check_dimension_weights(tree)
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


DECIMAL_FIELDS = ("weight", "floor", "target", "min_value", "max_value")
TEXT_LIMITS = {"label": 100, "unit": 30, "description": 300, "provider_code": 60}


@service("benchmarking.node.update")
def node_update(*, actor: Any, node: TreeNode, changes: dict[str, Any], reason: str = "") -> TreeNode:
    """Change a node's fields: a scored leaf its name, weight, unit, direction, rule and
    parameters, source and range; a dimension or group its name, weight and note. Once the tree
    is published every change needs a reason and makes a version (TreeChange)."""
    node = TreeNode.objects.select_for_update().select_related("tree").get(pk=node.pk)
    tree = node.tree
    _require_district(actor, tree.district)
    if node.retired_at is not None:
        raise NotAllowed(_("这项指标已停用，不能再修改。"))
    allowed = NODE_FIELDS if node.source else PARENT_FIELDS
    unknown = set(changes) - set(allowed)
    if unknown:
        raise InvalidInput(_("不能修改：%(f)s。") % {"f": ", ".join(sorted(unknown))})
    before = _node_state(node)
    for key, value in changes.items():
        if key in DECIMAL_FIELDS:
            value = _dec(value, key)
        elif key in ("label", "unit", "description", "provider_code"):
            value = str(value or "").strip()[: TEXT_LIMITS[key]]
        setattr(node, key, value)
    if not node.label:
        raise InvalidInput(_("请填写指标名称。"), field="label")
    if node.weight is None or node.weight <= 0:
        raise InvalidInput(_("权重应大于 0。"), field="weight")
    if node.source:
        # A manual leaf keeping a provider's code (or name) would ask for what the platform
        # records: refused by _check_leaf (double entry); the code is dropped once it passes.
        _check_leaf(
            rule=node.rule,
            source=node.source,
            provider_code=node.provider_code,
            label=node.label,
            floor=node.floor,
            target=node.target,
            steps=node.thresholds,
            direction=node.direction,
            min_value=node.min_value,
            max_value=node.max_value,
        )
        if node.source == Source.MANUAL:
            node.provider_code = ""
    after = _node_state(node)
    if after == before:
        return node
    node.save()
    if tree.status == TreeStatus.PUBLISHED:
        if node.level == 1 and "weight" in changes:
            _check_dimension_weights(tree)
        _version(actor, tree, node.code, before, after, reason)
    audit_record(
        actor=actor,
        action="benchmarking.node.update",
        target=node,
        changes={"before": before, "after": after},
    )
    return node


def _check_dimension_weights(tree: IndicatorTree) -> None:
    """The three dimensions' weights are the shares of the total: they add up to 100."""
    total = sum(
        (w for w in tree.nodes.filter(level=1, retired_at__isnull=True).values_list("weight", flat=True)),
        Decimal(0),
    )
    if total != DIMENSION_TOTAL:
        raise InvalidInput(
            _("三联、六服务、五机制的权重合计须为 100（现为 %(total)s）。请在“调整同级权重”里一起修改。")
            % {"total": f"{total:.2f}".rstrip("0").rstrip(".")},
            field="weight",
            code="weights_sum",
        )


def _subtree(node: TreeNode) -> list[TreeNode]:
    """The node and its descendants (a tree has a few dozen nodes: one query)."""
    nodes = list(TreeNode.objects.filter(tree_id=node.tree_id))
    kids: dict[int | None, list[TreeNode]] = defaultdict(list)
    for n in nodes:
        kids[n.parent_id].append(n)
    out: list[TreeNode] = []
    stack = [next(n for n in nodes if n.pk == node.pk)]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(kids[current.pk])
    return out


@service("benchmarking.node.move")
def node_move(*, actor: Any, node: TreeNode, parent: TreeNode, reason: str = "") -> TreeNode:
    """Move an indicator (with its sub-indicators) under another dimension or indicator; the
    subtree keeps within three levels and takes the new parent's dimension."""
    node = TreeNode.objects.select_for_update().select_related("tree").get(pk=node.pk)
    parent = TreeNode.objects.get(pk=parent.pk)  # as it is now (retired since the page was read?)
    tree = node.tree
    _require_district(actor, tree.district)
    if node.level == 1:
        raise NotAllowed(_("维度不能移动。"))
    if node.retired_at is not None or parent.retired_at is not None:
        raise NotAllowed(_("停用的指标不能移动，也不能移到停用的指标下。"))
    if parent.tree_id != tree.pk:
        raise InvalidInput(_("上级指标不在这套体系里。"), field="parent")
    if parent.source:
        raise InvalidInput(
            _("“%(label)s”是计分指标，不能再往下分。") % {"label": parent.display_label}, field="parent"
        )
    subtree = _subtree(node)
    if any(n.pk == parent.pk for n in subtree):
        raise InvalidInput(_("不能移到它自己或它的下级指标下。"), field="parent")
    if parent.pk == node.parent_id:
        return node
    shift = parent.level + 1 - node.level
    if max(n.level for n in subtree) + shift > 3:
        raise InvalidInput(_("移动后会超过三级，指标最多三级。"), field="parent")
    before = {
        "parent": node.parent.code if node.parent is not None else "",
        "level": node.level,
        "dimension": node.dimension,
    }
    for n in subtree:
        n.level += shift
        n.dimension = parent.dimension
    node.parent = parent
    node.order = tree.nodes.count()
    TreeNode.objects.bulk_update(subtree, ["level", "dimension"])
    TreeNode.objects.filter(pk=node.pk).update(parent=parent, order=node.order)
    after = {"parent": parent.code, "level": node.level, "dimension": node.dimension}
    if tree.status == TreeStatus.PUBLISHED:
        _version(actor, tree, node.code, before, after, reason)
    audit_record(
        actor=actor, action="benchmarking.node.move", target=node, changes={"before": before, "after": after}
    )
    return node


@service("benchmarking.node.retire")
def node_retire(*, actor: Any, node: TreeNode, reason: str = "") -> TreeNode:
    """Retire an indicator and its sub-indicators: no longer scored from the next computation,
    kept (with its code) for the runs that used it."""
    node = TreeNode.objects.select_for_update().select_related("tree").get(pk=node.pk)
    tree = node.tree
    _require_district(actor, tree.district)
    if node.level == 1:
        raise NotAllowed(_("维度不能停用；可以调整它的权重。"))
    now = timezone.now()
    ids = [n.pk for n in _subtree(node)]
    updated = TreeNode.objects.filter(pk__in=ids, retired_at__isnull=True).update(retired_at=now)
    if not updated or node.retired_at is not None:
        raise NotAllowed(_("这项指标已经停用。"))
    if (
        tree.status == TreeStatus.PUBLISHED
        and not tree.nodes.filter(retired_at__isnull=True).exclude(source="").exists()
    ):
        raise NotAllowed(_("停用后体系里就没有计分指标了。"))
    if tree.status == TreeStatus.PUBLISHED:
        _version(actor, tree, node.code, {"retired": False}, {"retired": True, "nodes": len(ids)}, reason)
    node.retired_at = now
    audit_record(actor=actor, action="benchmarking.node.retire", target=node, changes={"nodes": len(ids)})
    return node


@service("benchmarking.weights.set")
def weights_set(
    *, actor: Any, tree: IndicatorTree, parent: TreeNode | None, weights: dict[int, Any], reason: str = ""
) -> IndicatorTree:
    """Set the weights of one set of siblings together (the dimensions when ``parent`` is None;
    they must add up to 100), as one change (one version once published)."""
    _require_district(actor, tree.district)
    if parent is not None and parent.tree_id != tree.pk:
        raise InvalidInput(_("上级指标不在这套体系里。"), field="parent")
    siblings = list(
        TreeNode.objects.select_for_update()
        .filter(tree=tree, parent=parent, retired_at__isnull=True)
        .order_by("order", "id")
    )
    by_id = {n.pk: n for n in siblings}
    unknown = [k for k in weights if k not in by_id]
    if unknown:
        raise InvalidInput(_("有的指标不在这一组里。"), field="weights")
    before = {n.code: str(n.weight) for n in siblings}
    for pk, value in weights.items():
        w = _dec(value, "weight")
        if w is None or w <= 0:
            raise InvalidInput(
                _("“%(label)s”的权重应大于 0。") % {"label": by_id[pk].display_label}, field="weight"
            )
        by_id[pk].weight = w.quantize(Decimal("0.01"))
    after = {n.code: str(n.weight) for n in siblings}
    if after == before:
        return tree
    TreeNode.objects.bulk_update(siblings, ["weight"])
    if parent is None:
        _check_dimension_weights(tree)
    if tree.status == TreeStatus.PUBLISHED:
        _version(actor, tree, parent.code if parent else "dimensions", before, after, reason)
    audit_record(
        actor=actor,
        action="benchmarking.weights.set",
        target=tree,
        changes={"before": before, "after": after},
    )
    return tree


def clean_bands(bands: Any) -> list[dict[str, Any]]:
    """Grade bands as the district sets them: [{"min": 85, "label": "五星", "stars": 5}, …]; a
    label and a distinct lower bound (0–100) each, the lowest from 0 so that every total has a
    grade; stars 0–5 (0: no stars shown)."""
    if not isinstance(bands, list) or not bands:
        raise InvalidInput(_("请至少设一档等级。"), field="grade_bands")
    out: list[dict[str, Any]] = []
    for band in bands:
        if not isinstance(band, dict):
            raise InvalidInput(_("等级格式不对。"), field="grade_bands")
        label = str(band.get("label") or "").strip()
        if not label or len(label) > 20:
            raise InvalidInput(_("每档等级需要一个名称（最多 20 字）。"), field="grade_bands")
        low = _dec(band.get("min"), "grade_bands")
        if low is None or not 0 <= low <= 100:
            raise InvalidInput(_("每档的起点分应在 0 到 100 之间。"), field="grade_bands")
        try:
            stars = int(band.get("stars") or 0)
        except (TypeError, ValueError):
            raise InvalidInput(_("星级应为 0 到 5 的整数。"), field="grade_bands") from None
        if not 0 <= stars <= 5:
            raise InvalidInput(_("星级应为 0 到 5 的整数。"), field="grade_bands")
        out.append({"min": float(low), "label": label, "stars": stars})
    out.sort(key=lambda b: -b["min"])
    mins = [b["min"] for b in out]
    if len(set(mins)) != len(mins):
        raise InvalidInput(_("两档等级的起点分不能相同。"), field="grade_bands")
    if len({b["label"] for b in out}) != len(out):
        raise InvalidInput(_("两档等级不能同名。"), field="grade_bands")
    if mins[-1] != 0:
        raise InvalidInput(_("最低一档须从 0 分起，每个总分都有等级。"), field="grade_bands")
    return out


@service("benchmarking.tree.settings")
def tree_settings(
    *,
    actor: Any,
    tree: IndicatorTree,
    grade_bands: list[dict[str, Any]] | None = None,
    entries_close_on: datetime.date | None = None,
    reason: str = "",
) -> IndicatorTree:
    """The grade (star) bands and the closing day of manual entries; versioned once published."""
    tree = IndicatorTree.objects.select_for_update().get(pk=tree.pk)
    _require_district(actor, tree.district)
    before = {"grade_bands": tree.grade_bands, "entries_close_on": str(tree.closes_on)}
    if grade_bands is not None:
        tree.grade_bands = clean_bands(grade_bands)
    if entries_close_on is not None:
        if entries_close_on < datetime.date(tree.year, 1, 1):
            raise InvalidInput(_("填报截止日不能早于该年 1 月 1 日。"), field="entries_close_on")
        tree.entries_close_on = entries_close_on
    after = {"grade_bands": tree.grade_bands, "entries_close_on": str(tree.closes_on)}
    if after == before:
        return tree
    tree.save(update_fields=["grade_bands", "entries_close_on"])
    if tree.status == TreeStatus.PUBLISHED:
        _version(actor, tree, "settings", before, after, reason)
    audit_record(actor=actor, action="benchmarking.tree.settings", target=tree, changes={"after": after})
    return tree


@service("benchmarking.tree.publish")
def tree_publish(*, actor: Any, tree: IndicatorTree) -> IndicatorTree:
    _require_district(actor, tree.district)
    if not tree.nodes.filter(retired_at__isnull=True).exclude(source="").exists():
        raise NotAllowed(_("体系里还没有计分指标，不能发布。"))
    _check_dimension_weights(tree)
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
    for node in tree.nodes.filter(retired_at__isnull=True).order_by("level", "order", "id"):
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
    nodes = list(tree.nodes.filter(retired_at__isnull=True))
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
        raw = {
            cid: Decimal(str(v.value))
            for cid, v in values[leaf.pk].items()
            if v.value is not None and _enough(v, leaf.min_base)
        }
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


def _enough(value: indicators.Value, min_base: int | None) -> bool:
    """A value resting on fewer records than the leaf's minimum base is not scored (a mean of
    one or two ratings says little); a value without a stated base is scored."""
    if not min_base or value.denominator is None:
        return True
    return Decimal(str(value.denominator)) >= min_base


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


# --- manual indicators: entered by a community with evidence, confirmed by its subdistrict ---------

MAX_FILES = 5
MAX_LINKS = 5
MAX_FILE_BYTES = 10 * 1024 * 1024


def _clean_links(links: Any) -> list[str]:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    if links is None:
        return []
    if isinstance(links, str):
        links = links.split()
    out: list[str] = []
    check = URLValidator(schemes=["http", "https"])
    for link in links:
        link = str(link or "").strip()
        if not link:
            continue
        if len(link) > 300:
            raise InvalidInput(_("链接太长（最多 300 个字符）。"), field="links")
        try:
            check(link)
        except ValidationError:
            raise InvalidInput(
                _("“%(link)s”不是有效的网址，须以 http:// 或 https:// 开头。") % {"link": link[:60]},
                field="links",
            ) from None
        if link not in out:
            out.append(link)
    if len(out) > MAX_LINKS:
        raise InvalidInput(_("链接最多 %(n)s 个。") % {"n": MAX_LINKS}, field="links")
    return out


def clean_evidence_file(upload: Any) -> tuple[Any, str]:
    """A photo or scan (decoded and re-encoded without metadata, core.uploads) or a PDF (its
    content must be a PDF, without scripts); anything else is refused, whatever its name."""
    from django.core.files.base import ContentFile

    from community365.core.uploads import clean_image

    if getattr(upload, "size", 0) > MAX_FILE_BYTES:
        raise InvalidInput(_("文件太大（最多 10 MB）。"), field="files")
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        data = upload.read()
        if b"%%EOF" not in data[-2048:]:
            raise InvalidInput(_("PDF 文件不完整，无法打开。"), field="files")
        if re.search(rb"/(JavaScript|JS|Launch|EmbeddedFile)\b", data):
            raise InvalidInput(_("PDF 文件里含有脚本或附件，请另存为普通 PDF 再上传。"), field="files")
        stem = re.sub(r"[^\w.-]+", "-", str(getattr(upload, "name", "") or "evidence").rsplit(".", 1)[0])[:60]
        return ContentFile(data, name=f"{stem or 'evidence'}.pdf"), "application/pdf"
    try:
        image = clean_image(upload, field="files")
    except InvalidInput as exc:
        raise InvalidInput(
            _("佐证文件须为照片（JPG、PNG、WebP）或 PDF：%(why)s") % {"why": exc.message}, field="files"
        ) from None
    return image, "image/png" if (image.name or "").endswith(".png") else "image/jpeg"


def _signed_in(actor: Any) -> Any:
    """The person who entered or decided a value (None for the system)."""
    return actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None


def _open_for_entries(node: TreeNode, today: datetime.date | None = None) -> None:
    tree = node.tree
    if node.source != Source.MANUAL or node.retired_at is not None:
        raise NotAllowed(_("这项指标不由社区填报。"))
    if tree.status != TreeStatus.PUBLISHED:
        raise NotAllowed(_("%(year)s 年的指标体系还没有发布，暂不能填报。") % {"year": tree.year})
    today = today or timezone.localdate()
    if today > tree.closes_on:
        raise NotAllowed(
            _("%(year)s 年的填报已于 %(date)s 截止。") % {"year": tree.year, "date": tree.closes_on}
        )


@service("benchmarking.entry.submit")
def entry_submit(
    *,
    actor: Any,
    node: TreeNode,
    community: Region,
    value: Any,
    evidence: str,
    links: Any = None,
    files: list[Any] | None = None,
    today: datetime.date | None = None,
) -> ManualEntry:
    """A community's value of a manual indicator for the tree's year, with its evidence. A new
    entry supersedes the community's pending or returned one at once, and its confirmed one when
    the new entry is confirmed: a value is never changed in place."""
    node = TreeNode.objects.select_related("tree").get(pk=node.pk)
    if community.kind != RegionKind.COMMUNITY or community.district_id != node.district_id:
        raise NotFound(_("没有这个社区，或您无权查看。"))
    if not policies.may_enter(actor, community):
        raise NotAllowed(_("只有本社区的书记和社工可以填报本社区的数据。"))
    _open_for_entries(node, today)
    number = _dec(value, "value")
    if number is None:
        raise InvalidInput(_("请填写数值。"), field="value")
    if node.min_value is not None and number < node.min_value:
        raise InvalidInput(
            _("数值不能小于 %(v)s。") % {"v": f"{node.min_value:.2f}".rstrip("0").rstrip(".")}, field="value"
        )
    if node.max_value is not None and number > node.max_value:
        raise InvalidInput(
            _("数值不能大于 %(v)s。") % {"v": f"{node.max_value:.2f}".rstrip("0").rstrip(".")}, field="value"
        )
    note = (evidence or "").strip()
    if len(note) < 2:
        raise InvalidInput(_("请写明佐证：这个数怎么来的、依据哪些材料。"), field="evidence")
    clean_links = _clean_links(links)
    files = [f for f in (files or []) if f]
    if len(files) > MAX_FILES:
        raise InvalidInput(_("文件最多 %(n)s 个。") % {"n": MAX_FILES}, field="files")
    cleaned = [clean_evidence_file(f) for f in files]
    if not clean_links and not cleaned:
        raise InvalidInput(_("请附上佐证材料：至少一个文件或一个链接。"), field="files")
    previous = (
        ManualEntry.objects.select_for_update()
        .filter(district_id=node.district_id, node=node, community=community)
        .exclude(status=ManualEntry.Status.SUPERSEDED)
        .order_by("-entered_at", "-id")
        .first()
    )
    # A pending or returned entry is replaced at once (conditional: one writer wins).
    ManualEntry.objects.filter(
        district_id=node.district_id,
        node=node,
        community=community,
        status__in=[ManualEntry.Status.SUBMITTED, ManualEntry.Status.RETURNED],
    ).update(status=ManualEntry.Status.SUPERSEDED)
    by = _signed_in(actor)
    try:
        with transaction.atomic():
            entry = ManualEntry.objects.create(
                node=node,
                district_id=node.district_id,
                community=community,
                value=number,
                evidence=note[:500],
                links=clean_links,
                supersedes=previous,
                entered_by=by,
            )
    except IntegrityError:
        raise Conflict(_("这项指标刚刚有人填报过，请刷新后再看。")) from None
    for content, content_type in cleaned:
        row = ManualEntryFile(
            entry=entry,
            district_id=entry.district_id,
            name=content.name[:100],
            content_type=content_type,
        )
        row.file.save(f"entry-{entry.pk}-{content.name}", content, save=False)
        row.save()
    audit_record(
        actor=actor,
        action="benchmarking.entry.submit",
        target=entry,
        district_id=entry.district_id,
        changes={
            "node": node.code,
            "value": str(number),
            "supersedes": previous.pk if previous else None,
            "files": len(cleaned),
            "links": len(clean_links),
        },
    )
    return entry


def _decidable(actor: Any, entry: ManualEntry, today: datetime.date | None) -> ManualEntry:
    entry = ManualEntry.objects.select_related("node__tree", "community").get(pk=entry.pk)
    if not policies.may_confirm(actor, entry.community):
        if policies.may_enter(actor, entry.community):
            raise NotAllowed(_("不能确认本社区自己填报的数据，须由街道确认。"))
        raise NotAllowed(_("只有社区所在街道的工作人员可以确认。"))
    if entry.entered_by_id and entry.entered_by_id == getattr(actor, "pk", None):
        raise NotAllowed(_("不能确认自己填报的数据。"))
    if entry.status != ManualEntry.Status.SUBMITTED:
        raise InvalidTransition(
            _("这条填报已是“%(status)s”，不能再处理。") % {"status": entry.get_status_display()}
        )
    _open_for_entries(entry.node, today)
    return entry


@service("benchmarking.entry.confirm")
def entry_confirm(*, actor: Any, entry: ManualEntry, today: datetime.date | None = None) -> ManualEntry:
    """The subdistrict confirms a pending value: from now it enters the scores, and the value it
    corrects (if one was confirmed) is superseded."""
    entry = _decidable(actor, entry, today)
    key = {"district_id": entry.district_id, "node_id": entry.node_id, "community_id": entry.community_id}
    ManualEntry.objects.filter(**key, status=ManualEntry.Status.CONFIRMED).update(
        status=ManualEntry.Status.SUPERSEDED
    )
    now = timezone.now()
    by = _signed_in(actor)
    updated = ManualEntry.objects.filter(pk=entry.pk, status=ManualEntry.Status.SUBMITTED).update(
        status=ManualEntry.Status.CONFIRMED, decided_at=now, decided_by=by
    )
    if not updated:
        raise InvalidTransition(_("这条填报刚刚已被处理。"))
    entry.refresh_from_db()
    audit_record(
        actor=actor,
        action="benchmarking.entry.confirm",
        target=entry,
        district_id=entry.district_id,
        changes={"value": str(entry.value)},
    )
    return entry


@service("benchmarking.entry.return")
def entry_return(
    *, actor: Any, entry: ManualEntry, reason: str, today: datetime.date | None = None
) -> ManualEntry:
    """The subdistrict returns a pending value with a reason; the community enters it again (a
    new entry). A confirmed value it corrected stays in force."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise InvalidInput(_("请写明退回理由，社区据此修改。"), field="reason")
    entry = _decidable(actor, entry, today)
    by = _signed_in(actor)
    updated = ManualEntry.objects.filter(pk=entry.pk, status=ManualEntry.Status.SUBMITTED).update(
        status=ManualEntry.Status.RETURNED,
        decided_at=timezone.now(),
        decided_by=by,
        return_reason=reason[:300],
    )
    if not updated:
        raise InvalidTransition(_("这条填报刚刚已被处理。"))
    entry.refresh_from_db()
    audit_record(
        actor=actor,
        action="benchmarking.entry.return",
        target=entry,
        district_id=entry.district_id,
        message=reason[:300],
    )
    return entry

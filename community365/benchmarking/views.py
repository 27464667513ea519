"""Pages of 对标: the league table (the district leader's first page), a community against the
model, a subdistrict's communities side by side, the indicator tree with its formulas, and the
exports (xlsx, the yearly PDF report). Every page reads the snapshot rows of one run."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from community365.core import charts, exports, indicators
from community365.core.context import signed_in_user
from community365.core.errors import DomainError, InvalidInput, NotFound

from . import policies, report, selectors, services
from .models import Dimension, Direction, Rule, ScoreRun

DIM_LABELS = {d.value: d.label for d in Dimension}


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if policies.valid_id(number) else None


def _district(request: HttpRequest) -> Any:
    user = signed_in_user(request)
    if not policies.may_view(user):
        raise Http404
    district = policies.district_of(user)
    if district is None:
        raise Http404
    return user, district


def _run(request: HttpRequest, district: Any) -> tuple[ScoreRun | None, str]:
    try:
        return selectors.run_for(district, request.GET.get("period", "").strip()[:10] or None), ""
    except InvalidInput as exc:
        return None, exc.message
    except NotFound as exc:
        return None, exc.message


def _period_links(district: Any) -> list[ScoreRun]:
    return selectors.periods(district)


FORMULAS = [
    gettext_lazy(
        "指标得分（0–100）：线性＝（数值−保底值）÷（目标值−保底值）×100，越低越好的指标反过来算，封顶 100、保底 0；分档＝达到的最高一档的分；按名次＝100×（数值比它差的社区数）÷（参评社区数−1），并列同分。"
    ),
    gettext_lazy("没有记录可算的指标（如期内没有评价）不计分，也不占上级指标的权重。"),
    gettext_lazy(
        "二级、一级指标得分＝下级指标得分按权重的加权平均；总分＝三联、六服务、五机制得分按权重的加权平均，某一维度期内完全没有数据时按 0 分计入总分。"
    ),
    gettext_lazy(
        "为民指数＝计入“为民”的指标（满意度、约谈承诺按期办结）得分的加权平均，反映居民得到的结果；服务指数＝计入“服务”的指标（心愿实现、认领速度、值班覆盖、社工配比、党员报到、志愿时长、约谈按期）得分的加权平均，反映提供服务的多少与及时。"
    ),
    gettext_lazy(
        "名次按总分从高到低，同分同名次；升降＝上一期名次−本期名次。得分由后台任务每天按记录重算，页面只读取计算结果。"
    ),
]


@login_required
@require_GET
def league(request: HttpRequest) -> HttpResponse:
    user, district = _district(request)
    run, error = _run(request, district)
    subdistrict = _int(request.GET.get("subdistrict"))
    order = request.GET.get("order", "rank")
    if order not in ("rank", *selectors.DIMENSIONS):
        order = "rank"
    rows = selectors.league(user, run, subdistrict=subdistrict, order=order) if run else []
    selectors.stars(run, rows)
    whole = policies.sees_whole_district(user, district)
    groups = selectors.by_subdistrict(run, rows) if run and whole and not subdistrict else []
    chart_list = []
    if run and groups:
        chart_list.append(
            charts.bar_chart(
                "bm-subdistricts",
                title=_("各街道社区平均总分"),
                categories=[g.region.name for g in groups],
                bars=[
                    charts.series(
                        _("平均总分"),
                        [g.total for g in groups],
                        [f"{reverse('bm_subdistrict', args=[g.region.pk])}?period={run.key}" for g in groups],
                    )
                ],
            )
        )
    if run and subdistrict and rows:
        chart_list.append(
            charts.bar_chart(
                "bm-communities",
                title=_("社区总分"),
                categories=[s.community.name for s in rows],
                bars=[
                    charts.series(
                        _("总分"),
                        [s.total for s in rows],
                        [f"{reverse('bm_community', args=[s.community_id])}?period={run.key}" for s in rows],
                    )
                ],
            )
        )
    return render(
        request,
        "benchmarking/league.html",
        {
            "run": run,
            "error": error,
            "rows": rows,
            "groups": groups,
            "charts": chart_list,
            "periods": _period_links(district),
            "subdistricts": selectors.subdistricts_of(district) if whole else [],
            "subdistrict": subdistrict,
            "order": order,
            "dims": DIM_LABELS,
            "formulas": FORMULAS,
            "whole": whole,
            "may_define": policies.may_define(user, district),
            "district_report": policies.may_read_district_report(user, district),
        },
    )


@login_required
@require_GET
def subdistrict(request: HttpRequest, region_id: int) -> HttpResponse:
    user, district = _district(request)
    sub = selectors.subdistricts_of(district)
    region = next((r for r in sub if r.pk == region_id), None)
    if (
        region is None
        or not policies.communities_visible_to(user).filter(path__startswith=region.path).exists()
    ):
        raise Http404
    run, error = _run(request, district)
    rows = selectors.league(user, run, subdistrict=region.pk) if run else []
    chart_list = []
    if rows:
        chart_list.append(
            charts.bar_chart(
                "bm-sub",
                title=_("各社区三个维度得分"),
                categories=[s.community.name for s in rows],
                bars=[
                    charts.series(DIM_LABELS[d], [getattr(s, d) for s in rows]) for d in selectors.DIMENSIONS
                ],
            )
        )
    return render(
        request,
        "benchmarking/subdistrict.html",
        {
            "region": region,
            "run": run,
            "error": error,
            "rows": rows,
            "charts": chart_list,
            "periods": _period_links(district),
            "dims": DIM_LABELS,
            "formulas": FORMULAS,
        },
    )


def community_context(user: Any, district: Any, community: Any, run: ScoreRun) -> dict[str, Any]:
    model = selectors.model_community(district)
    mine = selectors.snapshot_of(run, community)
    theirs = selectors.snapshot_of(run, model) if model else None
    medians = selectors.medians(run)
    gaps = selectors.gaps(run, community, model)
    selectors.stars(run, [mine, theirs])
    return {"model": model, "mine": mine, "theirs": theirs, "medians": medians, "gaps": gaps}


@login_required
@require_GET
def community(request: HttpRequest, community_id: int) -> HttpResponse:
    user, district = _district(request)
    try:
        place = policies.get_visible_community(user, community_id)
    except DomainError as exc:
        raise Http404 from exc
    run, error = _run(request, district)
    ctx: dict[str, Any] = {
        "community": place,
        "run": run,
        "error": error,
        "periods": _period_links(district),
        "dims": DIM_LABELS,
        "formulas": FORMULAS,
    }
    if run:
        ctx.update(community_context(user, district, place, run))
        axes = [DIM_LABELS[d] for d in selectors.DIMENSIONS]
        lines = [charts.series(place.name, [getattr(ctx["mine"], d, None) for d in selectors.DIMENSIONS])]
        if ctx["theirs"] and ctx["model"].pk != place.pk:
            lines.append(
                charts.series(
                    _("%(name)s（示范）") % {"name": ctx["model"].name},
                    [getattr(ctx["theirs"], d) for d in selectors.DIMENSIONS],
                )
            )
        lines.append(charts.series(_("全区中位数"), [ctx["medians"][d] for d in selectors.DIMENSIONS]))
        trend = selectors.trend(place, "month")
        chart_list = [
            charts.radar_chart(
                "bm-radar", title=_("三个维度：本社区、示范社区与全区中位数"), axes=axes, lines=lines
            )
        ]
        if trend:
            chart_list.append(
                charts.line_chart(
                    "bm-trend",
                    title=_("逐月总分"),
                    months=[s.run.key for s in trend],
                    lines=[
                        charts.series(
                            _("总分"),
                            [s.total for s in trend],
                            [f"{reverse('bm_community', args=[place.pk])}?period={s.run.key}" for s in trend],
                        ),
                    ],
                )
            )
        ctx["charts"] = chart_list
        ctx["behind"] = [g for g in ctx["gaps"] if g.behind][:5]
    return render(request, "benchmarking/community.html", ctx)


@login_required
@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    _user, district = _district(request)
    year = _int(request.GET.get("year"))
    trees = list(district_trees(district))
    current = next((t for t in trees if t.year == year), trees[0] if trees else None)
    nodes = selectors.tree_nodes(current) if current else []
    retired = selectors.retired_nodes(current) if current else []
    registry = indicators.REGISTRY
    may_define = policies.may_define(_user, district)
    # Each node's share of its parent (or of the total), and the sibling groups for the weights form.
    groups: dict[int | None, list[Any]] = {}
    for n in nodes:
        groups.setdefault(n.parent_id, []).append(n)
    for siblings in groups.values():
        total = sum((n.weight for n in siblings), Decimal(0))
        for n in siblings:
            n.share = (n.weight * 100 / total).quantize(Decimal("0.1")) if total else None
    for n in nodes:
        n.thresholds_text = thresholds_text(n.thresholds)  # type: ignore[attr-defined]
    by_id = {n.pk: n for n in nodes}
    parents = [n for n in nodes if not n.source and n.level < 3]
    return render(
        request,
        "benchmarking/tree.html",
        {
            "trees": trees,
            "tree": current,
            "rows": [(n, registry.get(n.provider_code)) for n in nodes],
            "retired": retired,
            "changes": list(current.changes.all()[:50]) if current else [],
            "formulas": FORMULAS,
            "dims": DIM_LABELS,
            "may_define": may_define,
            "parents": parents,
            "sibling_groups": [(by_id.get(pid) if pid else None, kids) for pid, kids in groups.items()],
            "providers": sorted(registry.values(), key=lambda i: (i.dimension, i.code)) if may_define else [],
            "bands_text": "\n".join(
                f"{b['min']:g} {b['label']} {b.get('stars', 0)}"
                for b in (current.grade_bands if current else [])
            ),
            "rules": Rule.choices,
            "directions": Direction.choices,
        },
    )


def district_trees(district: Any) -> Any:
    from .models import IndicatorTree

    return IndicatorTree.objects.filter(district=district).order_by("-year")


@login_required
@require_GET
def league_xlsx(request: HttpRequest) -> HttpResponse:
    user, district = _district(request)
    run, _error = _run(request, district)
    if run is None:
        raise Http404
    rows = selectors.league(user, run, subdistrict=_int(request.GET.get("subdistrict")))
    header = [
        _("名次"),
        _("上期名次"),
        _("社区"),
        _("街道"),
        _("总分"),
        _("等级"),
        _("三联"),
        _("六服务"),
        _("五机制"),
        _("为民指数"),
        _("服务指数"),
        _("示范社区"),
    ]
    data = (
        [
            s.rank,
            s.previous_rank,
            s.community.name,
            s.subdistrict.name,
            s.total,
            s.grade,
            s.linkages,
            s.services,
            s.mechanisms,
            s.people_index,
            s.service_index,
            _("是") if s.community.is_model else "",
        ]
        for s in rows
    )
    notes = [str(f) for f in FORMULAS]
    return exports.xlsx_response(
        f"benchmarking-{run.key}.xlsx", _("对标排名 %(p)s") % {"p": run.key}, header, data, notes
    )


@login_required
@require_GET
def community_pdf(request: HttpRequest, community_id: int) -> HttpResponse:
    user, district = _district(request)
    try:
        place = policies.get_visible_community(user, community_id)
    except DomainError as exc:
        raise Http404 from exc
    run, _error = _run(request, district)
    if run is None:
        raise Http404
    ctx = community_context(user, district, place, run)
    body = report.community_report(place, run, ctx, FORMULAS)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="benchmarking-{place.pk}-{run.key}.pdf"'
    return response


def fmt(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


# --- the district admin's edits of the tree (through the services) --------------------------------


def _tree_for_edit(request: HttpRequest, tree_id: int) -> tuple[Any, Any]:
    user, district = _district(request)
    from .models import IndicatorTree

    tree = IndicatorTree.objects.filter(pk=tree_id, district=district).first()
    if tree is None:
        raise Http404
    return user, tree


def _back(tree: Any) -> HttpResponse:
    from django.shortcuts import redirect

    return redirect(f"{reverse('bm_tree')}?year={tree.year}")


@login_required
@require_POST
def tree_publish(request: HttpRequest, tree_id: int) -> HttpResponse:
    user, tree = _tree_for_edit(request, tree_id)
    try:
        services.tree_publish(actor=user, tree=tree)
        messages.success(request, _("指标体系已发布。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(tree)


@login_required
@require_POST
def tree_copy(request: HttpRequest, tree_id: int) -> HttpResponse:
    user, tree = _tree_for_edit(request, tree_id)
    try:
        new = services.tree_copy(actor=user, tree=tree, year=tree.year + 1)
        messages.success(request, _("已复制为 %(year)s 年的草稿。") % {"year": new.year})
        return _back(new)
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(tree)


LEAF_FORM_FIELDS = (
    "label",
    "weight",
    "unit",
    "direction",
    "rule",
    "floor",
    "target",
    "thresholds",
    "source",
    "provider_code",
    "description",
    "min_value",
    "max_value",
)


def parse_thresholds(text: str) -> list[list[str]]:
    """“60:50, 80:80, 95:100” (value:points, comma or line separated) → [[60, 50], …]."""
    steps = []
    for part in text.replace("，", ",").replace("：", ":").replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if ":" not in part:
            raise InvalidInput(
                _("分档请写成“数值:得分”，用逗号隔开，例如 60:50, 80:100。"), field="thresholds"
            )
        value, points = (x.strip() for x in part.split(":", 1))
        steps.append([value, points])
    return steps


def thresholds_text(steps: list[Any]) -> str:
    return ", ".join(f"{a}:{b}" for a, b in steps or [])


def _node_form(post: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in fields:
        if key not in post:
            continue
        value = post.get(key, "").strip()[:300]
        if key == "thresholds":
            out[key] = parse_thresholds(value)
        else:
            out[key] = value
    return out


def _district_node(request: HttpRequest, node_id: int) -> tuple[Any, Any]:
    from .models import TreeNode

    user, district = _district(request)
    node = TreeNode.objects.select_related("tree", "parent").filter(pk=node_id, district=district).first()
    if node is None:
        raise Http404
    return user, node


@login_required
@require_POST
def node_edit(request: HttpRequest, node_id: int) -> HttpResponse:
    user, node = _district_node(request, node_id)
    try:
        fields = LEAF_FORM_FIELDS if node.source else services.PARENT_FIELDS
        changes = _node_form(request.POST, fields)
        # An empty number field leaves a required value as it is; clears an optional one.
        for key in ("weight", "floor", "target"):
            if changes.get(key) == "":
                changes.pop(key)
        if changes.get("source") == "manual":
            changes["provider_code"] = ""
        services.node_update(
            actor=user, node=node, changes=changes, reason=request.POST.get("reason", "")[:300]
        )
        messages.success(request, _("已保存。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(node.tree)


@login_required
@require_POST
def node_new(request: HttpRequest, tree_id: int) -> HttpResponse:
    from .models import TreeNode

    user, tree = _tree_for_edit(request, tree_id)
    parent = TreeNode.objects.filter(pk=_int(request.POST.get("parent")) or 0, tree=tree).first()
    try:
        if parent is None:
            raise InvalidInput(_("请选择上级指标。"), field="parent")
        form = _node_form(request.POST, LEAF_FORM_FIELDS)
        source = form.pop("source", "")
        if request.POST.get("kind") == "group":
            source = ""
        services.node_add(
            actor=user,
            tree=tree,
            parent=parent,
            code=request.POST.get("code", "").strip()[:60],
            label=form.pop("label", ""),
            source=source,
            provider_code=form.pop("provider_code", "") if source == "provider" else "",
            thresholds=form.pop("thresholds", []),
            reason=request.POST.get("reason", "")[:300],
            **{
                k: v
                for k, v in form.items()
                if k
                in (
                    "weight",
                    "unit",
                    "direction",
                    "rule",
                    "floor",
                    "target",
                    "description",
                    "min_value",
                    "max_value",
                )
                and v != ""
            },
        )
        messages.success(request, _("已添加。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(tree)


@login_required
@require_POST
def node_move(request: HttpRequest, node_id: int) -> HttpResponse:
    from .models import TreeNode

    user, node = _district_node(request, node_id)
    parent = TreeNode.objects.filter(pk=_int(request.POST.get("parent")) or 0, tree_id=node.tree_id).first()
    try:
        if parent is None:
            raise InvalidInput(_("请选择移到哪个指标下。"), field="parent")
        services.node_move(actor=user, node=node, parent=parent, reason=request.POST.get("reason", "")[:300])
        messages.success(request, _("已移动。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(node.tree)


@login_required
@require_POST
def node_retire(request: HttpRequest, node_id: int) -> HttpResponse:
    user, node = _district_node(request, node_id)
    try:
        services.node_retire(actor=user, node=node, reason=request.POST.get("reason", "")[:300])
        messages.success(request, _("已停用，下次计算起不再计分。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(node.tree)


@login_required
@require_POST
def weights(request: HttpRequest, tree_id: int) -> HttpResponse:
    from .models import TreeNode

    user, tree = _tree_for_edit(request, tree_id)
    parent_id = _int(request.POST.get("parent"))
    parent = TreeNode.objects.filter(pk=parent_id, tree=tree).first() if parent_id else None
    try:
        if parent_id and parent is None:
            raise InvalidInput(_("请选择上级指标。"), field="parent")
        given: dict[int, str] = {}
        for key in request.POST:
            pk = _int(key[2:]) if key.startswith("w_") else None
            if pk:
                given[pk] = request.POST.get(key, "").strip()[:20]
        services.weights_set(
            actor=user, tree=tree, parent=parent, weights=given, reason=request.POST.get("reason", "")[:300]
        )
        messages.success(request, _("权重已保存。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(tree)


def parse_bands(text: str) -> list[dict[str, Any]]:
    """One band a line: “85 五星 5” (lower bound, label, stars — stars may be left out)."""
    bands = []
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        if len(parts) < 2:
            raise InvalidInput(_("每行写一档：起点分 名称 星级，例如“85 五星 5”。"), field="grade_bands")
        bands.append({"min": parts[0], "label": parts[1], "stars": parts[2] if len(parts) > 2 else 0})
    return bands


@login_required
@require_POST
def tree_settings(request: HttpRequest, tree_id: int) -> HttpResponse:
    import datetime

    user, tree = _tree_for_edit(request, tree_id)
    try:
        close = request.POST.get("entries_close_on", "").strip()
        try:
            close_on = datetime.date.fromisoformat(close) if close else None
        except ValueError:
            raise InvalidInput(_("日期应写成 2026-01-31。"), field="entries_close_on") from None
        services.tree_settings(
            actor=user,
            tree=tree,
            grade_bands=parse_bands(request.POST.get("grade_bands", "")[:1000]),
            entries_close_on=close_on,
            reason=request.POST.get("reason", "")[:300],
        )
        messages.success(request, _("已保存。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(tree)


# --- manual indicators: enter with evidence, confirm or return -----------------------------------


def _entry_place(request: HttpRequest, node_id: int, community_id: int) -> tuple[Any, Any, Any]:
    from .models import Source, TreeNode

    user, _d = _district(request)
    try:
        place = policies.get_visible_community(user, community_id)
    except DomainError as exc:
        raise Http404 from exc
    node = (
        TreeNode.objects.select_related("tree")
        .filter(pk=node_id, district=place.district_id, source=Source.MANUAL)
        .first()
    )
    if node is None:
        raise Http404
    return user, node, place


@login_required
@require_GET
def entries(request: HttpRequest) -> HttpResponse:
    """The manual indicators: what my community still has to enter (#due), what my subdistrict
    has to confirm (#to-confirm), and the latest decisions."""
    user, _district_region = _district(request)
    due = selectors.entries_due(user)
    to_confirm = list(selectors.entries_to_confirm(user)[:200])
    recent = list(
        selectors.entries_visible(user).exclude(status="submitted").order_by("-entered_at", "-id")[:20]
    )
    return render(
        request,
        "benchmarking/entries.html",
        {
            "due": due,
            "to_confirm": to_confirm,
            "recent": recent,
            "enters": bool(policies.enter_paths(user)),
            "confirms": bool(policies.confirm_paths(user)),
        },
    )


@login_required
def entry(request: HttpRequest, node_id: int, community_id: int) -> HttpResponse:
    """One manual indicator of one community: its entries (newest first, each with its evidence
    and decision), the form to enter a value, and the subdistrict's confirm / return."""
    from django.shortcuts import redirect

    user, node, place = _entry_place(request, node_id, community_id)
    error_fields: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.entry_submit(
                actor=user,
                node=node,
                community=place,
                value=request.POST.get("value", "").strip()[:20],
                evidence=request.POST.get("evidence", "")[:500],
                links=request.POST.get("links", "")[:2000],
                files=request.FILES.getlist("files"),
            )
            messages.success(request, _("已提交，等街道确认后计入得分。"))
            return redirect(reverse("bm_entry", args=[node.pk, place.pk]))
        except DomainError as exc:
            messages.error(request, exc.message)
            error_fields[getattr(exc, "field", "") or "value"] = exc.message
    elif request.method != "GET":
        return HttpResponse(status=405)
    history = selectors.entry_history(node, place)
    open_error = ""
    try:
        services._open_for_entries(node)
    except DomainError as exc:
        open_error = exc.message
    return render(
        request,
        "benchmarking/entry.html",
        {
            "node": node,
            "community": place,
            "history": history,
            "may_enter": policies.may_enter(user, place) and not open_error,
            "may_confirm": policies.may_confirm(user, place) and not open_error,
            "open_error": open_error,
            "error_fields": error_fields,
            "post": request.POST if request.method == "POST" else {},
        },
    )


def _entry_for_decision(request: HttpRequest, entry_id: int) -> tuple[Any, Any]:
    user, _district_region = _district(request)
    entry_row = selectors.entries_visible(user).filter(pk=entry_id).first()
    if entry_row is None:
        raise Http404
    return user, entry_row


@login_required
@require_POST
def entry_confirm(request: HttpRequest, entry_id: int) -> HttpResponse:
    from django.shortcuts import redirect

    user, row = _entry_for_decision(request, entry_id)
    try:
        services.entry_confirm(actor=user, entry=row)
        messages.success(request, _("已确认，下次计算起计入得分。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("bm_entry", args=[row.node_id, row.community_id]))


@login_required
@require_POST
def entry_return(request: HttpRequest, entry_id: int) -> HttpResponse:
    from django.shortcuts import redirect

    user, row = _entry_for_decision(request, entry_id)
    try:
        services.entry_return(actor=user, entry=row, reason=request.POST.get("reason", "")[:300])
        messages.success(request, _("已退回社区。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("bm_entry", args=[row.node_id, row.community_id]))


@login_required
@require_GET
def entry_file(request: HttpRequest, file_id: int) -> HttpResponseBase:
    from django.http import FileResponse

    from .models import ManualEntryFile

    user, _district_region = _district(request)
    row = (
        ManualEntryFile.objects.filter(pk=file_id, entry__in=selectors.entries_visible(user))
        .only("id", "file", "name", "content_type")
        .first()
    )
    if row is None or not row.file:
        raise Http404
    response = FileResponse(row.file.open("rb"), content_type=row.content_type)
    disposition = "inline" if row.content_type.startswith("image/") else "attachment"
    response["Content-Disposition"] = (
        f'{disposition}; filename="evidence-{row.pk}.{row.name.rsplit(".", 1)[-1]}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def district_pdf(request: HttpRequest) -> HttpResponse:
    """The district's yearly report (the newest complete year unless ?period=YYYY)."""
    user, district = _district(request)
    if not policies.may_read_district_report(user, district):
        raise Http404
    key = request.GET.get("period", "").strip()[:10] or selectors.default_key(district)
    if not key or not key.isdigit():
        raise Http404
    try:
        run = selectors.run_for(district, key)
    except DomainError as exc:
        raise Http404 from exc
    data = selectors.district_report_data(run, selectors.model_community(district))
    body = report.district_report(district, run, data, FORMULAS)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="benchmarking-district-{run.key}.pdf"'
    return response

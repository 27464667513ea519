"""Pages: the community's pairings and its "to pair" list, the pair form, a cadre's own pairings
(large type, phone first), the visit log form, a pairing's and a household's visits, turning a
need into a request, a wish or a topic, the needs still to turn, the figures and their export."""

from __future__ import annotations

import datetime
import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community365.core import charts, exports, permissions
from community365.core.errors import DomainError, InvalidInput, NotFound
from community365.regions.models import Household, Region

from . import policies, selectors, services
from .models import EndReason, Pairing, PairingVisit, TurnedTo, VisitNeed

PAGE = 30


def _or_404(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except NotFound:
        raise Http404 from None


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _community_choice(request: HttpRequest, paths: list[str] | None) -> tuple[list[Region], Region | None]:
    """The communities the user may pick from (at most 300) and the one picked (``?community=``)."""
    communities = list(selectors.communities_of(paths)[:300])
    raw = request.GET.get("community", "")
    chosen = next((c for c in communities if str(c.pk) == raw), None)
    return communities, chosen


def _subnav(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "sees_lists": policies.sees_lists(user),
        "manages": policies.may_manage_somewhere(user),
        "is_cadre": policies.is_cadre(user),
    }


@login_required
@require_GET
def pairing_list(request: HttpRequest) -> HttpResponse:
    """The pairings of the places the user oversees, by community, with filters."""
    if not policies.sees_lists(request.user):
        raise Http404
    paths = policies.view_paths(request.user)
    communities, chosen = _community_choice(request, paths)
    qs = policies.pairings_visible_to(request.user).filter(permissions.path_q(paths))
    if chosen is not None:
        qs = qs.filter(region=chosen)
    status = request.GET.get("status", "live")
    if status == "live":
        qs = qs.filter(ended_on__isnull=True)
    elif status == "ended":
        qs = qs.filter(ended_on__isnull=False)
    if request.GET.get("due") == "1":
        qs = qs.filter(selectors.due_q())
    qs = qs.select_related("region", "household", "household__region", "cadre").order_by(
        "region__path", "household__region__path", "household__number", "pk"
    )
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pairing/list.html",
        {
            **_subnav(request),
            "page": page,
            "communities": communities,
            "chosen": chosen,
            "status": status,
            "due": request.GET.get("due") == "1",
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "interval": services.VISIT_INTERVAL_DAYS,
        },
    )


@login_required
@require_GET
def to_pair(request: HttpRequest) -> HttpResponse:
    """Households needing attention without a live pairing — in difficulty first."""
    if not policies.sees_lists(request.user):
        raise Http404
    paths = policies.view_paths(request.user)
    communities, chosen = _community_choice(request, paths)
    only = request.GET.get("only") == "difficulty"
    scope = [chosen.path] if chosen is not None else paths
    qs = selectors.attention_households(scope, only_difficulty=only)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    members = selectors.members_of([h.pk for h in page])
    rows = [{"household": h, "members": members.get(h.pk, [])} for h in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pairing/to_pair.html",
        {
            **_subnav(request),
            "page": page,
            "rows": rows,
            "communities": communities,
            "chosen": chosen,
            "only": only,
            "query": query.urlencode(),
            "may_pair": policies.may_manage_somewhere(request.user),
        },
    )


def _manageable_household(request: HttpRequest, raw: str | None) -> tuple[Household, Region]:
    try:
        household_id = int(raw or "")
    except ValueError:
        raise Http404 from None
    household = Household.objects.select_related("region").filter(pk=household_id).first()
    if household is None:
        raise Http404
    community = services.community_of(household)
    if not policies.may_manage_at(request.user, community.path):
        raise Http404
    return household, community


@login_required
@require_http_methods(["GET", "POST"])
def pairing_new(request: HttpRequest) -> HttpResponse:
    """Pair a cadre with a household (``?household=<id>``), by the community's staff."""
    if not policies.may_manage_somewhere(request.user):
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    if not source.get("household"):
        return redirect("pairing_to_pair")
    household, community = _manageable_household(request, source.get("household"))
    cadres = selectors.cadres_for(community)
    if request.method == "POST":
        try:
            cadre = next((c for c in cadres if str(c.pk) == request.POST.get("cadre")), None)
            if cadre is None:
                raise InvalidInput(_("请选择结对干部。"), field="cadre")
            since = _date(request.POST.get("since")) if request.POST.get("since") else None
            if request.POST.get("since") and since is None:
                raise InvalidInput(_("日期格式不对。"), field="since")
            pairing = services.pairing_create(
                actor=request.user, household=household, cadre=cadre, since=since
            )
            messages.success(request, _("已结对，已通知结对干部。"))
            return redirect("pairing_detail", pairing.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    live = Pairing.objects.filter(household=household, ended_on__isnull=True).select_related("cadre")
    return render(
        request,
        "pairing/new.html",
        {
            **_subnav(request),
            "household": household,
            "community": community,
            "members": selectors.members_of([household.pk])[household.pk],
            "cadres": cadres,
            "live": list(live),
            "values": request.POST if request.method == "POST" else {},
            "today": timezone.localdate().isoformat(),
        },
    )


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """我的结对: the cadre's live pairings, those due a visit first, in large type."""
    if not policies.may_be_cadre(request.user):
        raise Http404
    qs = Pairing.objects.filter(cadre_id=request.user.pk, ended_on__isnull=True)
    due_only = request.GET.get("due") == "1"
    if due_only:
        qs = qs.filter(selectors.due_q())
    qs = qs.select_related("region", "household", "household__region").order_by(
        F("last_visit_on").asc(nulls_first=True), "since", "pk"
    )
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    members = selectors.members_of([p.household_id for p in page])
    today = timezone.localdate()
    rows = [
        {
            "pairing": p,
            "members": members.get(p.household_id, []),
            "due_on": selectors.due_on(p),
            "is_due": selectors.due_on(p) <= today,
        }
        for p in page
    ]
    return render(
        request,
        "pairing/mine.html",
        {**_subnav(request), "page": page, "rows": rows, "due_only": due_only},
    )


def _visits_page(request: HttpRequest, qs: Any) -> Any:
    qs = qs.select_related("cadre", "logged_by").order_by("-visited_on", "-pk")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    needs: dict[int, list[VisitNeed]] = {v.pk: [] for v in page}
    for need in VisitNeed.objects.filter(visit_id__in=list(needs) or [0]).order_by("pk"):
        needs[need.visit_id].append(need)
    for visit in page:
        visit.need_rows = needs[visit.pk]
    return page


@login_required
@require_GET
def detail(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = _or_404(policies.get_visible_pairing, request.user, pairing_id)
    manages = policies.may_manage_at(request.user, pairing.region.path)
    page = _visits_page(request, PairingVisit.objects.filter(pairing=pairing))
    return render(
        request,
        "pairing/detail.html",
        {
            **_subnav(request),
            "pairing": pairing,
            "members": selectors.members_of([pairing.household_id])[pairing.household_id],
            "page": page,
            "may_log": policies.may_log_visit(request.user, pairing),
            "may_manage": manages,
            "may_end": manages and pairing.is_live,
            "reasons": EndReason.choices,
            "due_on": selectors.due_on(pairing),
            "today": timezone.localdate(),
            "kinds": TurnedTo.choices,
        },
    )


@login_required
@require_GET
def household(request: HttpRequest, household_id: int) -> HttpResponse:
    """A household's pairings and every visit to it (whoever the cadre)."""
    found = Household.objects.select_related("region").filter(pk=household_id).first()
    if found is None:
        raise Http404
    pairings = list(
        policies.pairings_visible_to(request.user)
        .filter(household=found)
        .select_related("cadre", "region")
        .order_by("ended_on", "-since", "pk")
    )
    paths = policies.view_paths(request.user)
    in_scope = paths is None or any(found.region.path.startswith(p) for p in paths)
    if not in_scope and not pairings:
        raise Http404
    visits = policies.visits_visible_to(request.user).filter(household=found)
    page = _visits_page(request, visits)
    community = services.community_of(found)
    return render(
        request,
        "pairing/household.html",
        {
            **_subnav(request),
            "household": found,
            "community": community,
            "members": selectors.members_of([found.pk])[found.pk],
            "pairings": pairings,
            "page": page,
            "may_manage": policies.may_manage_at(request.user, community.path),
            "kinds": TurnedTo.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, pairing_id: int) -> HttpResponse:
    """The visit log form (phone first): date, who went along, what was found, needs, a photo."""
    pairing = _or_404(policies.get_visible_pairing, request.user, pairing_id)
    if not policies.may_log_visit(request.user, pairing):
        raise Http404
    values: Any = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            visited_on = _date(values.get("visited_on"))
            if visited_on is None:
                raise InvalidInput(_("请填写走访日期。"), field="visited_on")
            services.visit_log(
                actor=request.user,
                pairing=pairing,
                visited_on=visited_on,
                found=values.get("found", ""),
                companions=values.get("companions", ""),
                needs=[values.get(f"need{i}", "") for i in range(1, services.MAX_NEEDS + 1)],
                photo=request.FILES.get("photo"),
            )
            messages.success(request, _("走访已登记。"))
            if pairing.cadre_id == request.user.pk:
                return redirect("pairing_mine")
            return redirect("pairing_detail", pairing.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "pairing/visit_new.html",
        {
            **_subnav(request),
            "pairing": pairing,
            "members": selectors.members_of([pairing.household_id])[pairing.household_id],
            "values": values,
            "today": timezone.localdate().isoformat(),
            "need_fields": [f"need{i}" for i in range(1, services.MAX_NEEDS + 1)],
        },
    )


@login_required
@require_POST
def end(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = _or_404(policies.get_visible_pairing, request.user, pairing_id)
    if not policies.may_manage_at(request.user, pairing.region.path):
        raise Http404
    try:
        services.pairing_end(
            actor=request.user,
            pairing=pairing,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("结对已结束。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("pairing_detail", pairing.pk)


@login_required
@require_GET
def needs(request: HttpRequest) -> HttpResponse:
    """Needs found on visits and not yet turned, in the places the user manages."""
    if not policies.may_manage_somewhere(request.user):
        raise Http404
    qs = (
        VisitNeed.objects.filter(permissions.path_q(policies.manage_paths(request.user)), turned_to="")
        .select_related("visit", "visit__household", "visit__household__region", "visit__cadre", "region")
        .order_by("-visit__visited_on", "-pk")
    )
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(
        request, "pairing/needs.html", {**_subnav(request), "page": page, "kinds": TurnedTo.choices}
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def need_turn(request: HttpRequest, need_id: int) -> HttpResponse:
    """Turn a need, in one step, into a desk request, a micro-wish or a talk topic."""
    need = _or_404(policies.get_visible_need, request.user, need_id)
    if not policies.may_manage_at(request.user, need.region.path):
        raise Http404
    from community365.desk.services import items_for
    from community365.wishes.models import ServiceCategory

    source = request.POST if request.method == "POST" else request.GET
    kind = source.get("kind", "") if source.get("kind", "") in TurnedTo.values else TurnedTo.REQUEST
    members = selectors.members_of([need.visit.household_id])[need.visit.household_id]
    items = list(items_for(need.region).order_by("category", "pk")[:200])
    if request.method == "POST":
        try:
            person = next((m for m in members if str(m.pk) == request.POST.get("person")), None)
            item = next((i for i in items if str(i.pk) == request.POST.get("item")), None)
            value = _int(request.POST.get("value_yuan")) if request.POST.get("value_yuan") else 0
            if value is None:
                raise InvalidInput(_("价值请填整数（元）。"), field="value_yuan")
            services.need_turn(
                actor=request.user,
                need=need,
                kind=kind,
                person=person,
                title=request.POST.get("title", ""),
                text=request.POST.get("text", ""),
                item=item,
                category=request.POST.get("category", ""),
                value_yuan=value,
                request_text=request.POST.get("request_text", ""),
            )
            messages.success(request, _("已转办。"))
            return redirect("pairing_detail", need.visit.pairing_id)
        except DomainError as exc:
            messages.error(request, exc.message)
    context = {
        **_subnav(request),
        "need": need,
        "kind": kind,
        "kinds": TurnedTo.choices,
        "members": members,
        "items": items,
        "categories": ServiceCategory.choices,
        "values": request.POST if request.method == "POST" else {},
    }
    template = "pairing/_turn_form.html" if request.headers.get("HX-Request") else "pairing/turn.html"
    return render(request, template, context)


@login_required
@require_GET
def visit_photo(request: HttpRequest, visit_id: int) -> FileResponse:
    """A visit's photo, served only to those who see the visit (never a public media URL)."""
    visit = _or_404(policies.get_visible_visit, request.user, visit_id)
    photo = visit.photo
    if not photo or not photo.storage.exists(photo.name):
        raise Http404
    content_type = mimetypes.guess_type(photo.name)[0] or "application/octet-stream"
    response = FileResponse(photo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# === figures ==================================================================================


def _figures_or_404(request: HttpRequest) -> tuple[charts.Period, selectors.Figures]:
    if not policies.sees_lists(request.user):
        raise Http404
    period = charts.period_from(request.GET)
    return period, selectors.figures(request.user, period)


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    period, data = _figures_or_404(request)
    if period.error:
        messages.warning(request, period.error)
    list_url = reverse("pairing_list")
    shown = [r for r in data.communities if r.difficulty or r.pairings or r.visits]
    top = charts.top_rows(shown, lambda r: r.paired_percent)
    categories, bars = charts.rows_to_bars(
        top,
        name=lambda r: r.region.name,
        measures=[
            (
                _("困难户结对率（%）"),
                lambda r: r.paired_percent,
                lambda r: charts.with_params(list_url, community=r.region.pk),
            ),
        ],
    )
    chart_list = []
    if top:
        chart_list.append(
            charts.bar_chart(
                "paired",
                title=charts.top_title(_("困难户结对率"), len(top), len(shown)),
                categories=categories,
                bars=bars,
                average=data.totals.paired_percent,
                average_label=_("合计"),
                percent=True,
            )
        )
    units = charts.top_rows(data.units, lambda u: u["visits"])
    if units:
        cats, unit_bars = charts.rows_to_bars(
            units,
            name=lambda u: u["name"] or _("未登记单位"),
            measures=[(_("走访次数"), lambda u: u["visits"], lambda u: None)],
        )
        chart_list.append(
            charts.bar_chart(
                "units",
                title=charts.top_title(_("各单位走访次数"), len(units), len(data.units)),
                categories=cats,
                bars=unit_bars,
            )
        )
    return render(
        request,
        "pairing/figures.html",
        {
            **_subnav(request),
            "period": period,
            "data": data,
            "rows": shown,
            "charts": chart_list,
            "untreated": data.kinds.get("", 0),
            "export_query": period.querystring(),
        },
    )


@login_required
@require_GET
def figures_xlsx(request: HttpRequest) -> HttpResponse:
    period = charts.period_from(request.GET)
    if not policies.sees_lists(request.user):
        raise Http404
    data = selectors.figures(request.user, period, cadre_limit=None)
    header = [
        _("类别"),
        _("名称"),
        _("困难户"),
        _("已结对困难户"),
        _("结对率（%）"),
        _("在结对"),
        _("走访次数"),
        _("发现需求"),
        _("转服务诉求"),
        _("转微心愿"),
        _("转约谈点题"),
    ]
    rows: list[list[Any]] = []
    for r in data.communities:
        rows.append(
            [
                _("社区"),
                r.region.name,
                r.difficulty,
                r.difficulty_paired,
                r.paired_percent if r.paired_percent is not None else "",
                r.pairings,
                r.visits,
                r.needs,
                r.turned.get("request", 0),
                r.turned.get("wish", 0),
                r.turned.get("topic", 0),
            ]
        )
    for u in data.units:
        rows.append(
            [_("单位"), u["name"] or _("未登记单位"), "", "", "", u["pairings"], u["visits"], "", "", "", ""]
        )
    for c in data.cadres:
        rows.append(
            [
                _("干部"),
                f"{c['name']}（{c['unit'] or _('未登记单位')}）",
                "",
                "",
                "",
                c["pairings"],
                c["visits"],
                "",
                "",
                "",
                "",
            ]
        )
    notes = [
        _("结对率 = 有在结对的困难户 ÷ 困难户（有家庭成员标记为困难的户）× 100。"),
        _("走访次数、发现需求按走访日期计入所选时间段。"),
    ]
    return exports.xlsx_response("pairing-figures.xlsx", _("结对走亲数据"), header, rows, notes)

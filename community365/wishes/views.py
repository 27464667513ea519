"""Pages: the board, a wish with its history, my wishes, my claims, the review queue,
figures, the export, and the charity market with its live board."""

from __future__ import annotations

import datetime
import mimetypes
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community365.core import charts, exports, permissions
from community365.core.errors import DomainError, NotFound
from community365.people.policies import get_visible_person
from community365.regions.models import Region, RegionKind

from . import policies, selectors, services
from .models import ServiceCategory, WishStatus
from .states import PUBLIC_STATES


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The public board: published wishes to claim, and the stories of those fulfilled. It
    opens on the user's own community; "all" shows every community the user may see."""
    status = request.GET.get("status", WishStatus.PUBLISHED)
    if status not in PUBLIC_STATES and status != "":
        status = WishStatus.PUBLISHED
    communities = selectors.board_communities(request.user)
    allowed = {c.pk for c in communities}
    chosen = request.GET.get("community")
    community = selectors.home_community_id(request.user) if chosen is None else _int(chosen)
    if community not in allowed:
        community = None
    filters = {
        "q": request.GET.get("q", "")[:40],
        "community": community,
        "category": request.GET.get("category", "")
        if request.GET.get("category") in ServiceCategory.values
        else "",
        "status": status,
    }
    qs = selectors.wish_search(request.user, public_only=True, title_only=True, **filters)  # type: ignore[arg-type]
    page = Paginator(selectors.for_rows(qs), 24).get_page(request.GET.get("page"))
    query = {k: v for k, v in filters.items() if v not in (None, "")}
    query["community"] = community or "all"
    context = {
        "rows": selectors.wish_rows(request.user, list(page.object_list)),
        "page": page,
        "filters": filters,
        "query": urlencode(query),
        "communities": communities,
        "categories": ServiceCategory.choices,
        "statuses": [
            (s, WishStatus(s).label)
            for s in (WishStatus.PUBLISHED, WishStatus.CLAIMED, WishStatus.DELIVERED, WishStatus.CONFIRMED)
        ],
    }
    template = "wishes/_board_rows.html" if request.headers.get("HX-Request") else "wishes/board.html"
    return render(request, template, context)


def _visible(request: HttpRequest, wish_id: int) -> Any:
    try:
        return policies.get_visible_wish(request.user, wish_id)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def wish_detail(request: HttpRequest, wish_id: int) -> HttpResponse:
    wish = _visible(request, wish_id)
    row = selectors.wish_rows(request.user, [wish])[0]
    user = request.user
    may_review = policies.may_review(user, wish)
    context = {
        "wish": wish,
        "row": row,
        "history": selectors.wish_history(wish),
        "contact": selectors.contact_for(user, wish),
        "may_review": may_review,
        "is_wisher": policies.is_wisher(user, wish),
        "problem_note": wish.problem_note if row.problem_reported and may_review else "",
        "may_see_photos": policies.may_see_photos(user, wish),
        "categories": ServiceCategory.choices,
        "contact_days": services.setting("WISH_CONTACT_DAYS"),
    }
    return render(request, "wishes/detail.html", context)


PHOTO_FIELDS = {"photo": "photo", "delivery": "delivery_photo"}


@login_required
@require_GET
def wish_photo(request: HttpRequest, wish_id: int, kind: str) -> FileResponse:
    """A wish's photo, served only to those who may see it (never a public media URL)."""
    wish = _visible(request, wish_id)
    field = PHOTO_FIELDS.get(kind)
    if field is None or not policies.may_see_photos(request.user, wish):
        raise Http404
    photo = getattr(wish, field)
    if not photo or not photo.storage.exists(photo.name):
        raise Http404
    content_type = mimetypes.guess_type(photo.name)[0] or "application/octet-stream"
    response = FileResponse(photo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


ACTIONS = {
    "claim",
    "contacted",
    "request_contact",
    "share_phone",
    "release",
    "fulfil",
    "confirm",
    "report_problem",
    "submit",
    "resubmit",
    "approve",
    "return",
    "reject",
    "publish",
    "withdraw",
}


def _done_message(action: str) -> str:
    """What the person is told after an action succeeded, in their language."""
    messages_ = {
        "contacted": _("已记下：您已联系心愿人。"),
        "request_contact": _("已请社区社工帮忙联系心愿人，社工会尽快回复您。"),
        "share_phone": _("已把电话告知认领人。认领结束后认领人就看不到了。"),
        "release": _("已放弃认领，心愿回到心愿墙。"),
        "fulfil": _("已报告送达，等心愿人确认。"),
        "confirm": _("已确认圆梦，谢谢您的反馈！"),
        "report_problem": _("已告诉社区社工，社工会尽快联系您。"),
        "submit": _("已提交，社区社工审核后发布。"),
        "resubmit": _("已保存并重新提交审核。"),
        "approve": _("已审核通过。"),
        "return": _("已退回居民修改。"),
        "reject": _("已记录：不予通过。"),
        "publish": _("已发布（或已安排定时发布）。"),
        "withdraw": _("心愿已撤回。"),
    }
    return str(messages_.get(action, _("已完成。")))


@login_required
@require_POST
def wish_action(request: HttpRequest, wish_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    wish = _visible(request, wish_id)
    post, user = request.POST, request.user
    try:
        if action == "claim":
            outcome = services.wish_claim(actor=user, wish=wish)
            if outcome.won:
                messages.success(
                    request,
                    services.claim_message(outcome),
                )
            else:
                messages.error(request, _("手慢了，这个心愿已被认领。"))
        elif action == "contacted":
            services.wish_mark_contacted(actor=user, wish=wish)
        elif action == "request_contact":
            services.wish_request_contact(actor=user, wish=wish)
        elif action == "share_phone":
            services.wish_share_phone(actor=user, wish=wish)
        elif action == "report_problem":
            services.wish_report_problem(actor=user, wish=wish, note=post.get("note", ""))
        elif action == "release":
            services.wish_release(actor=user, wish=wish, reason=post.get("reason", ""))
        elif action == "fulfil":
            services.wish_fulfil(
                actor=user, wish=wish, note=post.get("note", ""), photo=request.FILES.get("photo")
            )
        elif action == "confirm":
            services.wish_confirm(
                actor=user, wish=wish, thanks=post.get("thanks", ""), rating=_int(post.get("rating"))
            )
        elif action == "submit":
            services.wish_submit(actor=user, wish=wish)
        elif action == "resubmit":
            # The changes a reviewer asked for and straight back into the review queue: one
            # service, so a refused submit keeps nothing of the edit.
            services.wish_resubmit(
                actor=user,
                wish=wish,
                title=post.get("title", ""),
                reason=post.get("reason", ""),
                value_yuan=post.get("value_yuan", "0") or "0",  # type: ignore[arg-type]
                category=post.get("category", ""),
            )
        elif action == "approve":
            services.wish_approve(actor=user, wish=wish, reason=post.get("reason", ""))
        elif action == "return":
            services.wish_return(actor=user, wish=wish, reason=post.get("reason", ""))
        elif action == "reject":
            services.wish_reject(actor=user, wish=wish, reason=post.get("reason", ""))
        elif action == "publish":
            at = None
            if post.get("at"):
                try:
                    at = timezone.make_aware(datetime.datetime.fromisoformat(post["at"]))
                except ValueError:
                    messages.error(request, _("发布时间格式不正确。"))
                    return redirect("wish_detail", wish_id)
            services.wish_publish(actor=user, wish=wish, at=at)
        elif action == "withdraw":
            services.wish_withdraw(actor=user, wish=wish, reason=post.get("reason", ""))
        if action != "claim":
            messages.success(request, _done_message(action))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("wish_detail", wish_id)


@login_required
@require_http_methods(["GET", "POST"])
def wish_new(request: HttpRequest) -> HttpResponse:
    """A resident writes a wish; a social worker enters one for a resident (by record number)."""
    person = getattr(request.user, "person", None)
    if not policies.may_open_wish_form(request.user):
        raise Http404
    reviewer = permissions.is_global(request.user) or bool(
        permissions.scope_grants(request.user, policies.REVIEW.name)
    )
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            wisher = person
            if request.POST.get("person_id"):
                wisher = get_visible_person(request.user, int(request.POST["person_id"]))
            if wisher is None:
                raise NotFound(_("请填写居民编号。"))
            wanted = request.POST.get("wanted_by") or None
            wish = services.wish_create(
                actor=request.user,
                wisher=wisher,
                title=request.POST.get("title", ""),
                reason=request.POST.get("reason", ""),
                value_yuan=request.POST.get("value_yuan", "0") or "0",  # type: ignore[arg-type]
                category=request.POST.get("category", ""),
                wanted_by=datetime.date.fromisoformat(wanted) if wanted else None,
                photo=request.FILES.get("photo"),
            )
            messages.success(request, _("心愿已提交，社区社工审核后发布。"))
            return redirect("wish_detail", wish.pk)
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("输入有误。")))
    return render(
        request,
        "wishes/new.html",
        {
            "categories": ServiceCategory.choices,
            "values": values,
            "on_behalf": reviewer,
            "person": person,
            "max_open": services.setting("WISH_MAX_OPEN_PER_RESIDENT"),
        },
    )


@login_required
@require_GET
def my_wishes(request: HttpRequest) -> HttpResponse:
    qs = selectors.my_wishes(request.user)
    # ?status=delivered is the home page's "wishes to confirm"
    if request.GET.get("status") in WishStatus.values:
        qs = qs.filter(status=request.GET["status"])
    wishes = list(qs[:100])
    return render(request, "wishes/mine.html", {"rows": selectors.wish_rows(request.user, wishes)})


@login_required
@require_GET
def my_claims(request: HttpRequest) -> HttpResponse:
    claims = list(selectors.my_claims(request.user)[:100])
    days = services.setting("WISH_CONTACT_DAYS")
    return render(request, "wishes/claims.html", {"claims": claims, "contact_days": days})


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    if not policies.may_see_review_queue(request.user):
        raise Http404
    wishes = list(selectors.review_queue(request.user)[:200])
    return render(request, "wishes/review.html", {"rows": selectors.wish_rows(request.user, wishes)})


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    regions = selectors.figure_regions(request.user) if policies.may_read_figures(request.user) else []
    if not regions:
        raise Http404
    period = charts.period_from(request.GET)
    rows = selectors.figures_for(request.user, regions, period)
    trend = selectors.figures_trend(request.user, regions[0], period)
    return render(
        request,
        "wishes/figures.html",
        {
            "figures": rows,
            "period": period,
            "charts": figure_charts(rows, trend, period),
            "list_query": period.querystring(),
        },
    )


def figure_charts(rows: list[Any], trend: list[Any], period: charts.Period) -> list[dict[str, Any]]:
    """The figures page's charts, from the table's own rows (one source of numbers)."""
    from django.urls import reverse

    listed = reverse("wish_list")
    top = rows[0]
    communities = [f for f in rows[1:] if f.region.kind in (RegionKind.COMMUNITY, RegionKind.COOPERATIVE)]

    def drill(region_id: int, reached: str, **extra: str) -> str:
        return charts.with_params(listed, region=region_id, reached=reached, **(extra or period.params()))

    lines = [
        charts.series(
            label,
            [getattr(p, key) for p in trend],
            [drill(top.region.pk, key, **charts.month_period_params(p.month)) for p in trend],
        )
        for key, label in (("published", _("已发布")), ("claimed", _("已认领")), ("fulfilled", _("已送达")))
    ]
    out = [
        charts.line_chart(
            "wish-trend",
            title=_("%(place)s每月发布的心愿") % {"place": top.region.name},
            months=[p.month for p in trend],
            lines=lines,
        )
    ]
    if communities:
        # communities without a wish stay in the table but would only lengthen the chart
        with_wishes = [f for f in communities if f.published]
        shown = charts.top_rows(with_wishes, lambda f: f.published)
        names, bars = charts.rows_to_bars(
            shown,
            name=lambda f: f.region.name,
            measures=[(_("已发布"), lambda f: f.published, lambda f: drill(f.region.pk, "published"))],
        )
        out.append(
            charts.bar_chart(
                "wish-published",
                title=charts.top_title(_("各社区发布的心愿"), len(shown), len(with_wishes)),
                categories=names,
                bars=bars,
                average=top.published / len(communities),
                average_label=_("社区平均"),
            )
        )
        rated = [f for f in communities if f.fulfilment_percent is not None]
        # the busiest communities, whatever their rate, then ordered by rate
        shown = charts.top_rows(charts.top_rows(rated, lambda f: f.claimed), lambda f: f.fulfilment_percent)
        names, bars = charts.rows_to_bars(
            shown,
            name=lambda f: f.region.name,
            measures=[
                (_("完成率"), lambda f: f.fulfilment_percent, lambda f: drill(f.region.pk, "fulfilled"))
            ],
        )
        out.append(
            charts.bar_chart(
                "wish-fulfilment",
                title=charts.top_title(_("各社区完成率（已送达 ÷ 已认领）"), len(shown), len(rated)),
                categories=names,
                bars=bars,
                average=top.fulfilment_percent,
                average_label=top.region.name,
                percent=True,
            )
        )
    return out


@login_required
@require_GET
def wish_list(request: HttpRequest) -> HttpResponse:
    """The wishes behind the figures (every state, names masked unless the reader reviews the
    community), for those who may read the figures."""
    if not policies.may_read_figures(request.user):
        raise Http404
    region = None
    if request.GET.get("region"):
        region = Region.objects.filter(pk=_int(request.GET.get("region"))).first()
    reached = request.GET.get("reached", "")
    qs = selectors.wish_search(
        request.user,
        q=request.GET.get("q", "")[:40],
        region=region,
        status=request.GET.get("status", "") if request.GET.get("status") in WishStatus.values else "",
        reached=reached,
    )
    # the figures' period (?from=YYYY-MM&to=YYYY-MM or ?year=): by month of publication
    period = charts.period_from(request.GET)
    if period.is_set:
        qs = qs.filter(period.q("published_at"))
    if request.GET.get("format") == "xlsx":
        return _xlsx(request, list(qs[:20000]))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "wishes/list.html",
        {
            "rows": selectors.wish_rows(request.user, list(page.object_list)),
            "page": page,
            "region": region,
            "reached": reached,
            "period": period,
            "query": request.GET.urlencode(),
        },
    )


def _xlsx(request: HttpRequest, wishes: list[Any]) -> HttpResponse:
    header = [_("编号"), _("心愿"), _("服务类别"), _("社区"), _("心愿人"), _("状态"), _("估计价值")]
    header += [_("发布时间"), _("认领人"), _("满意度")]
    rows = [
        [
            row.id,
            row.title,
            row.category_label,
            row.community,
            row.wisher,
            row.status_label,
            row.value_yuan,
            timezone.localtime(row.published_at).strftime("%Y-%m-%d %H:%M") if row.published_at else "",
            row.claimed_by,
            row.rating or "",
        ]
        for row in selectors.wish_rows(request.user, wishes)
    ]
    return exports.xlsx_response("wishes.xlsx", str(_("微心愿")), header, rows)


# --- charity market -------------------------------------------------------------------------------


@login_required
@require_GET
def market_list(request: HttpRequest) -> HttpResponse:
    markets = policies.markets_visible_to(request.user).select_related("region")[:50]
    may_run = bool(_market_regions(request.user))
    return render(request, "wishes/markets.html", {"markets": markets, "may_run": may_run})


def _market(request: HttpRequest, market_id: int) -> Any:
    try:
        return policies.get_visible_market(request.user, market_id)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def market_detail(request: HttpRequest, market_id: int) -> HttpResponse:
    market = _market(request, market_id)
    return render(request, "wishes/market.html", _market_context(request, market))


@login_required
@require_GET
def market_live(request: HttpRequest, market_id: int) -> HttpResponse:
    """The live board's fragment (htmx polls it every 2 seconds)."""
    market = _market(request, market_id)
    return render(request, "wishes/_market_live.html", _market_context(request, market))


def _market_context(request: HttpRequest, market: Any) -> dict[str, Any]:
    from community365.regions.policies import organisations_visible_to

    rows = selectors.market_board(request.user, market) if market.status != "planned" else []
    context: dict[str, Any] = {"market": market, "rows": rows, "summary": selectors.market_summary(market)}
    if policies.may_run_market(request.user, market.region.path):
        context["may_run"] = True
        if market.status == "planned":
            context["candidates"] = list(
                policies.wishes_visible_to(request.user)
                .filter(status=WishStatus.APPROVED, region__path__startswith=market.region.path)
                .select_related("region")
                .order_by("region__path", "id")[:200]
            )
            context["planned"] = list(market.wishes.select_related("region").order_by("id"))
            context["organisations"] = list(
                organisations_visible_to(request.user).filter(district_id=market.district_id).order_by("name")
            )
            context["invited"] = set(market.invited_organisations.values_list("pk", flat=True))
    return context


def _market_regions(user: Any) -> list[Region]:
    paths = permissions.scope_paths(user, policies.RUN_MARKET.name)
    qs = Region.objects.filter(kind__in=[RegionKind.DISTRICT, RegionKind.SUBDISTRICT])
    if paths is not None:
        qs = qs.filter(path__in=paths)
    return list(qs.order_by("path"))


@login_required
@require_http_methods(["GET", "POST"])
def market_new(request: HttpRequest) -> HttpResponse:
    """District or subdistrict staff set up a charity market."""
    regions = _market_regions(request.user)
    if not regions:
        raise Http404
    if request.method == "POST":
        region = next((r for r in regions if r.pk == _int(request.POST.get("region"))), None)
        try:
            opens_at = timezone.make_aware(datetime.datetime.fromisoformat(request.POST.get("opens_at", "")))
            if region is None:
                raise NotFound(_("请选择举办区域。"))
            market = services.market_create(
                actor=request.user, region=region, name=request.POST.get("name", ""), opens_at=opens_at
            )
            return redirect("market_detail", market.pk)
        except ValueError:
            messages.error(request, _("开市时间格式不正确。"))
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "wishes/market_new.html", {"regions": regions})


@login_required
@require_POST
def market_manage(request: HttpRequest, market_id: int) -> HttpResponse:
    """Add approved wishes, invite organisations, open or close the market."""
    from community365.regions.policies import organisations_visible_to

    market = _market(request, market_id)
    action = request.POST.get("action")
    try:
        if action == "add":
            ids = [i for i in (_int(v) for v in request.POST.getlist("wish")) if i]
            wishes = list(
                policies.wishes_visible_to(request.user).filter(pk__in=ids).select_related("region")
            )
            services.market_add_wishes(actor=request.user, market=market, wishes=wishes)
        elif action == "invite":
            ids = [i for i in (_int(v) for v in request.POST.getlist("organisation")) if i]
            orgs = organisations_visible_to(request.user).filter(pk__in=ids, district_id=market.district_id)
            services.market_invite(actor=request.user, market=market, organisations=list(orgs))
        elif action == "open":
            services.market_open(actor=request.user, market=market)
        elif action == "close":
            services.market_close(actor=request.user, market=market)
        else:
            raise Http404
        messages.success(request, _("已完成。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("market_detail", market.pk)

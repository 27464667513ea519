"""Pages: secretary projects (list, apply, one project with its tasks, progress, review and scores,
the menu, the review queue, figures and their export) and first secretaries (postings, one
posting with its extensions, petition and ledger, the results to confirm)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, Max, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community365.core import charts, exports, permissions
from community365.core.errors import DomainError, InvalidInput, NotFound
from community365.regions.models import Region

from . import policies, selectors, services
from .models import (
    MenuItem,
    PostingExtension,
    ProjectStatus,
    ProjectTheme,
    ResultCategory,
    ResultStatus,
    UnitKind,
)


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _pk(value: Any) -> int:
    """An id from a form, or 0 (which no row has)."""
    return _int(value) or 0


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def _query(request: HttpRequest) -> str:
    """The list's filters, kept when paging."""
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return encoded + "&" if encoded else ""


def _year(request: HttpRequest) -> int:
    year = _int(request.GET.get("year"))
    if year and 2000 <= year <= 2100:
        return year
    # The latest year with a published list (this year's applications may still be in review).
    latest = (
        policies.projects_visible_to(request.user)
        .filter(status__in=policies.PUBLISHED)
        .aggregate(y=Max("year"))["y"]
    )
    return latest or timezone.localdate().year


# --- secretary projects -------------------------------------------------------------------------
@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    # ?year= (empty) lists every year; no year parameter opens on the latest year.
    year: int | None = None if request.GET.get("year") == "" else _year(request)
    filters = {
        "status": request.GET.get("status", ""),
        "theme": request.GET.get("theme", ""),
        "unit_kind": request.GET.get("unit_kind", ""),
        "overdue": request.GET.get("overdue") == "1",
        "mine": request.GET.get("mine") == "1",
        "q": request.GET.get("q", "")[:40],
        "subdistrict": _int(request.GET.get("subdistrict")),
    }
    qs = selectors.project_list(request.user, year=year, **filters)  # type: ignore[arg-type]
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "mechanisms/projects.html",
        {
            "page": page,
            "query": _query(request),
            "year": year,
            "filters": filters,
            "statuses": ProjectStatus.choices,
            "themes": ProjectTheme.choices,
            "unit_kinds": UnitKind.choices,
            "may_apply": policies.may_apply(request.user),
            "may_manage": policies.may_manage(request.user),
            "may_oversee": policies.may_oversee(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    if not policies.may_apply(request.user):
        raise Http404
    units = services.units_for_applying(request.user)
    year = timezone.localdate().year
    form_year = _int(request.POST.get("year")) or _int(request.GET.get("year")) or year
    menu = MenuItem.objects.filter(district_id__in=[u.district_id for u in units], year=form_year)
    if request.method == "POST":
        post = request.POST
        unit = next((u for u in units if u.pk == _int(post.get("unit"))), None)
        menu_item = menu.filter(pk=_pk(post.get("menu_item"))).first() if post.get("menu_item") else None
        milestones = []
        for n in range(1, 6):
            title, owner, due = (
                post.get(f"m{n}_title", ""),
                post.get(f"m{n}_owner", ""),
                post.get(f"m{n}_due", ""),
            )
            if title or owner or due:
                milestones.append((title, owner, _date(due)))
        try:
            if unit is None:
                raise InvalidInput(_("请选择您担任书记的单位。"), field="unit")
            project = services.project_apply(
                actor=request.user,
                unit=unit,
                year=form_year,
                title=post.get("title", ""),
                problem=post.get("problem", ""),
                goal=post.get("goal", ""),
                measures=post.get("measures", ""),
                milestones=milestones,  # type: ignore[arg-type]
                menu_item=menu_item,
                theme=post.get("theme", ""),
                budget_yuan=_int(post.get("budget_yuan")) or 0,
                partners=post.get("partners", ""),
                serves_residents=post.get("serves_residents") == "on",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已提交，等待区委组织部审核。"))
            return redirect("mech_project", project.pk)
    return render(
        request,
        "mechanisms/project_new.html",
        {
            "units": units,
            "menu": menu,
            "year": form_year,
            "themes": ProjectTheme.choices,
            "rows": range(1, 6),
            "post": request.POST,
        },
    )


@login_required
@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    try:
        project = policies.get_visible_project(request.user, project_id)
    except NotFound as exc:
        raise Http404 from exc
    user = request.user
    own = project.secretary_id == user.pk
    manage = permissions.has_perm_at(user, policies.MANAGE.name, project.region.path)
    return render(
        request,
        "mechanisms/project.html",
        {
            "project": project,
            "tasks": list(project.tasks.all()),
            "reports": list(project.reports.select_related("task")[:20]),
            "reviews": list(project.reviews.all()),
            "rubric": services.rubric_for(project.district, project.year),
            "may_report": own and project.status == ProjectStatus.APPROVED,
            "may_resubmit": own and project.status == ProjectStatus.RETURNED,
            "may_review": manage and project.status == ProjectStatus.SUBMITTED,
            "may_check": manage and project.status == ProjectStatus.APPROVED,
            "may_score": manage
            and project.status in policies.PUBLISHED
            and not any(r.reviewer_id == user.pk for r in project.reviews.all()),
            "may_rate": project.serves_residents
            and project.status in policies.PUBLISHED
            and getattr(user, "person", None) is not None,
        },
    )


ACTIONS = {"approve", "return", "decline", "resubmit", "progress", "task_done", "mid_year", "score", "rate"}


@login_required
@require_POST
def project_action(request: HttpRequest, project_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    try:
        project = policies.get_visible_project(request.user, project_id)
    except NotFound as exc:
        raise Http404 from exc
    post, user = request.POST, request.user
    try:
        if action in ("approve", "return", "decline"):
            services.project_review(
                actor=user, project=project, decision=action, reason=post.get("reason", "")
            )
        elif action == "resubmit":
            services.project_resubmit(
                actor=user, project=project, goal=post.get("goal", ""), measures=post.get("measures", "")
            )
        elif action == "progress":
            task = project.tasks.filter(pk=_pk(post.get("task"))).first() if post.get("task") else None
            services.progress_report(
                actor=user,
                project=project,
                note=post.get("note", ""),
                percent=post.get("percent", ""),  # type: ignore[arg-type]
                task=task,
                evidence=request.FILES.get("evidence"),
                link=post.get("link", ""),
            )
        elif action == "task_done":
            task = project.tasks.filter(pk=_pk(post.get("task"))).first()
            if task is None:
                raise InvalidInput(_("这个任务不属于本项目。"), field="task")
            services.task_done(actor=user, task=task)
        elif action == "mid_year":
            services.mid_year_check(
                actor=user, project=project, on_track=post.get("on_track") == "1", note=post.get("note", "")
            )
        elif action == "score":
            services.project_score(
                actor=user,
                project=project,
                goal=post.get("goal", ""),  # type: ignore[arg-type]
                benefit=post.get("benefit", ""),  # type: ignore[arg-type]
                innovation=post.get("innovation", ""),  # type: ignore[arg-type]
                documentation=post.get("documentation", ""),  # type: ignore[arg-type]
                comment=post.get("comment", ""),
            )
        elif action == "rate":
            services.project_rate(actor=user, project=project, stars=post.get("rating", ""))  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("mech_project", project.pk)


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    if not policies.may_manage(request.user):
        raise Http404
    qs = selectors.review_queue(request.user).select_related("unit", "menu_item").order_by("created_at", "id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    overdue = selectors.project_list(request.user, overdue=True)
    return render(
        request,
        "mechanisms/review.html",
        {
            "page": page,
            "query": _query(request),
            "overdue": Paginator(overdue, 30).get_page(request.GET.get("opage")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def menu(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    manage = policies.may_manage(request.user)
    districts = permissions.district_ids(request.user)
    if request.method == "POST":
        if not manage:
            raise Http404
        district = (
            Region.objects.filter(pk__in=districts or [], kind="district").first() if districts else None
        )
        try:
            if district is None:
                raise InvalidInput(_("请从所在区的账号发布菜单。"))
            services.menu_item_add(
                actor=request.user,
                district=district,
                year=_int(request.POST.get("year")) or year,  # type: ignore[arg-type]
                title=request.POST.get("title", ""),
                theme=request.POST.get("theme", ""),
                aim=request.POST.get("aim", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已加入菜单。"))
        return redirect(reverse("mech_menu") + f"?year={year}")
    items = MenuItem.objects.filter(year=year)
    if districts is not None:
        items = items.filter(district_id__in=districts)
    from django.db.models import Count, Q

    items = items.annotate(
        taken=Count("projects", filter=Q(projects__status__in=policies.PUBLISHED))
    ).order_by("id")
    return render(
        request,
        "mechanisms/menu.html",
        {"items": items, "year": year, "manage": manage, "themes": ProjectTheme.choices},
    )


def _figures_context(request: HttpRequest) -> dict[str, Any]:
    if not policies.may_oversee(request.user):
        raise Http404
    year = _year(request)
    figures = selectors.project_figures(request.user, year)
    listed = reverse("mech_projects")

    def bars(chart_id: str, title: str, rows: list[selectors.Figure], param: str) -> dict[str, Any]:
        return charts.bar_chart(
            chart_id,
            title=title,
            categories=[str(r.label) for r in rows],
            bars=[
                charts.series(
                    _("项目数"),
                    [r.count for r in rows],
                    [charts.with_params(listed, year=year, **{param: r.key}) for r in rows],
                )
            ],
        )

    chart_list = [
        bars("mech-theme", _("按主题"), figures.by_theme, "theme"),
        bars("mech-unit-kind", _("按单位类型"), figures.by_unit_kind, "unit_kind"),
        bars("mech-subdistrict", _("按街道"), figures.by_subdistrict, "subdistrict"),
    ]
    return {"figures": figures, "year": year, "charts": chart_list}


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    return render(request, "mechanisms/figures.html", _figures_context(request))


@login_required
@require_GET
def figures_xlsx(request: HttpRequest) -> HttpResponse:
    ctx = _figures_context(request)
    year = ctx["year"]
    rows = selectors.project_list(request.user, year=year).select_related("region")[:5000]
    return exports.xlsx_response(
        f"secretary-projects-{year}.xlsx",
        _("书记项目"),
        [
            _("年度"),
            _("单位"),
            _("单位类型"),
            _("所在区域"),
            _("街道"),
            _("项目"),
            _("菜单项目"),
            _("主题"),
            _("状态"),
            _("进度（%）"),
            _("得分"),
        ],
        (
            [
                p.year,
                p.unit.name,
                UnitKind(p.unit_kind).label,
                p.region.name,
                p.subdistrict.name if p.subdistrict else "",
                p.title,
                p.menu_item.title if p.menu_item else "",
                ProjectTheme(p.theme).label,
                ProjectStatus(p.status).label,
                p.progress,
                float(p.score) if p.score is not None else "",
            ]
            for p in rows
        ),
    )


# --- first secretaries ----------------------------------------------------------------------------
@login_required
@require_GET
def postings(request: HttpRequest) -> HttpResponse:
    qs = (
        policies.postings_visible_to(request.user)
        .select_related("region", "home_department")
        .order_by("status", "region__path", "id")
    )
    page = Paginator(qs, 40).get_page(request.GET.get("page"))
    totals = selectors.result_totals(request.user)
    oversee = policies.may_oversee(request.user)
    return render(
        request,
        "mechanisms/postings.html",
        {
            "page": page,
            "query": _query(request),
            "totals": [(c.label, totals[c.value]) for c in ResultCategory],
            "oversee": oversee,
            "frontline": selectors.frontline_batches(request.user) if oversee else [],
            "frontline_totals": selectors.frontline_totals(request.user) if oversee else None,
        },
    )


@login_required
@require_GET
def posting_detail(request: HttpRequest, posting_id: int) -> HttpResponse:
    try:
        posting = policies.get_visible_posting(request.user, posting_id)
    except NotFound as exc:
        raise Http404 from exc
    from django.db.models import Count

    user = request.user
    results = policies.results_visible_to(user).filter(posting=posting).order_by("-created_at", "-id")
    person = getattr(user, "person", None)
    return render(
        request,
        "mechanisms/posting.html",
        {
            "posting": posting,
            "query": _query(request),
            "extensions": posting.extension_rows.annotate(signers=Count("signatures")),
            "results": Paginator(results, 30).get_page(request.GET.get("page")),
            "categories": ResultCategory.choices,
            "is_cadre": posting.cadre_id == user.pk and posting.status == "active",
            "may_sign": person is not None and person.community_id == posting.region_id,
        },
    )


POSTING_ACTIONS = {"log", "end", "sign"}


@login_required
@require_POST
def posting_action(request: HttpRequest, posting_id: int, action: str) -> HttpResponse:
    if action not in POSTING_ACTIONS:
        raise Http404
    try:
        posting = policies.get_visible_posting(request.user, posting_id)
    except NotFound as exc:
        raise Http404 from exc
    post = request.POST
    try:
        if action == "log":
            services.result_log(
                actor=request.user,
                posting=posting,
                category=post.get("category", ""),
                title=post.get("title", ""),
                evidence=post.get("evidence", ""),
                quantity=_int(post.get("quantity")) or 1,
            )
        elif action == "end":
            services.posting_end(actor=request.user, posting=posting, report=post.get("report", ""))
        elif action == "sign":
            extension = PostingExtension.objects.filter(
                posting=posting, pk=_pk(post.get("extension"))
            ).first()
            if extension is None:
                raise InvalidInput(_("没有找到这次延期。"))
            services.petition_sign(actor=request.user, extension=extension)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("mech_posting", posting.pk)


@login_required
@require_GET
def results(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = policies.results_visible_to(request.user).select_related("posting", "region")
    if status in ResultStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-created_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "mechanisms/results.html",
        {
            "page": page,
            "query": _query(request),
            "status": status,
            "statuses": ResultStatus.choices,
            "may_confirm": policies.may_confirm_results(request.user),
        },
    )


@login_required
@require_POST
def result_confirm(request: HttpRequest, result_id: int) -> HttpResponse:
    result = (
        policies.results_visible_to(request.user)
        .filter(pk=result_id)
        .select_related("region", "posting")
        .first()
    )
    if result is None:
        raise Http404
    try:
        services.result_confirm(
            actor=request.user,
            result=result,
            confirm=request.POST.get("confirm") != "0",
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect(reverse("mech_results") + "?status=pending")


# --- service centres ------------------------------------------------------------------------------
def _datetime(value: Any) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _centre(request: HttpRequest, centre_id: int) -> Any:
    centre = selectors.centres_for(request.user).filter(pk=centre_id).first()
    if centre is None:
        raise Http404
    return centre


@login_required
@require_GET
def centres(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    return render(
        request,
        "mechanisms/centres.html",
        {
            "rows": selectors.centre_rows(request.user),
            "held": selectors.lectures_held(request.user, year),
            "year": year,
        },
    )


@login_required
@require_GET
def centre_detail(request: HttpRequest, centre_id: int) -> HttpResponse:
    from .models import BookerKind, DelegationVisit, Room, RoomBooking

    centre = _centre(request, centre_id)
    now = timezone.now()
    bookings = (
        RoomBooking.objects.filter(room__centre=centre, status=RoomBooking.Status.BOOKED, ends_at__gte=now)
        .select_related("room")
        .order_by("starts_at", "id")
    )
    run = policies.may_run_centre_at(request.user, centre.region.path)
    return render(
        request,
        "mechanisms/centre.html",
        {
            "centre": centre,
            "rooms": list(Room.objects.filter(centre=centre)),
            "bookings": Paginator(bookings, 30).get_page(request.GET.get("page")),
            "query": _query(request),
            "visits": list(DelegationVisit.objects.filter(centre=centre)[:10]) if run else [],
            "may_book": policies.may_book(request.user),
            "run": run,
            "booker_kinds": BookerKind.choices,
            "me": request.user.pk,
        },
    )


CENTRE_ACTIONS = {"book", "cancel", "visit", "room", "lecture"}


@login_required
@require_POST
def centre_action(request: HttpRequest, centre_id: int, action: str) -> HttpResponse:
    from .models import Room, RoomBooking

    if action not in CENTRE_ACTIONS:
        raise Http404
    centre = _centre(request, centre_id)
    post, user = request.POST, request.user
    try:
        if action == "book":
            room = Room.objects.filter(centre=centre, pk=_pk(post.get("room"))).first()
            if room is None:
                raise InvalidInput(_("请选择场地。"), field="room")
            day = post.get("day", "")
            services.room_book(
                actor=user,
                room=room,
                starts_at=_datetime(f"{day}T{post.get('start', '')}"),  # type: ignore[arg-type]
                ends_at=_datetime(f"{day}T{post.get('end', '')}"),  # type: ignore[arg-type]
                booker_kind=post.get("booker_kind", ""),
                booker_name=post.get("booker_name", ""),
                purpose=post.get("purpose", ""),
            )
        elif action == "cancel":
            booking = (
                RoomBooking.objects.filter(room__centre=centre, pk=_pk(post.get("booking")))
                .select_related("region")
                .first()
            )
            if booking is None:
                raise InvalidInput(_("没有找到这个预约。"))
            services.booking_cancel(actor=user, booking=booking)
        elif action == "visit":
            services.visit_log(
                actor=user,
                centre=centre,
                visited_on=_date(post.get("visited_on")),  # type: ignore[arg-type]
                delegation=post.get("delegation", ""),
                visitors=post.get("visitors", ""),  # type: ignore[arg-type]
            )
        elif action == "room":
            services.room_add(
                actor=user,
                centre=centre,
                name=post.get("name", ""),
                capacity=_int(post.get("capacity")) or 30,
            )  # type: ignore[arg-type]
        elif action == "lecture":
            services.lecture_schedule(
                actor=user,
                centre=centre,
                title=post.get("title", ""),
                speaker=post.get("speaker", ""),
                starts_at=_datetime(post.get("starts_at")),  # type: ignore[arg-type]
                capacity=post.get("capacity", ""),  # type: ignore[arg-type]
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("mech_centre", centre.pk)


@login_required
@require_GET
def lectures(request: HttpRequest) -> HttpResponse:
    from .models import Lecture

    past = request.GET.get("past") == "1"
    now = timezone.now()
    qs = Lecture.objects.filter(centre__in=selectors.centres_for(request.user)).select_related("centre")
    qs = (
        qs.filter(starts_at__lt=now).order_by("-starts_at", "-id")
        if past
        else qs.filter(starts_at__gte=now).order_by("starts_at", "id")
    )
    return render(
        request,
        "mechanisms/lectures.html",
        {"page": Paginator(qs, 30).get_page(request.GET.get("page")), "query": _query(request), "past": past},
    )


@login_required
@require_GET
def lecture_detail(request: HttpRequest, lecture_id: int) -> HttpResponse:
    from .models import Lecture, LectureRegistration

    lecture = (
        Lecture.objects.filter(centre__in=selectors.centres_for(request.user), pk=lecture_id)
        .select_related("centre")
        .first()
    )
    if lecture is None:
        raise Http404
    mine = LectureRegistration.objects.filter(lecture=lecture, user_id=request.user.pk or 0).first()
    run = policies.may_run_centre_at(request.user, lecture.region.path)
    attended = (
        LectureRegistration.objects.filter(lecture=lecture, attended_at__isnull=False).count()
        if run
        else None
    )
    return render(
        request,
        "mechanisms/lecture.html",
        {
            "lecture": lecture,
            "mine": mine,
            "run": run,
            "attended": attended,
            "upcoming": lecture.starts_at > timezone.now(),
        },
    )


@login_required
@require_POST
def lecture_action(request: HttpRequest, lecture_id: int, action: str) -> HttpResponse:
    from .models import Lecture

    if action not in ("register", "checkin"):
        raise Http404
    lecture = Lecture.objects.filter(centre__in=selectors.centres_for(request.user), pk=lecture_id).first()
    if lecture is None:
        raise Http404
    try:
        if action == "register":
            services.lecture_register(actor=request.user, lecture=lecture)
        else:
            services.lecture_checkin(actor=request.user, lecture=lecture, code=request.POST.get("code", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("报名成功。") if action == "register" else _("签到成功。"))
    return redirect("mech_lecture", lecture.pk)


# --- funding --------------------------------------------------------------------------------------
def _fund_year(request: HttpRequest) -> int:
    year = _int(request.GET.get("year"))
    return year if year and 2000 <= year <= 2100 else timezone.localdate().year


@login_required
@require_GET
def funds(request: HttpRequest) -> HttpResponse:
    if not policies.may_view_funds(request.user):
        raise Http404
    year = _fund_year(request)
    rows = selectors.fund_rows(request.user, year)
    shown = charts.top_rows(rows, lambda r: float(r.allocated))
    chart = charts.bar_chart(
        "mech-funds",
        title=charts.top_title(_("各社区经费使用"), len(shown), len(rows)),
        categories=[r.region.name for r in shown],
        bars=[
            charts.series(
                _("已下拨"),
                [r.allocated for r in shown],
                [reverse("mech_fund_ledger", args=[r.region.pk]) + f"?year={year}" for r in shown],
            ),
            charts.series(
                _("已支出"),
                [r.spent for r in shown],
                [reverse("mech_fund_ledger", args=[r.region.pk]) + f"?year={year}" for r in shown],
            ),
        ],
    )
    totals = {
        "allocated": sum((r.allocated for r in rows), start=0),
        "spent": sum((r.spent for r in rows), start=0),
    }
    return render(
        request,
        "mechanisms/funds.html",
        {"rows": rows, "year": year, "charts": [chart] if rows else [], "totals": totals},
    )


@login_required
@require_GET
def funds_xlsx(request: HttpRequest) -> HttpResponse:
    if not policies.may_view_funds(request.user):
        raise Http404
    year = _fund_year(request)
    rows = selectors.fund_rows(request.user, year)
    return exports.xlsx_response(
        f"funds-{year}.xlsx",
        _("经费"),
        [_("社区"), _("年度"), _("已下拨（元）"), _("已支出（元）"), _("余额（元）")],
        ([r.region.name, year, float(r.allocated), float(r.spent), float(r.balance)] for r in rows),
    )


@login_required
@require_http_methods(["GET", "POST"])
def fund_ledger(request: HttpRequest, region_id: int) -> HttpResponse:
    from .models import FundAllocation, FundEntry, FundKind, FundSource, SpendingCategory

    region = selectors.fund_region(request.user, region_id)
    if region is None:
        raise Http404
    year = _fund_year(request)
    user = request.user
    if request.method == "POST":
        post, action = request.POST, request.POST.get("action", "")
        try:
            if action == "allocate":
                services.fund_allocate(
                    actor=user,
                    region=region,
                    year=year,
                    source=post.get("source", ""),
                    kind=post.get("kind", ""),
                    amount=post.get("amount", ""),
                    note=post.get("note", ""),
                )
            elif action == "spend":
                services.fund_spend(
                    actor=user,
                    region=region,
                    year=year,
                    kind=post.get("kind", ""),
                    category=post.get("category", ""),
                    spent_on=_date(post.get("spent_on")),  # type: ignore[arg-type]
                    amount=post.get("amount", ""),
                    description=post.get("description", ""),
                    attachment=request.FILES.get("attachment"),
                )
            elif action in ("reverse_allocation", "reverse_entry"):
                model = FundAllocation if action == "reverse_allocation" else FundEntry
                row = (
                    model.objects.filter(region=region, pk=_pk(post.get("row")))
                    .select_related("region")
                    .first()
                )
                if row is None:
                    raise InvalidInput(_("没有找到这条记录。"))
                services.fund_reverse(actor=user, row=row, reason=post.get("reason", ""))
            else:
                raise Http404
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存。"))
        return redirect(reverse("mech_fund_ledger", args=[region.pk]) + f"?year={year}")
    allocations = FundAllocation.objects.filter(region=region, year=year).annotate(
        reversed=Exists(FundAllocation.objects.filter(reverses=OuterRef("pk")))
    )
    entries = FundEntry.objects.filter(region=region, year=year).annotate(
        reversed=Exists(FundEntry.objects.filter(reverses=OuterRef("pk")))
    )
    return render(
        request,
        "mechanisms/fund_ledger.html",
        {
            "region": region,
            "year": year,
            "allocations": Paginator(allocations, 50).get_page(request.GET.get("apage")),
            "entries": Paginator(entries, 50).get_page(request.GET.get("page")),
            "query": _query(request),
            "balance": services.fund_balance(region, year),
            "may_allocate": permissions.has_perm_at(user, policies.ALLOCATE.name, region.path),
            "may_spend": permissions.has_perm_at(user, policies.SPEND.name, region.path),
            "sources": FundSource.choices,
            "kinds": FundKind.choices,
            "categories": SpendingCategory.choices,
        },
    )


@login_required
@require_GET
def progress_photo(request: HttpRequest, report_id: int) -> HttpResponseBase:
    """The photo of a progress report, to whoever may open its project (else 404)."""
    from django.http import FileResponse

    from .models import ProjectProgress

    report = ProjectProgress.objects.filter(pk=report_id).only("id", "project_id", "evidence").first()
    if report is None or not report.evidence:
        raise Http404
    try:
        policies.get_visible_project(request.user, report.project_id)
    except NotFound as exc:
        raise Http404 from exc
    return FileResponse(report.evidence.open("rb"), content_type="image/jpeg")


@login_required
@require_GET
def fund_attachment(request: HttpRequest, entry_id: int) -> HttpResponseBase:
    from django.http import FileResponse

    from .models import FundEntry

    entry = FundEntry.objects.filter(pk=entry_id).select_related("region").first()
    if entry is None or not entry.attachment or selectors.fund_region(request.user, entry.region_id) is None:
        raise Http404
    return FileResponse(entry.attachment.open("rb"), content_type="image/jpeg")


# --- area-wide co-building ----------------------------------------------------------------------------
def _district_q(user: Any) -> dict[str, Any]:
    districts = permissions.district_ids(user)
    return {} if districts is None else {"district_id__in": districts}


@login_required
@require_GET
def cobuilding(request: HttpRequest) -> HttpResponse:
    from community365.regions.models import Department, Organisation

    from .models import CoBuildingModel, CoProject, NeedItem, ResourceKind, ResourceOffer

    user = request.user
    scope = _district_q(user)
    kind = request.GET.get("kind", "")
    kind_q = {"kind": kind} if kind in ResourceKind.values else {}
    needs = (
        NeedItem.objects.filter(**scope, **kind_q)
        .select_related("region")
        .order_by("status", "-created_at", "-id")
    )
    offers = ResourceOffer.objects.filter(**scope, **kind_q, active=True).order_by("-created_at", "-id")
    projects = (
        CoProject.objects.filter(**scope).select_related("region", "offer").order_by("-created_at", "-id")
    )
    may_offer = policies.may_offer(user)
    unit_choices: dict[str, Any] = {}
    if may_offer:
        if permissions.is_global(user) or permissions.scope_grants(user, policies.UNIT_LISTS.name):
            unit_choices = {
                "organisations": Organisation.objects.filter(**scope).order_by("name"),
                "departments": Department.objects.filter(**scope).order_by("name"),
            }
        else:
            leads = policies.units_of(user)
            liaison = [g.department_id for g in permissions.grants_of(user) if g.department_id]
            unit_choices = {
                "organisations": Organisation.objects.filter(pk__in=leads.values("organisation_id")),
                "departments": Department.objects.filter(
                    pk__in=[*leads.values_list("department_id", flat=True), *liaison]
                ),
            }
    labels = dict(CoBuildingModel.choices)
    return render(
        request,
        "mechanisms/cobuilding.html",
        {
            "needs": Paginator(needs, 20).get_page(request.GET.get("page")),
            "query": _query(request),
            "offers": offers[:20],
            "projects": projects[:20],
            "kinds": ResourceKind.choices,
            "kind": kind,
            "need_places": selectors.community_choices(user, policies.COMMUNITY_LISTS.name),
            "model_places": selectors.community_choices(user, policies.SET_MODEL.name)[:200],
            "models": CoBuildingModel.choices,
            "model_counts": [
                (labels.get(r["model"], r["model"]), r["n"]) for r in selectors.model_counts(user)
            ],
            "unit_choices": unit_choices,
        },
    )


@login_required
@require_GET
def need_detail(request: HttpRequest, need_id: int) -> HttpResponse:
    from .models import NeedItem

    need = NeedItem.objects.filter(**_district_q(request.user), pk=need_id).select_related("region").first()
    if need is None:
        raise Http404
    may_agree = need.status == NeedItem.Status.OPEN and permissions.has_perm_at(
        request.user, policies.COMMUNITY_LISTS.name, need.region.path
    )
    return render(
        request,
        "mechanisms/need.html",
        {
            "need": need,
            "suggestions": list(services.suggestions(need)) if need.status == NeedItem.Status.OPEN else [],
            "project": need.projects.first() if need.status != NeedItem.Status.OPEN else None,
            "may_agree": may_agree,
        },
    )


def _community_chosen(user: Any, permission: str, post: Any) -> Region:
    """The community picked in the form, among those where the user holds ``permission``."""
    place = selectors.community_choices(user, permission).filter(pk=_pk(post.get("region"))).first()
    if place is None:
        raise InvalidInput(_("请选择社区。"), field="region")
    return place


@login_required
@require_POST
def cobuilding_action(request: HttpRequest, action: str) -> HttpResponse:
    from community365.regions.models import Department, Organisation

    from .models import NeedItem, ResourceOffer

    if action not in ("need", "offer", "agree", "model", "agreement"):
        raise Http404
    post, user = request.POST, request.user
    scope = _district_q(user)
    target = reverse("mech_cobuilding")
    try:
        if action == "need":
            place = _community_chosen(user, policies.COMMUNITY_LISTS.name, post)
            services.need_add(
                actor=user,
                region=place,
                kind=post.get("kind", ""),
                title=post.get("title", ""),
                detail=post.get("detail", ""),
            )
        elif action == "offer":
            unit = post.get("unit", "")
            organisation = department = None
            if unit.startswith("o"):
                organisation = Organisation.objects.filter(**scope, pk=_pk(unit[1:])).first()
            elif unit.startswith("d"):
                department = Department.objects.filter(**scope, pk=_pk(unit[1:])).first()
            services.offer_add(
                actor=user,
                kind=post.get("kind", ""),
                title=post.get("title", ""),
                detail=post.get("detail", ""),
                organisation=organisation,
                department=department,
            )
        elif action == "agree":
            need = NeedItem.objects.filter(**scope, pk=_pk(post.get("need"))).select_related("region").first()
            offer = ResourceOffer.objects.filter(**scope, pk=_pk(post.get("offer"))).first()
            if need is None or offer is None:
                raise InvalidInput(_("没有找到这项需求或资源。"))
            target = reverse("mech_need", args=[need.pk])
            services.coproject_agree(actor=user, need=need, offer=offer)
        elif action == "model":
            place = _community_chosen(user, policies.SET_MODEL.name, post)
            services.cobuilding_model_set(actor=user, region=place, model=post.get("model", ""))
        elif action == "agreement":
            place = _community_chosen(user, policies.COMMUNITY_LISTS.name, post)
            services.agreement_sign(
                actor=user,
                region=place,
                partner=post.get("partner", ""),
                year=_int(post.get("year")) or 0,
                plan=post.get("plan", ""),
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def property_cobuilding(request: HttpRequest, region_id: int) -> HttpResponse:
    from community365.regions.models import COMMUNITY_KINDS

    from .models import PropertyManager

    region = Region.objects.filter(
        **_district_q(request.user), pk=region_id, kind__in=COMMUNITY_KINDS
    ).first()
    if region is None:
        raise Http404
    user = request.user
    if request.method == "POST":
        post, action = request.POST, request.POST.get("action", "")
        try:
            if action == "manager":
                services.property_manager_add(
                    actor=user,
                    region=region,
                    name=post.get("name", ""),
                    has_party_branch=post.get("branch") == "on",
                )
            elif action in ("meeting", "rate"):
                manager = (
                    PropertyManager.objects.filter(region=region, pk=_pk(post.get("manager")))
                    .select_related("region")
                    .first()
                )
                if manager is None:
                    raise InvalidInput(_("请选择物业公司。"), field="manager")
                if action == "meeting":
                    services.property_meeting_log(
                        actor=user,
                        manager=manager,
                        held_on=_date(post.get("held_on")),  # type: ignore[arg-type]
                        topic=post.get("topic", ""),
                        outcome=post.get("outcome", ""),
                    )
                else:
                    services.fee_rate_record(
                        actor=user,
                        manager=manager,
                        estate=post.get("estate", ""),
                        year=_int(post.get("year")) or 0,
                        rate=post.get("rate", ""),
                    )
            else:
                raise Http404
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存。"))
        return redirect("mech_property", region.pk)
    from .models import CoBuildingAgreement, PropertyMeeting

    years, trend = selectors.fee_trend(region)
    chart = charts.line_chart(
        "mech-fee-rate",
        title=_("%(place)s各小区物业费收缴率（%%）") % {"place": region.name},
        months=years,
        lines=[charts.series(estate, values) for estate, values in trend.items()],
    )
    return render(
        request,
        "mechanisms/property.html",
        {
            "region": region,
            "managers": list(PropertyManager.objects.filter(region=region).order_by("id")),
            "meetings": list(
                PropertyMeeting.objects.filter(manager__region=region).select_related("manager")[:20]
            ),
            "agreements": list(CoBuildingAgreement.objects.filter(region=region)[:20]),
            "charts": [chart] if years else [],
            "may_edit": permissions.has_perm_at(user, policies.COMMUNITY_LISTS.name, region.path),
            "this_year": timezone.localdate().year,
        },
    )

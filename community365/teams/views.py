"""Pages of the three linkages. Thin: load through the policies (invisible ⇒ 404), call a
service on POST (a refusal becomes a message on the page), render."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from community365.core import permissions
from community365.core.context import signed_in_user
from community365.core.errors import DomainError, InvalidInput, NotAllowed, NotFound
from community365.core.roles import Role
from community365.regions.models import COMMUNITY_KINDS, Organisation, Region
from community365.regions.policies import get_visible_region, regions_visible_to
from community365.regions.selectors import ancestors_of

from . import certificates, exports, policies, presenters, rules, selectors, services
from .models import (
    Activity,
    CorrectionStatus,
    DutyRoster,
    PartyMember,
    ReportingStatus,
    ServiceKind,
    ShiftKind,
    Signup,
    SignupStatus,
    Slot,
    SwapStatus,
    TeamMembership,
)


def _visible(loader: Callable[[], Any]) -> Any:
    try:
        return loader()
    except NotFound:
        raise Http404 from None


def _act(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    """Run a service for a form; a refusal is shown as a message. True when it worked."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    if done:
        messages.success(request, done)
    return True


def _date(value: str | None, default: datetime.date) -> datetime.date:
    parsed = parse_date(value or "") if value else None
    return parsed or default


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


# --- volunteer alliance -------------------------------------------------------------------------


@login_required
@require_GET
def teams_home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    visible = policies.teams_visible_to(user).select_related("region", "service_kind")
    mine = set(
        TeamMembership.objects.filter(user=user, left_at__isnull=True).values_list("team_id", flat=True)
    )
    upcoming = (
        policies.activities_visible_to(user)
        .filter(ends_at__gte=timezone.now(), status="open")
        .select_related("team")
        .order_by("starts_at")[:20]
    )
    my_status = dict(
        Signup.objects.filter(volunteer=user, activity__in=[a.pk for a in upcoming]).values_list(
            "activity_id", "status"
        )
    )
    teams = list(visible.order_by("region__path", "kind", "colour", "name")[:100])
    return render(
        request,
        "teams/home.html",
        {
            "my_teams": [t for t in teams if t.pk in mine],
            "teams": teams,
            "upcoming": [(a, my_status.get(a.pk)) for a in upcoming],
            "summary": selectors.hours_of(user),
            "can_rota": permissions.is_global(user)
            or bool(permissions.scope_grants(user, policies.ROTA_VIEW.name)),
            "is_worker": bool(permissions.scope_grants(user, policies.ROTA_WORK.name)),
            "can_figures": permissions.is_global(user)
            or bool(permissions.scope_grants(user, policies.FIGURES_VIEW.name)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    user = signed_in_user(request)
    team = _visible(lambda: policies.get_visible_team(user, team_id))
    own = TeamMembership.objects.filter(team=team, user=user, left_at__isnull=True).first()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "join":
            _act(
                request, lambda: services.team_add_member(actor=user, team=team, user=user), _("已加入队伍。")
            )
        elif action == "leave" and own is not None:
            _act(request, lambda: services.team_leave(actor=user, membership=own), _("已退出队伍。"))
        else:
            raise Http404
        return redirect("team_detail", team_id=team.pk)
    memberships = list(
        team.memberships.filter(left_at__isnull=True).select_related("user").order_by("-role", "joined_at")
    )
    can_lead = policies.may_lead(user, team)
    members = [
        (m, presenters.person_label(m.user, full=can_lead or m.user_id == user.pk)) for m in memberships
    ]
    activities = team.activities.order_by("-starts_at")[:30]
    figures = selectors.figures_for(policies.teams_visible_to(user).filter(pk=team.pk))
    return render(
        request,
        "teams/team.html",
        {
            "team": team,
            "members": members,
            "activities": activities,
            "can_lead": can_lead,
            "figures": figures,
            "own": own,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request: HttpRequest, team_id: int) -> HttpResponse:
    user = signed_in_user(request)
    team = _visible(lambda: policies.get_visible_team(user, team_id))
    if not policies.may_lead(user, team):
        raise Http404
    kinds = ServiceKind.objects.filter(district_id=team.district_id).order_by("id")
    if request.method == "POST":
        form = request.POST
        created: list[Activity] = []

        def create() -> None:
            tz = timezone.get_current_timezone()
            starts = parse_datetime(form.get("starts_at", ""))
            ends = parse_datetime(form.get("ends_at", ""))
            if starts is None or ends is None:
                raise InvalidInput(_("请填写开始和结束时间。"))
            kind = kinds.filter(pk=_int(form["service_kind"])).first() if form.get("service_kind") else None
            created.append(
                services.activity_create(
                    actor=user,
                    team=team,
                    title=form.get("title", ""),
                    starts_at=timezone.make_aware(starts, tz) if timezone.is_naive(starts) else starts,
                    ends_at=timezone.make_aware(ends, tz) if timezone.is_naive(ends) else ends,
                    capacity=_int(form.get("capacity") or 0),
                    place=form.get("place", ""),
                    needs=form.get("needs", ""),
                    service_kind=kind,
                    allow_waitlist=form.get("allow_waitlist") == "on",
                )
            )

        if _act(request, create, _("活动已发布。")):
            return redirect("activity_detail", activity_id=created[0].pk)
    return render(request, "teams/activity_new.html", {"team": team, "kinds": kinds, "form": request.POST})


@login_required
@require_http_methods(["GET", "POST"])
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = signed_in_user(request)
    activity = _visible(lambda: policies.get_visible_activity(user, activity_id))
    organiser = policies.may_organise(user, activity)
    mine = Signup.objects.filter(activity=activity, volunteer=user).select_related("activity").first()
    if request.method == "POST":
        action = request.POST.get("action", "")
        signup = None
        if request.POST.get("signup"):
            signup = (
                Signup.objects.filter(activity=activity, pk=_int(request.POST["signup"]))
                .select_related("activity", "volunteer")
                .first()
            )
            if signup is None:
                raise Http404
        record = None
        if request.POST.get("record"):
            record = (
                policies.records_visible_to(user)
                .filter(activity=activity, pk=_int(request.POST["record"]))
                .first()
            )
            if record is None:
                raise Http404
        code = request.POST.get("code", "").strip()
        hours = request.POST.get("hours", "")
        note = request.POST.get("note", "")
        handlers: dict[str, tuple[Callable[[], Any], str]] = {
            "sign_up": (lambda: services.signup_create(actor=user, activity=activity), _("报名已提交。")),
            "cancel": (lambda: services.signup_cancel(actor=user, signup=mine or _none()), _("已取消报名。")),
            "self_check_in": (
                lambda: services.signup_check_in(actor=user, signup=mine or _none(), code=code),
                _("签到成功。"),
            ),
            "self_check_out": (
                lambda: services.signup_check_out(actor=user, signup=mine or _none(), code=code),
                _("签退成功，服务时长待组织者核实。"),
            ),
            "check_in": (
                lambda: services.signup_check_in(actor=user, signup=signup or _none()),
                _("已签到。"),
            ),
            "check_out": (
                lambda: services.signup_check_out(actor=user, signup=signup or _none()),
                _("已签退。"),
            ),
            "verify": (
                lambda: services.record_verify(actor=user, record=record or _none(), approve=True, note=note),
                _("服务时长已核实。"),
            ),
            "reject": (
                lambda: services.record_verify(
                    actor=user, record=record or _none(), approve=False, note=note
                ),
                _("已标记为不通过。"),
            ),
            "correct": (
                lambda: services.record_correct(actor=user, record=record or _none(), hours=hours, note=note),
                _("服务时长已更正。"),
            ),
            "enter": (
                lambda: services.record_enter(
                    actor=user,
                    activity=activity,
                    volunteer=(signup or _none()).volunteer,
                    hours=hours,
                    note=note,
                    verify=True,
                ),
                _("服务时长已录入并核实。"),
            ),
            "served": (
                lambda: services.activity_set_served(
                    actor=user, activity=activity, residents_served=_int(request.POST.get("residents_served"))
                ),
                _("服务人次已保存。"),
            ),
            "cancel_activity": (
                lambda: services.activity_cancel(actor=user, activity=activity),
                _("活动已取消。"),
            ),
        }
        if action not in handlers:
            raise Http404
        run, done = handlers[action]
        _act(request, run, done)
        return redirect("activity_detail", activity_id=activity.pk)
    sheet = []
    records: dict[int, Any] = {}
    if organiser:
        rows = activity.signups.exclude(status=SignupStatus.CANCELLED).select_related("volunteer")
        records = {
            r.volunteer_id: r
            for r in activity.records.select_related("verified_by").prefetch_related("corrections")
        }
        sheet = [
            (s, presenters.person_label(s.volunteer, full=True), records.get(s.volunteer_id))
            for s in rows.order_by("status", "queued_at", "id")
        ]
    eligible: list[str] = []
    if organiser and activity.service_kind_id and activity.region.kind in COMMUNITY_KINDS:
        # Party members who report here and hold this post: the organiser may invite them.
        eligible = [
            presenters.person_label(m.user, full=_contact(user, activity.region))
            for m in selectors.eligible_party_members(activity.region, activity.service_kind.code)[:50]
        ]
    deadline = rules.entry_deadline(timezone.localdate(activity.ends_at))
    return render(
        request,
        "teams/activity.html",
        {
            "activity": activity,
            "mine": mine,
            "my_record": activity.records.filter(volunteer=user).first(),
            "organiser": organiser,
            "sheet": sheet,
            "deadline": deadline,
            "eligible": eligible,
            "window_open": timezone.localdate() <= deadline,
            "now": timezone.now(),
            # Self check-in opens an hour before the start (the service enforces the same window).
            "checkin_open": activity.starts_at - datetime.timedelta(hours=1)
            <= timezone.now()
            <= activity.ends_at,
            "open_corrections": [
                r
                for r in records.values()
                if any(c.status == CorrectionStatus.OPEN for c in r.corrections.all())
            ],
        },
    )


def _none() -> Any:
    raise NotAllowed(_("您没有报名这个活动。"))


@login_required
@require_GET
def activity_sheet_xlsx(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = signed_in_user(request)
    activity = _visible(lambda: policies.get_visible_activity(user, activity_id))
    if not presenters.sees_participants(user, activity):
        raise Http404
    records = {r.volunteer_id: r for r in activity.records.all()}
    rows = [
        (
            presenters.person_label(s.volunteer, full=True),
            s.get_status_display(),
            timezone.localtime(s.checked_in_at).strftime("%H:%M") if s.checked_in_at else "",
            timezone.localtime(s.checked_out_at).strftime("%H:%M") if s.checked_out_at else "",
            float(records[s.volunteer_id].hours) if s.volunteer_id in records else "",
            records[s.volunteer_id].get_status_display() if s.volunteer_id in records else "",
        )
        for s in activity.signups.exclude(status=SignupStatus.CANCELLED)
        .select_related("volunteer")
        .order_by("queued_at")
    ]
    return exports.xlsx_response(
        f"activity-{activity.pk}.xlsx",
        _("签到表"),
        [_("志愿者"), _("状态"), _("签到"), _("签退"), _("时长"), _("核实")],
        rows,
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_hours(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "certificate":
            _act(
                request,
                lambda: services.certificate_issue(actor=user, volunteer=user),
                _("证明已出具，可下载。"),
            )
        elif action == "correction":
            record = (
                policies.records_visible_to(user)
                .filter(volunteer=user, pk=_int(request.POST.get("record")))
                .first()
            )
            if record is None:
                raise Http404
            _act(
                request,
                lambda: services.correction_request(
                    actor=user, record=record, message=request.POST.get("message", "")
                ),
                _("更正申请已提交给活动组织者。"),
            )
        return redirect("my_hours")
    return render(
        request,
        "teams/my_hours.html",
        {
            "summary": selectors.hours_of(user),
            "certificates": policies.certificates_visible_to(user)
            .filter(volunteer=user)
            .order_by("-issued_at"),
            "thresholds": rules.STAR_THRESHOLDS,
        },
    )


@login_required
@require_GET
def records_xlsx(request: HttpRequest) -> HttpResponse:
    """Service records the user can see (their own, their teams', their places'), names masked
    unless the user organised the activity or works in its community."""
    user = signed_in_user(request)
    qs = (
        policies.records_visible_to(user)
        .select_related("activity", "activity__team", "activity__region", "volunteer", "verified_by")
        .order_by("-activity__starts_at")[:5000]
    )
    need: dict[int, bool] = {}
    rows = []
    for r in qs:
        if r.activity_id not in need:
            need[r.activity_id] = presenters.sees_participants(user, r.activity)
        rows.append(
            (
                timezone.localdate(r.activity.starts_at).isoformat(),
                r.activity.team.name,
                r.activity.title,
                presenters.label_for(user, r.volunteer, need=need[r.activity_id]),
                float(r.hours),
                r.get_status_display(),
                presenters.person_label(r.verified_by, full=True) if r.verified_by else "",
            )
        )
    return exports.xlsx_response(
        "service-records.xlsx",
        _("志愿服务记录"),
        [_("日期"), _("队伍"), _("活动"), _("志愿者"), _("时长"), _("状态"), _("核实人")],
        rows,
    )


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    user = signed_in_user(request)
    certificate = _visible(lambda: policies.get_visible_certificate(user, certificate_id))
    response = HttpResponse(certificates.certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.serial}.pdf"'
    return response


@require_GET
def certificate_check(request: HttpRequest) -> HttpResponse:
    """Public: anyone checks a certificate's code (no sign-in)."""
    code = request.GET.get("code", "").strip()[:60]
    result = certificates.check(code) if code else None
    return render(request, "teams/check.html", {"code": code, "result": result})


# --- social workers' joint duty -----------------------------------------------------------------


@login_required
@require_GET
def rota_home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    grants = permissions.scope_grants(user, policies.ROTA_VIEW.name)
    community = next((g for g in grants if g.role in (Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER)), None)
    if community is not None:
        return redirect("rota", community_id=community.region_id)
    sub = next((g for g in grants if g.role in (Role.SUBDISTRICT_STAFF, Role.DISTRICT_ADMIN)), None)
    if sub is not None:
        return redirect("rota_overview", region_id=sub.region_id)
    if grants := permissions.scope_grants(user, policies.ROTA_WORK.name):
        return redirect("my_shifts")
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def rota(request: HttpRequest, community_id: int) -> HttpResponse:
    """The secretary's rota editor: week or month view, add/remove shifts, copy a week
    forward, fill from the shown week, coverage check, publish, swap approvals."""
    user = signed_in_user(request)
    community = _visible(lambda: policies.get_visible_roster_place(user, community_id))
    can_edit = permissions.has_perm_at(user, policies.ROTA_MANAGE.name, community.path)
    today = timezone.localdate()
    week = services.monday_of(_date(request.GET.get("week") or request.POST.get("week"), today))
    view = request.GET.get("view", "week")
    back = f"{request.path}?week={week.isoformat()}&view={view}"
    if request.method == "POST":
        if not can_edit:
            messages.error(request, _("只有本社区书记可以编排值班表。"))
            return redirect(back)
        action = request.POST.get("action", "")
        roster = services.roster_open(actor=user, community=community)
        if action == "add":
            worker = (
                selectors.community_workers(community).filter(pk=_int(request.POST.get("worker"))).first()
            )
            _act(
                request,
                lambda: services.shift_add(
                    actor=user,
                    roster=roster,
                    date=_date(request.POST.get("date"), today),
                    slot=request.POST.get("slot", ""),
                    kind=request.POST.get("kind", ShiftKind.DESK),
                    worker=worker or _no_worker(),
                    custom_label=request.POST.get("custom_label", ""),
                ),
                _("已排班。"),
            )
        elif action == "remove":
            shift = _visible(lambda: policies.get_visible_shift(user, _int(request.POST.get("shift"))))
            _act(request, lambda: services.shift_remove(actor=user, shift=shift), _("已删除班次。"))
        elif action == "copy":
            until = _date(request.POST.get("until"), week + datetime.timedelta(days=13))
            _act(
                request,
                lambda: services.roster_copy_week(actor=user, roster=roster, source_monday=week, until=until),
                _("已按本周排班复制到 %(d)s。") % {"d": until},
            )
        elif action == "publish":
            through = _date(request.POST.get("through"), today + datetime.timedelta(days=30))
            accept = request.POST.get("accept_gaps") == "1"
            try:
                services.roster_publish(actor=user, roster=roster, through=through, accept_gaps=accept)
                messages.success(request, _("值班表已发布至 %(d)s。") % {"d": through})
            except services.CoverageGaps as exc:
                messages.warning(request, exc.message)
                return redirect(f"{back}&check_start={today}&check_end={through}&confirm_publish={through}")
            except DomainError as exc:
                messages.error(request, exc.message)
        elif action in ("approve", "reject"):
            swap = _visible(lambda: policies.get_visible_swap(user, _int(request.POST.get("swap"))))
            _act(
                request,
                lambda: services.swap_decide(actor=user, swap=swap, approve=action == "approve"),
                _("已处理换班申请。"),
            )
        else:
            raise Http404
        return redirect(back)
    current = DutyRoster.objects.filter(region=community).first()
    if view == "month":
        start = week.replace(day=1) if request.GET.get("week") else today.replace(day=1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    else:
        start, end = week, week + datetime.timedelta(days=6)
    check_start = _date(request.GET.get("check_start"), today)
    check_end = _date(request.GET.get("check_end"), today + datetime.timedelta(days=30))
    if check_end < check_start or (check_end - check_start).days > 400:
        check_end = check_start + datetime.timedelta(days=30)
    holes = selectors.coverage_holes(current, check_start, check_end) if current else None
    loads, median = selectors.shifts_per_person(community, today.year, today.month)
    return render(
        request,
        "teams/rota.html",
        {
            "community": community,
            "roster": current,
            "days": selectors.roster_days(current, start, end) if current else [],
            "view": view,
            "week": week,
            "next_week_end": week + datetime.timedelta(days=13),
            "prev": (start - datetime.timedelta(days=1 if view == "month" else 7)),
            "next": (end + datetime.timedelta(days=1)),
            "can_edit": can_edit,
            "workers": selectors.community_workers(community),
            "slots": Slot.choices,
            "kinds": ShiftKind.choices,
            "check_start": check_start,
            "check_end": check_end,
            "holes": holes,
            "confirm_publish": request.GET.get("confirm_publish", ""),
            "swaps": policies.swaps_visible_to(user)
            .filter(region=community, status=SwapStatus.PENDING)
            .select_related("shift", "requested_by", "taker", "other_shift"),
            "loads": loads,
            "median": median,
            "today": today,
        },
    )


def _no_worker() -> Any:
    raise InvalidInput(_("请选择本社区的社工。"), field="worker")


@login_required
@require_GET
def rota_overview(request: HttpRequest, region_id: int) -> HttpResponse:
    """A subdistrict's view of all its communities' coverage."""
    user = signed_in_user(request)
    region = _visible(lambda: get_visible_region(user, region_id))
    if (
        not permissions.has_perm_at(user, policies.ROTA_VIEW.name, region.path)
        or region.kind in COMMUNITY_KINDS
    ):
        raise Http404
    today = timezone.localdate()
    start = _date(request.GET.get("start"), today)
    end = _date(request.GET.get("end"), today + datetime.timedelta(days=30))
    if end < start or (end - start).days > 400:
        end = start + datetime.timedelta(days=30)
    subs = (
        [region]
        if region.kind == "subdistrict"
        else list(Region.objects.filter(path__startswith=region.path, kind="subdistrict").order_by("path"))
    )
    sections = [(sub, selectors.subdistrict_coverage(user, sub, start, end)) for sub in subs]
    return render(
        request,
        "teams/rota_overview.html",
        {"region": region, "sections": sections, "start": start, "end": end},
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_shifts(request: HttpRequest) -> HttpResponse:
    """A social worker's own schedule, with swap requests."""
    user = signed_in_user(request)
    today = timezone.localdate()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "swap":
            shift = _visible(lambda: policies.get_visible_shift(user, _int(request.POST.get("shift"))))
            taker = (
                selectors.community_workers(shift.region).filter(pk=_int(request.POST.get("taker"))).first()
            )
            _act(
                request,
                lambda: services.swap_request(
                    actor=user,
                    shift=shift,
                    taker=taker or _no_worker(),
                    reason=request.POST.get("reason", ""),
                ),
                _("换班申请已提交，等待书记审批。"),
            )
        elif action == "withdraw":
            swap = _visible(lambda: policies.get_visible_swap(user, _int(request.POST.get("swap"))))
            _act(request, lambda: services.swap_withdraw(actor=user, swap=swap), _("已撤回。"))
        return redirect("my_shifts")
    start = _date(request.GET.get("start"), today)
    end = start + datetime.timedelta(days=30)
    shifts = list(selectors.my_shifts(user, start, end))
    communities = {s.region_id for s in shifts}
    colleagues = {
        c: list(selectors.community_workers(Region.objects.get(pk=c)).exclude(pk=user.pk))
        for c in communities
    }
    month_count = (
        selectors.my_shifts(user, today.replace(day=1), today.replace(day=28) + datetime.timedelta(days=4))
        .filter(date__month=today.month)
        .count()
    )
    return render(
        request,
        "teams/my_shifts.html",
        {
            "shifts": [(s, colleagues.get(s.region_id, [])) for s in shifts],
            "swaps": policies.swaps_visible_to(user)
            .filter(requested_by=user)
            .select_related("shift", "taker")
            .order_by("-created_at")[:20],
            "start": start,
            "end": end,
            "month_count": month_count,
        },
    )


# --- figures ------------------------------------------------------------------------------------


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    """Drillable figures: members, activities, verified hours, residents served; and workload."""
    user = signed_in_user(request)
    paths = permissions.scope_paths(user, policies.FIGURES_VIEW.name)
    if request.GET.get("region"):
        region = _visible(lambda: get_visible_region(user, _int(request.GET.get("region"))))
    else:
        tops = regions_visible_to(user).order_by("depth", "path")
        region = tops.first() if paths is None else tops.filter(path__in=paths).first()
        if region is None:
            raise Http404
    if not permissions.has_perm_at(user, policies.FIGURES_VIEW.name, region.path):
        raise Http404
    drill = selectors.figures_drill(user, region)
    children = list(
        Region.objects.filter(
            path__startswith=region.path, depth=region.depth + 1, kind__in=["subdistrict", *COMMUNITY_KINDS]
        ).order_by("path")
    )
    workload_rows, workload_total = selectors.workload(children or [region])
    ancestors = [
        a for a in ancestors_of(region) if permissions.has_perm_at(user, policies.FIGURES_VIEW.name, a.path)
    ]
    return render(
        request,
        "teams/figures.html",
        {
            "region": region,
            "ancestors": ancestors,
            "drill": drill,
            "workload": workload_rows,
            "workload_total": workload_total,
        },
    )


# --- party members in action -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def party(request: HttpRequest) -> HttpResponse:
    """Staff: members and units reporting to their communities, to confirm. A member: their own
    profile, posts and service record."""
    user = signed_in_user(request)
    profile = PartyMember.objects.filter(user=user).select_related("region", "unit").first()
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("confirm", "decline"):
            member = _visible(
                lambda: policies.get_visible_party_member(user, _int(request.POST.get("member")))
            )
            _act(
                request,
                lambda: services.party_member_decide(actor=user, member=member, confirm=action == "confirm"),
                _("已处理。"),
            )
        elif action in ("unit_confirm", "unit_decline"):
            report = (
                policies.unit_reports_visible_to(user).filter(pk=_int(request.POST.get("report"))).first()
            )
            if report is None:
                raise Http404
            _act(
                request,
                lambda: services.unit_report_decide(
                    actor=user, report=report, confirm=action == "unit_confirm"
                ),
                _("已处理。"),
            )
        elif action == "unit_register":
            unit = Organisation.objects.filter(pk=_int(request.POST.get("organisation"))).first()
            community = (
                regions_visible_to(user)
                .filter(pk=_int(request.POST.get("community")), kind__in=COMMUNITY_KINDS)
                .first()
            )
            if unit is None or community is None:
                raise Http404
            chosen_unit, chosen_place = unit, community
            _act(
                request,
                lambda: services.unit_report_register(
                    actor=user,
                    organisation=chosen_unit,
                    community=chosen_place,
                    note=request.POST.get("note", ""),
                ),
                _("单位报到已登记，请确认。"),
            )
        elif action == "posts" and profile is not None:
            kinds = ServiceKind.objects.filter(
                district_id=profile.district_id, pk__in=[_int(v) for v in request.POST.getlist("posts")]
            )
            _act(
                request,
                lambda: services.party_member_set_posts(actor=user, member=profile, posts=kinds),
                _("岗位已保存。"),
            )
        elif action == "register" and profile is None:
            community = (
                regions_visible_to(user)
                .filter(pk=_int(request.POST.get("community")), kind__in=COMMUNITY_KINDS)
                .first()
            )
            unit = Organisation.objects.filter(pk=request.POST.get("unit") or 0).first()
            _act(
                request,
                lambda: services.party_member_register(
                    actor=user,
                    user=user,
                    community=community or _no_community(),
                    party_organisation=request.POST.get("party_organisation", ""),
                    unit=unit,
                    in_service=request.POST.get("in_service") == "on",
                ),
                _("报到已提交，等待社区确认。"),
            )
        return redirect("party")
    can_view = permissions.is_global(user) or bool(permissions.scope_grants(user, policies.PARTY_VIEW.name))
    members = (
        policies.party_members_visible_to(user)
        .exclude(user=user)
        .select_related("user", "region", "unit")
        .prefetch_related("posts")
        .order_by("status", "region__path", "id")[:200]
        if can_view
        else []
    )
    year, quarter = _quarter(timezone.localdate())
    own_record = selectors.member_records([profile], year, quarter)[0] if profile else None
    return render(
        request,
        "teams/party.html",
        {
            "profile": profile,
            "own_record": own_record,
            "can_view": can_view,
            # Those waiting for confirmation first: they are the secretary's to-do list.
            "members": [
                (m, presenters.person_label(m.user, full=_contact(user, m.region)))
                for m in sorted(members, key=lambda m: m.status != ReportingStatus.REGISTERED)
            ],
            "units": policies.unit_reports_visible_to(user)
            .select_related("organisation", "region")
            .order_by("status")[:50]
            if can_view
            else [],
            "kinds": ServiceKind.objects.filter(district_id=profile.district_id) if profile else [],
            "chosen": set(profile.posts.values_list("pk", flat=True)) if profile else set(),
            "communities": regions_visible_to(user).filter(kind__in=COMMUNITY_KINDS).order_by("path")[:200],
            "organisations": Organisation.objects.filter(kind="unit").order_by("name")[:100],
            "all_organisations": Organisation.objects.filter(
                district_id__in={g.district_id for g in permissions.grants_of(user)}
            ).order_by("name")[:200]
            if can_view
            else [],
            "year": year,
            "quarter": quarter,
            "report_units": Organisation.objects.filter(
                pk__in=policies.party_members_visible_to(user).values("unit_id")
            ).order_by("name")
            if can_view
            else [],
            "pending": ReportingStatus.REGISTERED,
        },
    )


def _no_community() -> Any:
    raise InvalidInput(_("请选择居住的社区。"), field="community")


def _contact(user: Any, region: Region) -> bool:
    return permissions.has_perm_at(user, "people.person:view_contact", region.path)


def _quarter(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


@login_required
@require_GET
def party_report_xlsx(request: HttpRequest) -> HttpResponse:
    """The quarterly service report of a unit's members, for the unit's party organisation:
    members the user can see who work in that unit (or the user's own record)."""
    user = signed_in_user(request)
    today = timezone.localdate()
    year = _int(request.GET.get("year") or today.year)
    quarter = _int(request.GET.get("quarter") or _quarter(today)[1])
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        raise Http404
    members = (
        policies.party_members_visible_to(user)
        .filter(status=ReportingStatus.CONFIRMED)
        .select_related("user", "region", "unit")
    )
    if request.GET.get("unit"):
        members = members.filter(unit_id=_int(request.GET.get("unit")))
    else:
        members = members.filter(user=user)
    rows = [
        (
            presenters.label_for(user, r.member.user, need=_contact(user, r.member.region)),
            r.member.party_organisation,
            r.member.unit.name if r.member.unit else "",
            r.member.region.name,
            r.activities,
            float(r.hours),
            r.wishes_fulfilled,
        )
        for r in selectors.member_records(list(members.order_by("unit__name", "id")), year, quarter)
    ]
    return exports.xlsx_response(
        f"party-report-{year}-Q{quarter}.xlsx",
        _("%(y)s年第%(q)s季度") % {"y": year, "q": quarter},
        [
            _("党员"),
            _("所在党组织"),
            _("工作单位"),
            _("报到社区"),
            _("参加活动"),
            _("核实时长"),
            _("认领心愿"),
        ],
        rows,
    )

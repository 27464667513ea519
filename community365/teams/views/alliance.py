"""志愿联盟: the teams home, a team, and an activity (new, detail, sign-up sheet)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from community365.core import exports, permissions
from community365.core.context import signed_in_user
from community365.core.errors import InvalidInput, NotAllowed
from community365.regions.models import COMMUNITY_KINDS

from .. import policies, presenters, rules, selectors, services
from ..models import (
    Activity,
    CorrectionStatus,
    PartyMember,
    ServiceKind,
    Signup,
    SignupStatus,
    TeamMembership,
)
from ._common import _act, _contact, _int, _visible

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
        .order_by("starts_at")
    )
    mine_only = request.GET.get("mine") == "1"  # the home page's "my next activities"
    if mine_only:
        upcoming = upcoming.filter(pk__in=selectors.my_signups(user).values("activity_id"))
    upcoming = upcoming[:20]
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
            "mine_only": mine_only,
            "summary": selectors.hours_of(user),
            "can_rota": permissions.is_global(user)
            or bool(permissions.scope_grants(user, policies.ROTA_VIEW.name)),
            "is_worker": bool(permissions.scope_grants(user, policies.ROTA_WORK.name)),
            "can_figures": permissions.is_global(user)
            or bool(permissions.scope_grants(user, policies.FIGURES_VIEW.name)),
            "can_party": policies.may_open_party_page(
                user, has_profile=PartyMember.objects.filter(user=user).exists()
            ),
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
            "can_export": can_lead or policies.may_export_team_records(user, team),
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
            try:
                starts = parse_datetime(form.get("starts_at", ""))
                ends = parse_datetime(form.get("ends_at", ""))
            except ValueError:  # well-formed but impossible, like 2026-13-45T10:00
                starts = ends = None
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
                lambda: services.signup_self_check_in(actor=user, activity=activity, code=code),
                _("签到成功。"),
            ),
            "self_check_out": (
                lambda: services.signup_self_check_out(actor=user, activity=activity, code=code),
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

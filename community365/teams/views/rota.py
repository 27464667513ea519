"""社工联勤: the duty rota of a community, the overview, and one's own shifts."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from community365.core import permissions
from community365.core.context import signed_in_user
from community365.core.errors import DomainError, InvalidInput
from community365.core.roles import Role
from community365.regions.models import COMMUNITY_KINDS, Region
from community365.regions.policies import get_visible_region

from .. import policies, selectors, services
from ..models import DutyRoster, ShiftKind, Slot, SwapStatus
from ._common import _act, _date, _int, _visible

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
    can_edit = policies.may_manage_rota(user, community)
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
    # A gap's link opens its week with the add-shift form filled in (date and slot).
    prefill_date = _date(request.GET.get("date"), week)
    prefill_slot = request.GET.get("slot", "") if request.GET.get("slot") in Slot.values else ""
    days = selectors.roster_days(current, start, end) if current else []
    return render(
        request,
        "teams/rota.html",
        {
            "community": community,
            "roster": current,
            "days": days,
            "gap_days": [d for d in days if d["holes"]],
            "full_days": [d for d in days if not d["holes"]],
            "prefill_date": prefill_date,
            "prefill_slot": prefill_slot,
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
    """A social worker's own schedule, with swap requests (404 for those never on a rota)."""
    user = signed_in_user(request)
    if not policies.may_open_my_shifts(user):
        raise Http404
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

"""Pages: the events, declaring one, an event's live board (per community), the phone's
door-to-door checklist (works offline: manifest + service worker), the after-action report,
and the community's low-lying buildings."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community365.core import exports, permissions
from community365.core.errors import DomainError, InvalidInput, NotFound
from community365.regions.models import Region, RegionKind

from . import policies, report, selectors, services
from .models import CheckStatus, EmergencyTask, EventKind, EventLevel, EventStatus, Need, Reason, Supply


def _event(request: HttpRequest, event_id: int) -> Any:
    try:
        return policies.get_visible_event(request.user, event_id)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    qs = (
        policies.events_visible_to(request.user)
        .select_related("region")
        .order_by("status", "-starts_at", "-pk")
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "emergency/list.html",
        {
            "page": page,
            "may_declare": policies.may_declare(request.user),
            "may_flag": _may_flag(request.user),
        },
    )


def _declare_places(user: Any) -> list[Region]:
    paths = permissions.scope_paths(user, policies.DECLARE.name)
    qs = Region.objects.filter(kind__in=[RegionKind.DISTRICT, RegionKind.SUBDISTRICT])
    return list(qs.filter(permissions.path_q(paths, "path")).order_by("path")[:50])


def _communities(places: list[Region]) -> list[Region]:
    if not places:
        return []
    return list(
        Region.objects.filter(
            permissions.path_q([p.path for p in places], "path"),
            kind__in=[RegionKind.COMMUNITY, RegionKind.COOPERATIVE],
        ).order_by("path")[:300]
    )


def _moment(value: str | None) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    if not policies.may_declare(request.user):
        raise Http404
    places = _declare_places(request.user)
    communities = _communities(places)
    values: Any = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            place = next((p for p in places if str(p.pk) == values.get("place")), None)
            if place is None:
                raise InvalidInput(_("请选择发布单位。"), field="place")
            chosen_ids = set(values.getlist("communities"))
            chosen = [c for c in communities if str(c.pk) in chosen_ids]
            starts, ends = _moment(values.get("starts_at")), _moment(values.get("ends_at"))
            if starts is None or ends is None:
                raise InvalidInput(_("请填写开始和预计结束时间。"), field="starts_at")
            declared = services.event_declare(
                actor=request.user,
                place=place,
                title=values.get("title", ""),
                kind=values.get("kind", ""),
                level=values.get("level", ""),
                starts_at=starts,
                ends_at=ends,
                communities=chosen,
                is_drill=values.get("is_drill") == "on",
            )
            messages.success(
                request,
                _("已发布，生成重点关注户 %(n)d 户，已通知应急队伍和社工。") % {"n": declared.households},
            )
            if declared.unassigned_communities:
                messages.warning(
                    request,
                    _("以下社区没有应急队员或社工，重点关注户未分配：%(names)s")
                    % {"names": "、".join(declared.unassigned_communities)},
                )
            return redirect("emergency_detail", declared.event.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    now = timezone.localtime()
    return render(
        request,
        "emergency/new.html",
        {
            "places": places,
            "communities": communities,
            "kinds": EventKind.choices,
            "levels": EventLevel.choices,
            "values": values,
            "chosen": set(values.getlist("communities")) if values else set(),
            "default_start": now.strftime("%Y-%m-%dT%H:%M"),
            "default_end": (now + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )


@login_required
@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    """The live board: the event's households checked / to check / needing help, by building
    (one grouped query), for one community (?community=) or every place the user manages."""
    event = _event(request, event_id)
    manages = policies.may_manage(request.user, event)
    mine = selectors.counts(selectors.checklist(request.user, event))
    context: dict[str, Any] = {
        "event": event,
        "manages": manages,
        "mine": mine,
        "may_close": policies.may_close(request.user, event),
        "levels": EventLevel.choices,
        "may_report": policies.may_read_reports(request.user, event),
    }
    if manages:
        qs = policies.assignments_manageable(request.user, event)
        communities = list(
            event.communities.filter(permissions.path_q(policies.manage_paths(request.user)))
            .select_related("region")
            .order_by("region__path")
        )
        community = next(
            (c.region for c in communities if str(c.region_id) == request.GET.get("community")), None
        )
        if community is not None:
            qs = qs.filter(region=community)
        tasks = EmergencyTask.objects.filter(event=event, assignment__in=qs)
        helpers: list[Any] = []
        if community is not None and event.status == EventStatus.OPEN:
            from community365.people.models import User

            ids = services.helpers_of(community)
            names = dict(User.objects.filter(pk__in=ids).values_list("pk", "display_name"))
            helpers = [(pk, names.get(pk) or str(pk)) for pk in ids]
        context.update(
            {
                "communities": communities,
                "community": community,
                "figures": selectors.counts(qs),
                "rows": selectors.board(qs, by="building" if community else "community"),
                "by_building": community is not None,
                "tasks": list(selectors.open_tasks(tasks)[:100]),
                "helpers": helpers,
            }
        )
    return render(request, "emergency/detail.html", context)


@login_required
@require_GET
def checklist(request: HttpRequest, event_id: int) -> HttpResponse:
    """The phone page: one card per assigned household, four buttons each. Taps are queued on
    the phone and sent when there is a network (static/js/emergency.js)."""
    event = _event(request, event_id)
    households = list(selectors.checklist(request.user, event)[:500])
    labels = dict(Reason.choices)
    for row in households:
        row.reason_labels = [labels.get(r, r) for r in row.reasons]  # type: ignore[attr-defined]
    return render(
        request,
        "emergency/checklist.html",
        {
            "event": event,
            "households": households,
            "statuses": CheckStatus.choices,
            "needs": Need.choices,
            "supplies": Supply.choices,
            "config": {
                "event": event.pk,
                "api": f"/api/v1/cases/emergencies/{event.pk}/checks",
                "open": event.status == EventStatus.OPEN,
                "sw": reverse("emergency_sw"),
                "scope": reverse("emergency_list"),
            },
        },
    )


@login_required
@require_POST
def task_done(request: HttpRequest, event_id: int, task_id: int) -> HttpResponse:
    event = _event(request, event_id)
    task = EmergencyTask.objects.filter(event=event, pk=task_id).select_related("region", "event").first()
    if task is None or not policies.may_manage(request.user, event):
        raise Http404
    try:
        services.task_done(actor=request.user, task=task)
        messages.success(request, _("已办结。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("emergency_detail", args=[event.pk]) + "#tasks")


@login_required
@require_POST
def reassign(request: HttpRequest, event_id: int) -> HttpResponse:
    """Give one building's households to another helper of the community."""
    from community365.people.models import User

    event = _event(request, event_id)
    if not policies.may_manage(request.user, event):
        raise Http404
    row = (
        policies.assignments_manageable(request.user, event)
        .filter(building_id=_int(request.POST.get("building")))
        .select_related("building", "region")
        .first()
    )
    assignee = User.objects.filter(pk=_int(request.POST.get("assignee"))).first()
    if row is None or assignee is None:
        raise Http404
    try:
        moved = services.building_reassign(
            actor=request.user, event=event, building=row.building, assignee=assignee
        )
        messages.success(request, _("已改派 %(n)d 户。") % {"n": moved})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("emergency_detail", args=[event.pk]) + f"?community={row.region_id}")


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 19 else 0


@login_required
@require_POST
def event_close(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    try:
        services.event_close(actor=request.user, event=event, summary=request.POST.get("summary", ""))
        messages.success(request, _("应急事件已结束，复盘报告已生成，队员的服务时长已记入志愿联盟。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("emergency_detail", event.pk)


@login_required
@require_POST
def event_update(request: HttpRequest, event_id: int) -> HttpResponse:
    """The declarers correct an open event's name, level and expected end (the form on the
    event's page)."""
    event = _event(request, event_id)
    ends_at = _moment(request.POST.get("ends_at"))
    try:
        if ends_at is None:
            raise InvalidInput(_("请填写预计结束时间。"), field="ends_at")
        services.event_update(
            actor=request.user,
            event=event,
            title=request.POST.get("title", ""),
            level=request.POST.get("level", ""),
            ends_at=ends_at,
        )
        messages.success(request, _("应急事件已更新。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("emergency_detail", event.pk)


def _report_event(request: HttpRequest, event_id: int) -> Any:
    event = _event(request, event_id)
    if not policies.may_read_reports(request.user, event):
        raise Http404
    return event


@login_required
@require_GET
def report_pdf(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _report_event(request, event_id)
    response = HttpResponse(report.as_pdf(report.build(event)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="emergency-{event.pk}.pdf"'
    return response


@login_required
@require_GET
def report_xlsx(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _report_event(request, event_id)
    data = report.build(event)
    return exports.xlsx_response(
        f"emergency-{event.pk}.xlsx", str(_("应急处置复盘报告")), [event.title], report.xlsx_rows(data)
    )


def _may_flag(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, policies.LOW_LYING.name))


@login_required
@require_http_methods(["GET", "POST"])
def buildings(request: HttpRequest) -> HttpResponse:
    """The community marks its low-lying buildings (checked in every event)."""
    if not _may_flag(request.user):
        raise Http404
    qs = Region.objects.filter(
        permissions.path_q(policies.low_lying_paths(request.user), "path"), kind=RegionKind.BUILDING
    ).order_by("path")
    if request.method == "POST":
        building = qs.filter(
            pk=request.POST.get("building") if (request.POST.get("building") or "").isdigit() else 0
        ).first()
        if building is None:
            raise Http404
        try:
            services.building_set_low_lying(
                actor=request.user, building=building, low_lying=request.POST.get("low_lying") == "1"
            )
            messages.success(request, _("已保存。"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(reverse("emergency_buildings") + f"?page={request.POST.get('page', '1')}")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "emergency/buildings.html", {"page": page})


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: the checklist installs on a phone's home screen."""
    data = {
        "name": str(_("社区365 应急入户排查")),
        "short_name": str(_("入户排查")),
        "start_url": reverse("emergency_list"),
        "scope": reverse("emergency_list"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#bf382b",
        "lang": "zh-CN",
        "icons": [{"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from /cases/emergencies/ so that it controls these pages."""
    body = render(
        request,
        "emergency/sw.js",
        {
            "statics": json.dumps(
                [
                    static("css/site.css"),
                    static("vendor/pico.min.css"),
                    static("js/site.js"),
                    static("js/emergency.js"),
                    static("vendor/htmx.min.js"),
                ]
            )
        },
    )
    body["Content-Type"] = "application/javascript; charset=utf-8"
    body["Cache-Control"] = "no-cache"
    return body

"""Pages of 整片建强: the zones with the layout diagram, a zone (members, status history, score,
its check against the zone standards), the year's targets with each subdistrict's evaluation,
the standards (edited by the organisation department), the brands (一社一特), and the exports.
Thin: a policy, a selector or a service, a template."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community365.core import exports
from community365.core.context import signed_in_user
from community365.core.errors import DomainError
from community365.regions.models import COMMUNITY_KINDS, Region

from . import policies, selectors, services
from .models import (
    STATUS_ORDER,
    Comparison,
    Level,
    LinkForm,
    Measure,
    MemberKind,
    Scope,
    StandardItem,
    ZoneKind,
    ZoneMember,
    ZoneStatus,
    ZoneTheme,
)


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if policies.valid_id(number) else None


def _year(request: HttpRequest) -> int:
    raw = str(request.GET.get("year", "")).strip()
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return timezone.localdate().year


def _district(request: HttpRequest, allowed: Any) -> tuple[Any, Region]:
    user = signed_in_user(request)
    if not allowed(user):
        raise Http404
    district = policies.district_of(user)
    if district is None:
        raise Http404
    return user, district


def _zone_url(zone: Any) -> str:
    return reverse("zones_detail", args=[zone.pk])


# --- zones ----------------------------------------------------------------------------------------
@login_required
@require_GET
def zone_list(request: HttpRequest) -> HttpResponse:
    user, district = _district(request, policies.may_view)
    year = _year(request)
    kind = request.GET.get("kind", "")
    zones = list(selectors.zone_list(user, district, kind=kind))
    run = selectors.run_of_year(district, year)
    rows = selectors.zone_rows(zones, selectors.scores(run))
    all_rows = (
        rows
        if not kind
        else selectors.zone_rows(list(selectors.zone_list(user, district)), selectors.scores(run))
    )
    return render(
        request,
        "zones/list.html",
        {
            "rows": rows,
            "layout": selectors.layout_chart(all_rows, district, _zone_url) if all_rows else None,
            "kinds": ZoneKind.choices,
            "kind": kind if kind in ZoneKind.values else "",
            "year": year,
            "run": run,
            "formulas": selectors.FORMULAS[:1],
            "may_manage": policies.may_manage_at(user, district),
            "themes": ZoneTheme.choices,
            "forms": LinkForm.choices,
        },
    )


@login_required
@require_POST
def zone_new(request: HttpRequest) -> HttpResponse:
    user, district = _district(request, policies.may_view)
    try:
        zone = services.zone_create(
            actor=user,
            district=district,
            name=request.POST.get("name", ""),
            kind=request.POST.get("kind", ""),
            theme=request.POST.get("theme", ""),
            link_form=request.POST.get("link_form", ""),
            code=request.POST.get("code", ""),
            description=request.POST.get("description", ""),
            on=request.POST.get("on", "") or None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("zones_list")
    messages.success(request, _("片区已建立。"))
    return redirect("zones_detail", zone.pk)


@login_required
@require_GET
def zone_detail(request: HttpRequest, zone_id: int) -> HttpResponse:
    user, district = _district(request, policies.may_view)
    try:
        zone = policies.get_visible_zone(user, zone_id)
    except DomainError as exc:
        raise Http404 from exc
    year = _year(request)
    run = selectors.run_of_year(district, year)
    standards = selectors.standards_of(district, year)
    codes = {
        i.indicator_code for (scope, _l), items in standards.items() if scope == Scope.ZONE for i in items
    }
    data = selectors.scores(run, codes)
    members = selectors.zone_members(zone)
    places = [m.community_id for m in members if m.community_id]
    row = selectors.zone_rows([zone], data)[0]
    items = {level: standards.get((Scope.ZONE, level), []) for level in Level.values}
    manage = policies.may_manage_at(user, district)
    return render(
        request,
        "zones/detail.html",
        {
            "zone": zone,
            "row": row,
            "members": [(m, data.totals.get(m.community_id) if m.community_id else None) for m in members],
            "history": selectors.zone_history(zone),
            "checks": selectors.check_group(data, places, items),
            "year": year,
            "run": run,
            "formulas": selectors.FORMULAS,
            "may_manage": manage,
            "forward": STATUS_ORDER[STATUS_ORDER.index(ZoneStatus(zone.status)) + 1 :],
            "backward": STATUS_ORDER[: STATUS_ORDER.index(ZoneStatus(zone.status))],
            "communities": _member_choices(district) if manage else [],
            "named_kinds": [(k, label) for k, label in MemberKind.choices if k not in COMMUNITY_KINDS],
        },
    )


def _member_choices(district: Region) -> list[Region]:
    return list(Region.objects.filter(district=district, kind__in=COMMUNITY_KINDS).order_by("path"))


@login_required
@require_POST
def zone_action(request: HttpRequest, zone_id: int, action: str) -> HttpResponse:
    user, district = _district(request, policies.may_view)
    try:
        zone = policies.get_visible_zone(user, zone_id)
    except DomainError as exc:
        raise Http404 from exc
    post = request.POST
    try:
        if action == "advance":
            services.zone_advance(
                actor=user, zone=zone, to_status=post.get("to_status", ""), on=post.get("on") or None
            )
            messages.success(request, _("片区状态已更新。"))
        elif action == "revert":
            services.zone_revert(
                actor=user,
                zone=zone,
                to_status=post.get("to_status", ""),
                reason=post.get("reason", "")[:300],
                on=post.get("on") or None,
            )
            messages.success(request, _("片区状态已回退。"))
        elif action == "add_member":
            community = None
            cid = _int(post.get("community"))
            if cid is not None:
                community = Region.objects.filter(pk=cid, district=district, kind__in=COMMUNITY_KINDS).first()
                if community is None:
                    raise Http404
            services.member_add(
                actor=user,
                zone=zone,
                community=community,
                kind=post.get("kind", ""),
                name=post.get("name", ""),
            )
            messages.success(request, _("成员已加入。"))
        elif action == "remove_member":
            member = ZoneMember.objects.filter(pk=_int(post.get("member")) or 0, zone=zone).first()
            if member is None:
                raise Http404
            services.member_remove(actor=user, member=member)
            messages.success(request, _("成员已移出。"))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("zones_detail", zone.pk)


@login_required
@require_GET
def zones_xlsx(request: HttpRequest) -> HttpResponse:
    user, district = _district(request, policies.may_view)
    year = _year(request)
    zones = list(selectors.zone_list(user, district))
    run = selectors.run_of_year(district, year)
    rows = selectors.zone_rows(zones, selectors.scores(run))
    header = [
        _("片区"),
        _("类型"),
        _("联动形式"),
        _("主题"),
        _("状态"),
        _("状态起始"),
        _("成员数"),
        _("计分成员数"),
        _("片区得分"),
    ]
    data = (
        [
            r.zone.name,
            r.zone.get_kind_display(),
            r.zone.get_link_form_display() if r.zone.link_form else "",
            r.zone.get_theme_display(),
            r.zone.get_status_display(),
            r.zone.status_since,
            r.members,
            r.scored,
            r.score,
        ]
        for r in rows
    )
    notes = [str(f) for f in selectors.FORMULAS[:1]]
    if run:
        notes.append(_("得分期间：%(key)s") % {"key": run.key})
    return exports.xlsx_response(
        f"zones-{year}.xlsx", _("整片建强片区 %(y)s") % {"y": year}, header, data, notes
    )


# --- targets and standards ------------------------------------------------------------------------
@login_required
@require_GET
def targets(request: HttpRequest) -> HttpResponse:
    user, district = _district(request, policies.may_view_progress)
    year = _year(request)
    result = selectors.progress(user, district, year)
    return render(
        request,
        "zones/targets.html",
        {
            "p": result,
            "year": year,
            "years": selectors.years(district),
            "formulas": selectors.FORMULAS,
            "may_manage": policies.may_manage_at(user, district),
            "measures": Measure.choices,
            "levels": Level.choices,
            "sub_items": {lv: result.standards.get((Scope.SUBDISTRICT, lv), []) for lv in Level.values},
        },
    )


@login_required
@require_POST
def target_set(request: HttpRequest) -> HttpResponse:
    user, district = _district(request, policies.may_view_progress)
    year = _int(request.POST.get("year")) or 0
    try:
        services.target_set(
            actor=user,
            district=district,
            year=year,
            measure=request.POST.get("measure", ""),
            value=request.POST.get("value", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("目标已保存。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('zones_targets')}?year={year if 2000 <= year <= 2100 else ''}")


@login_required
@require_GET
def targets_xlsx(request: HttpRequest) -> HttpResponse:
    user, district = _district(request, policies.may_view_progress)
    year = _year(request)
    p = selectors.progress(user, district, year)
    header = [_("项目"), _("街道"), _("目标值"), _("实际"), _("是否达到"), _("说明")]
    rows: list[list[Any]] = []
    if p.whole:
        for t in p.targets:
            rows.append(
                [
                    t.target.get_measure_display(),
                    "",
                    t.target.value,
                    t.actual,
                    _("是") if t.achieved else _("否"),
                    t.explanation,
                ]
            )
    for s in p.subdistricts:
        for level in Level.values:
            check = s.checks[level]
            missed = check.missed_text
            rows.append(
                [
                    Level(level).label,
                    s.region.name,
                    "",
                    s.total,
                    _("是") if check.met else _("否"),
                    (_("未满足：%(m)s") % {"m": missed}) if missed else "",
                ]
            )
    notes = [str(f) for f in selectors.FORMULAS]
    if p.run:
        notes.append(_("得分期间：%(key)s") % {"key": p.run.key})
    return exports.xlsx_response(
        f"zone-targets-{year}.xlsx", _("整片建强目标进度 %(y)s") % {"y": year}, header, rows, notes
    )


@login_required
@require_GET
def standards(request: HttpRequest) -> HttpResponse:
    user, district = _district(request, policies.may_view_progress)
    year = _year(request)
    found = selectors.standards_of(district, year)
    blocks = [
        {
            "scope": scope,
            "scope_label": Scope(scope).label,
            "level": level,
            "level_label": Level(level).label,
            "items": found.get((scope, level), []),
        }
        for scope in Scope.values
        for level in Level.values
    ]
    return render(
        request,
        "zones/standards.html",
        {
            "blocks": blocks,
            "year": year,
            "years": selectors.years(district),
            "may_manage": policies.may_manage_at(user, district),
            "indicators": selectors.indicator_choices(),
            "comparisons": Comparison.choices,
            "label": selectors.indicator_label,
        },
    )


@login_required
@require_http_methods(["POST"])
def standard_edit(request: HttpRequest) -> HttpResponse:
    user, district = _district(request, policies.may_view_progress)
    post = request.POST
    year = _int(post.get("year")) or 0
    try:
        if post.get("remove"):
            item = StandardItem.objects.filter(pk=_int(post.get("remove")) or 0, district=district).first()
            if item is None:
                raise Http404
            services.standard_item_remove(actor=user, item=item)
            messages.success(request, _("已删除这一项。"))
        else:
            services.standard_item_set(
                actor=user,
                district=district,
                year=year,
                scope=post.get("scope", ""),
                level=post.get("level", ""),
                indicator_code=post.get("indicator_code", ""),
                comparison=post.get("comparison", ""),
                threshold=post.get("threshold", ""),
            )
            messages.success(request, _("标准已保存。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('zones_standards')}?year={year if 2000 <= year <= 2100 else ''}")


# --- brands ---------------------------------------------------------------------------------------
@login_required
@require_GET
def brand_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not policies.may_read_brands(user):
        raise Http404
    brands = list(selectors.brand_list(user))
    return render(request, "zones/brands.html", {"brands": brands})


@login_required
@require_http_methods(["GET", "POST"])
def brand_page(request: HttpRequest, community_id: int) -> HttpResponse:
    user = signed_in_user(request)
    if not policies.may_read_brands(user):
        raise Http404
    try:
        community = policies.get_brand_community(user, community_id)
    except DomainError as exc:
        raise Http404 from exc
    may_edit = policies.may_edit_brand(user, community)
    if request.method == "POST":
        try:
            services.brand_save(
                actor=user,
                community=community,
                name=request.POST.get("name", ""),
                description=request.POST.get("description", ""),
                started=request.POST.get("started", "") or None,
                evidence_url=request.POST.get("evidence_url", ""),
            )
            messages.success(request, _("品牌已保存。"))
            return redirect("zones_brand", community.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    brand = selectors.brand_of(community)
    zones = list(
        policies.zones_visible_to(user)
        .filter(district_id=community.district_id, members__community=community)
        .order_by("order", "id")
    )
    return render(
        request,
        "zones/brand.html",
        {
            "community": community,
            "brand": brand,
            "may_edit": may_edit,
            "zones": zones,
            "form": request.POST if request.method == "POST" else None,
        },
    )

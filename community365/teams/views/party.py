"""党员联动: party members' registration and the units' reports, with the export."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from community365.core import exports
from community365.core.context import signed_in_user
from community365.core.errors import InvalidInput
from community365.regions.models import COMMUNITY_KINDS, Organisation
from community365.regions.policies import organisations_visible_to, regions_visible_to

from .. import policies, presenters, selectors, services
from ..models import PartyMember, ReportingStatus, ServiceKind
from ._common import _act, _contact, _int, _visible

# --- party members in action -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def party(request: HttpRequest) -> HttpResponse:
    """Staff: members and units reporting to their communities, to confirm. A member: their own
    profile, posts and service record."""
    user = signed_in_user(request)
    profile = PartyMember.objects.filter(user=user).select_related("region", "unit").first()
    if not policies.may_open_party_page(user, has_profile=profile is not None):
        raise Http404
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
            unit = organisations_visible_to(user).filter(pk=_int(request.POST.get("organisation"))).first()
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
            unit = organisations_visible_to(user).filter(pk=_int(request.POST.get("unit") or 0)).first()
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
    can_view = policies.may_see_party_members(user)
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
            "organisations": organisations_visible_to(user).filter(kind="unit").order_by("name")[:100],
            "all_organisations": organisations_visible_to(user).order_by("name")[:200] if can_view else [],
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
        # A unit's report lists other members: staff who see party members only.
        if not policies.may_see_party_members(user):
            raise Http404
        members = members.filter(unit_id=_int(request.GET.get("unit")))
    else:
        members = members.filter(user=user)
        if not members.exists():
            raise Http404
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

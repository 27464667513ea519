"""A volunteer's hours, the records export, and certificates (download and public check)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from community365.core import exports
from community365.core.context import signed_in_user

from .. import certificates, policies, presenters, rules, selectors, services
from ._common import _act, _int, _visible


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
    """The user's own service records, nobody else's (a team leader exports the team's on the
    team page). 404 for a user who has none: there is nothing of theirs to export."""
    user = signed_in_user(request)
    qs = (
        policies.records_visible_to(user)
        .filter(volunteer=user)
        .select_related("activity", "activity__team", "verified_by")
        .order_by("-activity__starts_at")[:5000]
    )
    rows = [
        (
            timezone.localdate(r.activity.starts_at).isoformat(),
            r.activity.team.name,
            r.activity.title,
            float(r.hours),
            r.get_status_display(),
            presenters.person_label(r.verified_by, full=True) if r.verified_by else "",
        )
        for r in qs
    ]
    if not rows:
        raise Http404
    return exports.xlsx_response(
        "my-service-records.xlsx",
        _("我的志愿服务记录"),
        [_("日期"), _("队伍"), _("活动"), _("时长"), _("状态"), _("核实人")],
        rows,
    )


@login_required
@require_GET
def team_records_xlsx(request: HttpRequest, team_id: int) -> HttpResponse:
    """A team's service records, for its leaders and the staff of its place (404 for anyone
    else); volunteers' names masked unless the user organised the activity or works in its
    community."""
    user = signed_in_user(request)
    team = _visible(lambda: policies.get_visible_team(user, team_id))
    if not policies.may_export_team_records(user, team):
        raise Http404
    qs = (
        policies.records_visible_to(user)
        .filter(activity__team=team)
        .select_related("activity", "activity__region", "volunteer", "verified_by")
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
                r.activity.title,
                presenters.label_for(user, r.volunteer, need=need[r.activity_id]),
                float(r.hours),
                r.get_status_display(),
                presenters.person_label(r.verified_by, full=True) if r.verified_by else "",
            )
        )
    return exports.xlsx_response(
        f"team-{team.pk}-service-records.xlsx",
        team.name[:31],
        [_("日期"), _("活动"), _("志愿者"), _("时长"), _("状态"), _("核实人")],
        rows,
    )


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    user = signed_in_user(request)
    certificate = _visible(lambda: policies.get_visible_certificate(user, certificate_id))
    response = HttpResponse(
        certificates.certificate_pdf(certificate, check_url=certificates.check_url(request, certificate)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.serial}.pdf"'
    return response


@require_GET
def certificate_check(request: HttpRequest) -> HttpResponse:
    """Public: anyone checks a certificate's code (no sign-in)."""
    code = request.GET.get("code", "").strip()[:60]
    result = certificates.check(code) if code else None
    return render(request, "teams/check.html", {"code": code, "result": result})

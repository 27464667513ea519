"""Pages: mediation cases (list, queue, register, one case with its steps, the agreement PDF),
the legal clinic (coming sessions, a session's slots and desk, my bookings, consultations,
the desk's rota) and the figures with their xlsx."""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community365.core import charts, exports, permissions
from community365.core.errors import DomainError, InvalidInput, NotFound
from community365.people.models import User
from community365.people.policies import get_visible_person
from community365.people.selectors import person_rows, person_search
from community365.regions.models import Department, Region, RegionKind

from . import pdf, policies, selectors, services
from .models import (
    CaseSource,
    CaseStatus,
    ClinicRota,
    ConsultationCategory,
    ConsultationReferral,
    DisputeKind,
    PartySide,
    ReferralTo,
    SessionStatus,
)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _id(value: str | None) -> int:
    """An id from a form; 0 (matches nothing) when missing or not a number."""
    return _int(value) or 0


def _fail(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


# === mediation ==================================================================================


@login_required
@require_GET
def mediation_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may read (with parties, each read audited); for figures roles
    without access to cases, counts only."""
    user = request.user
    readable = policies.may_open_mediations(user)
    if not readable and not policies.may_read_figures(user):
        raise Http404
    status = request.GET.get("status", "")
    page = None
    parties: dict[int, Any] = {}
    if readable:
        qs = selectors.mediation_list(user, status=status, mine=request.GET.get("mine") == "1")
        page = Paginator(qs, 20).get_page(request.GET.get("page"))
        parties = selectors.read_parties(user, list(page.object_list), channel_note="page:list")
    rows = [{"case": c, "parties": parties.get(c.pk, [])} for c in (page.object_list if page else [])]
    return render(
        request,
        "cases/mediation_list.html",
        {
            "rows": rows,
            "page": page,
            "status": status,
            "statuses": CaseStatus.choices,
            "counts": selectors.counts_only(user) if policies.may_read_figures(user) else None,
            "status_labels": dict(CaseStatus.choices),
            "queue_count": policies.queue_for(user).count()
            if permissions.scope_grants(user, policies.MEDIATE.name)
            else None,
            "may_register": policies.may_register_somewhere(user),
            "querystring": urlencode(
                {k: v for k, v in (("status", status), ("mine", request.GET.get("mine", ""))) if v}
            ),
        },
    )


@login_required
@require_GET
def mediation_queue(request: HttpRequest) -> HttpResponse:
    """The association's queue: registered cases nobody has taken, kind and community only."""
    if not (
        permissions.is_global(request.user) or permissions.scope_grants(request.user, policies.MEDIATE.name)
    ):
        raise Http404
    qs = policies.queue_for(request.user).select_related("region").order_by("registered_at")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "cases/mediation_queue.html", {"page": page})


def _register_places(user: Any) -> list[Region]:
    paths = permissions.scope_paths(user, policies.REGISTER.name)
    qs = Region.objects.filter(kind__in=[RegionKind.COMMUNITY, RegionKind.COOPERATIVE])
    if paths is not None:
        qs = qs.filter(permissions.path_q(paths, field="path"))
    return list(qs.order_by("path")[:200])


def _parties_from(request: HttpRequest) -> list[services.PartyIn]:
    parties = []
    for i, side in enumerate((PartySide.APPLICANT, PartySide.RESPONDENT, PartySide.RESPONDENT)):
        name = request.POST.get(f"name_{i}", "").strip()
        person_id = _int(request.POST.get(f"pick_person_{i}") or request.POST.get(f"person_{i}"))
        if not name and not person_id:
            continue
        person = get_visible_person(request.user, person_id) if person_id else None
        parties.append(
            services.PartyIn(
                side=side,
                name=name,
                person=person,
                phone=request.POST.get(f"phone_{i}", "").strip(),
                address=request.POST.get(f"address_{i}", ""),
                id_number=request.POST.get(f"id_{i}", ""),
            )
        )
    return parties


@login_required
@require_http_methods(["GET", "POST"])
def mediation_new(request: HttpRequest) -> HttpResponse:
    if not policies.may_register_somewhere(request.user):
        raise Http404
    places = _register_places(request.user)
    error = None
    if request.method == "POST":
        try:
            region = next((p for p in places if p.pk == _int(request.POST.get("community"))), None)
            if region is None:
                raise InvalidInput(_("请选择纠纷所在的社区。"), field="community")
            case = services.mediation_register(
                actor=request.user,
                region=region,
                kind=request.POST.get("kind", ""),
                source=request.POST.get("source", ""),
                summary=request.POST.get("summary", ""),
                place=request.POST.get("place", ""),
                parties=_parties_from(request),
            )
        except (DomainError, NotFound) as exc:
            error = exc.message
        else:
            messages.success(request, _("已登记调解案件 %(n)s，等待分派或调解员受理。") % {"n": case.number})
            if policies.mediations_visible_to(request.user).filter(pk=case.pk).exists():
                return redirect("mediation_detail", case.pk)
            return redirect("mediation_list")
    return render(
        request,
        "cases/mediation_new.html",
        {
            "places": places,
            "kinds": DisputeKind.choices,
            "sources": [c for c in CaseSource.choices if c[0] != CaseSource.CLINIC],
            "error": error,
            "form": request.POST if request.method == "POST" else {},
            "party_rows": [("0", _("申请人")), ("1", _("被申请人")), ("2", _("被申请人（如有第二位）"))],
        },
    )


def _mediators_for(case: Any) -> list[User]:
    """Mediators who may take this case: the mediator role over its community, or members of
    an association over it."""
    from community365.people.models import RoleAssignment
    from community365.teams.models import TeamKind, TeamMembership

    prefixes = [case.region.path[: n * 4] for n in range(1, len(case.region.path) // 4 + 1)]
    by_role = RoleAssignment.objects.filter(
        role="mediator", revoked_at__isnull=True, region__path__in=prefixes
    ).values("user_id")
    by_team = TeamMembership.objects.filter(
        team__kind=TeamKind.MEDIATORS,
        left_at__isnull=True,
        team__region__path__in=prefixes,
        user_id__in=RoleAssignment.objects.filter(role="mediator", revoked_at__isnull=True).values("user_id"),
    ).values("user_id")
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=by_role) | Q(pk__in=by_team))
        .order_by("display_name")[:200]
    )


@login_required
@require_GET
def mediation_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = policies.get_visible_mediation(request.user, case_id)
    except NotFound:
        raise Http404 from None
    parties = selectors.read_parties(request.user, [case], channel_note="page:detail")[case.pk]
    actions = policies.actions_for(request.user, case)
    agreement = getattr(case, "agreement", None) if case.outcome == "agreed" else None
    return render(
        request,
        "cases/mediation_detail.html",
        {
            "case": case,
            "parties": parties,
            "sessions": list(case.sessions.select_related("recorded_by")),
            "agreement": agreement,
            "actions": actions,
            "mediators": _mediators_for(case) if "assign" in actions else [],
            "referrals": ReferralTo.choices,
            "departments": _departments_of(case.district_id) if "not_reached" in actions else [],
            "overdue": case.status == CaseStatus.ACCEPTED
            and case.deadline
            and case.deadline < timezone.localdate(),
            "now_local": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )


@login_required
@require_POST
def mediation_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    user = request.user
    post = request.POST
    if action == "take":
        case = policies.queue_for(user).select_related("region").filter(pk=case_id).first()
        if case is None:
            try:
                case = policies.get_visible_mediation(user, case_id)
            except NotFound:
                raise Http404 from None
    else:
        try:
            case = policies.get_visible_mediation(user, case_id)
        except NotFound:
            raise Http404 from None
    try:
        if action == "take":
            services.mediation_take(actor=user, case=case)
            messages.success(request, _("已受理，调解期限 30 天。"))
        elif action == "assign":
            mediator = User.objects.filter(pk=_id(post.get("mediator"))).first()
            if mediator is None:
                raise InvalidInput(_("请选择调解员。"), field="mediator")
            co = (
                User.objects.filter(pk=_id(post.get("co_mediator"))).first()
                if post.get("co_mediator")
                else None
            )
            services.mediation_assign(actor=user, case=case, mediator=mediator, co_mediator=co)
            messages.success(request, _("已分派。"))
        elif action == "session":
            held = parse_datetime(post.get("held_at", ""))
            if held is None:
                raise InvalidInput(_("请填写调解时间。"), field="held_at")
            if timezone.is_naive(held):
                held = timezone.make_aware(held)
            services.mediation_record_session(
                actor=user,
                case=case,
                held_at=held,
                attended=post.get("attended", ""),
                notes=post.get("notes", ""),
            )
            messages.success(request, _("调解记录已保存。"))
        elif action == "extend":
            services.mediation_extend(actor=user, case=case, reason=post.get("reason", ""))
            messages.success(request, _("调解期限已延长 30 天。"))
        elif action == "agree":
            services.mediation_agree(
                actor=user,
                case=case,
                facts=post.get("facts", ""),
                terms=post.get("terms", ""),
                performance=post.get("performance", ""),
            )
            messages.success(request, _("已达成协议：请打印协议书，双方签字后上传扫描件。"))
        elif action == "not_reached":
            services.mediation_not_reached(
                actor=user,
                case=case,
                referral_to=post.get("referral_to", ""),
                note=post.get("note", ""),
                department_id=_id(post.get("department")),
            )
            messages.success(request, _("已登记调解不成并转介，案件已结案。"))
        elif action == "scan":
            upload = request.FILES.get("scan")
            if upload is None:
                raise InvalidInput(_("请选择扫描件。"), field="scan")
            services.agreement_attach_scan(actor=user, case=case, upload=upload)
            messages.success(request, _("扫描件已上传。"))
        elif action == "follow_up":
            services.mediation_follow_up(
                actor=user, case=case, kept=post.get("kept") == "yes", note=post.get("note", "")
            )
            messages.success(request, _("回访已登记，案件已结案。"))
        else:
            raise Http404
    except DomainError as exc:
        _fail(request, exc)
    if policies.mediations_visible_to(user).filter(pk=case.pk).exists():
        return redirect("mediation_detail", case.pk)
    return redirect("mediation_list")


@login_required
@require_GET
def mediation_agreement_pdf(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = policies.get_visible_mediation(request.user, case_id)
    except NotFound:
        raise Http404 from None
    if "agreement_pdf" not in policies.actions_for(request.user, case):
        raise Http404
    parties = selectors.read_parties(request.user, [case], channel_note="pdf")[case.pk]
    data = pdf.agreement_pdf(case, case.agreement, parties)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{case.number}.pdf"'
    return response


@login_required
@require_GET
def mediation_agreement_scan(request: HttpRequest, case_id: int) -> HttpResponseBase:
    try:
        case = policies.get_visible_mediation(request.user, case_id)
    except NotFound:
        raise Http404 from None
    agreement = getattr(case, "agreement", None) if case.outcome == "agreed" else None
    if agreement is None or not agreement.scan:
        raise Http404
    from community365.audit.services import audit_record

    audit_record(actor=request.user, action="cases.agreement:read_scan", target=case)
    return FileResponse(agreement.scan.open("rb"), filename=agreement.scan.name.rsplit("/", 1)[-1])


# === figures ====================================================================================


def _figures_context(request: HttpRequest) -> dict[str, Any]:
    if not policies.may_read_figures(request.user):
        raise Http404
    period = charts.period_from(request.GET)
    start = charts.day_start(period.start) if period.start else None
    end = charts.day_start(period.end) if period.end else None
    return {
        "period": period,
        "mediation": selectors.mediation_figures(request.user, start=start, end=end),
        "clinic": selectors.clinic_figures(request.user, start=start, end=end),
    }


@login_required
@require_GET
def cases_figures(request: HttpRequest) -> HttpResponse:
    ctx = _figures_context(request)
    m, c = ctx["mediation"], ctx["clinic"]
    kinds, sources = dict(DisputeKind.choices), dict(CaseSource.choices)
    categories = dict(ConsultationCategory.choices)
    for row in m["by_kind"]:
        row["label"] = kinds.get(row["kind"], row["kind"])
    for row in m["by_source"]:
        row["label"] = sources.get(row["source"], row["source"])
    for row in c["by_category"]:
        row["label"] = categories.get(row["category"], row["category"])
    referrals = dict(ConsultationReferral.choices)
    for row in c["by_referral"]:
        row["label"] = referrals.get(row["referral"], row["referral"])
    figure_charts = [
        charts.bar_chart(
            "cases-kind",
            title=_("调解案件（按纠纷类型）"),
            categories=[r["label"] for r in m["by_kind"]],
            bars=[
                charts.series(_("受理"), [r["total"] for r in m["by_kind"]]),
                charts.series(_("调解成功"), [r["agreed"] for r in m["by_kind"]]),
            ],
        ),
        charts.bar_chart(
            "cases-subdistrict",
            title=_("各街道调解成功率"),
            categories=[r["name"] for r in m["by_subdistrict"]],
            bars=[charts.series(_("调解成功率"), [r["agreed_pct"] for r in m["by_subdistrict"]])],
            average=m["summary"]["agreed_pct"],
            percent=True,
        ),
    ]
    if c["by_category"]:
        figure_charts.append(
            charts.bar_chart(
                "clinic-category",
                title=_("法律咨询（按类别）"),
                categories=[r["label"] for r in c["by_category"]],
                bars=[charts.series(_("咨询"), [r["n"] for r in c["by_category"]])],
            )
        )
    ctx["charts"] = figure_charts
    ctx["export_query"] = ctx["period"].querystring()
    return render(request, "cases/figures.html", ctx)


@login_required
@require_GET
def cases_figures_export(request: HttpRequest) -> HttpResponse:
    ctx = _figures_context(request)
    m, c = ctx["mediation"], ctx["clinic"]
    kinds, sources = dict(DisputeKind.choices), dict(CaseSource.choices)
    header = [_("分组"), _("名称"), _("受理"), _("调解成功"), _("调解成功率%"), _("回访履行"), _("履行率%")]
    rows: list[list[Any]] = []
    s = m["summary"]
    rows.append([_("合计"), "", s["total"], s["agreed"], s["agreed_pct"], s["kept"], s["kept_pct"]])
    for group, key, label in (
        (_("纠纷类型"), "by_kind", lambda r: kinds.get(r["kind"], r["kind"])),
        (_("案件来源"), "by_source", lambda r: sources.get(r["source"], r["source"])),
        (_("社区"), "by_community", lambda r: r["region__name"]),
        (_("调解员"), "by_mediator", lambda r: r["mediator__display_name"] or _("未分派")),
    ):
        for r in m[key]:
            rows.append([group, label(r), r["total"], r["agreed"], r["agreed_pct"], r["kept"], r["kept_pct"]])
    for r in m["by_subdistrict"]:
        rows.append([_("街道"), r["name"], r["total"], r["agreed"], r["agreed_pct"], "", ""])
    notes = [
        _("平均调解天数：%(d)s") % {"d": s["avg_days"] if s["avg_days"] is not None else "—"},
        _("法律工作室：坐诊 %(s)s 场，咨询 %(c)s 人次，律师服务 %(h)s 小时，未到 %(n)s 人次")
        % {"s": c["sessions_held"], "c": c["consultations"], "h": c["lawyer_hours"], "n": c["no_shows"]},
    ]
    return exports.xlsx_response("mediation-figures.xlsx", _("人民调解统计"), header, rows, notes)


# === the legal clinic ===========================================================================


@login_required
@require_GET
def clinic_home(request: HttpRequest) -> HttpResponse:
    upcoming = selectors.upcoming_sessions(request.user, now=timezone.now())
    duty = request.GET.get("duty") == "1"
    if duty:
        # The lawyer's to-do: their own sessions of the coming month (the same rows it counts).
        upcoming = upcoming.filter(
            lawyer_id=request.user.pk, starts_at__lt=timezone.now() + datetime.timedelta(days=31)
        )
    sessions = list(upcoming[:12])
    desk = [
        c
        for c in policies.clinics_visible_to(request.user).select_related("region")
        if policies.may_run_desk(request.user, c)
    ]
    return render(
        request,
        "cases/clinic_home.html",
        {
            "sessions": sessions,
            "desk_clinics": desk,
            "has_person": getattr(request.user, "person", None) is not None,
        },
    )


def _session_or_404(request: HttpRequest, session_id: int) -> Any:
    try:
        return policies.get_visible_session(request.user, session_id)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def clinic_session(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_or_404(request, session_id)
    user = request.user
    sees = policies.may_see_bookings(user, session)
    slots = selectors.slots(user, session)
    walk_ins = list(session.bookings.filter(walk_in=True).select_related("consultation")) if sees else []
    consults = {}
    if sees:
        from .models import Consultation

        consults = {c.booking_id: c for c in Consultation.objects.filter(booking__session=session)}
    return render(
        request,
        "cases/clinic_session.html",
        {
            "session": session,
            "slots": slots,
            "sees": sees,
            "walk_ins": walk_ins,
            "consults": consults,
            "is_lawyer": policies.is_session_lawyer(user, session),
            "desk": policies.may_run_desk(user, session),
            "may_cancel": session.status == SessionStatus.PLANNED
            and policies.may_cancel_session(user, session),
            "has_person": getattr(user, "person", None) is not None,
            "bookable": session.status == SessionStatus.PLANNED and session.ends_at > timezone.now(),
            "categories": ConsultationCategory.choices,
            "referrals": ConsultationReferral.choices,
            "departments": _departments_of(session.district_id),
            "kinds": DisputeKind.choices,
            "closable": session.status == SessionStatus.PLANNED and session.ends_at <= timezone.now(),
        },
    )


@login_required
@require_POST
def clinic_action(request: HttpRequest, session_id: int, action: str) -> HttpResponse:
    session = _session_or_404(request, session_id)
    user, post = request.user, request.POST
    target = reverse("clinic_session", args=[session.pk])

    def booking() -> Any:
        found = (
            policies.bookings_visible_to(user)
            .filter(pk=_id(post.get("booking")), session=session)
            .select_related("session", "session__clinic", "person")
            .first()
        )
        if found is None:
            raise Http404
        return found

    try:
        if action == "book":
            chosen = post.get("pick_person") or post.get("person")
            person = get_visible_person(user, _id(chosen)) if chosen else None
            services.clinic_book(
                actor=user,
                session=session,
                slot=-1 if _int(post.get("slot")) is None else _id(post.get("slot")),
                note=post.get("note", ""),
                person=person,
            )
            messages.success(request, _("预约成功，坐诊前一天会提醒您。"))
        elif action == "cancel":
            services.clinic_cancel_booking(actor=user, booking=booking())
            messages.success(request, _("预约已取消。"))
        elif action == "walk_in":
            chosen = post.get("pick_person") or post.get("person")
            person = get_visible_person(user, _id(chosen)) if chosen else None
            services.clinic_walk_in(
                actor=user,
                session=session,
                name=post.get("name", ""),
                person=person,
                note=post.get("note", ""),
            )
            messages.success(request, _("已登记现场咨询。"))
        elif action in ("attended", "no_show"):
            services.clinic_mark(actor=user, booking=booking(), attended=action == "attended")
        elif action == "consult":
            consultation = services.clinic_record_consultation(
                actor=user,
                booking=booking(),
                category=post.get("category", ""),
                advice=post.get("advice", ""),
                referral=post.get("referral", ""),
                referral_note=post.get("referral_note", ""),
                department_id=_id(post.get("department")),
                dispute_kind=post.get("dispute_kind", DisputeKind.OTHER),
                respondent=post.get("respondent", ""),
            )
            messages.success(request, _("咨询记录已保存。"))
            if consultation.mediation_case is not None:
                messages.success(
                    request,
                    _("已转人民调解，案件 %(n)s 等待社区分派。") % {"n": consultation.mediation_case.number},
                )
        elif action == "cancel_session":
            services.clinic_cancel_session(actor=user, session=session, reason=post.get("reason", ""))
            messages.success(request, _("这场坐诊已取消，已通知所有预约的居民。"))
        elif action == "move":
            moved = parse_datetime(post.get("starts_at", ""))
            if moved is None:
                raise InvalidInput(_("请填写新的时间。"), field="starts_at")
            services.clinic_move_session(
                actor=user, session=session, starts_at=moved, reason=post.get("reason", "")
            )
            messages.success(request, _("已改期，并通知了所有预约的居民。"))
        elif action == "close":
            services.clinic_close_session(actor=user, session=session)
            messages.success(request, _("坐诊已结束，律师服务时长已记入志愿服务记录。"))
        else:
            raise Http404
    except DomainError as exc:
        _fail(request, exc)
    if action in ("book", "cancel") and not policies.may_see_bookings(user, session):
        return redirect("clinic_mine")
    return redirect(target)


@login_required
@require_GET
def clinic_mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.my_bookings(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "cases/clinic_mine.html", {"page": page})


@login_required
@require_GET
def clinic_consultations(request: HttpRequest) -> HttpResponse:
    """Consultation records for the lawyers and the secretaries."""
    user = request.user
    if not (
        permissions.is_global(user)
        or permissions.scope_grants(user, policies.MANAGE.name)
        or permissions.scope_grants(user, policies.LAWYER_VIEW.name)
    ):
        raise Http404
    qs = (
        policies.consultations_visible_to(user)
        .select_related(
            "booking", "booking__session", "booking__session__clinic__region", "lawyer", "mediation_case"
        )
        .order_by("-recorded_at")
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "cases/clinic_consultations.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def clinic_manage(request: HttpRequest, clinic_id: int) -> HttpResponse:
    """The desk: the rota of lawyers by month and the month's session."""
    clinic = (
        policies.clinics_visible_to(request.user)
        .select_related("region", "team")
        .filter(pk=clinic_id)
        .first()
    )
    if clinic is None or not policies.may_run_desk(request.user, clinic):
        raise Http404
    if request.method == "POST":
        try:
            month = parse_date((request.POST.get("month", "") + "-01")[:10])
            if month is None:
                raise InvalidInput(_("请选择月份。"), field="month")
            if request.POST.get("what") == "plan":
                session = services.clinic_plan_session(actor=request.user, clinic=clinic, month=month)
                messages.success(
                    request,
                    _("已排定 %(d)s 的坐诊。")
                    % {"d": timezone.localtime(session.starts_at).strftime("%Y-%m-%d")},
                )
            else:
                lawyer = User.objects.filter(pk=_id(request.POST.get("lawyer"))).first()
                if lawyer is None:
                    raise InvalidInput(_("请选择律师。"), field="lawyer")
                services.clinic_rota_set(actor=request.user, clinic=clinic, month=month, lawyer=lawyer)
                messages.success(request, _("排班已保存。"))
        except DomainError as exc:
            _fail(request, exc)
        return redirect("clinic_manage", clinic.pk)
    from community365.teams.models import TeamMembership

    today = timezone.localdate().replace(day=1)
    months = [today]
    for _n in range(5):
        months.append(services._next_month(months[-1]))
    rota = {
        r.month: r
        for r in ClinicRota.objects.filter(clinic=clinic, month__in=months).select_related("lawyer")
    }
    lawyers = [
        m.user
        for m in TeamMembership.objects.filter(team=clinic.team, left_at__isnull=True)
        .select_related("user")
        .order_by("user__display_name")
    ]
    return render(
        request,
        "cases/clinic_manage.html",
        {"clinic": clinic, "months": [(m, rota.get(m)) for m in months], "lawyers": lawyers},
    )


def _departments_of(district_id: int) -> list[Department]:
    """The district's departments, for the "referred to which department" choice."""
    return list(Department.objects.filter(district_id=district_id).order_by("name"))


@login_required
@require_POST
def referral_handle(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The department's liaison marks a referral from the clinic or a mediation handled (from
    the departments' inbox)."""
    try:
        referral = policies.get_referral_for(request.user, referral_id)
    except NotFound:
        raise Http404 from None
    try:
        services.referral_handle(actor=request.user, referral=referral)
        messages.success(request, _("已标记为已处理。"))
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("talk_task_inbox")


_PICK_FIELD = re.compile(r"^person(_[0-9])?$")


@login_required
@require_GET
def resident_pick(request: HttpRequest) -> HttpResponse:
    """The mediation and clinic forms' search of residents by name (people's resident search:
    only residents the user may see, masked as their role needs), answered as a short list of
    choices for the form's ``pick_<field>``."""
    field = request.GET.get("field", "")
    if not _PICK_FIELD.match(field):
        raise Http404
    query = request.GET.get(f"q_{field}", "").strip()[:40]
    rows = []
    if query:
        found = list(person_search(request.user, query)[:10])
        rows = person_rows(request.user, found)
    return render(request, "cases/_person_pick_rows.html", {"rows": rows, "field": field, "query": query})

"""Pages of two-way talks: the board, a topic with its timeline and the one obvious next step
for whoever looks at it, the department's task inbox, the organisation department's queue,
and the figures (with an xlsx export)."""

from __future__ import annotations

import datetime
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community365.core import charts, exports, permissions
from community365.core.errors import DomainError, InvalidInput, NotFound
from community365.core.roles import Role
from community365.people.models import Person, RoleAssignment, User
from community365.people.policies import persons_visible_to
from community365.regions.models import Department

from . import policies, selectors, services
from .models import InviteeKind, SignatureKind, TalkSignature, TalkTopic, TaskStatus, TopicStatus


def _int(value: str | None) -> int | None:
    """A positive id from a form or query string; anything the database could not hold is None."""
    value = (value or "").strip()
    if not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if policies.valid_id(number) else None


def _verified_person(user: Any) -> Person | None:
    person = Person.objects.filter(user_id=getattr(user, "pk", None) or 0).select_related("community").first()
    return person if person is not None and person.verified_at is not None else None


def _leaders(district_id: int | None) -> list[User]:
    ids = RoleAssignment.objects.filter(role=Role.DISTRICT_LEADER, revoked_at__isnull=True)
    if district_id:
        ids = ids.filter(district_id=district_id)
    return list(User.objects.filter(pk__in=ids.values("user_id")).order_by("username"))


def _departments(user: Any) -> list[Department]:
    from community365.regions.policies import departments_visible_to

    return list(departments_visible_to(user).order_by("id"))


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The board: the user's own community first (district-level users: the district), with a
    search and a community filter; filtered, counted and paged in the database."""
    status = request.GET.get("status", "")
    community_param = request.GET.get("community", "")
    home = selectors.home_community_id(request.user)
    drilled = any(request.GET.get(k) for k in ("subdistrict", "department", "leader", "measure", "mine"))
    if community_param == "all" or (not community_param and drilled):
        community = None
    elif community_param:
        community = _int(community_param)
    else:
        community = home
    f = selectors.BoardFilter(
        status=status if status in TopicStatus.values else "",
        community=community,
        subdistrict=_int(request.GET.get("subdistrict")),
        department=_int(request.GET.get("department")),
        leader=_int(request.GET.get("leader")),
        measure=request.GET.get("measure", "") if request.GET.get("measure") in selectors.MEASURES else "",
        mine=request.GET.get("mine") == "1",
        period=charts.period_from(request.GET),  # the figures' period: by month raised
        unsigned=request.GET.get("unsigned") == "1",
        q=request.GET.get("q", "").strip()[:50],
    )
    page = Paginator(selectors.with_open_tasks(selectors.board(request.user, f)), 30).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    if "community" not in query and community is None and home is not None and not drilled:
        query["community"] = "all"
    signed = selectors.signed_topic_ids(request.user, [t.pk for t in shown])
    rated = selectors.rating_summaries([t.pk for t in shown])
    day = selectors.today()
    rows = [
        {
            "topic": t,
            "signed": t.pk in signed,
            "next_deadline": selectors.topic_next_deadline(t),
            "satisfaction": rated[t.pk][0],
            "overdue": any(selectors.task_overdue(x, day) and x.done_at is None for x in t.tasks.all()),
        }
        for t in shown
    ]
    person = _verified_person(request.user)
    communities = list(selectors.board_communities(request.user))
    return render(
        request,
        "talks/board.html",
        {
            "rows": rows,
            "page": page,
            "querystring": query.urlencode(),
            "count": page.paginator.count,
            "f": f,
            "home": home,
            "community_name": next((c.name for c in communities if c.pk == community), ""),
            "communities": communities,
            "statuses": [s for s in TopicStatus if s != TopicStatus.DRAFT],
            "measure_label": selectors.MEASURES[f.measure][0] if f.measure else "",
            "can_raise": person is not None
            and permissions.has_perm_at(request.user, policies.RAISE.name, person.community.path),
            "person": person,
            "sees_mine": policies.may_raise(request.user),
            "sees_figures": policies.sees_figures(request.user),
            "sees_queue": policies.sees_queue(request.user),
            "sees_inbox": bool(policies.liaison_departments(request.user)),
        },
    )


def _topic_form_values(request: HttpRequest) -> dict[str, Any]:
    return {
        "title": request.POST.get("title", ""),
        "description": request.POST.get("description", ""),
        "request": request.POST.get("request", ""),
        "invitee_kind": request.POST.get("invitee_kind", InviteeKind.UNDECIDED),
        "invited_leader": User.objects.filter(pk=_int(request.POST.get("invited_leader")) or 0).first(),
        "invited_department": Department.objects.filter(
            pk=_int(request.POST.get("invited_department")) or 0
        ).first(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def topic_new(request: HttpRequest) -> HttpResponse:
    """Draft a topic: the problem, what is asked, whom to invite."""
    if not policies.may_raise(request.user):
        raise Http404
    person = _verified_person(request.user)
    values: dict[str, Any] = {"invitee_kind": InviteeKind.UNDECIDED}
    if request.method == "POST":
        values = _topic_form_values(request)
        try:
            topic = services.topic_raise(actor=request.user, **values)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("草稿已保存。请检查后点击“开始征集联署”。"))
            return redirect("talk_detail", topic_id=topic.pk)
    district_id = person.community.district_id if person else None
    return render(
        request,
        "talks/form.html",
        {
            "values": values,
            "person": person,
            "leaders": _leaders(district_id),
            "departments": _departments(request.user),
            "invitee_kinds": InviteeKind.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def topic_edit(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = _get_topic(request, topic_id)
    if (
        topic.author_id != request.user.pk
        or topic.locked_at is not None
        or topic.status
        not in (
            TopicStatus.DRAFT,
            TopicStatus.SIGNING,
        )
    ):
        raise Http404
    values: dict[str, Any] = {
        "title": topic.title,
        "description": topic.description,
        "request": topic.request,
        "invitee_kind": topic.invitee_kind,
        "invited_leader": topic.invited_leader,
        "invited_department": topic.invited_department,
    }
    if request.method == "POST":
        values = _topic_form_values(request)
        try:
            services.topic_edit(actor=request.user, topic=topic, **values)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("talk_detail", topic_id=topic.pk)
    return render(
        request,
        "talks/form.html",
        {
            "topic": topic,
            "values": values,
            "person": _verified_person(request.user),
            "leaders": _leaders(topic.district_id),
            "departments": _departments(request.user),
            "invitee_kinds": InviteeKind.choices,
        },
    )


def _get_topic(request: HttpRequest, topic_id: int) -> TalkTopic:
    try:
        return policies.get_visible_topic(request.user, topic_id)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def topic_detail(request: HttpRequest, topic_id: int) -> HttpResponse:
    """A topic, the timeline of everything that happened, and what the viewer can do next."""
    if not policies.valid_id(topic_id):
        raise Http404
    topic = (
        selectors.topics_with_details(policies.topics_visible_to(request.user))
        .select_related("author_person", "merged_into")
        .filter(pk=topic_id)
        .first()
    )
    if topic is None:
        raise Http404
    user = request.user
    person = _verified_person(user)
    now = timezone.now()
    my_signature = (
        TalkSignature.objects.filter(topic=topic, person=person, withdrawn_at__isnull=True).first()
        if person
        else None
    )
    is_author = topic.author_id == getattr(user, "pk", None)
    signing_open = topic.status == TopicStatus.SIGNING and (
        topic.signing_deadline is None or now <= topic.signing_deadline
    )
    may_collect = policies.may_collect(user, topic)
    may_decide = policies.may_decide(user, topic)
    leads = policies.leads_topic(user, topic)
    is_co_signer = my_signature is not None or (person is not None and person.pk == topic.author_person_id)
    already_rated = person is not None and topic.ratings.filter(person=person).exists()
    rating_open = (
        topic.status == TopicStatus.CLOSED
        and topic.closed_at is not None
        and now
        <= topic.closed_at + datetime.timedelta(days=services.rules_for(topic.district_id).rating_window_days)
    )
    sign_state = ""
    if signing_open and not is_author:
        if my_signature is not None:
            sign_state = "signed"
        elif person is None:
            # Staff co-sign nothing themselves; a resident without verification is told how.
            is_resident = bool(permissions.scope_grants(user, policies.RAISE.name))
            sign_state = "unverified" if is_resident else ""
        elif person.community_id != topic.region_id:
            sign_state = "other_community"
        elif person.pk == topic.author_person_id:
            sign_state = "author"
        else:
            sign_state = "can_sign"
    paper_candidates: list[Person] = []
    if may_collect and signing_open:
        taken = set(
            TalkSignature.objects.filter(topic=topic, withdrawn_at__isnull=True).values_list(
                "person_id", flat=True
            )
        )
        paper_candidates = [
            p
            for p in persons_visible_to(user)
            .filter(community=topic.region, verified_at__isnull=False)
            .order_by("name")[:300]
            if p.pk not in taken and p.pk != topic.author_person_id
        ]
    counts = {
        kind: TalkSignature.objects.filter(topic=topic, withdrawn_at__isnull=True, kind=kind).count()
        for kind in SignatureKind.values
    }
    score, n_ratings = selectors.satisfaction(topic)
    day = selectors.today()
    tasks = [selectors.task_row(t, day) for t in topic.tasks.all()]
    share_url = request.build_absolute_uri(reverse("talk_detail", args=[topic.pk])) if signing_open else ""
    return render(
        request,
        "talks/detail.html",
        {
            "topic": topic,
            "events": list(topic.events.all()),
            "share_url": share_url,
            "share_qr": _qr_svg(share_url, topic.title) if share_url else "",
            "tasks": tasks,
            "is_author": is_author,
            "sign_state": sign_state,
            "signing_open": signing_open,
            "my_signature": my_signature,
            "may_collect": may_collect,
            "may_decide": may_decide,
            "leads": leads,
            "may_rate": rating_open and is_co_signer and not already_rated,
            "already_rated": already_rated,
            "satisfaction": score,
            "n_ratings": n_ratings,
            "counts": counts,
            "paper_candidates": paper_candidates,
            "leaders": _leaders(topic.district_id) if may_decide else [],
            "departments": _departments(user) if (may_decide or leads) else [],
            "merge_targets": list(
                policies.topics_visible_to(user)
                .filter(
                    district_id=topic.district_id,
                    status__in=[TopicStatus.SUBMITTED, TopicStatus.ACCEPTED, TopicStatus.SCHEDULED],
                )
                .exclude(pk=topic.pk)
                .order_by("-id")[:50]
            )
            if may_decide
            else [],
            "commitment_rows": range(5),
            "threshold_left": max(0, topic.signature_threshold - topic.signature_count),
        },
    )


def _qr_svg(url: str, title: str) -> SafeString:
    """The QR code of ``url`` as inline SVG markup (no script, no style attribute: CSP-safe)."""
    qr = segno.make(url, error="m")
    return mark_safe(qr.svg_inline(scale=1, border=2, omitsize=True, title=title, svgclass="qr-code"))  # noqa: S308


@login_required
@require_GET
def topic_poster(request: HttpRequest, topic_id: int) -> HttpResponse:
    """A printable A4 poster for the notice board while a topic collects signatures: title, how
    many co-signers it needs, the deadline and a QR code to the topic page."""
    topic = _get_topic(request, topic_id)
    now = timezone.now()
    if topic.status != TopicStatus.SIGNING or (topic.signing_deadline and now > topic.signing_deadline):
        raise Http404
    url = request.build_absolute_uri(reverse("talk_detail", args=[topic.pk]))
    return render(
        request,
        "talks/poster.html",
        {
            "topic": topic,
            "url": url,
            "qr": _qr_svg(url, topic.title),
            "threshold_left": max(0, topic.signature_threshold - topic.signature_count),
        },
    )


def _commitments(request: HttpRequest) -> list[services.Commitment]:
    titles = request.POST.getlist("c_title")
    deadlines = request.POST.getlist("c_deadline")
    departments = request.POST.getlist("c_department")
    weights = request.POST.getlist("c_weight")
    result = []
    for i, title in enumerate(titles):
        if not title.strip():
            continue
        deadline = parse_date(deadlines[i] if i < len(deadlines) else "")
        if deadline is None:
            raise InvalidInput(_("请为每项承诺填写完成期限。"), field="commitments")
        department = Department.objects.filter(
            pk=_int(departments[i] if i < len(departments) else "") or 0
        ).first()
        weight = _int(weights[i] if i < len(weights) else "") or 1
        result.append(
            services.Commitment(title=title, deadline=deadline, lead_department=department, weight=weight)
        )
    return result


def _parse_local_datetime(value: str) -> datetime.datetime | None:
    parsed = parse_datetime(value or "")
    if parsed is None:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@login_required
@require_POST
def topic_action(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Every button of the topic page posts here with ``action``; the service decides."""
    topic = _get_topic(request, topic_id)
    user = request.user
    action = request.POST.get("action", "")
    done = _("已完成。")
    try:
        if action == "open":
            services.topic_open(actor=user, topic=topic)
            done = _("已开始征集联署。请邀请本社区居民联署。")
        elif action == "sign":
            services.topic_sign(actor=user, topic=topic)
            done = _("联署成功，谢谢您！")
        elif action == "withdraw":
            services.signature_withdraw(actor=user, topic=topic)
            done = _("已撤回您的联署。")
        elif action == "paper":
            ids = [i for i in (_int(v) for v in request.POST.getlist("person_ids")) if i]
            persons = list(persons_visible_to(user).filter(pk__in=ids, community=topic.region))
            n = services.topic_sign_on_paper(actor=user, topic=topic, persons=persons)
            done = _("已录入纸质联署 %(n)s 份。") % {"n": n}
        elif action == "addendum":
            services.topic_add_addendum(actor=user, topic=topic, text=request.POST.get("text", ""))
            done = _("补充说明已公开。")
        elif action == "submit":
            services.topic_submit(actor=user, topic=topic, comment=request.POST.get("comment", ""))
            done = _("已报送区委组织部。")
        elif action == "accept":
            services.topic_accept(actor=user, topic=topic)
            done = _("已受理。下一步：安排约谈。")
        elif action == "decline":
            services.topic_decline(actor=user, topic=topic, reason=request.POST.get("reason", ""))
            done = _("已作出不予受理决定，理由已公开。")
        elif action == "merge":
            into = _get_topic(request, _int(request.POST.get("into")) or 0)
            services.topic_merge(actor=user, topic=topic, into=into)
            done = _("已合并，联署居民已转入。")
        elif action == "schedule":
            talk_at = _parse_local_datetime(request.POST.get("talk_at", ""))
            if talk_at is None:
                raise InvalidInput(_("请填写约谈时间。"), field="talk_at")
            services.topic_schedule(
                actor=user,
                topic=topic,
                talk_at=talk_at,
                place=request.POST.get("place", ""),
                leader=User.objects.filter(pk=_int(request.POST.get("leader")) or 0).first(),
                departments=list(
                    Department.objects.filter(pk__in=[_int(v) for v in request.POST.getlist("departments")])
                ),
            )
            done = _("约谈已安排，已通知联署居民。")
        elif action == "record":
            services.topic_record_talk(
                actor=user,
                topic=topic,
                minutes=request.POST.get("minutes", ""),
                commitments=_commitments(request),
            )
            done = _("约谈纪要和任务已公开，已通知相关部门认领。")
        elif action == "rate":
            services.topic_rate(
                actor=user,
                topic=topic,
                score=_int(request.POST.get("score")) or 0,
                comment=request.POST.get("comment", ""),
            )
            done = _("谢谢您的评价！")
        else:
            raise InvalidInput(_("未知的操作。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("talk_detail", topic_id=topic.pk)


@login_required
@require_GET
def task_inbox(request: HttpRequest) -> HttpResponse:
    """The department's inbox: tasks to claim, tasks it carries (each with a progress form that
    starts at the task's current state), and finished tasks a page at a time."""
    if not (permissions.is_global(request.user) or policies.liaison_departments(request.user)):
        raise Http404
    day = selectors.today()
    # ?overdue=1: the home page's "overdue tasks", filtered in the database
    groups = selectors.inbox(request.user, overdue_on=day if request.GET.get("overdue") == "1" else None)
    done_page = Paginator(groups["done"], 20).get_page(request.GET.get("page"))
    departments = Department.objects.filter(pk__in=policies.liaison_departments(request.user))
    # One inbox per department: the service desk's requests routed to it are listed here too.
    from community365.desk.selectors import department_open_requests

    desk_requests, desk_count = department_open_requests(request.user)
    # … and the cases' referrals (a consultation or a mediation referred to the department).
    from community365.cases.selectors import department_open_referrals

    case_referrals, case_referral_count = department_open_referrals(request.user)
    return render(
        request,
        "talks/inbox.html",
        {
            "desk_requests": desk_requests,
            "desk_count": desk_count,
            "case_referrals": case_referrals,
            "case_referral_count": case_referral_count,
            "to_claim": [selectors.task_row(t, day) for t in groups["to_claim"]],
            "carrying": [selectors.task_row(t, day) for t in groups["carrying"]],
            "done": [selectors.task_row(t, day) for t in done_page.object_list],
            "done_page": done_page,
            "departments": departments,
            "statuses": list(TaskStatus),
            "percents": {s.value: services.status_percent(s) for s in TaskStatus},
        },
    )


@login_required
@require_POST
def task_action(request: HttpRequest, task_id: int) -> HttpResponse:
    user = request.user
    try:
        task = policies.get_actionable_task(user, task_id)
    except NotFound:
        raise Http404 from None
    action = request.POST.get("action", "")
    back = request.POST.get("back") == "topic"
    try:
        if action == "claim":
            services.task_claim(actor=user, task=task)
            messages.success(request, _("已认领。请按期报告进展。"))
        elif action == "progress":
            percent = request.POST.get("percent", "").strip()
            if percent and not (percent.isdigit() and len(percent) <= 3):
                raise InvalidInput(_("进度须为 0–100 之间的整数。"), field="percent")
            services.task_progress(
                actor=user,
                task=task,
                status=request.POST.get("status", ""),
                percent=int(percent) if percent else None,
                note=request.POST.get("note", ""),
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("进展已公开。"))
        elif action == "assign":
            department = Department.objects.filter(pk=_int(request.POST.get("department")) or 0).first()
            if department is None:
                raise InvalidInput(_("请选择承办部门。"), field="department")
            services.task_assign(actor=user, task=task, department=department)
            messages.success(request, _("已指派。"))
        else:
            raise InvalidInput(_("未知的操作。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    if back:
        return redirect("talk_detail", topic_id=task.topic_id)
    return redirect("talk_task_inbox")


@login_required
@require_GET
def org_queue(request: HttpRequest) -> HttpResponse:
    """The organisation department's queue: to accept, to schedule, upcoming talks, overdue."""
    if not policies.sees_queue(request.user):
        raise Http404
    return render(request, "talks/queue.html", {"queue": selectors.topics_for_org_queue(request.user)})


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    if not policies.sees_figures(request.user):
        raise Http404
    by = request.GET.get("by", "community")
    if by not in selectors.GROUPS:
        by = "community"
    period = charts.period_from(request.GET)
    rows, total = selectors.figures(request.user, by, period)
    trend = selectors.figures_trend(request.user, period)
    return render(
        request,
        "talks/figures.html",
        {
            "rows": rows,
            "total": total,
            "by": by,
            "groups": selectors.GROUPS,
            "group_label": selectors.GROUPS[by],
            "period": period,
            "keep": {"by": by},
            "period_query": period.querystring(),
            "charts": figure_charts(rows, total, trend, by, period),
        },
    )


def figure_charts(
    rows: list[selectors.FigureRow],
    total: selectors.FigureRow,
    trend: list[selectors.TrendPoint],
    by: str,
    period: charts.Period,
) -> list[dict[str, Any]]:
    """The figures page's charts, drawn from the table's own rows; each point opens the board
    filtered to the topics behind it."""
    from django.urls import reverse

    board_url = reverse("talk_board")

    def drill(measure: str, key: int | None = None, **when: str) -> str:
        group = {by: key} if key is not None else {}
        return charts.with_params(board_url, **group, measure=measure, **(when or period.params()))

    out = [
        charts.line_chart(
            "talk-trend",
            title=_("每月点题"),
            months=[p.month for p in trend],
            lines=[
                charts.series(
                    label,
                    [getattr(p, key) for p in trend],
                    [drill(key, None, **charts.month_period_params(p.month)) for p in trend],
                )
                for key, label in (("raised", _("点题")), ("accepted", _("受理")), ("closed", _("办结")))
            ],
        )
    ]
    if rows:
        shown = charts.top_rows(rows, lambda r: r.raised)
        names, bars = charts.rows_to_bars(
            shown,
            name=lambda r: r.name,
            measures=[(_("点题"), lambda r: r.raised, lambda r: drill("raised", r.key))],
        )
        out.append(
            charts.bar_chart(
                "talk-raised",
                title=charts.top_title(
                    _("按%(group)s：点题数") % {"group": selectors.GROUPS[by]}, len(shown), len(rows)
                ),
                categories=names,
                bars=bars,
                average=total.raised / len(rows),
                average_label=_("平均"),
            )
        )
        rated = [r for r in rows if r.carried_out is not None or r.overdue_share is not None]
        shown = charts.top_rows(rated, lambda r: r.accepted + r.tasks)  # the busiest groups
        names, bars = charts.rows_to_bars(
            shown,
            name=lambda r: r.name,
            measures=[
                (_("办结率"), lambda r: r.carried_out, lambda r: drill("closed", r.key)),
                (_("任务超期率"), lambda r: r.overdue_share, lambda r: drill("overdue", r.key)),
            ],
        )
        if rated:
            out.append(
                charts.bar_chart(
                    "talk-rates",
                    title=charts.top_title(
                        _("按%(group)s：办结率与任务超期率（%%）") % {"group": selectors.GROUPS[by]},
                        len(shown),
                        len(rated),
                    ),
                    categories=names,
                    bars=bars,
                    average=total.carried_out,
                    average_label=_("全区办结率"),
                    percent=True,
                )
            )
    return out


@login_required
@require_GET
def figures_xlsx(request: HttpRequest) -> HttpResponse:
    if not policies.sees_figures(request.user):
        raise Http404
    by = request.GET.get("by", "community")
    if by not in selectors.GROUPS:
        by = "community"
    period = charts.period_from(request.GET)
    rows, total = selectors.figures(request.user, by, period)
    header = [selectors.GROUPS[by]] + [label for _key, label in selectors.FIGURE_COLUMNS]
    body = [
        [row.name] + [getattr(row, key) for key, _label in selectors.FIGURE_COLUMNS] for row in [*rows, total]
    ]
    notes = [_("口径见 docs/talks.md；只统计您可见的点题（不含草稿）。")]
    if period.is_set:
        notes.append(
            _("时间段：%(start)s 至 %(end)s 点题的。")
            % {"start": period.first_month or "…", "end": period.last_month or "…"}
        )
    return exports.xlsx_response(f"talks-figures-{by}.xlsx", str(_("双向约谈")), header, body, notes=notes)

"""Pages of 党建责任制: the to-do page, special talks, supervision notices with replies, analyses,
the year's assessment (results with the formula, a community's reviews) and their exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community365.core import exports
from community365.core.errors import DomainError, InvalidInput, NotFound
from community365.regions.models import Region

from . import policies, selectors, services
from .models import (
    Assessment,
    AssessmentStatus,
    Commitment,
    Grade,
    NoticeReply,
    NoticeStatus,
    Objection,
    ReplyStatus,
)


def _numbered_rows(post: Any, prefix: str, count: int) -> list[tuple[str, str]]:
    """The (text, deadline) pairs a form sends as ``<prefix><n>_text`` / ``<prefix><n>_deadline``
    for n = 1 … count, skipping rows left empty."""
    return [
        (post.get(f"{prefix}{n}_text", ""), post.get(f"{prefix}{n}_deadline", ""))
        for n in range(1, count + 1)
        if post.get(f"{prefix}{n}_text") or post.get(f"{prefix}{n}_deadline")
    ]


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= policies.MAX_ID else None


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return encoded + "&" if encoded else ""


def _visible(getter: Any, user: Any, pk: Any) -> Any:
    try:
        return getter(user, pk)
    except NotFound as exc:
        raise Http404 from exc


def _any_access(user: Any) -> bool:
    return policies.may_view_notices(user) or policies.may_review(user) or policies.may_read_analyses(user)


# --- to-do --------------------------------------------------------------------------------------
@login_required
@require_GET
def todo(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _any_access(user):
        raise Http404
    return render(
        request,
        "supervision/todo.html",
        {
            "to_answer": list(selectors.items_to_answer(user)[:100]),
            "commitments": list(selectors.commitments_due(user)[:100]),
            "to_decide": list(selectors.replies_to_decide(user)[:100]),
            "objections": list(selectors.objections_open(user)[:100]),
            "overdue": list(selectors.overdue_commitments(user)[:100]),
            "may_start": policies.may_start(user),
            "may_issue": policies.may_issue(user),
        },
    )


# --- special talks ------------------------------------------------------------------------------
@login_required
@require_GET
def talk_list(request: HttpRequest) -> HttpResponse:
    if not policies.may_view(request.user):
        raise Http404
    filters = {
        "community": _int(request.GET.get("community")),
        "open_only": request.GET.get("open") == "1",
        "q": request.GET.get("q", "")[:40],
    }
    qs = selectors.talk_list(request.user, **filters)  # type: ignore[arg-type]
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/talks.html",
        {
            "page": page,
            "query": _query(request),
            "filters": filters,
            "communities": policies.communities_visible_to(request.user).order_by("path").only("id", "name"),
            "may_start": policies.may_start(request.user),
        },
    )


@login_required
@require_GET
def talks_xlsx(request: HttpRequest) -> HttpResponse:
    if not policies.may_view(request.user):
        raise Http404
    rows = (
        Commitment.objects.filter(talk__in=policies.talks_visible_to(request.user))
        .select_related("talk", "region")
        .order_by("-talk__held_on", "talk_id", "deadline", "id")
    )

    def lines() -> Any:
        for c in rows.iterator(chunk_size=500):
            yield [
                c.region.name,
                c.talk.held_on,
                c.talk.secretary_name,
                c.talk.period,
                c.talk.score,
                c.talk.rank,
                c.text,
                c.deadline,
                c.done_at,
                c.evidence,
                _("逾期") if c.is_overdue else "",
            ]

    header = [
        _("社区"),
        _("约谈日期"),
        _("约谈对象"),
        _("依据期间"),
        _("依据得分"),
        _("依据名次"),
        _("承诺事项"),
        _("完成期限"),
        _("完成时间"),
        _("完成情况与佐证"),
        _("逾期"),
    ]
    return exports.xlsx_response("special-talks.xlsx", _("专项约谈"), header, lines())


@login_required
@require_http_methods(["GET", "POST"])
def talk_new(request: HttpRequest) -> HttpResponse:
    if not policies.may_start(request.user):
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    community = None
    if source.get("community"):
        community = _visible(policies.get_visible_community, request.user, _int(source.get("community")))
    if request.method == "POST":
        commitments = _numbered_rows(request.POST, "c", 5)
        try:
            if community is None:
                raise InvalidInput(_("请选择社区。"), field="community")
            talk = services.talk_start(
                actor=request.user,
                community=community,
                held_on=request.POST.get("held_on", ""),
                points=request.POST.get("points", ""),
                period=request.POST.get("period", ""),
                commitments=commitments,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("约谈已记录，已通知社区书记。"))
            return redirect("sup_talk", talk.pk)
    return render(
        request,
        "supervision/talk_new.html",
        {
            "community": community,
            "communities": policies.communities_visible_to(request.user).order_by("path")
            if community is None
            else [],
            "period": source.get("period", "")[:10],
            "today": timezone.localdate(),
            "rows": range(1, 4),
            "post": request.POST,
        },
    )


@login_required
@require_GET
def talk_detail(request: HttpRequest, talk_id: int) -> HttpResponse:
    talk = _visible(policies.get_visible_talk, request.user, talk_id)
    user = request.user
    return render(
        request,
        "supervision/talk.html",
        {
            "talk": talk,
            "commitments": list(talk.commitments.all()),
            "may_add": policies.may_start_at(user, talk.district),
            "may_answer": policies.may_answer(user)
            and bool(policies.permissions.grant_for(user, policies.ANSWER.name, talk.region.path)),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def talk_action(request: HttpRequest, talk_id: int, action: str) -> HttpResponse:
    if action not in ("commit", "done"):
        raise Http404
    talk = _visible(policies.get_visible_talk, request.user, talk_id)
    try:
        if action == "commit":
            services.commitment_add(
                actor=request.user,
                talk=talk,
                text=request.POST.get("text", ""),
                deadline=request.POST.get("deadline", ""),
            )
        else:
            commitment = talk.commitments.filter(pk=_int(request.POST.get("commitment")) or 0).first()
            if commitment is None:
                raise InvalidInput(_("这项承诺不属于本次约谈。"), field="commitment")
            services.commitment_done(
                actor=request.user,
                commitment=commitment,
                evidence=request.POST.get("evidence", ""),
                evidence_file=request.FILES.get("evidence_file"),
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("sup_talk", talk.pk)


@login_required
@require_GET
def commitment_evidence(request: HttpRequest, commitment_id: int) -> HttpResponseBase:
    c = Commitment.objects.filter(pk=commitment_id).only("id", "talk_id", "evidence_file").first()
    if c is None or not c.evidence_file:
        raise Http404
    _visible(policies.get_visible_talk, request.user, c.talk_id)
    return FileResponse(c.evidence_file.open("rb"), content_type="image/jpeg")


# --- notices ------------------------------------------------------------------------------------
@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    if not policies.may_view_notices(request.user):
        raise Http404
    filters = {
        "status": request.GET.get("status", "")[:10],
        "community": _int(request.GET.get("community")),
        "q": request.GET.get("q", "")[:40],
    }
    qs = selectors.notice_list(request.user, **filters)  # type: ignore[arg-type]
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/notices.html",
        {
            "page": page,
            "query": _query(request),
            "filters": filters,
            "statuses": NoticeStatus.choices,
            "communities": policies.communities_visible_to(request.user).order_by("path").only("id", "name"),
            "may_issue": policies.may_issue(request.user),
        },
    )


@login_required
@require_GET
def notices_xlsx(request: HttpRequest) -> HttpResponse:
    if not policies.may_view_notices(request.user):
        raise Http404
    notices = policies.notices_visible_to(request.user)
    replies = (
        NoticeReply.objects.filter(notice__in=notices)
        .filter(
            policies.permissions.path_q(
                policies.permissions.scope_paths(request.user, policies.VIEW_NOTICES.name)
            )
        )
        .select_related("notice", "item", "region")
        .order_by("-notice__issued_at", "notice_id", "item__number", "region_id", "attempt")
    )

    def lines() -> Any:
        for r in replies.iterator(chunk_size=500):
            yield [
                r.notice.title,
                r.item.number,
                r.item.text,
                r.item.deadline,
                r.region.name,
                r.attempt,
                r.text,
                r.link,
                r.get_status_display(),
                r.reason,
                r.submitted_at,
                r.decided_at,
            ]

    header = [
        _("通报"),
        _("序号"),
        _("整改事项"),
        _("整改期限"),
        _("社区"),
        _("第几次答复"),
        _("整改情况"),
        _("佐证链接"),
        _("状态"),
        _("退回理由"),
        _("答复时间"),
        _("审核时间"),
    ]
    return exports.xlsx_response("supervision-replies.xlsx", _("督查通报答复"), header, lines())


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest) -> HttpResponse:
    if not policies.may_issue(request.user):
        raise Http404
    visible = policies.communities_visible_to(request.user).filter(
        policies.permissions.path_q(
            policies.permissions.scope_paths(request.user, policies.ISSUE.name), "path"
        )
    )
    source = request.POST if request.method == "POST" else request.GET
    chosen_ids = [i for i in (_int(v) for v in source.getlist("community")) if i]
    if request.method == "POST":
        items = _numbered_rows(request.POST, "i", 8)
        chosen = list(visible.filter(pk__in=chosen_ids))
        try:
            if len(chosen) != len(set(chosen_ids)) or not chosen:
                raise InvalidInput(_("请选择您可以下发通报的社区。"), field="community")
            notice = services.notice_issue(
                actor=request.user,
                communities=chosen,
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
                items=items,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("通报已下发，已通知各社区书记。"))
            return redirect("sup_notice", notice.pk)
    return render(
        request,
        "supervision/notice_new.html",
        {
            "communities": visible.order_by("path"),
            "chosen": set(chosen_ids),
            "rows": range(1, 6),
            "post": request.POST,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = request.user
    notice = _visible(policies.get_visible_notice, user, notice_id)
    recipients = list(policies.recipients_visible_to(user, notice))
    community_ids = [r.region_id for r in recipients]
    items = list(notice.items.all())
    replies = list(
        notice.replies.filter(region_id__in=community_ids).order_by("item__number", "region__path", "attempt")
    )
    try:
        policies.require_decide_notice(user, notice)
        may_decide = True
    except DomainError:
        may_decide = False
    answering = [
        r.region
        for r in recipients
        if policies.permissions.grant_for(user, policies.ANSWER.name, r.region.path)
    ]
    blocks = []
    for recipient in recipients:
        rows = []
        for item in items:
            mine = [r for r in replies if r.item_id == item.pk and r.region_id == recipient.region_id]
            live = any(r.status in (ReplyStatus.SUBMITTED, ReplyStatus.ACCEPTED) for r in mine)
            rows.append(
                {
                    "item": item,
                    "replies": mine,
                    "may_reply": notice.status == NoticeStatus.OPEN
                    and not live
                    and recipient.region in answering,
                }
            )
        blocks.append({"community": recipient.region, "rows": rows})
    return render(
        request,
        "supervision/notice.html",
        {
            "notice": notice,
            "items": items,
            "blocks": blocks,
            "may_decide": may_decide,
            "open": notice.status == NoticeStatus.OPEN,
        },
    )


@login_required
@require_POST
def notice_action(request: HttpRequest, notice_id: int, action: str) -> HttpResponse:
    if action not in ("reply", "accept", "return", "close"):
        raise Http404
    user = request.user
    notice = _visible(policies.get_visible_notice, user, notice_id)
    try:
        if action == "reply":
            item = notice.items.filter(pk=_int(request.POST.get("item")) or 0).first()
            community = notice.recipients.filter(region_id=_int(request.POST.get("community")) or 0).first()
            if item is None or community is None:
                raise InvalidInput(_("请选择本通报的整改事项和社区。"), field="item")
            services.reply_submit(
                actor=user,
                item=item,
                community=community.region,
                text=request.POST.get("text", ""),
                link=request.POST.get("link", ""),
                evidence=request.FILES.get("evidence"),
            )
        elif action in ("accept", "return"):
            reply = notice.replies.filter(pk=_int(request.POST.get("reply")) or 0).first()
            if reply is None:
                raise InvalidInput(_("没有这条答复。"), field="reply")
            services.reply_decide(
                actor=user, reply=reply, accept=action == "accept", reason=request.POST.get("reason", "")
            )
        else:
            services.notice_close(actor=user, notice=notice)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("sup_notice", notice.pk)


@login_required
@require_GET
def reply_evidence(request: HttpRequest, reply_id: int) -> HttpResponseBase:
    reply = NoticeReply.objects.filter(pk=reply_id).only("id", "notice_id", "region_id", "evidence").first()
    if reply is None or not reply.evidence:
        raise Http404
    notice = _visible(policies.get_visible_notice, request.user, reply.notice_id)
    if not policies.recipients_visible_to(request.user, notice).filter(region_id=reply.region_id).exists():
        raise Http404
    return FileResponse(reply.evidence.open("rb"), content_type="image/jpeg")


# --- analyses -----------------------------------------------------------------------------------
@login_required
@require_GET
def analysis_list(request: HttpRequest) -> HttpResponse:
    if not policies.may_read_analyses(request.user):
        raise Http404
    qs = policies.analyses_visible_to(request.user).order_by("-created_at", "-id")
    page = Paginator(
        qs.only("id", "title", "topic", "period", "created_at", "written_by_label"), 30
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/analyses.html",
        {"page": page, "query": _query(request), "may_start": policies.may_start(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def analysis_new(request: HttpRequest) -> HttpResponse:
    from community365.benchmarking.models import ScoreRun

    user = request.user
    if not policies.may_start(user):
        raise Http404
    district = (
        Region.objects.filter(
            pk__in=[g.district_id for g in policies.permissions.scope_grants(user, policies.START.name)]
        )
        .order_by("pk")
        .first()
        if not policies.permissions.is_global(user)
        else Region.objects.filter(kind="district").order_by("pk").first()
    )
    if district is None:
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    runs = list(ScoreRun.objects.filter(district=district, complete=True).order_by("-start", "kind")[:40])
    period = source.get("period", "")[:10] or (runs[0].key if runs else "")
    run = next((r for r in runs if r.key == period), None)
    leaves = list(run.tree.nodes.filter(children__isnull=True).order_by("order", "id")) if run else []
    communities = Region.objects.filter(district=district, kind="community").order_by("path")
    chosen_ids = {i for i in (_int(v) for v in source.getlist("community")) if i}
    chosen_codes = set(source.getlist("indicator"))
    if request.method == "POST":
        try:
            analysis = services.analysis_write(
                actor=user,
                district=district,
                title=request.POST.get("title", ""),
                topic=request.POST.get("topic", ""),
                body=request.POST.get("body", ""),
                period=period,
                communities=list(communities.filter(pk__in=chosen_ids)),
                indicator_codes=request.POST.getlist("indicator")[:50],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("分析已保存，附表数据已固定。"))
            return redirect("sup_analysis", analysis.pk)
    return render(
        request,
        "supervision/analysis_new.html",
        {
            "runs": runs,
            "period": period,
            "leaves": leaves,
            "communities": communities,
            "chosen": chosen_ids,
            "chosen_codes": chosen_codes,
            "post": request.POST,
        },
    )


@login_required
@require_GET
def analysis_detail(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = _visible(policies.get_visible_analysis, request.user, analysis_id)
    from community365.core import indicators as registry

    figures = analysis.figures or {}
    indicators = []
    for entry in figures.get("indicators", []):
        known = registry.REGISTRY.get(entry.get("provider") or "")
        # a registered indicator reads in the reader's language; a district's own as written
        indicators.append(
            {
                **entry,
                "label": str(known.label) if known else entry.get("label", ""),
                "unit": str(known.unit) if known else entry.get("unit", ""),
                "own_words": known is None,
            }
        )
    rows = [
        {**row, "cells": [row.get("values", {}).get(i["code"]) for i in indicators]}
        for row in figures.get("rows", [])
    ]
    return render(
        request, "supervision/analysis.html", {"analysis": analysis, "indicators": indicators, "rows": rows}
    )


# --- assessments --------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def assessment_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (policies.may_view(user) or policies.may_review(user)):
        raise Http404
    may_start = policies.may_start(user)
    if request.method == "POST":
        if not may_start:
            raise Http404
        district = (
            Region.objects.filter(
                pk__in=[g.district_id for g in policies.permissions.scope_grants(user, policies.START.name)]
            )
            .order_by("pk")
            .first()
        )
        try:
            if district is None:
                raise InvalidInput(_("请从所在区的账号建立考评。"))
            assessment = services.assessment_create(
                actor=user,
                district=district,
                year=_int(request.POST.get("year")) or 0,
                review_weight=request.POST.get("review_weight", ""),
                excellent_min=request.POST.get("excellent_min", ""),
                good_min=request.POST.get("good_min", ""),
                fair_min=request.POST.get("fair_min", ""),
                min_reviews=_int(request.POST.get("min_reviews")) or 0,
                trim_from=_int(request.POST.get("trim_from")) or 0,
                objection_days=_int(request.POST.get("objection_days")) or 0,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("考评已建立，可以开始述职评议。"))
            return redirect("sup_assessment", assessment.pk)
    return render(
        request,
        "supervision/assessments.html",
        {
            "assessments": list(policies.assessments_visible_to(user).order_by("-year")[:30]),
            "may_start": may_start,
            "year": timezone.localdate().year - 1,
            "post": request.POST,
        },
    )


def _assessment_context(request: HttpRequest, assessment: Assessment) -> dict[str, Any]:
    user = request.user
    rows = selectors.assessment_rows(user, assessment)
    published = assessment.status == AssessmentStatus.PUBLISHED
    answering = {
        r.community.pk
        for r in rows
        if policies.permissions.grant_for(user, policies.ANSWER.name, r.community.path)
    }
    deadline = assessment.objection_deadline
    objections = (
        Objection.objects.filter(assessment=assessment).select_related("region").order_by("-at", "-id")
    )
    if not policies.sees_all_results(user, assessment):
        objections = objections.filter(region__in=policies.communities_visible_to(user))
    may_review = (
        not published
        and policies.may_review(user)
        and any(
            g.district_id == assessment.district_id
            for g in policies.permissions.scope_grants(user, policies.REVIEW.name)
        )
    )
    return {
        "assessment": assessment,
        "rows": rows,
        "published": published,
        "sees_all": policies.sees_all_results(user, assessment),
        "may_start": policies.may_start_at(user, assessment.district),
        "may_review": may_review,
        "may_object": published
        and bool(answering)
        and deadline is not None
        and timezone.localdate() <= deadline,
        "answering": answering,
        "deadline": deadline,
        "objections": list(objections[:50]),
        "grades": Grade.choices,
        "weight_pct": int(assessment.review_weight * 100),
        "score_pct": 100 - int(assessment.review_weight * 100),
    }


@login_required
@require_GET
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _visible(policies.get_visible_assessment, request.user, assessment_id)
    return render(request, "supervision/assessment.html", _assessment_context(request, assessment))


@login_required
@require_GET
def assessment_xlsx(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _visible(policies.get_visible_assessment, request.user, assessment_id)
    rows = selectors.assessment_rows(request.user, assessment)
    header = [
        _("名次"),
        _("社区"),
        _("对标年度得分"),
        _("评议人数"),
        _("评议得分"),
        _("综合得分"),
        _("等级"),
        _("版本"),
    ]
    lines = [
        [
            r.rank,
            r.community.name,
            r.score,
            r.review_count,
            r.review_mean,
            r.total,
            str(Grade(r.grade).label) if r.grade else "",
            r.version,
        ]
        for r in rows
    ]
    notes = [
        _("综合得分 = 对标年度得分 × %(a)s%% + 述职评议得分 × %(b)s%%")
        % {"a": 100 - int(assessment.review_weight * 100), "b": int(assessment.review_weight * 100)},
        _("述职评议得分：评议人数达到 %(n)s 人时去掉一个最高分和一个最低分后取平均。")
        % {"n": assessment.trim_from},
    ]
    return exports.xlsx_response(
        f"assessment-{assessment.year}.xlsx",
        _("量化考评 %(year)s") % {"year": assessment.year},
        header,
        lines,
        notes,
    )


@login_required
@require_GET
def assessment_community(request: HttpRequest, assessment_id: int, community_id: int) -> HttpResponse:
    user = request.user
    assessment = _visible(policies.get_visible_assessment, user, assessment_id)
    if policies.sees_all_results(user, assessment):
        community = Region.objects.filter(
            pk=community_id, kind="community", district_id=assessment.district_id
        ).first()
        if community is None:
            raise Http404
    else:
        community = _visible(policies.get_visible_community, user, community_id)
        if assessment.status != AssessmentStatus.PUBLISHED:
            raise Http404
    return render(
        request,
        "supervision/assessment_community.html",
        {
            "assessment": assessment,
            "community": community,
            "reviews": selectors.community_reviews(user, assessment, community),
            "history": selectors.result_history(assessment, community),
            "objections": list(
                Objection.objects.filter(assessment=assessment, region=community).order_by("-at", "-id")
            ),
        },
    )


@login_required
@require_POST
def assessment_action(request: HttpRequest, assessment_id: int, action: str) -> HttpResponse:
    if action not in ("review", "publish", "object", "decide"):
        raise Http404
    user = request.user
    assessment = _visible(policies.get_visible_assessment, user, assessment_id)
    post = request.POST
    try:
        if action == "review":
            community = Region.objects.filter(
                pk=_int(post.get("community")) or 0, kind="community", district_id=assessment.district_id
            ).first()
            if community is None:
                raise InvalidInput(_("请选择本区的社区。"), field="community")
            services.review_submit(
                actor=user,
                assessment=assessment,
                community=community,
                score=post.get("score", ""),
                comment=post.get("comment", ""),
            )
        elif action == "publish":
            services.assessment_publish(actor=user, assessment=assessment)
        elif action == "object":
            community = _visible(policies.get_visible_community, user, _int(post.get("community")))
            services.objection_raise(
                actor=user, assessment=assessment, community=community, text=post.get("text", "")
            )
        else:
            objection = assessment.objections.filter(pk=_int(post.get("objection")) or 0).first()
            if objection is None:
                raise InvalidInput(_("没有这条异议。"), field="objection")
            services.objection_decide(
                actor=user,
                objection=objection,
                uphold=post.get("decision") == "uphold",
                reason=post.get("reason", ""),
                score=post.get("score") or None,
                review_mean=post.get("review_mean") or None,
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("sup_assessment", assessment.pk)

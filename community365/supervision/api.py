"""/api/v1/supervision/… — special talks, supervision notices (with a community's reply), the
year's assessments (with a community's objection). Access as on the pages (policies.py); what is
not visible is 404. Evidence photos are uploaded on the pages; the API takes a link."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from community365.core.api import ErrorOut, Id, PageParams, paginate
from community365.core.errors import InvalidInput, NotFound

from . import policies, selectors, services
from .models import AssessmentStatus, NoticeReply, Objection

router = Router(tags=["supervision"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut}


class SupervisionCommitmentOut(Schema):
    id: int
    text: str
    deadline: datetime.date
    done_at: datetime.datetime | None
    evidence: str
    overdue: bool


class SupervisionTalkOut(Schema):
    id: int
    community_id: int
    community: str
    held_on: datetime.date
    secretary: str
    period: str = Field(..., description="the benchmarking period the talk started from, or empty")
    score: Decimal | None
    rank: int | None


class SupervisionTalkDetailOut(SupervisionTalkOut):
    points: str
    commitments: list[SupervisionCommitmentOut]


class SupervisionTalkPage(Schema):
    items: list[SupervisionTalkOut]
    count: int


class SupervisionTalkFilter(Schema):
    community: int | None = Field(None, ge=1, le=policies.MAX_ID)
    open: bool = Field(False, description="only talks with commitments not done")


class SupervisionItemOut(Schema):
    id: int
    number: int
    text: str
    deadline: datetime.date


class SupervisionReplyOut(Schema):
    id: int
    item_id: int
    community_id: int
    attempt: int
    text: str
    link: str
    has_evidence: bool
    status: str = Field(..., description="submitted, accepted or returned")
    reason: str
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None


class SupervisionNoticeOut(Schema):
    id: int
    title: str
    issuer: str
    status: str = Field(..., description="open or closed")
    issued_at: datetime.datetime


class SupervisionRecipientOut(Schema):
    community_id: int
    community: str


class SupervisionNoticeDetailOut(SupervisionNoticeOut):
    body: str
    items: list[SupervisionItemOut]
    communities: list[SupervisionRecipientOut]
    replies: list[SupervisionReplyOut]


class SupervisionNoticePage(Schema):
    items: list[SupervisionNoticeOut]
    count: int


class SupervisionNoticeFilter(Schema):
    status: str = Field("", pattern=r"^(open|closed)?$")


class SupervisionReplyIn(Schema):
    item_id: Id
    community_id: Id
    text: str = Field(..., min_length=2, max_length=2000)
    link: str = Field("", max_length=200, description="http(s) link to the evidence, or empty")


class SupervisionAssessmentOut(Schema):
    id: int
    year: int
    status: str = Field(..., description="draft (in review) or published")
    review_weight: Decimal
    excellent_min: Decimal
    good_min: Decimal
    fair_min: Decimal
    trim_from: int = Field(
        ..., description="with this many reviews or more, the highest and lowest are dropped"
    )
    min_reviews: int
    published_at: datetime.datetime | None
    objection_deadline: datetime.date | None


class SupervisionResultOut(Schema):
    community_id: int
    community: str
    rank: int | None
    score: Decimal | None
    review_count: int
    review_mean: Decimal | None
    total: Decimal | None
    grade: str
    version: int


class SupervisionAssessmentDetailOut(SupervisionAssessmentOut):
    formula: str
    results: list[SupervisionResultOut]


class SupervisionObjectionIn(Schema):
    community_id: Id
    text: str = Field(..., min_length=2, max_length=2000)


class SupervisionObjectionOut(Schema):
    id: int
    assessment_id: int
    community_id: int
    text: str
    status: str = Field(..., description="open, upheld or dismissed")
    decision_reason: str
    at: datetime.datetime


def _talk(t: Any) -> dict[str, Any]:
    return {
        "id": t.pk,
        "community_id": t.region_id,
        "community": t.region.name,
        "held_on": t.held_on,
        "secretary": t.secretary_name,
        "period": t.period,
        "score": t.score,
        "rank": t.rank,
    }


@router.get("/talks", response={200: SupervisionTalkPage, **READ_ERRORS})
def sup_list_talks(
    request: HttpRequest, filters: Query[SupervisionTalkFilter], page: Query[PageParams]
) -> Any:
    """Special talks of the communities the user sees, newest first."""
    if not policies.may_view(request.user):
        raise NotFound(_("没有可查看的专项约谈。"))
    qs = selectors.talk_list(request.user, community=filters.community, open_only=filters.open)
    rows, count = paginate(qs, page)
    return {"items": [_talk(t) for t in rows], "count": count}


@router.get("/talks/{talk_id}", response={200: SupervisionTalkDetailOut, **READ_ERRORS})
def sup_get_talk(request: HttpRequest, talk_id: Id) -> Any:
    talk = policies.get_visible_talk(request.user, talk_id)
    return {
        **_talk(talk),
        "points": talk.points,
        "commitments": [
            {
                "id": c.pk,
                "text": c.text,
                "deadline": c.deadline,
                "done_at": c.done_at,
                "evidence": c.evidence,
                "overdue": c.is_overdue,
            }
            for c in talk.commitments.all()
        ],
    }


def _notice(n: Any) -> dict[str, Any]:
    return {
        "id": n.pk,
        "title": n.title,
        "issuer": n.region.name,
        "status": n.status,
        "issued_at": n.issued_at,
    }


def _reply(r: NoticeReply) -> dict[str, Any]:
    return {
        "id": r.pk,
        "item_id": r.item_id,
        "community_id": r.region_id,
        "attempt": r.attempt,
        "text": r.text,
        "link": r.link,
        "has_evidence": bool(r.evidence),
        "status": r.status,
        "reason": r.reason,
        "submitted_at": r.submitted_at,
        "decided_at": r.decided_at,
    }


@router.get("/notices", response={200: SupervisionNoticePage, **READ_ERRORS})
def sup_list_notices(
    request: HttpRequest, filters: Query[SupervisionNoticeFilter], page: Query[PageParams]
) -> Any:
    """Supervision notices addressed to (or issued from) the places the user sees."""
    if not policies.may_view_notices(request.user):
        raise NotFound(_("没有可查看的督查通报。"))
    rows, count = paginate(selectors.notice_list(request.user, status=filters.status), page)
    return {"items": [_notice(n) for n in rows], "count": count}


def _notice_detail(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    notice = policies.get_visible_notice(request.user, notice_id)
    recipients = list(policies.recipients_visible_to(request.user, notice))
    ids = [r.region_id for r in recipients]
    return {
        **_notice(notice),
        "body": notice.body,
        "items": [
            {"id": i.pk, "number": i.number, "text": i.text, "deadline": i.deadline}
            for i in notice.items.all()
        ],
        "communities": [{"community_id": r.region_id, "community": r.region.name} for r in recipients],
        "replies": [
            _reply(r)
            for r in notice.replies.filter(region_id__in=ids).order_by("item__number", "region_id", "attempt")
        ],
    }


@router.get("/notices/{notice_id}", response={200: SupervisionNoticeDetailOut, **READ_ERRORS})
def sup_get_notice(request: HttpRequest, notice_id: Id) -> Any:
    return _notice_detail(request, notice_id)


@router.post("/notices/{notice_id}/replies", response={201: SupervisionReplyOut, **ERRORS})
def sup_reply(request: HttpRequest, notice_id: Id, payload: SupervisionReplyIn) -> Any:
    """The community's reply to one item (its secretary). 409 ``already_replied`` while a reply to
    the item waits or was accepted; 422 when the notice is closed."""
    notice = policies.get_visible_notice(request.user, notice_id)
    item = notice.items.filter(pk=payload.item_id).first()
    if item is None:
        raise InvalidInput(_("这一项不属于本通报。"), field="item_id")
    recipient = notice.recipients.select_related("region").filter(region_id=payload.community_id).first()
    if recipient is None:
        raise InvalidInput(_("这份通报没有下发给这个社区。"), field="community_id")
    reply = services.reply_submit(
        actor=request.user, item=item, community=recipient.region, text=payload.text, link=payload.link
    )
    return Status(201, _reply(reply))


def _assessment(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "year": a.year,
        "status": a.status,
        "review_weight": a.review_weight,
        "excellent_min": a.excellent_min,
        "good_min": a.good_min,
        "fair_min": a.fair_min,
        "trim_from": a.trim_from,
        "min_reviews": a.min_reviews,
        "published_at": a.published_at,
        "objection_deadline": a.objection_deadline,
    }


@router.get("/assessments", response={200: list[SupervisionAssessmentOut], **READ_ERRORS})
def sup_list_assessments(request: HttpRequest) -> Any:
    if not (policies.may_view(request.user) or policies.may_review(request.user)):
        raise NotFound(_("没有可查看的考评。"))
    return [_assessment(a) for a in policies.assessments_visible_to(request.user).order_by("-year")[:50]]


@router.get("/assessments/{assessment_id}", response={200: SupervisionAssessmentDetailOut, **READ_ERRORS})
def sup_get_assessment(request: HttpRequest, assessment_id: Id) -> Any:
    """The results the user sees (published), or the deciders' preview (in review)."""
    assessment = policies.get_visible_assessment(request.user, assessment_id)
    rows = selectors.assessment_rows(request.user, assessment)
    published = assessment.status == AssessmentStatus.PUBLISHED
    weight = assessment.review_weight
    return {
        **_assessment(assessment),
        "formula": f"total = score × {1 - weight} + review_mean × {weight}; review_mean drops the highest and "
        f"lowest review when there are {assessment.trim_from} or more",
        "results": [
            {
                "community_id": r.community.pk,
                "community": r.community.name,
                "rank": r.rank if published else None,
                "score": r.score,
                "review_count": r.review_count,
                "review_mean": r.review_mean,
                "total": r.total,
                "grade": r.grade,
                "version": r.version,
            }
            for r in rows
        ],
    }


@router.post("/assessments/{assessment_id}/objections", response={201: SupervisionObjectionOut, **ERRORS})
def sup_object(request: HttpRequest, assessment_id: Id, payload: SupervisionObjectionIn) -> Any:
    """The community's objection to its published result, within the objection period.
    409 ``objection_open`` while one is being handled."""
    assessment = policies.get_visible_assessment(request.user, assessment_id)
    community = policies.get_visible_community(request.user, payload.community_id)
    objection: Objection = services.objection_raise(
        actor=request.user, assessment=assessment, community=community, text=payload.text
    )
    return Status(
        201,
        {
            "id": objection.pk,
            "assessment_id": assessment.pk,
            "community_id": community.pk,
            "text": objection.text,
            "status": objection.status,
            "decision_reason": objection.decision_reason,
            "at": objection.at,
        },
    )

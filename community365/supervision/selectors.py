"""Reads of 党建责任制. Lists are querysets the views paginate; the assessment table reads the
year's snapshot rows and the reviews of one assessment (bounded by communities × reviewers, not
by history)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from community365.core import permissions
from community365.regions.models import Region

from . import policies
from .models import (
    LIVE_REPLY,
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    Commitment,
    Notice,
    NoticeItem,
    NoticeRecipient,
    NoticeReply,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    ReplyStatus,
    ReportReview,
    SpecialTalk,
)
from .services import combine, grade_of, trimmed_mean


def talk_list(
    user: Any, *, community: int | None = None, open_only: bool = False, q: str = ""
) -> QuerySet[SpecialTalk]:
    qs = policies.talks_visible_to(user).select_related("region")
    if community:
        qs = qs.filter(region_id=community)
    if open_only:
        qs = qs.filter(Exists(Commitment.objects.filter(talk=OuterRef("pk"), done_at__isnull=True)))
    if q:
        qs = qs.filter(Q(points__icontains=q) | Q(region__name__icontains=q))
    return qs.annotate(
        n_commitments=Count("commitments"),
        n_open=Count("commitments", filter=Q(commitments__done_at__isnull=True)),
    ).order_by("-held_on", "-id")


def commitments_due(user: Any) -> QuerySet[Commitment]:
    """Open commitments of the communities where the user answers (the secretary's to-do)."""
    paths = [g.path for g in permissions.scope_grants(user, policies.ANSWER.name)]
    if not paths:
        return Commitment.objects.none()
    return (
        Commitment.objects.filter(done_at__isnull=True)
        .filter(permissions.path_q(paths))
        .select_related("talk", "region")
        .order_by("deadline", "id")
    )


def overdue_commitments(user: Any) -> QuerySet[Commitment]:
    """Overdue open commitments the user's district follows up (the district's to-do)."""
    if not policies.may_start(user):
        return Commitment.objects.none()
    return (
        Commitment.objects.filter(done_at__isnull=True, deadline__lt=timezone.localdate())
        .filter(permissions.path_q(permissions.scope_paths(user, policies.START.name)))
        .select_related("talk", "region")
        .order_by("deadline", "id")
    )


def notice_list(
    user: Any, *, status: str = "", community: int | None = None, q: str = ""
) -> QuerySet[Notice]:
    qs = policies.notices_visible_to(user).select_related("region")
    if status in NoticeStatus.values:
        qs = qs.filter(status=status)
    if community:
        qs = qs.filter(Exists(NoticeRecipient.objects.filter(notice=OuterRef("pk"), region_id=community)))
    if q:
        qs = qs.filter(title__icontains=q)
    return qs.annotate(
        n_communities=Count("recipients", distinct=True), n_items=Count("items", distinct=True)
    ).order_by("-issued_at", "-id")


@dataclass
class ToAnswer:
    item: NoticeItem
    community: Region
    returned: bool


def items_to_answer(user: Any) -> QuerySet[NoticeItem]:
    """Items of open notices addressed to a community where the user answers, without a live reply
    from that community. (A secretary answers for one community: the demo's and the usual case;
    with several the item is listed once.)"""
    grants = permissions.scope_grants(user, policies.ANSWER.name)
    if not grants:
        return NoticeItem.objects.none()
    paths = [g.path for g in grants]
    recipient = NoticeRecipient.objects.filter(notice=OuterRef("notice_id")).filter(permissions.path_q(paths))
    live = NoticeReply.objects.filter(item=OuterRef("pk"), status__in=LIVE_REPLY).filter(
        permissions.path_q(paths)
    )
    return (
        NoticeItem.objects.filter(notice__status=NoticeStatus.OPEN)
        .filter(Exists(recipient))
        .exclude(Exists(live))
        .select_related("notice")
        .order_by("deadline", "id")
    )


def replies_to_decide(user: Any) -> QuerySet[NoticeReply]:
    """Submitted replies to the notices the user decides: every notice of the districts where
    the user starts, and the notices issued from the user's subdistricts."""
    start = permissions.scope_paths(user, policies.START.name)
    if start is None:
        scope = Q()
    else:
        scope = permissions.path_q(start, "notice__district__path") if start else Q(pk__in=[])
        issue = [
            g.path
            for g in permissions.scope_grants(user, policies.ISSUE.name)
            if g.region_id != g.district_id
        ]
        if issue:
            scope |= Q(notice__region__kind="subdistrict") & permissions.path_q(issue, "notice__region__path")
        if not start and not issue:
            return NoticeReply.objects.none()
    return (
        NoticeReply.objects.filter(status=ReplyStatus.SUBMITTED)
        .filter(scope)
        .select_related("notice", "item", "region")
        .order_by("submitted_at", "id")
    )


def objections_open(user: Any) -> QuerySet[Objection]:
    if not policies.may_start(user):
        return Objection.objects.none()
    paths = permissions.scope_paths(user, policies.START.name)
    return (
        Objection.objects.filter(status=ObjectionStatus.OPEN)
        .filter(permissions.path_q(paths, "district__path"))
        .select_related("assessment", "region")
        .order_by("at", "id")
    )


# --- the assessment table -----------------------------------------------------------------------
@dataclass
class Row:
    community: Region
    score: Decimal | None
    reviews: list[Decimal] = field(default_factory=list)
    review_mean: Decimal | None = None
    dropped: list[int] = field(default_factory=list)
    total: Decimal | None = None
    grade: str = ""
    rank: int | None = None
    version: int = 1
    mine_reviewed: bool = False
    own: bool = False

    @property
    def review_count(self) -> int:
        return len(self.reviews)


def assessment_rows(user: Any, assessment: Assessment) -> list[Row]:
    """Published: the current results of the communities the user sees. Draft: a preview
    computed from the year's scores and the reviews so far (deciders), or the list of communities
    to review with the reviewer's own marks (reviewers)."""
    visible = policies.communities_visible_to(user)
    all_rows = policies.sees_all_results(user, assessment)
    if assessment.status == AssessmentStatus.PUBLISHED:
        qs = AssessmentResult.objects.filter(assessment=assessment, current=True).select_related("region")
        if not all_rows:
            qs = qs.filter(region__in=visible)
        return [
            Row(
                community=r.region,
                score=r.score,
                review_mean=r.review_mean,
                total=r.total,
                grade=r.grade,
                rank=r.rank,
                version=r.version,
                reviews=[Decimal(0)] * r.review_count,
            )
            for r in qs.order_by("-total", "region__path")
        ]
    from community365.benchmarking.models import ScoreSnapshot

    snaps = list(
        ScoreSnapshot.objects.filter(
            district_id=assessment.district_id, run__key=str(assessment.year), run__complete=True
        )
        .select_related("community")
        .order_by("rank", "community__path")
    )
    reviews: dict[int, list[Decimal]] = {}
    mine: set[int] = set()
    uid = getattr(user, "pk", None)
    for community_id, reviewer_id, score in (
        ReportReview.objects.filter(assessment=assessment)
        .order_by("id")
        .values_list("region_id", "reviewer_id", "score")
    ):
        reviews.setdefault(community_id, []).append(score)
        if reviewer_id == uid:
            mine.add(community_id)
    own_paths = policies.own_community_paths(user)
    rows = []
    for s in snaps:
        scores = reviews.get(s.community_id, [])
        row = Row(
            community=s.community,
            score=s.total,
            reviews=scores if all_rows else [],
            mine_reviewed=s.community_id in mine,
            own=any(s.community.path.startswith(p) for p in own_paths),
        )
        if all_rows and scores:
            row.review_mean, row.dropped = trimmed_mean(scores, assessment.trim_from)
            assert row.review_mean is not None
            row.total = combine(s.total, row.review_mean, assessment.review_weight)
            row.grade = grade_of(assessment, row.total)
        elif not all_rows:
            row.score = None
        rows.append(row)
    return rows


@dataclass
class ReviewLine:
    label: str
    score: Decimal
    comment: str
    dropped: bool


def community_reviews(user: Any, assessment: Assessment, community: Region) -> list[ReviewLine]:
    """A community's reviews with the dropped ones marked; reviewers are named to the deciders
    and numbered for everyone else."""
    rows = list(ReportReview.objects.filter(assessment=assessment, region=community).order_by("id"))
    _mean, dropped = trimmed_mean([r.score for r in rows], assessment.trim_from)
    named = policies.sees_all_results(user, assessment)
    return [
        ReviewLine(
            label=r.reviewer_label if named else str(n),
            score=r.score,
            comment=r.comment if named else "",
            dropped=i in dropped,
        )
        for n, (i, r) in enumerate(enumerate(rows), start=1)
    ]


def result_history(assessment: Assessment, community: Region) -> list[AssessmentResult]:
    return list(
        AssessmentResult.objects.filter(assessment=assessment, region=community)
        .select_related("objection")
        .order_by("version")
    )

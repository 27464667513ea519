"""The year-end assessment: reviews (once, never one's own community, only before publication),
the trimmed mean, publishing refused with reviews missing, objections within the window, and a
changed result kept as a new version."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.supervision import services
from community365.supervision.models import (
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    Grade,
    ObjectionStatus,
    ReportReview,
)

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def draft(district):
    """This year's assessment (the demo's, in review)."""
    return Assessment.objects.get(district=district, year=timezone.localdate().year)


@pytest.fixture
def published(district):
    return Assessment.objects.get(district=district, year=timezone.localdate().year - 1)


def test_trimmed_mean_drops_highest_and_lowest_from_five():
    scores = [D(90), D(80), D(70), D(60), D(10)]
    mean, dropped = services.trimmed_mean(scores, 5)
    assert mean == D("70.00") and sorted(dropped) == [0, 4]
    mean, dropped = services.trimmed_mean(scores[:4], 5)
    assert mean == D("75.00") and dropped == []
    assert services.trimmed_mean([], 5) == (None, [])


def test_total_and_grade(published):
    assert services.combine(D(80), D(90), D("0.30")) == D("83.00")
    cent = D("0.01")
    assert services.grade_of(published, published.excellent_min) == Grade.EXCELLENT
    assert services.grade_of(published, published.excellent_min - cent) == Grade.GOOD
    assert services.grade_of(published, published.good_min - cent) == Grade.FAIR
    assert services.grade_of(published, published.fair_min) == Grade.FAIR
    assert services.grade_of(published, published.fair_min - cent) == Grade.POOR


def test_a_reviewer_scores_once(draft, leader, huayan):
    services.review_submit(actor=leader, assessment=draft, community=huayan, score=88)
    with pytest.raises(Conflict) as exc:
        services.review_submit(actor=leader, assessment=draft, community=huayan, score=60)
    assert exc.value.code == "already_reviewed"
    assert ReportReview.objects.filter(assessment=draft, region=huayan, reviewer=leader).count() == 1


def test_the_once_rule_is_a_constraint(draft, leader, huayan):
    common = {"assessment": draft, "district_id": draft.district_id, "region": huayan, "reviewer": leader}
    ReportReview.objects.create(score=80, reviewer_label="x", **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportReview.objects.create(score=70, reviewer_label="x", **common)


def test_nobody_reviews_their_own_community(draft, secretary, staff, huachuan, huayan, huangli):
    with pytest.raises(NotAllowed):
        services.review_submit(actor=secretary, assessment=draft, community=huachuan, score=99)
    with pytest.raises(NotAllowed):  # 华严社区 is in 百丈街道
        services.review_submit(actor=staff, assessment=draft, community=huayan, score=99)
    services.review_submit(actor=staff, assessment=draft, community=huangli, score=75)
    services.review_submit(actor=secretary, assessment=draft, community=huayan, score=75)


@pytest.mark.parametrize("who", ["worker_huachuan", "resident_huachuan", "member_demo"])
def test_only_reviewers_review(persona, draft, huayan, who):
    with pytest.raises(NotAllowed):
        services.review_submit(actor=persona(who), assessment=draft, community=huayan, score=70)


def test_scores_are_0_to_100(draft, leader, huayan):
    for bad in ("-1", "100.5", "abc", "NaN"):
        with pytest.raises(InvalidInput):
            services.review_submit(actor=leader, assessment=draft, community=huayan, score=bad)


def test_publishing_with_missing_reviews_is_refused(draft, admin):
    with pytest.raises(InvalidTransition) as exc:
        services.assessment_publish(actor=admin, assessment=draft)
    assert "不能公布" in exc.value.message
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.DRAFT


def test_publishing_computes_results_and_then_reviews_stop(draft, admin, leader, huayan, district):
    from community365.regions.models import Region

    Assessment.objects.filter(pk=draft.pk).update(min_reviews=1)
    draft.refresh_from_db()
    reviewed = set(ReportReview.objects.filter(assessment=draft).values_list("region_id", flat=True))
    for community in Region.objects.filter(district=district, kind="community").exclude(pk__in=reviewed):
        services.review_submit(actor=admin, assessment=draft, community=community, score=80)
    services.assessment_publish(actor=admin, assessment=draft)
    results = AssessmentResult.objects.filter(assessment=draft, current=True)
    assert results.count() == Region.objects.filter(district=district, kind="community").count()
    row = results.order_by("rank").first()
    assert row.rank == 1 and row.total == services.combine(row.score, row.review_mean, draft.review_weight)
    with pytest.raises(InvalidTransition):
        services.review_submit(actor=leader, assessment=draft, community=huayan, score=70)
    with pytest.raises(InvalidTransition):
        services.assessment_publish(actor=admin, assessment=draft)


def test_only_the_district_publishes(draft, staff, secretary):
    for who in (staff, secretary):
        with pytest.raises(NotAllowed):
            services.assessment_publish(actor=who, assessment=draft)


def test_objection_window_and_one_at_a_time(published, secretary, huachuan):
    services.objection_raise(actor=secretary, assessment=published, community=huachuan, text="得分有误请复核")
    with pytest.raises(Conflict):
        services.objection_raise(
            actor=secretary, assessment=published, community=huachuan, text="再提一次异议"
        )
    Assessment.objects.filter(pk=published.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=30)
    )
    published.refresh_from_db()
    published.objections.filter(status=ObjectionStatus.OPEN).update(status=ObjectionStatus.DISMISSED)
    with pytest.raises(NotAllowed) as exc:
        services.objection_raise(actor=secretary, assessment=published, community=huachuan, text="期后异议")
    assert "异议期" in exc.value.message


def test_objections_only_from_the_community_and_after_publication(
    published, draft, persona, huachuan, secretary
):
    for who in ("worker_huachuan", "staff_baizhang", "admin_district"):
        with pytest.raises(NotAllowed):
            services.objection_raise(
                actor=persona(who), assessment=published, community=huachuan, text="有异议"
            )
    with pytest.raises(InvalidTransition):
        services.objection_raise(actor=secretary, assessment=draft, community=huachuan, text="还没公布")


def test_an_upheld_objection_versions_the_result(published, secretary, admin, huachuan):
    objection = services.objection_raise(
        actor=secretary, assessment=published, community=huachuan, text="评议分漏算"
    )
    before = AssessmentResult.objects.get(assessment=published, region=huachuan, current=True)
    with pytest.raises(InvalidInput):  # upheld without a corrected figure
        services.objection_decide(actor=admin, objection=objection, uphold=True, reason="成立")
    services.objection_decide(actor=admin, objection=objection, uphold=True, reason="成立", review_mean="99")
    rows = list(AssessmentResult.objects.filter(assessment=published, region=huachuan).order_by("version"))
    assert [r.current for r in rows][-2:] == [False, True]
    assert rows[-1].version == before.version + 1 and rows[-1].review_mean == D("99.00")
    assert rows[-1].objection_id == objection.pk
    assert AssessmentResult.objects.get(pk=before.pk).total == before.total  # the old version stays
    with pytest.raises(InvalidTransition):
        services.objection_decide(actor=admin, objection=objection, uphold=False, reason="再处理一次")


def test_a_dismissal_changes_nothing(published, secretary, admin, huachuan, staff):
    objection = services.objection_raise(
        actor=secretary, assessment=published, community=huachuan, text="请复核"
    )
    with pytest.raises(NotAllowed):
        services.objection_decide(actor=staff, objection=objection, uphold=False, reason="街道处理")
    count = AssessmentResult.objects.filter(assessment=published).count()
    services.objection_decide(actor=admin, objection=objection, uphold=False, reason="经复核无误")
    assert AssessmentResult.objects.filter(assessment=published).count() == count


def test_bands_must_fall(admin, district):
    with pytest.raises(InvalidInput):
        services.assessment_create(
            actor=admin, district=district, year=2031, excellent_min=70, good_min=75, fair_min=60
        )
    with pytest.raises(InvalidInput):
        services.assessment_create(actor=admin, district=district, year=2031, review_weight="1.5")
    with pytest.raises(Conflict):
        services.assessment_create(actor=admin, district=district, year=timezone.localdate().year)

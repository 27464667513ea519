"""The supervision rules at their edges: a review's score from 0 to 100, an assessment needing
at least one review, an objection only from a community with a result, and a notice from one
subdistrict only."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.core.actors import SystemActor
from community365.core.errors import InvalidInput, NotAllowed
from community365.people import services as people
from community365.people.models import User
from community365.regions import services as regions
from community365.regions.models import Region
from community365.supervision import services
from community365.supervision.models import Assessment, AssessmentResult, ReportReview

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("tests")


def _parent(region: Region) -> Region:
    return Region.objects.get(path=region.path[: -Region.steplen])


def test_a_review_scores_from_zero_to_a_hundred(district, leader, staff, huayan, huangli):
    draft = Assessment.objects.get(district=district, year=timezone.localdate().year)
    for bad in ("-0.5", "100.5"):
        with pytest.raises(InvalidInput):
            services.review_submit(actor=leader, assessment=draft, community=huayan, score=bad)
    services.review_submit(actor=leader, assessment=draft, community=huayan, score=0)
    services.review_submit(actor=staff, assessment=draft, community=huangli, score=100)
    scores = ReportReview.objects.filter(assessment=draft)
    assert scores.get(reviewer=leader, region=huayan).score == 0
    assert scores.get(reviewer=staff, region=huangli).score == 100


def test_an_assessment_needs_at_least_one_review_per_community_and_asks_five_by_default(admin, district):
    with pytest.raises(InvalidInput):
        services.assessment_create(actor=admin, district=district, year=2031, min_reviews=0)
    one = services.assessment_create(actor=admin, district=district, year=2031, min_reviews=1)
    assert one.min_reviews == 1
    default = services.assessment_create(actor=admin, district=district, year=2032)
    assert default.min_reviews == 5


def test_an_objection_comes_from_a_community_with_a_result_in_the_assessment(district, new_account, huachuan):
    published = Assessment.objects.get(district=district, year=timezone.localdate().year - 1)
    # a community whose result was never changed: its one row is the current one
    changed = AssessmentResult.objects.filter(assessment=published, current=False).values("region_id")
    row = (
        AssessmentResult.objects.filter(assessment=published, current=True)
        .exclude(region_id__in=changed)
        .select_related("region")
        .order_by("region__path")
        .first()
    )
    secretary = new_account("secretary_edge", role="community_secretary", place=row.region)
    services.objection_raise(actor=secretary, assessment=published, community=row.region, text="请复核得分")
    # a community set up after the assessment has no result in it
    newcomer = regions.region_create(
        actor=SYSTEM, parent=_parent(huachuan), kind="community", name="新建社区", code="NEW-EDGE"
    )
    its_secretary = new_account("secretary_newcomer", role="community_secretary", place=newcomer)
    with pytest.raises(NotAllowed, match="没有这个社区的结果"):
        services.objection_raise(actor=its_secretary, assessment=published, community=newcomer, text="请复核")


def test_a_notice_from_a_subdistrict_goes_to_its_own_communities_only(new_account, huachuan, huangli, region):
    baizhang, other = _parent(huachuan), _parent(huangli)
    assert baizhang.pk != other.pk
    staff = new_account("staff_two_places", role="subdistrict_staff", place=baizhang)
    people.role_grant(actor=SYSTEM, user=staff, role="subdistrict_staff", region=other)
    staff = User.objects.get(pk=staff.pk)
    soon = timezone.localdate() + datetime.timedelta(days=10)
    with pytest.raises(InvalidInput, match="同一街道"):
        services.notice_issue(
            actor=staff,
            communities=[huachuan, huangli],
            title="通报",
            body="请整改。",
            items=[("整改", soon)],
        )
    notice = services.notice_issue(
        actor=staff, communities=[huachuan], title="通报", body="请整改。", items=[("整改", soon)]
    )
    assert notice.region_id == baizhang.pk

"""The race paths of supervision: each service checks first (one live reply, one assessment a
year, one review per reviewer and community, one open objection) and the database's unique
constraint decides when two requests both passed the check. ``blind_check`` lets the service's
check read as it would just before the other request's insert committed: the second insert must
then be refused as the same Conflict a person understands, and the first stay the only one."""

from __future__ import annotations

import pytest
from django.utils import timezone

from community365.core.errors import Conflict
from community365.supervision import services
from community365.supervision.models import (
    Assessment,
    NoticeReply,
    Objection,
    ObjectionStatus,
    ReportReview,
)

pytestmark = pytest.mark.django_db


def test_a_second_reply_that_passed_the_check_is_refused(notice, secretary, blind_check):
    item = notice.items.get(number=1)
    community = notice.recipients.get(region__name="划船社区").region
    services.reply_submit(actor=secretary, item=item, community=community, text="已经整改完毕")
    blind_check(NoticeReply)
    with pytest.raises(Conflict) as refused:
        services.reply_submit(actor=secretary, item=item, community=community, text="同时又答复一次")
    assert refused.value.code == "already_replied"
    assert NoticeReply.objects.filter(item=item, region=community).count() == 1


def test_a_second_assessment_of_a_year_that_passed_the_check_is_refused(admin, district, blind_check):
    services.assessment_create(actor=admin, district=district, year=2035)
    blind_check(Assessment)
    with pytest.raises(Conflict) as refused:
        services.assessment_create(actor=admin, district=district, year=2035)
    assert refused.value.code == "assessment_exists"
    assert Assessment.objects.filter(district=district, year=2035).count() == 1


def test_a_second_review_that_passed_the_check_is_refused(district, leader, huayan, blind_check):
    draft = Assessment.objects.get(district=district, year=timezone.localdate().year)
    services.review_submit(actor=leader, assessment=draft, community=huayan, score=88)
    blind_check(ReportReview)
    with pytest.raises(Conflict) as refused:
        services.review_submit(actor=leader, assessment=draft, community=huayan, score=60)
    assert refused.value.code == "already_reviewed"
    review = ReportReview.objects.get(assessment=draft, region=huayan, reviewer=leader)
    assert review.score == 88


def test_a_second_open_objection_that_passed_the_check_is_refused(district, secretary, huachuan, blind_check):
    published = Assessment.objects.get(district=district, year=timezone.localdate().year - 1)
    services.objection_raise(actor=secretary, assessment=published, community=huachuan, text="得分有误请复核")
    blind_check(Objection)
    with pytest.raises(Conflict) as refused:
        services.objection_raise(actor=secretary, assessment=published, community=huachuan, text="同时再提")
    assert refused.value.code == "objection_open"
    assert (
        Objection.objects.filter(assessment=published, region=huachuan, status=ObjectionStatus.OPEN).count()
        == 1
    )

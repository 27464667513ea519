"""Edges of the supervision rules that mutation testing found untested (docs/mutation.md): who
decides the replies to a subdistrict's notice, who reads the reviewers' names, and which places
count as a reviewer's own."""

from __future__ import annotations

import pytest
from django.utils import timezone

from community365.core.errors import NotAllowed
from community365.regions import services as regions
from community365.supervision import policies, selectors, services
from community365.supervision.models import Assessment, NoticeReply, ReplyStatus, ReportReview

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db


def test_only_the_issuing_subdistrict_decides_the_replies_to_its_notice(staff, secretary, huachuan, soon):
    # given a notice 百丈街道 issued itself, and 划船社区's reply to it
    notice = services.notice_issue(
        actor=staff, communities=[huachuan], title="街道通报", body="请整改。", items=[("事项", soon)]
    )
    reply = services.reply_submit(
        actor=secretary, item=notice.items.get(number=1), community=huachuan, text="已经整改完毕"
    )
    # the community's secretary, who may reply but issues nothing, cannot accept their own reply
    with pytest.raises(NotAllowed):
        services.reply_decide(actor=secretary, reply=reply, accept=True)
    assert NoticeReply.objects.get(pk=reply.pk).status == ReplyStatus.SUBMITTED


def test_the_district_reads_the_reviewers_names_and_a_reviewer_reads_numbers(district, admin, secretary):
    published = Assessment.objects.get(district=district, year=timezone.localdate().year - 1)
    review = ReportReview.objects.filter(assessment=published).order_by("pk").first()
    assert review is not None
    named = selectors.community_reviews(admin, published, review.region)
    assert review.reviewer_label in [line.label for line in named]
    numbered = selectors.community_reviews(secretary, published, review.region)
    assert [line.label for line in numbered] == [str(n) for n in range(1, len(numbered) + 1)]


def test_a_district_role_makes_no_community_the_reviewers_own(new_account):
    # a district numbered past 256 (where Python keeps one object per integer no longer), and its
    # admin: a role held at the district itself is not a community of theirs
    other = regions.region_create(actor=SYSTEM, parent=None, kind="district", name="测试区", code="T-EDGE")
    assert other.pk > 256
    admin = new_account("admin_of_other", role="district_admin", place=other)
    assert policies.own_community_paths(admin) == []


def test_this_years_draft_is_seen_by_its_deciders_and_reviewers(district, admin, staff, secretary, persona):
    draft = Assessment.objects.get(district=district, year=timezone.localdate().year)
    assert draft.status != "published"
    for who in (admin, staff, secretary):
        assert policies.assessments_visible_to(who).filter(pk=draft.pk).exists(), who
    assert not policies.assessments_visible_to(persona("worker_huachuan")).filter(pk=draft.pk).exists()

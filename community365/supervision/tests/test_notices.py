"""Supervision notices: who issues them, deadlines, replies (one live per item and community,
answered again after a return), decisions once, closing."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.supervision import policies, services
from community365.supervision.models import NoticeReply, NoticeStatus, ReplyStatus

pytestmark = pytest.mark.django_db


def _item(notice, number=1):
    return notice.items.get(number=number)


def test_a_deadline_in_the_past_is_refused(admin, huachuan, today):
    with pytest.raises(InvalidInput):
        services.notice_issue(
            actor=admin,
            communities=[huachuan],
            title="通报",
            body="请整改。",
            items=[("事项", today - datetime.timedelta(days=1))],
        )


def test_a_notice_needs_items_and_communities(admin, huachuan, soon):
    with pytest.raises(InvalidInput):
        services.notice_issue(actor=admin, communities=[huachuan], title="通报", body="请整改。", items=[])
    with pytest.raises(InvalidInput):
        services.notice_issue(
            actor=admin, communities=[], title="通报", body="请整改。", items=[("事项", soon)]
        )


def test_subdistrict_staff_issue_to_their_own_communities_only(staff, huachuan, huayan, huangli, soon):
    notice = services.notice_issue(
        actor=staff, communities=[huachuan, huayan], title="街道通报", body="请整改。", items=[("事项", soon)]
    )
    assert notice.region.name == "百丈街道"
    with pytest.raises(NotAllowed):
        services.notice_issue(
            actor=staff, communities=[huangli], title="街道通报", body="请整改。", items=[("事项", soon)]
        )


@pytest.mark.parametrize("who", ["secretary_huachuan", "worker_huachuan", "resident_huachuan"])
def test_communities_do_not_issue_notices(persona, huachuan, soon, who):
    with pytest.raises(NotAllowed):
        services.notice_issue(
            actor=persona(who), communities=[huachuan], title="通报", body="请整改。", items=[("事项", soon)]
        )


def test_reply_return_and_answer_again(notice, secretary, admin):
    reply = services.reply_submit(
        actor=secretary,
        item=_item(notice),
        community=notice.recipients.get(region__name="划船社区").region,
        text="已经整改完毕",
    )
    with pytest.raises(Conflict):
        services.reply_submit(actor=secretary, item=_item(notice), community=reply.region, text="再答复一次")
    with pytest.raises(InvalidInput):
        services.reply_decide(actor=admin, reply=reply, accept=False, reason="")  # a return needs a reason
    services.reply_decide(actor=admin, reply=reply, accept=False, reason="缺少照片")
    with pytest.raises(InvalidTransition):
        services.reply_decide(actor=admin, reply=reply, accept=True)
    again = services.reply_submit(
        actor=secretary, item=_item(notice), community=reply.region, text="补充了照片"
    )
    assert again.attempt == 2
    services.reply_decide(actor=admin, reply=again, accept=True)
    with pytest.raises(Conflict):
        services.reply_submit(
            actor=secretary, item=_item(notice), community=reply.region, text="已认可后再答复"
        )


def test_one_live_reply_is_also_a_constraint(notice, huachuan):
    item = _item(notice)
    common = {
        "notice": notice,
        "item": item,
        "district_id": notice.district_id,
        "region": huachuan,
        "text": "答复",
    }
    NoticeReply.objects.create(attempt=1, **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeReply.objects.create(attempt=2, **common)


def test_only_the_addressed_community_secretary_replies(notice, persona, huachuan, huayan, secretary):
    with pytest.raises(NotAllowed):
        services.reply_submit(
            actor=persona("worker_huachuan"), item=_item(notice), community=huachuan, text="社工答复"
        )
    with pytest.raises(NotAllowed):  # not addressed to 华严社区 (and not the secretary's community)
        services.reply_submit(actor=secretary, item=_item(notice), community=huayan, text="答复别的社区")


def test_replying_to_a_closed_notice_is_refused(notice, secretary, admin, huachuan):
    services.notice_close(actor=admin, notice=notice)
    assert notice.status == NoticeStatus.CLOSED
    with pytest.raises(InvalidTransition):
        services.reply_submit(actor=secretary, item=_item(notice), community=huachuan, text="办结后答复")
    with pytest.raises(InvalidTransition):
        services.notice_close(actor=admin, notice=notice)


def test_closing_waits_for_the_decisions(notice, secretary, admin, huachuan):
    services.reply_submit(actor=secretary, item=_item(notice), community=huachuan, text="已经整改完毕")
    with pytest.raises(InvalidTransition):
        services.notice_close(actor=admin, notice=notice)


def test_a_subdistrict_decides_its_own_notices_not_the_districts(
    notice, staff, secretary, huachuan, huayan, soon
):
    reply = services.reply_submit(
        actor=secretary, item=_item(notice), community=huachuan, text="已经整改完毕"
    )
    with pytest.raises(NotAllowed):
        services.reply_decide(actor=staff, reply=reply, accept=True)
    own = services.notice_issue(
        actor=staff, communities=[huachuan, huayan], title="街道通报", body="请整改。", items=[("事项", soon)]
    )
    mine = services.reply_submit(actor=secretary, item=_item(own), community=huachuan, text="已经整改完毕")
    services.reply_decide(actor=staff, reply=mine, accept=True)
    assert NoticeReply.objects.get(pk=mine.pk).status == ReplyStatus.ACCEPTED


def test_a_bad_link_and_a_fake_picture_are_refused(notice, secretary, huachuan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(InvalidInput):
        services.reply_submit(
            actor=secretary, item=_item(notice), community=huachuan, text="已整改", link="javascript:alert(1)"
        )
    fake = SimpleUploadedFile("x.png", b"GIF89a not really", content_type="image/png")
    with pytest.raises(InvalidInput):
        services.reply_submit(
            actor=secretary, item=_item(notice), community=huachuan, text="已整改", evidence=fake
        )
    assert not NoticeReply.objects.filter(item=_item(notice)).exists()


def test_who_sees_a_notice(notice, persona):
    visible = lambda who: policies.notices_visible_to(persona(who)).filter(pk=notice.pk).exists()  # noqa: E731
    assert all(
        visible(w)
        for w in (
            "admin_district",
            "leader_demo",
            "staff_baizhang",
            "secretary_huachuan",
            "worker_huachuan",
            "worker_huangli",
        )
    )
    assert not any(visible(w) for w in ("resident_huachuan", "member_demo", "volunteer_demo", "lawyer_demo"))
    # a community's staff read only their own community's replies
    recipients = policies.recipients_visible_to(persona("worker_huangli"), notice)
    assert [r.region.name for r in recipients] == ["黄鹂社区"]

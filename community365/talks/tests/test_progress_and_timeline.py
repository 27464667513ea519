"""Progress never goes down silently; the talk is recorded only after it was held; the timeline
credits who acted and is stored as codes rendered in the reader's language."""

from __future__ import annotations

import datetime
import importlib
import re

import pytest
from django.utils import timezone, translation

from community365.core.errors import InvalidInput, InvalidTransition
from community365.talks import services
from community365.talks.models import TalkEvent, TalkProgress, TalkTask

from .conftest import scheduled as _scheduled

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _claimed_at_60(answering_topic, persona) -> TalkTask:
    topic = answering_topic([("修灯", "housing", 1)])
    task = topic.tasks.get()
    liaison = persona("liaison_housing")
    services.task_claim(actor=liaison, task=task)
    services.task_progress(actor=liaison, task=task, status="advancing")
    task.refresh_from_db()
    assert task.percent == 60
    return task


# --- progress cannot go backwards silently ------------------------------------------------------------


def test_lowering_progress_without_a_reason_is_refused_and_nothing_changes(answering_topic, persona):
    task = _claimed_at_60(answering_topic, persona)
    updates = TalkProgress.objects.filter(task=task).count()
    with pytest.raises(InvalidInput) as refused:
        services.task_progress(actor=persona("liaison_housing"), task=task, status="started")
    assert refused.value.field == "reason" and "60%" in refused.value.message
    task.refresh_from_db()
    assert (task.status, task.percent) == ("advancing", 60)
    assert TalkProgress.objects.filter(task=task).count() == updates


def test_lowering_progress_with_a_reason_is_published_with_it(answering_topic, persona):
    task = _claimed_at_60(answering_topic, persona)
    services.task_progress(
        actor=persona("liaison_housing"), task=task, status="started", reason="施工方案被居民否决，重新设计"
    )
    task.refresh_from_db()
    assert task.percent == 30
    event = TalkEvent.objects.filter(topic=task.topic, kind="progress").latest("id")
    assert event.code == "talks.event.progress_lowered"
    assert event.params["previous"] == 60 and event.params["reason"] == "施工方案被居民否决，重新设计"
    assert "施工方案被居民否决" in event.sentence and "60%" in event.sentence
    assert TalkProgress.objects.filter(task=task).latest("id").reason == "施工方案被居民否决，重新设计"


def test_a_note_alone_keeps_the_percent(answering_topic, persona):
    task = _claimed_at_60(answering_topic, persona)
    services.task_progress(actor=persona("liaison_housing"), task=task, status="advancing", note="材料已到")
    task.refresh_from_db()
    assert task.percent == 60


def test_api_refuses_lowering_without_a_reason(api_for, answering_topic, persona):
    task = _claimed_at_60(answering_topic, persona)
    client = api_for("liaison_housing")
    url = f"/api/v1/talks/tasks/{task.pk}/progress"
    refused = client.post(url, {"status": "started"}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "reason"
    assert TalkTask.objects.get(pk=task.pk).percent == 60
    lowered = client.post(url, {"status": "started", "reason": "返工"}, content_type="application/json")
    assert lowered.status_code == 201 and lowered.json()["percent"] == 30


def test_progress_form_starts_at_the_current_state_and_refuses_a_silent_drop(
    client_for, answering_topic, persona
):
    task = _claimed_at_60(answering_topic, persona)
    client = client_for("liaison_housing")
    page = client.get("/talks/tasks/").content.decode()
    card = page[page.index(f'id="task-{task.pk}"') :]
    card = card[: card.index("</article>")]
    assert re.search(r'<option value="advancing" selected>', card)
    assert 'name="reason"' in card and 'placeholder="60"' in card
    # only a note: the percent stays
    client.post(f"/talks/tasks/{task.pk}/do", {"action": "progress", "status": "advancing", "note": "进场"})
    assert TalkTask.objects.get(pk=task.pk).percent == 60
    # lowering without a reason: the message says why, nothing changes
    response = client.post(
        f"/talks/tasks/{task.pk}/do",
        {"action": "progress", "status": "started", "percent": "20"},
        follow=True,
    )
    assert "下调理由" in response.content.decode()
    assert TalkTask.objects.get(pk=task.pk).percent == 60
    client.post(
        f"/talks/tasks/{task.pk}/do",
        {"action": "progress", "status": "started", "percent": "20", "reason": "返工"},
    )
    assert TalkTask.objects.get(pk=task.pk).percent == 20


def test_a_percent_the_database_cannot_hold_is_a_message_not_a_crash(client_for, answering_topic, persona):
    task = _claimed_at_60(answering_topic, persona)
    response = client_for("liaison_housing").post(
        f"/talks/tasks/{task.pk}/do", {"action": "progress", "status": "advancing", "percent": "9" * 5000}
    )
    assert response.status_code == 302
    assert TalkTask.objects.get(pk=task.pk).percent == 60


# --- the talk before its time; credit; the weight's label --------------------------------------------


def test_talk_cannot_be_recorded_before_its_scheduled_time(signing_topic, persona):
    topic = _scheduled(signing_topic, persona, timezone.now() + datetime.timedelta(days=2))
    with pytest.raises(InvalidTransition) as refused:
        services.topic_record_talk(
            actor=persona("admin_district"), topic=topic, minutes="纪要", commitments=[]
        )
    assert "约谈举行后" in refused.value.message
    topic.refresh_from_db()
    assert topic.status == "scheduled" and not topic.minutes


def test_page_tells_why_the_minutes_wait_for_the_talk(client_for, signing_topic, persona):
    topic = _scheduled(signing_topic, persona, timezone.now() + datetime.timedelta(days=2))
    response = client_for("leader_demo").post(
        f"/talks/{topic.pk}/do", {"action": "record", "minutes": "纪要"}, follow=True
    )
    assert "约谈举行后才能记录纪要和任务" in response.content.decode()


def test_timeline_credits_the_leader_for_the_tasks_the_leader_recorded(signing_topic, persona):
    topic = _scheduled(signing_topic, persona, timezone.now() - datetime.timedelta(hours=1))
    leader = persona("leader_demo")
    services.topic_record_talk(
        actor=leader,
        topic=topic,
        minutes="当场答复。",
        commitments=[
            services.Commitment(title="修灯", deadline=timezone.localdate() + datetime.timedelta(days=9))
        ],
    )
    for kind in ("talked", "task"):
        event = topic.events.get(kind=kind)
        assert (event.actor_role, event.actor_label) == ("", str(leader)), kind
    assert topic.events.get(kind="accepted").actor_role == "organisation"


def test_commitment_weight_has_a_visible_label(client_for, signing_topic, persona):
    topic = _scheduled(signing_topic, persona, timezone.now() - datetime.timedelta(hours=1))
    page = client_for("admin_district").get(f"/talks/{topic.pk}/").content.decode()
    assert re.search(r"<label[^>]*>权重（1–10）<input name=\"c_weight\"", page)


# --- stored as codes, read in the reader's language ---------------------------------------------------


def test_timeline_and_inbox_read_in_english_except_what_people_wrote(
    answering_topic, persona, client_for, django_capture_on_commit_callbacks
):
    from community365.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        topic = answering_topic([("修灯", "housing", 1)])
    written = {topic.title, "修灯", "领导与居民面对面交流。", "划船社区党群服务中心", "社区"}
    from community365.regions.models import Department

    names = {e.actor_label for e in topic.events.all()} | {str(persona("leader_demo"))}
    names |= set(Department.objects.values_list("name", flat=True))
    with translation.override("en"):
        for event in topic.events.all():
            assert event.code != "talks.event.text"
            leftover = event.sentence + " " + event.actor
            for word in sorted(written | names, key=len, reverse=True):
                leftover = leftover.replace(word, "")
            assert not CJK.search(leftover), (event.code, event.sentence, event.actor)
        notes = Notification.objects.filter(
            recipient__username="resident_001",
            kind__startswith="talks.note.",
            url__endswith=f"/talks/{topic.pk}/",
        )
        assert notes.exists()
        for note in notes:
            leftover = note.title_text + note.body_text
            # longest first, as above: "社区" must not cut "划船社区党群服务中心" apart first
            for word in sorted(written, key=len, reverse=True):
                leftover = leftover.replace(word, "")
            assert not CJK.search(leftover), note.kind


def test_every_talks_notification_uses_a_registered_code(answering_topic, django_capture_on_commit_callbacks):
    from community365.core.phrases import is_registered
    from community365.notifications.models import Notification

    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        answering_topic([("修灯", "housing", 1)])
    new = Notification.objects.order_by("id")[before:]
    assert new and all(is_registered(n.kind) and not n.title and not n.body for n in new)


MIGRATION = importlib.import_module("community365.talks.migrations.0003_talks_event_codes_data")


@pytest.mark.parametrize(
    ("kind", "text", "code", "params"),
    [
        ("raised", "起草点题", "talks.event.raised", {}),
        (
            "opened",
            "开始征集联署，需 10 位居民联署，截止 2026-03-01。",
            "talks.event.opened",
            {"n": 10, "deadline": {"date": "2026-03-01"}},
        ),
        (
            "submitted",
            "社区党组织同意报送。",
            "talks.event.submitted_comment",
            {"comment": "社区党组织同意报送。"},
        ),
        ("submitted", "社区报送区委组织部。", "talks.event.submitted", {}),
        ("declined", "不属于本区事权。", "talks.event.declined", {"reason": "不属于本区事权。"}),
        (
            "task",
            "任务：修灯（期限 2026-04-01，牵头：区住建委）",
            "talks.event.task_lead",
            {"title": "修灯", "deadline": {"date": "2026-04-01"}, "department": "区住建委"},
        ),
        (
            "progress",
            "修灯：推进中 60%。材料已到",
            "talks.event.progress_note",
            {
                "title": "修灯",
                "status": {"phrase": "talks.task_status.advancing", "params": {}},
                "percent": 60,
                "note": "材料已到",
            },
        ),
        (
            "supervised",
            "督办：修灯 已超期（期限 2026-04-01，承办：（尚无部门认领））。",
            "talks.event.supervised",
            {
                "title": "修灯",
                "deadline": {"date": "2026-04-01"},
                "department": {"phrase": "talks.actor.unclaimed", "params": {}},
            },
        ),
        ("progress", "一句无法识别的旧记录", "talks.event.text", {"text": "一句无法识别的旧记录"}),
    ],
)
def test_migration_turns_old_sentences_into_codes(kind, text, code, params):
    assert MIGRATION.convert_event(kind, text) == (code, params)


def test_migration_converts_old_notifications_it_can_parse_and_keeps_the_rest():
    assert MIGRATION.convert_note(
        "talks.closed", "点题“修灯”已办结，请您评价", "请在 30 天内为办理结果打分。"
    ) == (
        "talks.note.closed",
        {"title": "修灯", "n": 30},
    )
    assert MIGRATION.convert_note(
        "talks.supervision", "督办：任务“修灯”已超期", "期限 2026-04-01，承办：区住建委。"
    ) == (
        "talks.note.supervision",
        {"title": "修灯", "deadline": {"date": "2026-04-01"}, "department": "区住建委"},
    )
    assert MIGRATION.convert_note("talks.closed", "别的句子", "") is None


def test_migrated_rows_render_in_english():
    from community365.core.phrases import render

    code, params = MIGRATION.convert_event("progress", "修灯：推进中 60%")
    with translation.override("en"):
        assert render(code, params) == "修灯: Advancing 60%"


def test_admin_shows_the_lowering_reason_and_the_rendered_timeline(client_for, answering_topic, persona):
    task = _claimed_at_60(answering_topic, persona)
    services.task_progress(actor=persona("liaison_housing"), task=task, status="started", reason="返工重做")
    client = client_for("admin_district")
    assert "返工重做" in client.get(f"/admin/talks/talktask/{task.pk}/change/").content.decode()
    client.cookies["django_language"] = "en"
    page = client.get(f"/admin/talks/talktopic/{task.topic_id}/change/").content
    assert "Claimed the task: 修灯" in page.decode()

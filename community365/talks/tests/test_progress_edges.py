"""A department's progress reports at their edges: a percent lowered only with a reason, a
reason kept only when lowering, a note published with its own wording, 0 % and a finished task
at 100 % whatever was typed, the department credited, a closed topic's tasks not claimed."""

from __future__ import annotations

import pytest

from community365.audit.models import AuditEvent, AuditResult
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.talks import services
from community365.talks.models import TalkEvent, TalkTask, TalkTopic, TopicStatus
from community365.talks.services.rules import status_percent

pytestmark = pytest.mark.django_db


@pytest.fixture
def claimed(answering_topic, persona):
    """Two tasks of housing, both claimed (the topic stays open while one is not done)."""
    topic = answering_topic([("甲", "housing", 1), ("乙", "housing", 1)])
    tasks = list(TalkTask.objects.filter(topic=topic).select_related("topic__region").order_by("id"))
    for task in tasks:
        services.task_claim(actor=persona("liaison_housing"), task=task)
    return tasks


def _events(task) -> list[TalkEvent]:
    return list(TalkEvent.objects.filter(topic_id=task.topic_id, kind="progress").order_by("pk"))


def test_a_percent_is_lowered_only_with_a_reason(claimed, persona):
    task, _other = claimed
    liaison = persona("liaison_housing")
    services.task_progress(actor=liaison, task=task, status="advancing", percent=60)
    with pytest.raises(InvalidInput) as refused:
        services.task_progress(actor=liaison, task=task, status="started", percent=30)
    assert refused.value.field == "reason"
    assert TalkTask.objects.get(pk=task.pk).percent == 60


def test_a_reason_given_with_a_raised_or_equal_percent_is_not_published(claimed, persona):
    task, _other = claimed
    liaison = persona("liaison_housing")
    services.task_progress(actor=liaison, task=task, status="advancing", percent=60, reason="多写了")
    services.task_progress(actor=liaison, task=task, status="advancing", percent=60, reason="又写了")
    first, second = _events(task)
    for event in (first, second):
        assert event.code == "talks.event.progress" and "reason" not in event.params
    assert list(task.updates.order_by("pk").values_list("reason", flat=True)) == ["", ""]


def test_a_report_with_a_note_is_published_with_it_and_one_without_is_not(claimed, persona):
    task, _other = claimed
    liaison = persona("liaison_housing")
    services.task_progress(actor=liaison, task=task, status="started")
    services.task_progress(actor=liaison, task=task, status="advancing", note="已进场施工")
    plain, noted = _events(task)
    assert plain.code == "talks.event.progress" and "note" not in plain.params
    assert noted.code == "talks.event.progress_note" and noted.params["note"] == "已进场施工"
    # the department is credited, and the audit names the acting role
    assert {plain.actor_label, noted.actor_label} == {task.department.name}
    roles = AuditEvent.objects.filter(action="talks.task:progress", result="ok", actor=liaison).values_list(
        "acting_role", flat=True
    )
    assert set(roles) == {"department_liaison"}


def test_a_note_is_up_to_two_thousand_characters(claimed, persona):
    task, _other = claimed
    liaison = persona("liaison_housing")
    with pytest.raises(InvalidInput) as refused:
        services.task_progress(actor=liaison, task=task, status="started", note="进" * 2001)
    assert refused.value.field == "note"
    services.task_progress(actor=liaison, task=task, status="started", note="进" * 2000)
    assert task.updates.get().note == "进" * 2000


def test_a_task_not_done_may_stand_at_nothing(claimed, persona):
    task, _other = claimed
    services.task_progress(actor=persona("liaison_housing"), task=task, status="started", percent=0)
    assert TalkTask.objects.get(pk=task.pk).percent == 0


def test_a_finished_task_stands_at_a_hundred_whatever_was_typed(claimed, persona):
    task, _other = claimed
    services.task_progress(actor=persona("liaison_housing"), task=task, status="done", percent=50)
    stored = TalkTask.objects.get(pk=task.pk)
    assert (stored.status, stored.percent) == ("done", 100) and stored.done_at is not None


def test_a_closed_topics_task_is_not_claimed(answering_topic, persona):
    topic = answering_topic([("甲", "housing", 1)])
    task = TalkTask.objects.select_related("topic__region").get(topic=topic)
    TalkTopic.objects.filter(pk=topic.pk).update(status=TopicStatus.CLOSED)
    task = TalkTask.objects.select_related("topic__region").get(pk=task.pk)
    with pytest.raises(InvalidTransition):
        services.task_claim(actor=persona("liaison_housing"), task=task)
    assert TalkTask.objects.get(pk=task.pk).department_id is None


def test_a_percent_below_nothing_is_refused(claimed, persona):
    task, _other = claimed
    with pytest.raises(InvalidInput) as refused:
        services.task_progress(actor=persona("liaison_housing"), task=task, status="started", percent=-1)
    assert refused.value.field == "percent"


def test_a_reason_for_lowering_is_up_to_a_thousand_characters(claimed, persona):
    task, _other = claimed
    liaison = persona("liaison_housing")
    services.task_progress(actor=liaison, task=task, status="advancing", percent=60)
    with pytest.raises(InvalidInput) as refused:
        services.task_progress(actor=liaison, task=task, status="started", percent=30, reason="理" * 1001)
    assert refused.value.field == "reason"
    services.task_progress(actor=liaison, task=task, status="started", percent=30, reason="理" * 1000)
    assert TalkTask.objects.get(pk=task.pk).percent == 30


def test_the_system_claims_a_task_for_the_department_it_names(answering_topic, persona):
    from community365.regions.models import Department

    from .conftest import SYSTEM

    topic = answering_topic([("甲", "housing", 1)])
    task = TalkTask.objects.select_related("topic__region").get(topic=topic)
    civil = Department.objects.get(code="civil-affairs")
    services.task_claim(actor=SYSTEM, task=task, department=civil)
    assert TalkTask.objects.get(pk=task.pk).department_id == civil.pk


def test_a_claim_refused_is_kept_in_the_audit(claimed, persona):
    task, _other = claimed
    with pytest.raises(Conflict):
        services.task_claim(actor=persona("liaison_housing"), task=task)  # claimed already
    refusal = AuditEvent.objects.filter(action="talks.task:claim", object_id=str(task.pk)).latest("pk")
    assert refusal.result == AuditResult.REFUSED


def test_the_co_signers_are_not_told_of_a_started_step(claimed, persona, django_capture_on_commit_callbacks):
    from community365.notifications.models import Notification

    task, _other = claimed
    with django_capture_on_commit_callbacks(execute=True):
        services.task_progress(actor=persona("liaison_housing"), task=task, status="started")
    assert not Notification.objects.filter(kind="talks.note.progress", params__task=task.title).exists()


def test_a_note_under_the_same_status_keeps_the_percent(claimed, persona):
    task, _other = claimed
    liaison = persona("liaison_housing")
    services.task_progress(actor=liaison, task=task, status="advancing", percent=45)
    assert status_percent("advancing") != 45
    same = "".join(["advan", "cing"])  # the same word, as a form's value arrives: another string
    services.task_progress(actor=liaison, task=task, status=same, note="材料已报审")
    assert TalkTask.objects.get(pk=task.pk).percent == 45


def test_a_topics_progress_is_its_tasks_mean_weighted_and_rounded(answering_topic, persona):
    topic = answering_topic([("甲", "housing", 1), ("乙", "housing", 2)])
    first, _second = TalkTask.objects.filter(topic=topic).select_related("topic__region").order_by("id")
    liaison = persona("liaison_housing")
    services.task_claim(actor=liaison, task=first)
    services.task_progress(actor=liaison, task=first, status="advancing", percent=50)
    assert TalkTopic.objects.get(pk=topic.pk).progress == 17  # 50 × 1 / 3 = 16.7


def test_a_progress_report_names_the_person_who_made_it(claimed, persona):
    from .conftest import SYSTEM

    task, other = claimed
    by_person = services.task_progress(actor=persona("liaison_housing"), task=task, status="started")
    by_system = services.task_progress(actor=SYSTEM, task=other, status="started")
    assert (by_person.by_id, by_system.by_id) == (persona("liaison_housing").pk, None)


def test_refused_reports_and_assignments_are_kept_in_the_audit(answering_topic, persona):
    from community365.regions.models import Department

    topic = answering_topic([("甲", "housing", 1)])
    task = TalkTask.objects.select_related("topic__region").get(topic=topic)
    with pytest.raises(NotAllowed):  # nobody has claimed it
        services.task_progress(actor=persona("liaison_housing"), task=task, status="started")
    with pytest.raises(NotAllowed):  # the claim period has not run out
        services.task_assign(
            actor=persona("leader_demo"), task=task, department=Department.objects.get(code="civil-affairs")
        )
    refused = AuditEvent.objects.filter(result=AuditResult.REFUSED, object_id=str(task.pk))
    assert set(refused.values_list("action", flat=True)) == {"talks.task:progress", "talks.task:assign"}


def test_the_sweep_may_be_run_by_operations_staff(new_account):
    from community365.people.models import User

    operator = new_account("ops_on_call")
    User.objects.filter(pk=operator.pk).update(is_superuser=True)  # as createsuperuser makes one
    services.talks_sweep(actor=User.objects.get(pk=operator.pk))
    ran = AuditEvent.objects.filter(action="talks.sweep", actor=operator).get()
    assert ran.result == AuditResult.OK

"""The follow-up tasks' rules at their edges: an assignment any day after the claim period,
only to the district's own departments, and credited to whoever made it; a percent of 99 for a
task not done; two reports that cross (refused as a conflict, never taken on a stale percent);
the co-signers hear of a finished task; the sweep skips a topic another request moved on."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.notifications.models import Notification
from community365.regions.models import Department
from community365.talks import services
from community365.talks.models import TalkEvent, TalkTask, TalkTopic, TopicStatus

from .conftest import SYSTEM
from .test_tasks import tasks_of

pytestmark = pytest.mark.django_db

THURSDAY = timezone.make_aware(datetime.datetime(2026, 11, 19, 10, 0))
DAY_AFTER_THE_CLAIM_PERIOD = THURSDAY + datetime.timedelta(days=8)


@pytest.fixture
def unclaimed(answering_topic):
    """A task of a talk recorded on a Thursday, nobody has claimed it."""
    with time_machine.travel(THURSDAY, tick=False):
        (task,) = tasks_of(answering_topic([("甲", "housing", 1)]))
    return task


@pytest.mark.parametrize(
    "who, role, label",
    [("leader_demo", "", "leader_demo"), ("admin_district", "organisation", ""), (None, "system", "")],
)
def test_an_assignment_any_day_after_the_claim_period_is_credited_to_who_made_it(
    unclaimed, persona, who, role, label
):
    actor = persona(who) if who else SYSTEM
    civil = Department.objects.get(code="civil-affairs")
    with time_machine.travel(DAY_AFTER_THE_CLAIM_PERIOD, tick=False):
        services.task_assign(actor=actor, task=unclaimed, department=civil)
    assert TalkTask.objects.get(pk=unclaimed.pk).department_id == civil.pk
    assert TalkTask.objects.get(pk=unclaimed.pk).assigned
    event = TalkEvent.objects.get(topic=unclaimed.topic, kind="assigned")
    assert event.actor_role == role
    if label:
        assert event.actor_label == str(persona(who))
    else:
        assert event.actor_label == ""


@pytest.mark.parametrize("numbered", ["after", "before"])
def test_a_task_is_assigned_to_a_department_of_its_own_district_only(
    unclaimed, persona, other_district, numbered
):
    district = other_district(numbered)
    elsewhere = Department.objects.create(district=district, name="测试区住建局", code="housing")
    assert (elsewhere.district_id > unclaimed.district_id) == (numbered == "after")
    with (
        time_machine.travel(DAY_AFTER_THE_CLAIM_PERIOD, tick=False),
        pytest.raises(InvalidInput) as refused,
    ):
        services.task_assign(actor=persona("leader_demo"), task=unclaimed, department=elsewhere)
    assert refused.value.field == "department_id"
    assert TalkTask.objects.get(pk=unclaimed.pk).department_id is None


def test_a_task_not_done_may_stand_at_ninety_nine_percent_and_not_at_a_hundred(answering_topic, persona):
    (task,) = tasks_of(answering_topic([("甲", "housing", 1)]))
    liaison = persona("liaison_housing")
    services.task_claim(actor=liaison, task=task)
    with pytest.raises(InvalidInput) as refused:
        services.task_progress(actor=liaison, task=task, status="advancing", percent=100)
    assert refused.value.field == "percent"
    services.task_progress(actor=liaison, task=task, status="advancing", percent=99)
    assert TalkTask.objects.get(pk=task.pk).percent == 99


def test_a_report_on_a_percent_another_report_changed_is_a_conflict(answering_topic, persona):
    (task,) = tasks_of(answering_topic([("甲", "housing", 1)]))
    liaison = persona("liaison_housing")
    services.task_claim(actor=liaison, task=task)
    stale = TalkTask.objects.select_related("topic__region").get(pk=task.pk)  # at 0 %
    fresh = TalkTask.objects.select_related("topic__region").get(pk=task.pk)
    services.task_progress(actor=liaison, task=fresh, status="advancing", percent=60)
    # raised by the other report: this one saw 0 %
    with pytest.raises(Conflict):
        services.task_progress(actor=liaison, task=stale, status="started", percent=10)
    stale = TalkTask.objects.select_related("topic__region").get(pk=task.pk)  # at 60 %
    services.task_progress(actor=liaison, task=fresh, status="started", percent=20, reason="返工")
    # lowered by the other report: this one saw 60 %
    with pytest.raises(Conflict):
        services.task_progress(actor=liaison, task=stale, status="advancing", percent=70)
    assert TalkTask.objects.get(pk=task.pk).percent == 20


def test_a_report_on_a_task_another_report_finished_is_refused_as_done(answering_topic, persona):
    (task, _other) = tasks_of(answering_topic([("甲", "housing", 1), ("乙", "housing", 1)]))
    liaison = persona("liaison_housing")
    services.task_claim(actor=liaison, task=task)
    stale = TalkTask.objects.select_related("topic__region").get(pk=task.pk)
    services.task_progress(
        actor=liaison, task=TalkTask.objects.select_related("topic__region").get(pk=task.pk), status="done"
    )
    with pytest.raises(InvalidTransition):
        services.task_progress(actor=liaison, task=stale, status="advancing", percent=70)
    assert TalkTask.objects.get(pk=task.pk).percent == 100


def test_the_co_signers_hear_of_a_finished_task_and_not_of_every_step(
    answering_topic, persona, django_capture_on_commit_callbacks
):
    first, second = tasks_of(answering_topic([("甲", "housing", 1), ("乙", "housing", 1)]))
    liaison = persona("liaison_housing")
    for task in (first, second):
        services.task_claim(actor=liaison, task=task)
    told = Notification.objects.filter(kind="talks.note.progress", params__task=first.title)
    with django_capture_on_commit_callbacks(execute=True):
        services.task_progress(actor=liaison, task=first, status="advancing")
    assert not told.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.task_progress(actor=liaison, task=first, status="done")
    assert told.exists()
    assert TalkTopic.objects.get(pk=first.topic_id).status == TopicStatus.ANSWERING


def test_a_topic_without_tasks_stands_at_nothing(signing_topic):
    assert services.recompute_progress(signing_topic(10)) == 0


def test_the_sweep_skips_a_topic_another_request_moved_on(signing_topic, blind_update):
    topic = signing_topic(10)
    TalkTopic.objects.filter(pk=topic.pk).update(signing_deadline=timezone.now() - datetime.timedelta(days=1))
    blind_update(TalkTopic)  # the expiry's conditional UPDATE finds the topic moved on
    report = services.talks_sweep(actor=SYSTEM)
    assert report.expired == 0
    assert TalkTopic.objects.get(pk=topic.pk).status == TopicStatus.SIGNING


def test_the_sweep_expires_a_topic_whose_signing_closed_and_is_run_by_the_system_only(signing_topic, persona):
    topic = signing_topic(10)
    TalkTopic.objects.filter(pk=topic.pk).update(signing_deadline=timezone.now() - datetime.timedelta(days=1))
    with pytest.raises(NotAllowed):
        services.talks_sweep(actor=persona("worker_huachuan"))
    assert TalkTopic.objects.get(pk=topic.pk).status == TopicStatus.SIGNING
    report = services.talks_sweep(actor=SYSTEM)
    assert report.expired >= 1
    assert TalkTopic.objects.get(pk=topic.pk).status == TopicStatus.EXPIRED


def test_a_lowered_percent_is_published_with_its_reason_and_a_raised_one_without(answering_topic, persona):
    (task,) = tasks_of(answering_topic([("甲", "housing", 1)]))
    liaison = persona("liaison_housing")
    services.task_claim(actor=liaison, task=task)
    services.task_progress(actor=liaison, task=task, status="advancing", percent=60)
    assert task.done_at is None  # the task in hand agrees with the database
    services.task_progress(actor=liaison, task=task, status="started", percent=20, reason="返工")
    raised, lowered = TalkEvent.objects.filter(topic=task.topic, kind="progress").order_by("pk")
    assert raised.code == "talks.event.progress" and "reason" not in raised.params
    assert lowered.code == "talks.event.progress_lowered"
    assert (lowered.params["reason"], lowered.params["previous"]) == ("返工", 60)


def test_an_assigned_task_in_hand_says_so_and_its_department_is_told(
    unclaimed, persona, civil_liaison, django_capture_on_commit_callbacks
):
    civil = Department.objects.get(code="civil-affairs")
    with (
        time_machine.travel(DAY_AFTER_THE_CLAIM_PERIOD, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        task = services.task_assign(actor=persona("leader_demo"), task=unclaimed, department=civil)
    assert task.assigned and task.department_id == civil.pk  # the API answers from the task in hand
    told = Notification.objects.filter(kind="talks.note.task_assigned", params__title=unclaimed.title)
    assert list(told.values_list("recipient_id", flat=True)) == [civil_liaison.pk]


def test_the_sweep_goes_on_past_a_topic_another_request_moved_on(signing_topic, blind_update):
    now = timezone.now()
    for _ in range(2):
        topic = signing_topic(10)
        TalkTopic.objects.filter(pk=topic.pk).update(signing_deadline=now - datetime.timedelta(days=1))
    due = TalkTopic.objects.filter(status=TopicStatus.SIGNING, signing_deadline__lt=now).count()
    blind_update(TalkTopic, times=1)  # the first expiry finds its topic moved on
    report = services.talks_sweep(actor=SYSTEM, now=now)
    expired = TalkTopic.objects.filter(status=TopicStatus.EXPIRED, expired_at=now).count()
    assert report.expired == due - 1 == expired >= 1


def test_the_sweep_supervises_every_overdue_task_once_past_one_another_request_took(
    answering_topic, persona, blind_update
):
    for task in tasks_of(answering_topic([("甲", "housing", 1), ("乙", "housing", 1)])):
        services.task_claim(actor=persona("liaison_housing"), task=task)
    later = timezone.now() + datetime.timedelta(days=32)
    overdue = TalkTask.objects.filter(
        deadline__lt=timezone.localtime(later).date(),
        done_at__isnull=True,
        supervised_at__isnull=True,
        topic__status=TopicStatus.ANSWERING,
    ).count()
    blind_update(TalkTask, times=1)  # another sweep supervised the first one first
    report = services.talks_sweep(actor=SYSTEM, now=later)
    assert report.supervised == overdue - 1 == TalkTask.objects.filter(supervised_at=later).count() >= 1

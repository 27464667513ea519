"""After the talk: departments claim tasks, report progress, the topic's progress rolls up,
overdue tasks are supervised, the topic closes and co-signers rate it."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from community365.core.errors import Conflict, InvalidTransition, NotAllowed, NotFound
from community365.people.models import User
from community365.regions.models import Department
from community365.talks import policies, selectors, services
from community365.talks.models import TalkTask, TopicStatus

from .conftest import SYSTEM, scheduled

pytestmark = pytest.mark.django_db


def tasks_of(topic) -> list[TalkTask]:
    return list(
        TalkTask.objects.filter(topic=topic).select_related("topic__region", "lead_department").order_by("id")
    )


def test_department_cannot_claim_a_task_twice(answering_topic, persona):
    (task,) = tasks_of(answering_topic([("修灯", "housing", 1)]))
    liaison = persona("liaison_housing")
    services.task_claim(actor=liaison, task=task)
    with pytest.raises(Conflict, match="本部门已认领"):
        services.task_claim(actor=liaison, task=task)


def test_department_cannot_claim_a_task_it_cannot_see(answering_topic, persona, civil_liaison):
    # given a task led by housing, at a talk only housing attended
    (task,) = tasks_of(answering_topic([("修灯", "housing", 1)]))
    # then the civil-affairs liaison does not find it (404), and cannot act on it
    with pytest.raises(NotFound):
        policies.get_actionable_task(civil_liaison, task.pk)
    assert task not in policies.inbox_tasks_of(civil_liaison)
    # while the housing liaison sees it in the inbox
    assert task in policies.inbox_tasks_of(persona("liaison_housing"))


def test_liaison_acts_for_own_department_only(answering_topic, persona, civil_liaison):
    (task,) = tasks_of(answering_topic([("助餐点", "civil-affairs", 1)]))
    housing_liaison = persona("liaison_housing")
    # housing attended the talk, so it sees the unclaimed task, but cannot claim it for civil affairs
    with pytest.raises(NotAllowed):
        services.task_claim(
            actor=housing_liaison, task=task, department=Department.objects.get(code="civil-affairs")
        )
    services.task_claim(actor=civil_liaison, task=task)
    task.refresh_from_db()
    # once civil affairs carries it, housing can neither report progress nor see it in its inbox
    with pytest.raises(NotAllowed):
        services.task_progress(actor=housing_liaison, task=task, status="started")
    assert task not in policies.inbox_tasks_of(housing_liaison)
    services.task_progress(actor=civil_liaison, task=task, status="started")


def test_second_department_cannot_take_a_claimed_task(answering_topic, persona, civil_liaison):
    from community365.talks.models import TalkTopic

    topic = answering_topic([("修灯", "housing", 1)])
    TalkTopic.present_departments.through.objects.create(
        talktopic_id=topic.pk, department_id=Department.objects.get(code="civil-affairs").pk
    )
    (task,) = tasks_of(topic)
    services.task_claim(actor=persona("liaison_housing"), task=task)
    with pytest.raises(Conflict, match="区住建局"):
        services.task_claim(actor=civil_liaison, task=task)


def test_progress_rolls_up_to_the_mean_of_the_tasks(answering_topic, persona):
    topic = answering_topic([("甲", "housing", 1), ("乙", "housing", 1), ("丙", "housing", 1)])
    liaison = persona("liaison_housing")
    a, b, c = tasks_of(topic)
    for task in (a, b, c):
        services.task_claim(actor=liaison, task=task)
    services.task_progress(actor=liaison, task=a, status="done")
    services.task_progress(actor=liaison, task=b, status="advancing")  # default 60
    topic.refresh_from_db()
    assert (a.percent, b.percent, c.percent) == (100, 60, 0)
    assert topic.progress == round((100 + 60 + 0) / 3) == 53
    assert topic.status == TopicStatus.ANSWERING


def test_progress_is_weighted_when_weights_are_set(answering_topic, persona):
    topic = answering_topic([("甲", "housing", 3), ("乙", "housing", 1)])
    liaison = persona("liaison_housing")
    a, b = tasks_of(topic)
    for task in (a, b):
        services.task_claim(actor=liaison, task=task)
    services.task_progress(actor=liaison, task=a, status="done")
    topic.refresh_from_db()
    assert topic.progress == round((3 * 100 + 1 * 0) / 4) == 75


def test_status_percent_is_configurable(answering_topic, persona, settings):
    settings.TALKS_STATUS_PERCENT = {"planned": 0, "started": 10, "advancing": 50, "done": 100}
    (task,) = tasks_of(answering_topic([("甲", "housing", 1)]))
    liaison = persona("liaison_housing")
    services.task_claim(actor=liaison, task=task)
    services.task_progress(actor=liaison, task=task, status="started")
    assert task.percent == 10
    services.task_progress(actor=liaison, task=task, status="advancing", percent=70)
    assert task.percent == 70


def test_last_task_done_closes_the_topic_and_co_signers_rate_it_within_30_days(answering_topic, persona):
    topic = answering_topic([("甲", "housing", 1)])
    (task,) = tasks_of(topic)
    liaison = persona("liaison_housing")
    services.task_claim(actor=liaison, task=task)
    services.task_progress(actor=liaison, task=task, status="done", note="修好了")
    topic.refresh_from_db()
    assert topic.status == TopicStatus.CLOSED and topic.progress == 100
    assert topic.closed_at is not None

    # the author rates; a resident who did not sign cannot
    services.topic_rate(actor=persona("resident_001"), topic=topic, score=5, comment="满意")
    with pytest.raises(Conflict):
        services.topic_rate(actor=persona("resident_001"), topic=topic, score=4)
    with pytest.raises(NotAllowed):
        services.topic_rate(actor=persona("resident_002"), topic=topic, score=1)
    # progress cannot move after done
    with pytest.raises(InvalidTransition):
        services.task_progress(actor=liaison, task=task, status="advancing")
    # after 30 days the rating window is closed
    signer = topic.signatures.first().person
    with (
        time_machine.travel(topic.closed_at + datetime.timedelta(days=31), tick=False),
        pytest.raises(InvalidTransition, match="评价期"),
    ):
        services.topic_rate_on_paper(actor=persona("worker_huachuan"), topic=topic, ratings=[(signer, 4, "")])
    services.topic_rate_on_paper(actor=persona("worker_huachuan"), topic=topic, ratings=[(signer, 3, "")])
    fresh = selectors.topics_with_details(type(topic).objects.filter(pk=topic.pk)).get()
    assert selectors.satisfaction(fresh) == (4.0, 2)


def test_leader_assigns_a_task_nobody_claimed_in_five_working_days(answering_topic, persona):
    # a talk recorded on a Thursday: five working days end the next Thursday
    thursday = timezone.make_aware(datetime.datetime(2026, 11, 19, 10, 0))
    with time_machine.travel(thursday, tick=False):
        (task,) = tasks_of(answering_topic([("甲", "housing", 1)]))
    leader = persona("leader_demo")
    civil = Department.objects.get(code="civil-affairs")
    with (
        time_machine.travel(thursday + datetime.timedelta(days=6), tick=False),
        pytest.raises(NotAllowed, match="认领期"),
    ):
        services.task_assign(actor=leader, task=task, department=civil)
    with time_machine.travel(thursday + datetime.timedelta(days=7), tick=False):
        services.task_assign(actor=leader, task=task, department=civil)
    task.refresh_from_db()
    assert task.department_id == civil.pk and task.assigned
    # a leader who does not lead this talk may not assign
    other = User.objects.get(username="leader_zhou")
    with pytest.raises(NotAllowed):
        services.task_assign(actor=other, task=task, department=civil)


def test_overdue_task_raises_one_supervision_notice(
    answering_topic, persona, django_capture_on_commit_callbacks
):
    from community365.notifications.models import Notification

    (task,) = tasks_of(answering_topic([("甲", "housing", 1)]))
    services.task_claim(actor=persona("liaison_housing"), task=task)
    later = timezone.now() + datetime.timedelta(days=32)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.talks_sweep(actor=SYSTEM, now=later)
        again = services.talks_sweep(actor=SYSTEM, now=later)
    assert report.supervised >= 1 and again.supervised == 0
    task.refresh_from_db()
    assert task.supervised_at == later
    recipients = set(
        Notification.objects.filter(kind="talks.note.supervision", params__title=task.title).values_list(
            "recipient__username", flat=True
        )
    )
    assert {"liaison_housing", "admin_district"} <= recipients
    assert task.topic.events.filter(kind="supervised").exists()


def test_figures_on_the_board_agree_with_the_records(persona):
    admin = persona("admin_district")
    rows, total = selectors.figures(admin, "community")
    topics = list(selectors.topics_with_details(policies.topics_visible_to(admin)).exclude(status="draft"))
    day = selectors.today()
    tasks = [t for topic in topics for t in topic.tasks.all()]
    ratings = [r.score for topic in topics for r in topic.ratings.all()]

    assert total.raised == sum(1 for t in topics if t.opened_at) >= 180
    assert total.accepted == sum(1 for t in topics if t.accepted_at)
    assert total.closed == sum(1 for t in topics if t.status == "closed")
    assert total.tasks_on_time == sum(
        1 for t in tasks if t.done_at and timezone.localtime(t.done_at).date() <= t.deadline
    )
    assert total.tasks_overdue == sum(1 for t in tasks if selectors.task_overdue(t, day))
    assert total.satisfaction == round(sum(ratings) / len(ratings), 2)
    # the rows add up to the total (each topic belongs to exactly one community)
    assert sum(r.raised for r in rows) == total.raised
    assert sum(r.tasks_overdue for r in rows) == total.tasks_overdue
    # the board's drill-down lists exactly the topics behind a figure
    for measure, value in (("raised", total.raised), ("accepted", total.accepted), ("closed", total.closed)):
        assert len(selectors.board(admin, selectors.BoardFilter(measure=measure))) == value
    huachuan = next(r for r in rows if r.name == "划船社区")
    drilled = selectors.board(admin, selectors.BoardFilter(community=huachuan.key, measure="held"))
    assert len(drilled) == huachuan.held
    # a topic's stored progress is the weighted mean of its tasks
    for topic in topics:
        task_rows = list(topic.tasks.all())
        if task_rows:
            weight = sum(t.weight for t in task_rows)
            assert topic.progress == round(sum(t.percent * t.weight for t in task_rows) / weight), topic.pk


def test_figures_by_department_leader_and_subdistrict(persona):
    admin = persona("admin_district")
    for by in ("subdistrict", "department", "leader"):
        rows, total = selectors.figures(admin, by)
        assert rows, by
        assert all(r.raised <= total.raised for r in rows)
    rows, _total = selectors.figures(admin, "subdistrict")
    assert len(rows) == 8


def test_departments_and_signers_are_told_about_new_tasks(
    answering_topic, django_capture_on_commit_callbacks
):
    from community365.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        topic = answering_topic([("修灯", "housing", 1)])
    liaison_notes = Notification.objects.filter(
        recipient__username="liaison_housing", kind="talks.note.task_new"
    )
    assert liaison_notes.filter(params__title=topic.title).exists()
    for username in ("resident_001",):  # the author (paper co-signers have no login)
        kinds = set(Notification.objects.filter(recipient__username=username).values_list("kind", flat=True))
        assert {
            "talks.note.threshold",
            "talks.note.submitted",
            "talks.note.accepted",
            "talks.note.scheduled",
            "talks.note.talked",
        } <= kinds


def test_only_the_leading_leader_records_the_talk(signing_topic, persona):
    topic = scheduled(signing_topic, persona, timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(NotAllowed):
        services.topic_record_talk(
            actor=User.objects.get(username="leader_zhou"), topic=topic, minutes="m", commitments=[]
        )
    services.topic_record_talk(
        actor=persona("leader_demo"), topic=topic, minutes="当场答复，无需后续任务。", commitments=[]
    )
    topic.refresh_from_db()
    # a talk that ends without commitments closes the topic at once
    assert topic.status == TopicStatus.CLOSED


def test_a_rating_waits_for_the_close_and_takes_one_to_five_stars(answering_topic, persona):
    from community365.core.errors import InvalidInput
    from community365.talks.models import TalkRating

    topic = answering_topic([("甲", "housing", 1)])
    author = persona("resident_001")
    with pytest.raises(InvalidTransition):  # still being answered
        services.topic_rate(actor=author, topic=topic, score=4)
    (task,) = tasks_of(topic)
    liaison = persona("liaison_housing")
    services.task_claim(actor=liaison, task=task)
    services.task_progress(actor=liaison, task=task, status="done", note="修好了")
    topic.refresh_from_db()
    for bad in (0, 6):
        with pytest.raises(InvalidInput):
            services.topic_rate(actor=author, topic=topic, score=bad)
    services.topic_rate(actor=author, topic=topic, score=1, comment="不满意")
    # a paper rating is kept as one
    signer = topic.signatures.first().person
    services.topic_rate_on_paper(actor=persona("worker_huachuan"), topic=topic, ratings=[(signer, 5, "")])
    assert TalkRating.objects.get(topic=topic, person=signer).on_paper is True

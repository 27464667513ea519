"""Recording a talk: the limits on its commitments at their edges, the moment the talk may be
recorded from, the lead department's district, and whom the timeline credits when the system
records it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.core.errors import InvalidInput, InvalidTransition
from community365.regions import services as regions
from community365.regions.models import Department
from community365.talks import services
from community365.talks.models import TalkTask

from .conftest import SYSTEM, scheduled

pytestmark = pytest.mark.django_db


def _commitments(
    n: int, *, weight: int = 1, department: Department | None = None
) -> list[services.Commitment]:
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    return [
        services.Commitment(
            title=f"承诺 {i + 1}", deadline=deadline, lead_department=department, weight=weight
        )
        for i in range(n)
    ]


def _record(topic, commitments, *, actor=None, persona=None, at=None):
    return services.topic_record_talk(
        actor=actor or persona("admin_district"),
        topic=topic,
        minutes="领导与居民面对面交流。",
        commitments=commitments,
        at=at,
    )


@pytest.fixture
def held(signing_topic, persona):
    """A topic whose talk was held an hour ago."""
    return scheduled(signing_topic, persona, timezone.now() - datetime.timedelta(hours=1))


def test_thirty_commitments_are_taken_and_thirty_one_refused(held, persona):
    with pytest.raises(InvalidInput, match="30"):
        _record(held, _commitments(31), persona=persona)
    assert not TalkTask.objects.filter(topic=held).exists()
    assert len(_record(held, _commitments(30), persona=persona)) == 30


@pytest.mark.parametrize("weight", [0, 11, -1])
def test_a_weight_outside_one_to_ten_is_refused(held, persona, weight):
    with pytest.raises(InvalidInput, match="1–10"):
        _record(held, _commitments(1, weight=weight), persona=persona)
    held.refresh_from_db()
    assert held.status == "scheduled"


def test_weights_one_and_ten_are_taken(held, persona):
    tasks = _record(held, _commitments(1, weight=1) + _commitments(1, weight=10), persona=persona)
    assert sorted(t.weight for t in tasks) == [1, 10]


def test_a_lead_department_of_another_district_is_refused_and_this_districts_taken(held, persona):
    other = regions.region_create(actor=SYSTEM, parent=None, kind="district", name="海曙区", code="HS")
    outside = regions.department_create(actor=SYSTEM, district=other, name="海曙区住建局", code="hs-housing")
    with pytest.raises(InvalidInput, match="本区"):
        _record(held, _commitments(1, department=outside), persona=persona)
    # a department of the topic's own district, read afresh (its district id a value of its own)
    housing = Department.objects.get(code="housing")
    assert housing.district_id == held.district_id
    (task,) = _record(held, _commitments(1, department=housing), persona=persona)
    assert task.lead_department_id == housing.pk


def test_the_talk_is_recorded_from_its_very_moment_and_not_a_second_before(signing_topic, persona):
    talk_at = (timezone.now() - datetime.timedelta(hours=2)).replace(microsecond=0)
    topic = scheduled(signing_topic, persona, talk_at)
    with pytest.raises(InvalidTransition, match="约谈举行后"):
        _record(topic, [], actor=SYSTEM, at=talk_at - datetime.timedelta(seconds=1))
    # the moment as a value of its own, as a form or an import gives it
    _record(topic, [], actor=SYSTEM, at=talk_at + datetime.timedelta(0))
    topic.refresh_from_db()
    assert topic.talked_at == talk_at


def test_a_talk_the_system_records_is_credited_to_the_leader_who_led_it(held, persona):
    _record(held, _commitments(1), actor=SYSTEM)
    leader = persona("leader_demo")
    for kind in ("talked", "task"):
        event = held.events.get(kind=kind)
        assert (event.actor_role, event.actor_label) == ("", str(leader)), kind


def test_the_liaisons_of_the_lead_and_of_the_present_departments_hear_of_the_new_tasks(
    signing_topic, persona, civil_liaison, django_capture_on_commit_callbacks
):
    from community365.notifications.models import Notification

    housing = Department.objects.get(code="housing")
    topic = scheduled(
        signing_topic, persona, timezone.now() - datetime.timedelta(hours=1), departments=[housing]
    )
    civil = Department.objects.get(code="civil-affairs")
    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=True):
        # the task is led by civil affairs; housing was only present at the talk
        _record(topic, _commitments(1, department=civil), persona=persona)
    told = set(
        Notification.objects.filter(kind="talks.note.task_new", pk__gt=before).values_list(
            "recipient__username", flat=True
        )
    )
    assert {"liaison_housing", civil_liaison.username} <= told


def test_a_deadline_of_the_talks_own_day_is_taken_and_of_the_day_before_refused(held, persona):
    today = timezone.localdate()
    yesterday = services.Commitment(title="昨天", deadline=today - datetime.timedelta(days=1))
    with pytest.raises(InvalidInput, match="期限"):
        _record(held, [yesterday], persona=persona)
    # the day as a value of its own, as a form gives it
    same_day = services.Commitment(
        title="当天办结", deadline=datetime.date(today.year, today.month, today.day)
    )
    (task,) = _record(held, [same_day], persona=persona)
    assert task.deadline == today


def test_a_recorded_talk_starts_at_no_progress(held, persona):
    _record(held, _commitments(2), persona=persona)
    held.refresh_from_db()
    assert (held.status, held.progress) == ("answering", 0)


def test_a_talk_the_organisation_department_records_is_credited_to_it(held, persona):
    _record(held, _commitments(1), persona=persona)
    for kind in ("talked", "task"):
        event = held.events.get(kind=kind)
        assert (event.actor_role, event.actor_label) == ("organisation", ""), kind

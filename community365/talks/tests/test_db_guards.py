"""The database-level guards of talks, asserted directly: the unique constraint "one active
signature per resident" and the conditional UPDATE that gives a task to one department. The
thread tests in test_concurrency.py cannot see a missing guard on SQLite (its IMMEDIATE
transactions serialise whole service calls); these can, on both databases."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from community365.core.errors import Conflict
from community365.regions.models import Department
from community365.talks import services
from community365.talks.models import TalkSignature, TalkTask, TalkTopic

from .conftest import free_residents

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_active_signature_of_one_resident(signing_topic):
    topic = signing_topic(0)
    (person,) = free_residents(topic.region, 1, exclude={topic.author_person_id})
    TalkSignature.objects.create(topic=topic, person=person, kind="paper", signed_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        TalkSignature.objects.create(topic=topic, person=person, kind="online", signed_at=timezone.now())
    # a withdrawn signature does not hold the place
    TalkSignature.objects.filter(topic=topic, person=person).update(withdrawn_at=timezone.now())
    TalkSignature.objects.create(topic=topic, person=person, kind="online", signed_at=timezone.now())


def test_a_signature_that_passed_the_check_twice_is_refused_by_the_constraint(signing_topic, persona):
    """Two writers that both found "not yet signed" (the service's check) reach the insert: the
    constraint refuses the second as a Conflict, and the counter moves once."""
    from community365.talks.services.signatures import _add_signatures

    topic = signing_topic(0)
    (person,) = free_residents(topic.region, 1, exclude={topic.author_person_id})
    worker = persona("worker_huachuan")
    assert _add_signatures(worker, topic, [person], "paper", timezone.now()) == 1
    with pytest.raises(Conflict):
        _add_signatures(worker, TalkTopic.objects.get(pk=topic.pk), [person], "paper", timezone.now())
    assert TalkTopic.objects.get(pk=topic.pk).signature_count == 1
    assert TalkSignature.objects.filter(topic=topic, person=person).count() == 1


def test_a_task_claimed_underneath_a_stale_read_keeps_its_first_department(
    answering_topic, persona, civil_liaison
):
    """The service decides with UPDATE … WHERE department IS NULL: a second department holding
    a copy read before the first claim does not take the task over."""
    topic = answering_topic([("修灯", "housing", 1)])
    TalkTopic.present_departments.through.objects.create(
        talktopic_id=topic.pk, department_id=Department.objects.get(code="civil-affairs").pk
    )
    stale = TalkTask.objects.select_related("topic__region").get(topic=topic)
    fresh = TalkTask.objects.select_related("topic__region").get(pk=stale.pk)
    services.task_claim(actor=persona("liaison_housing"), task=fresh)
    assert stale.department_id is None  # this copy still says "unclaimed"
    with pytest.raises(Conflict):
        services.task_claim(actor=civil_liaison, task=stale)
    assert TalkTask.objects.get(pk=stale.pk).department.code == "housing"

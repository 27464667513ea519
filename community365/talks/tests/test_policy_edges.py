"""Edges of the talks' rules that mutation testing found untested (docs/mutation.md): which
department's inbox holds an unclaimed task, who leads a talk when leaders' ids are close, and
the leading leader acting on a task through the API."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from community365.people.models import User
from community365.people.services import token_issue
from community365.regions.models import Department
from community365.talks import policies
from community365.talks.models import TalkTask

from .test_tasks import tasks_of

pytestmark = pytest.mark.django_db


def test_an_unclaimed_task_is_in_the_inbox_of_the_department_named_to_lead_it_and_of_those_present(
    answering_topic, persona, civil_liaison
):
    # a task civil affairs is named to lead, at a talk only housing attended
    (task,) = tasks_of(answering_topic([("助餐点", "civil-affairs", 1)]))
    assert task.lead_department.code == "civil-affairs"
    assert not task.topic.present_departments.filter(code="civil-affairs").exists()
    # civil affairs was named although absent; housing was there although not named
    assert task in policies.inbox_tasks_of(civil_liaison)
    assert task in policies.inbox_tasks_of(persona("liaison_housing"))
    assert policies.get_actionable_task(civil_liaison, task.pk) == task


def test_a_leader_numbered_before_the_invited_one_does_not_lead_the_talk(answering_topic, persona):
    # the talk is led by the leader with the larger id
    leader_demo, leader_zhou = persona("leader_demo"), persona("leader_zhou")
    later, earlier = sorted([leader_demo, leader_zhou], key=lambda u: u.pk, reverse=True)
    topic = answering_topic([("甲", "housing", 1)], leader=later.username)
    assert policies.leads_topic(later, topic)
    assert not policies.leads_topic(earlier, topic)
    assert not policies.leads_topic(persona("admin_district"), topic)


def test_the_leading_leader_assigns_an_unclaimed_task_through_the_api(answering_topic, persona):
    # a talk recorded on a Thursday: five working days end the next Thursday
    thursday = timezone.make_aware(datetime.datetime(2026, 11, 19, 10, 0))
    with time_machine.travel(thursday, tick=False):
        (task,) = tasks_of(answering_topic([("甲", "housing", 1)]))
    leader = persona("leader_demo")
    assert task.topic.invited_leader_id == leader.pk
    civil = Department.objects.get(code="civil-affairs")
    with time_machine.travel(thursday + datetime.timedelta(days=7), tick=False):
        token, _record = token_issue(actor=leader)
        client = Client(headers={"Authorization": f"Bearer {token}"})
        # the leader finds the task to act on although it is in no department's inbox of theirs
        response = client.post(
            f"/api/v1/talks/tasks/{task.pk}/assign",
            data={"department_id": civil.pk},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        # a leader of no talk finds no task to act on
        other = User.objects.get(username="leader_zhou")
        other_token, _other = token_issue(actor=other)
        refused = Client(headers={"Authorization": f"Bearer {other_token}"}).post(
            f"/api/v1/talks/tasks/{task.pk}/assign",
            data={"department_id": civil.pk},
            content_type="application/json",
        )
    assert TalkTask.objects.get(pk=task.pk).department_id == civil.pk
    # (a leader sees every task of the district; assigning is for the one leading the talk)
    assert refused.status_code == 422 and refused.json()["code"] == "not_allowed", refused.content

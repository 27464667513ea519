"""Fixtures for the talks tests: topics of the demo district in a chosen state, made through
the services as the demo generator makes them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.core.actors import SystemActor
from community365.people.models import Person
from community365.talks import services
from community365.talks.models import TalkTopic

SYSTEM = SystemActor("test")


def free_residents(community, n: int, exclude: set[int] | None = None) -> list[Person]:
    """Verified residents of ``community`` without a login (so the demo logins stay free)."""
    qs = Person.objects.filter(community=community, verified_at__isnull=False, user__isnull=True)
    if exclude:
        qs = qs.exclude(pk__in=exclude)
    persons = list(qs.select_related("community").order_by("id")[:n])
    assert len(persons) == n, f"only {len(persons)} free verified residents in {community}"
    return persons


@pytest.fixture
def draft(persona):
    """draft("resident_001") → a fresh draft raised by that resident."""

    def make(username: str = "resident_001", title: str = "楼道灯不亮") -> TalkTopic:
        return services.topic_raise(
            actor=persona(username),
            title=title,
            description="3 幢 2 单元楼道灯坏了一个月。",
            request="请尽快修好，并建立报修渠道。",
        )

    return make


@pytest.fixture
def signing_topic(draft, persona):
    """signing_topic(9) → an open topic of 划船社区 by resident_001 with 9 paper signatures."""

    def make(signatures: int = 0, username: str = "resident_001") -> TalkTopic:
        topic = draft(username)
        services.topic_open(actor=persona(username), topic=topic)
        if signatures:
            persons = free_residents(topic.region, signatures, exclude={topic.author_person_id})
            services.topic_sign_on_paper(actor=persona("worker_huachuan"), topic=topic, persons=persons)
        topic.refresh_from_db()
        return topic

    return make


def scheduled(signing_topic, persona, talk_at: datetime.datetime, departments=()) -> TalkTopic:
    """A topic of 划船社区 with ten signatures, accepted and scheduled at ``talk_at``, led by
    leader_demo, with these departments present."""
    topic = signing_topic(10)
    admin = persona("admin_district")
    services.topic_submit(actor=persona("resident_001"), topic=topic)
    services.topic_accept(actor=admin, topic=topic)
    services.topic_schedule(
        actor=admin,
        topic=topic,
        talk_at=talk_at,
        place="社区",
        leader=persona("leader_demo"),
        departments=list(departments),
    )
    return topic


@pytest.fixture
def answering_topic(signing_topic, persona, region):
    """answering_topic([…]) → a topic after its talk, with one task per commitment given as
    (title, lead department code, weight); the housing department was present; the talk is led
    by ``leader`` (a username, leader_demo by default)."""
    from community365.regions.models import Department

    def make(commitments: list[tuple[str, str, int]], leader: str = "leader_demo") -> TalkTopic:
        topic = signing_topic(10)
        admin = persona("admin_district")
        services.topic_submit(actor=persona("resident_001"), topic=topic)
        services.topic_accept(actor=admin, topic=topic)
        housing = Department.objects.get(code="housing")
        services.topic_schedule(
            actor=admin,
            topic=topic,
            # An hour ago: the talk has to have been held before its minutes can be recorded.
            talk_at=timezone.now() - datetime.timedelta(hours=1),
            place="划船社区党群服务中心",
            leader=persona(leader),
            departments=[housing],
        )
        services.topic_record_talk(
            actor=admin,
            topic=topic,
            minutes="领导与居民面对面交流。",
            commitments=[
                services.Commitment(
                    title=title,
                    deadline=timezone.localdate() + datetime.timedelta(days=30),
                    lead_department=Department.objects.get(code=code),
                    weight=weight,
                )
                for title, code, weight in commitments
            ],
        )
        topic.refresh_from_db()
        return topic

    return make


@pytest.fixture
def civil_liaison(new_account):
    """A liaison of 区民政局 (the demo has only the housing one)."""
    from community365.regions.models import Department

    civil = Department.objects.get(code="civil-affairs")
    return new_account("liaison_civil", role="department_liaison", place=civil.district, department=civil)

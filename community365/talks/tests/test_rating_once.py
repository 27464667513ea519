"""Each co-signer rates a closed topic once, within the rating window to its last moment: a second rating online, or a paper sheet naming
someone who already rated, is refused with a message and changes nothing (the unique
constraint is the only guard, so this is also the path of two ratings racing)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from community365.core.errors import Conflict, InvalidTransition
from community365.talks import services
from community365.talks.models import TalkRating, TalkTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_topic(answering_topic, persona):
    topic = answering_topic([("修灯", "housing", 1)])
    task = TalkTask.objects.get(topic=topic)
    liaison = persona("liaison_housing")
    services.task_claim(actor=liaison, task=task)
    services.task_progress(actor=liaison, task=task, status="done", note="修好了")
    topic.refresh_from_db()
    assert topic.status == "closed"
    return topic


def test_a_second_rating_is_refused_and_the_first_kept(closed_topic, persona):
    author = persona("resident_001")
    services.topic_rate(actor=author, topic=closed_topic, score=4, comment="修得及时")
    with pytest.raises(Conflict, match="已经评价过"):
        services.topic_rate(actor=author, topic=closed_topic, score=1, comment="改主意了")
    assert list(TalkRating.objects.filter(topic=closed_topic).values_list("score", "comment")) == [
        (4, "修得及时")
    ]


def test_a_paper_sheet_naming_someone_who_rated_is_refused_whole(closed_topic, persona):
    signers = [s.person for s in closed_topic.signatures.select_related("person").order_by("pk")[:2]]
    worker = persona("worker_huachuan")
    services.topic_rate_on_paper(actor=worker, topic=closed_topic, ratings=[(signers[0], 5, "")])
    with pytest.raises(Conflict, match="已经评价过"):
        services.topic_rate_on_paper(
            actor=worker, topic=closed_topic, ratings=[(signers[1], 3, ""), (signers[0], 2, "")]
        )
    # nothing of the refused sheet was kept
    assert list(TalkRating.objects.filter(topic=closed_topic).values_list("person_id", "score")) == [
        (signers[0].pk, 5)
    ]


def test_the_rating_window_holds_to_its_last_moment(closed_topic, persona):
    window = datetime.timedelta(days=30)  # the district's rule, by default
    author, worker = persona("resident_001"), persona("worker_huachuan")
    signer = closed_topic.signatures.select_related("person").order_by("pk").first().person
    with (
        time_machine.travel(closed_topic.closed_at + window + datetime.timedelta(microseconds=1), tick=False),
        pytest.raises(InvalidTransition, match="评价期"),
    ):
        services.topic_rate_on_paper(actor=worker, topic=closed_topic, ratings=[(signer, 4, "")])
    with time_machine.travel(closed_topic.closed_at + window, tick=False):
        services.topic_rate(actor=author, topic=closed_topic, score=5)
    assert TalkRating.objects.filter(topic=closed_topic).count() == 1


def test_a_resident_numbered_before_the_author_who_did_not_sign_may_not_rate(closed_topic, persona):
    from community365.core.errors import NotAllowed
    from community365.people.models import Person

    signed = closed_topic.signatures.values("person_id")
    outsider = (
        Person.objects.filter(community_id=closed_topic.region_id, pk__lt=closed_topic.author_person_id)
        .exclude(pk__in=signed)
        .order_by("-pk")
        .first()
    )
    assert outsider is not None
    with pytest.raises(NotAllowed, match="联署"):
        services.topic_rate_on_paper(
            actor=persona("worker_huachuan"), topic=closed_topic, ratings=[(outsider, 5, "")]
        )
    assert not TalkRating.objects.filter(topic=closed_topic).exists()

"""A topic's own rules at their edges: only its author edits it, whoever else asks and however
they are numbered; the community's comment on submitting is up to 1,000 characters; the
organisation department hears of a topic to decide; a topic is never merged into itself."""

from __future__ import annotations

import pytest

from community365.core.errors import InvalidInput, NotAllowed
from community365.notifications.models import Notification
from community365.people.models import User
from community365.talks import services
from community365.talks.models import TalkTopic, TopicStatus

pytestmark = pytest.mark.django_db


def _edit(actor, topic: TalkTopic) -> TalkTopic:
    return services.topic_edit(
        actor=actor, topic=topic, title="改过的题目", description="问题", request="诉求"
    )


def test_only_the_author_edits_a_topic_whoever_else_asks(draft, persona, new_account):
    topic = draft("resident_001")
    before = User.objects.filter(pk__lt=topic.author_id, is_superuser=False).order_by("-pk").first()
    after = new_account("zz_after")
    assert before.pk < topic.author_id < after.pk
    for other in (before, after):
        with pytest.raises(NotAllowed):
            _edit(other, topic)
    assert TalkTopic.objects.get(pk=topic.pk).title == "楼道灯不亮"
    assert _edit(persona("resident_001"), topic).title == "改过的题目"


def test_the_communitys_comment_on_submitting_is_up_to_a_thousand_characters(signing_topic, persona):
    topic = signing_topic(10)
    worker = persona("worker_huachuan")
    with pytest.raises(InvalidInput) as refused:
        services.topic_submit(actor=worker, topic=topic, comment="意" * 1001)
    assert refused.value.field == "comment"
    assert TalkTopic.objects.get(pk=topic.pk).status == TopicStatus.SIGNING
    services.topic_submit(actor=worker, topic=topic, comment="意" * 1000)
    assert len(TalkTopic.objects.get(pk=topic.pk).submit_comment) == 1000


def test_the_organisation_department_hears_of_a_topic_to_decide(
    signing_topic, persona, django_capture_on_commit_callbacks
):
    topic = signing_topic(10)
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_submit(actor=persona("resident_001"), topic=topic)
    told = Notification.objects.filter(kind="talks.note.to_decide", params__title=topic.title)
    assert persona("admin_district").pk in set(told.values_list("recipient_id", flat=True))


def test_a_topic_is_not_merged_into_itself(signing_topic, persona):
    topic = signing_topic(10)
    services.topic_submit(actor=persona("resident_001"), topic=topic)
    same = TalkTopic.objects.get(pk=topic.pk)  # the same topic, read again
    with pytest.raises(InvalidInput) as refused:
        services.topic_merge(actor=persona("admin_district"), topic=topic, into=same)
    assert refused.value.field == "into_id"
    assert TalkTopic.objects.get(pk=topic.pk).status == TopicStatus.SUBMITTED

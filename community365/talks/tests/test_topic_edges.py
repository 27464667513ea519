"""A topic's own rules at their edges: who may edit, add to and submit it (the author or the
community, whoever else asks and however they are numbered); the limits of its texts when raised,
edited, commented, added to and declined; when it may be submitted (its count, its deadline, its
state); what a merge carries and where it may go; who hears of it; every refusal audited."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from community365.audit.models import AuditEvent, AuditResult
from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed
from community365.notifications.models import Notification
from community365.people.models import Person, User
from community365.talks import services
from community365.talks.models import SignatureKind, TalkEvent, TalkSignature, TalkTopic, TopicStatus

pytestmark = pytest.mark.django_db

# (the field refused, title, problem, request): each one character past its limit
LONGER_BY_ONE = [
    ("title", "题" * 81, "问", "诉"),
    ("description", "题", "问" * 2001, "诉"),
    ("request", "题", "问", "诉" * 1001),
]


def _numbered_before(user_id: int) -> User:
    """The account numbered just before ``user_id`` (no superuser): a rule comparing ids with
    ``<`` or ``>`` instead of ``!=`` lets it through."""
    return User.objects.filter(pk__lt=user_id, is_superuser=False).order_by("-pk").first()


def _two_submitted(signing_topic, persona) -> tuple[TalkTopic, TalkTopic]:
    """Two topics of 划船社区 (by resident_001, then resident_002, the same ten co-signers),
    submitted by the community and read afresh."""
    first, second = signing_topic(10), signing_topic(10, username="resident_002")
    for topic in (first, second):
        services.topic_submit(actor=persona("worker_huachuan"), topic=topic)
    return TalkTopic.objects.get(pk=first.pk), TalkTopic.objects.get(pk=second.pk)


def _edit(actor, topic: TalkTopic) -> TalkTopic:
    return services.topic_edit(
        actor=actor, topic=topic, title="改过的题目", description="问题", request="诉求"
    )


def test_only_the_author_edits_a_topic_whoever_else_asks(draft, persona, new_account):
    topic = draft("resident_001")
    before = _numbered_before(topic.author_id)
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


def test_an_addendum_comes_from_the_author_or_the_community_only(signing_topic, persona, new_account):
    topic = signing_topic(10)
    before = _numbered_before(topic.author_id)
    after = new_account("zz_after")
    for other in (before, after):
        with pytest.raises(NotAllowed):
            services.topic_add_addendum(actor=other, topic=topic, text="补充")
    with pytest.raises(InvalidInput):
        services.topic_add_addendum(actor=persona("resident_001"), topic=topic, text="补" * 1001)
    refusal = AuditEvent.objects.filter(action="talks.topic:addendum").latest("pk")
    assert (refusal.result, refusal.object_id) == (AuditResult.REFUSED, str(topic.pk))
    services.topic_add_addendum(actor=persona("resident_001"), topic=topic, text="补" * 1000)
    services.topic_add_addendum(actor=persona("resident_001"), topic=topic, text="作者补充")
    services.topic_add_addendum(actor=persona("worker_huachuan"), topic=topic, text="社区补充")
    texts = (
        TalkEvent.objects.filter(topic=topic, kind="addendum")
        .order_by("pk")
        .values_list("params__text", flat=True)
    )
    assert list(texts) == ["补" * 1000, "作者补充", "社区补充"]


def test_a_topic_past_its_threshold_is_submitted(signing_topic, persona):
    topic = signing_topic(11)
    assert topic.signature_count > topic.signature_threshold
    services.topic_submit(actor=persona("resident_001"), topic=topic)
    assert TalkTopic.objects.get(pk=topic.pk).status == TopicStatus.SUBMITTED


def test_a_social_worker_raises_a_topic_for_a_verified_resident_only(persona, region):
    worker = persona("worker_huachuan")
    residents = Person.objects.filter(community=region("划船社区"), user__isnull=True).order_by("pk")
    unverified = residents.filter(verified_at__isnull=True).first()
    verified = residents.filter(verified_at__isnull=False).first()

    def raise_for(person):
        return services.topic_raise(
            actor=worker, person=person, title="加装电梯", description="问题", request="诉求"
        )

    with pytest.raises(NotAllowed, match="尚未经社区核实"):
        raise_for(unverified)
    topic = raise_for(verified)
    assert (topic.author_person_id, topic.author_id) == (verified.pk, worker.pk)  # the worker's to open


def test_a_topic_is_raised_with_a_title_up_to_80_a_problem_up_to_2000_and_a_request_up_to_1000_characters(
    persona,
):
    author = persona("resident_001")
    for field, title, description, request in LONGER_BY_ONE:
        with pytest.raises(InvalidInput) as refused:
            services.topic_raise(actor=author, title=title, description=description, request=request)
        assert refused.value.field == field
    topic = services.topic_raise(actor=author, title="题" * 80, description="问" * 2000, request="诉" * 1000)
    assert (len(topic.title), len(topic.description), len(topic.request)) == (80, 2000, 1000)
    assert topic.author_id == author.pk
    refusals = AuditEvent.objects.filter(action="talks.topic:raise", result=AuditResult.REFUSED, actor=author)
    assert refusals.count() == 3


def test_a_topic_short_of_signatures_says_how_many_are_missing(signing_topic, persona):
    topic = signing_topic(3)
    have, need = topic.signature_count, topic.signature_threshold
    assert need // have != need - have
    with pytest.raises(NotAllowed) as refused:
        services.topic_submit(actor=persona("resident_001"), topic=topic)
    assert f"已有 {have} 人，需 {need} 人，还差 {need - have} 人" in str(refused.value.message)


def test_a_topic_is_merged_into_another_of_its_district_numbered_after_it(signing_topic, persona):
    first, second = _two_submitted(signing_topic, persona)
    assert second.pk > first.pk
    services.topic_merge(actor=persona("admin_district"), topic=first, into=second)
    merged = TalkTopic.objects.get(pk=first.pk)
    assert (merged.status, merged.merged_into_id) == (TopicStatus.MERGED, second.pk)


def test_only_the_author_or_the_community_submits_a_topic(signing_topic, persona, new_account):
    topic = signing_topic(10)
    before = _numbered_before(topic.author_id)
    after = new_account("zz_after", role="resident", place=topic.region)
    assert before.pk < topic.author_id < after.pk
    for other in (before, after):
        with pytest.raises(NotAllowed, match="只有发起人或本社区社工可以报送"):
            services.topic_submit(actor=other, topic=topic)
    assert TalkTopic.objects.get(pk=topic.pk).status == TopicStatus.SIGNING


def test_a_draft_or_a_submitted_topic_is_not_submitted_whatever_its_count_or_deadline(
    draft, signing_topic, persona
):
    worker = persona("worker_huachuan")
    with pytest.raises(InvalidTransition, match="草稿"):  # not "short of signatures"
        services.topic_submit(actor=worker, topic=draft("resident_001"))
    topic = signing_topic(10)
    services.topic_submit(actor=worker, topic=topic)
    late = topic.signing_deadline + datetime.timedelta(days=1)
    with (
        time_machine.travel(late, tick=False),
        pytest.raises(InvalidTransition, match="已报送"),  # not "the signing period is over"
    ):
        services.topic_submit(actor=worker, topic=TalkTopic.objects.get(pk=topic.pk))


def test_a_topic_is_submitted_up_to_the_moment_its_signing_closes(signing_topic, persona):
    topic = signing_topic(10)
    with time_machine.travel(topic.signing_deadline, tick=False):
        services.topic_submit(actor=persona("worker_huachuan"), topic=topic)
    assert TalkTopic.objects.get(pk=topic.pk).status == TopicStatus.SUBMITTED


def test_an_edited_title_is_up_to_80_a_problem_up_to_2000_and_a_request_up_to_1000_characters(draft, persona):
    topic = draft("resident_001")
    author = persona("resident_001")
    for field, title, description, request in LONGER_BY_ONE:
        with pytest.raises(InvalidInput) as refused:
            services.topic_edit(
                actor=author, topic=topic, title=title, description=description, request=request
            )
        assert refused.value.field == field
    services.topic_edit(
        actor=author, topic=topic, title="题" * 80, description="问" * 2000, request="诉" * 1000
    )
    edited = TalkTopic.objects.get(pk=topic.pk)
    assert (len(edited.title), len(edited.description), len(edited.request)) == (80, 2000, 1000)
    refusals = AuditEvent.objects.filter(action="talks.topic:edit", result=AuditResult.REFUSED, actor=author)
    assert refusals.count() == 3


@pytest.mark.parametrize("numbered", ["after", "before"])
def test_a_topic_is_not_merged_into_one_of_another_district(signing_topic, persona, other_district, numbered):
    first, second = _two_submitted(signing_topic, persona)
    other = other_district(numbered)
    assert (other.pk > first.district_id) == (numbered == "after")
    TalkTopic.objects.filter(pk=second.pk).update(district=other)  # as if raised over there
    with pytest.raises(InvalidInput) as refused:
        services.topic_merge(
            actor=persona("admin_district"), topic=first, into=TalkTopic.objects.get(pk=second.pk)
        )
    assert refused.value.field == "into_id"
    assert TalkTopic.objects.get(pk=first.pk).status == TopicStatus.SUBMITTED


def test_a_merge_carries_the_active_co_signers_the_other_topic_lacks(signing_topic, persona):
    first, second = _two_submitted(signing_topic, persona)
    # one of the ten has since withdrawn from the second topic (paper signers have no login to do it)
    left = TalkSignature.objects.filter(topic=second).order_by("pk").first()
    TalkSignature.objects.filter(pk=left.pk).update(withdrawn_at=timezone.now())
    services.topic_merge(actor=persona("admin_district"), topic=first, into=second)
    carried = TalkSignature.objects.filter(topic=second, kind=SignatureKind.CARRIED)
    assert set(carried.values_list("person_id", flat=True)) == {left.person_id, first.author_person_id}


def test_refused_steps_of_a_topic_are_kept_in_the_audit(draft, signing_topic, persona):
    author, admin = persona("resident_001"), persona("admin_district")
    topic = signing_topic(3)
    with pytest.raises(NotAllowed):
        services.topic_submit(actor=author, topic=topic)  # short of signatures
    with pytest.raises(InvalidTransition):
        services.topic_open(actor=author, topic=topic)  # open already
    with pytest.raises(InvalidInput):
        services.topic_merge(actor=admin, topic=topic, into=topic)
    refused = AuditEvent.objects.filter(result=AuditResult.REFUSED, object_id=str(topic.pk))
    assert set(refused.values_list("action", flat=True)) == {
        "talks.topic:submit",
        "talks.topic:open",
        "talks.topic:merge",
    }
    edited = services.topic_edit(
        actor=author, topic=draft("resident_001"), title="题", description="问", request="诉"
    )
    assert (
        AuditEvent.objects.filter(action="talks.topic:edit", object_id=str(edited.pk)).get().acting_role
        == "resident"
    )


def test_a_decline_gives_its_public_reason_in_up_to_a_thousand_characters(signing_topic, persona):
    topic = signing_topic(10)
    services.topic_submit(actor=persona("resident_001"), topic=topic)
    admin = persona("admin_district")
    with pytest.raises(InvalidInput) as refused:
        services.topic_decline(actor=admin, topic=topic, reason="理" * 1001)
    assert refused.value.field == "reason"
    services.topic_decline(actor=admin, topic=topic, reason="理" * 1000)
    assert len(TalkTopic.objects.get(pk=topic.pk).decline_reason) == 1000


def test_a_submission_is_published_with_the_communitys_comment_or_without_one(signing_topic, persona):
    worker = persona("worker_huachuan")
    with_comment, without = signing_topic(10), signing_topic(10, username="resident_002")
    services.topic_submit(actor=worker, topic=with_comment, comment="情况属实")
    services.topic_submit(actor=worker, topic=without)
    said = TalkEvent.objects.get(topic=with_comment, kind="submitted")
    assert (said.code, said.params["comment"]) == ("talks.event.submitted_comment", "情况属实")
    assert TalkEvent.objects.get(topic=without, kind="submitted").code == "talks.event.submitted"


def test_a_merge_does_not_carry_an_author_who_signed_the_other_topic(signing_topic, persona):
    first = signing_topic(10)
    second = signing_topic(10, username="resident_002")
    services.topic_sign(actor=persona("resident_001"), topic=second)  # the first's author co-signs it
    for topic in (first, second):
        services.topic_submit(actor=persona("worker_huachuan"), topic=topic)
    services.topic_merge(
        actor=persona("admin_district"),
        topic=TalkTopic.objects.get(pk=first.pk),
        into=TalkTopic.objects.get(pk=second.pk),
    )
    assert not TalkSignature.objects.filter(topic=second, kind=SignatureKind.CARRIED).exists()


def test_a_refused_acceptance_or_decline_is_kept_in_the_audit(signing_topic, persona):
    topic = signing_topic(10)  # not submitted: neither accepted nor declined
    admin = persona("admin_district")
    with pytest.raises(InvalidTransition):
        services.topic_accept(actor=admin, topic=topic)
    with pytest.raises(InvalidTransition):
        services.topic_decline(actor=admin, topic=topic, reason="不属于约谈范围")
    refused = AuditEvent.objects.filter(result=AuditResult.REFUSED, object_id=str(topic.pk))
    assert set(refused.values_list("action", flat=True)) == {"talks.topic:accept", "talks.topic:decline"}

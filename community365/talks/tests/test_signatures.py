"""Co-signing: the threshold, the window, one signature per resident, only the community's own
verified residents — with frozen time where time matters."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from community365.core.errors import Conflict, InvalidTransition, NotAllowed
from community365.talks import services
from community365.talks.models import SignatureKind, TalkSignature, TalkTopic, TopicStatus

from .conftest import SYSTEM, free_residents

pytestmark = pytest.mark.django_db


def test_nine_signatures_cannot_submit_the_tenth_can(signing_topic, persona):
    # given a topic with 9 co-signers (the author does not count)
    topic = signing_topic(9)
    author = persona("resident_001")
    assert topic.signature_count == 9 and topic.signature_threshold == 10

    # when the author submits, it is refused with the number still missing
    with pytest.raises(NotAllowed, match="还差 1 人"):
        services.topic_submit(actor=author, topic=topic)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SIGNING and topic.threshold_reached_at is None

    # when a 10th resident signs online, the threshold is reached and submitting works
    services.topic_sign(actor=persona("resident_002"), topic=topic)
    topic.refresh_from_db()
    assert topic.signature_count == 10 and topic.threshold_reached_at is not None
    services.topic_submit(actor=author, topic=topic, comment="")
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SUBMITTED


def test_signature_count_matches_active_signature_rows(signing_topic, persona):
    topic = signing_topic(3)
    services.topic_sign(actor=persona("resident_002"), topic=topic)
    services.topic_sign(actor=persona("resident_003"), topic=topic)
    services.signature_withdraw(actor=persona("resident_003"), topic=topic)
    topic.refresh_from_db()
    active = TalkSignature.objects.filter(topic=topic, withdrawn_at__isnull=True).count()
    assert topic.signature_count == active == 4


def test_second_signature_by_the_same_resident_is_refused(signing_topic, persona):
    topic = signing_topic(0)
    services.topic_sign(actor=persona("resident_002"), topic=topic)
    with pytest.raises(Conflict):
        services.topic_sign(actor=persona("resident_002"), topic=topic)
    topic.refresh_from_db()
    assert topic.signature_count == 1


def test_paper_signature_of_a_resident_who_signed_online_is_refused(signing_topic, persona):
    topic = signing_topic(0)
    resident = persona("resident_002")
    services.topic_sign(actor=resident, topic=topic)
    with pytest.raises(Conflict):
        services.topic_sign_on_paper(actor=persona("worker_huachuan"), topic=topic, persons=[resident.person])


def test_database_refuses_a_duplicate_active_signature_even_without_the_service(signing_topic):
    from django.db import IntegrityError, transaction

    topic = signing_topic(1)
    existing = TalkSignature.objects.get(topic=topic)
    with pytest.raises(IntegrityError), transaction.atomic():
        TalkSignature.objects.create(
            topic=topic, person=existing.person, kind=SignatureKind.ONLINE, signed_at=timezone.now()
        )


def test_withdrawn_signer_may_sign_again(signing_topic, persona):
    topic = signing_topic(0)
    resident = persona("resident_002")
    services.topic_sign(actor=resident, topic=topic)
    services.signature_withdraw(actor=resident, topic=topic)
    services.topic_sign(actor=resident, topic=topic)
    assert TalkSignature.objects.filter(topic=topic, person=resident.person).count() == 2
    topic.refresh_from_db()
    assert topic.signature_count == 1


def test_resident_of_another_community_cannot_sign(signing_topic, persona):
    topic = signing_topic(0)
    with pytest.raises(NotAllowed, match="划船社区"):
        services.topic_sign(actor=persona("resident_101"), topic=topic)  # 黄鹂社区


def test_author_does_not_count_and_cannot_sign_own_topic(signing_topic, persona):
    topic = signing_topic(0)
    with pytest.raises(NotAllowed, match="发起人"):
        services.topic_sign(actor=persona("resident_001"), topic=topic)


def test_staff_and_unverified_accounts_cannot_sign(signing_topic, persona):
    topic = signing_topic(0)
    for username in ("worker_huachuan", "admin_district", "liaison_housing"):
        with pytest.raises(NotAllowed):
            services.topic_sign(actor=persona(username), topic=topic)
    # a resident account of the community whose residence is not yet verified
    from community365.core.roles import Role
    from community365.people import services as people

    user = people.user_create(
        actor=SYSTEM, username="unverified_signer", password=None, district=topic.region.district
    )
    people.role_grant(actor=SYSTEM, user=user, role=Role.RESIDENT, region=topic.region)
    person = people.person_register(actor=SYSTEM, name="吴未核", community=topic.region)
    people.person_link_user(actor=SYSTEM, person=person, user=user)
    assert person.verified_at is None
    with pytest.raises(NotAllowed, match="核实"):
        services.topic_sign(actor=user, topic=topic)
    assert not TalkSignature.objects.filter(topic=topic, person=person).exists()
    # the same account signs once the community has verified the residence: verification alone refused it
    people.person_verify_residence(actor=SYSTEM, person=person)
    services.topic_sign(actor=user, topic=topic)
    assert TalkSignature.objects.filter(topic=topic, person=person).count() == 1


def test_paper_signatures_only_for_verified_residents_of_the_community(signing_topic, persona, region):
    from community365.people.models import Person

    topic = signing_topic(0)
    worker = persona("worker_huachuan")
    unverified = Person.objects.filter(community=topic.region, verified_at__isnull=True).first()
    with pytest.raises(NotAllowed):
        services.topic_sign_on_paper(actor=worker, topic=topic, persons=[unverified])
    stranger = free_residents(region("黄鹂社区"), 1)
    with pytest.raises(NotAllowed):
        services.topic_sign_on_paper(actor=worker, topic=topic, persons=stranger)
    # a social worker of another community may not enter paper signatures here
    with pytest.raises(NotAllowed):
        services.topic_sign_on_paper(
            actor=persona("worker_huangli"), topic=topic, persons=free_residents(topic.region, 1)
        )
    n = services.topic_sign_on_paper(actor=worker, topic=topic, persons=free_residents(topic.region, 2))
    assert n == 2
    assert set(TalkSignature.objects.filter(topic=topic).values_list("kind", flat=True)) == {"paper"}


def test_expired_topic_cannot_be_signed_or_submitted(signing_topic, persona):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        topic = signing_topic(10)
    assert topic.signing_deadline == start + datetime.timedelta(days=30)

    # one minute before the window closes a resident can still sign
    with time_machine.travel(topic.signing_deadline - datetime.timedelta(minutes=1), tick=False):
        services.topic_sign(actor=persona("resident_002"), topic=topic)

    # after it closes, neither signing nor submitting is possible
    with time_machine.travel(topic.signing_deadline + datetime.timedelta(minutes=1), tick=False):
        with pytest.raises(InvalidTransition, match="联署期已过"):
            services.topic_sign(actor=persona("resident_003"), topic=topic)
        with pytest.raises(InvalidTransition, match="联署期已过"):
            services.topic_submit(actor=persona("resident_001"), topic=topic)
        # and the daily sweep marks it expired
        report = services.talks_sweep(actor=SYSTEM)
    assert report.expired >= 1
    topic.refresh_from_db()
    assert topic.status == TopicStatus.EXPIRED
    with pytest.raises(InvalidTransition):
        services.topic_sign(actor=persona("resident_003"), topic=topic)


def test_threshold_and_window_are_configurable_per_district(draft, persona, region):
    district = region("江东区")
    services.rules_set(
        actor=persona("admin_district"), district=district, signature_threshold=3, signature_window_days=7
    )
    with time_machine.travel(timezone.now(), tick=False):
        topic = draft()
        services.topic_open(actor=persona("resident_001"), topic=topic)
        assert topic.signature_threshold == 3
        assert topic.signing_deadline == timezone.now() + datetime.timedelta(days=7)
    for username in ("resident_002", "resident_003"):
        services.topic_sign(actor=persona(username), topic=topic)
    with pytest.raises(NotAllowed):
        services.topic_submit(actor=persona("resident_001"), topic=topic)
    services.topic_sign(actor=persona("resident_004"), topic=topic)
    services.topic_submit(actor=persona("resident_001"), topic=topic)


def test_text_is_locked_once_the_first_co_signer_signed(signing_topic, persona):
    topic = signing_topic(0)
    author = persona("resident_001")
    services.topic_edit(actor=author, topic=topic, title="楼道灯坏了", description="一个月", request="修好")
    services.topic_sign(actor=persona("resident_002"), topic=topic)
    topic.refresh_from_db()
    with pytest.raises(InvalidTransition, match="补充说明"):
        services.topic_edit(actor=author, topic=topic, title="别的", description="别的", request="别的")
    services.topic_add_addendum(actor=author, topic=topic, text="更正：是 3 幢 1 单元。")
    topic.refresh_from_db()
    assert topic.title == "楼道灯坏了"
    assert topic.events.filter(kind="addendum", params__text="更正：是 3 幢 1 单元。").exists()


def test_signer_cannot_withdraw_after_submission(signing_topic, persona):
    topic = signing_topic(9)
    services.topic_sign(actor=persona("resident_002"), topic=topic)
    services.topic_submit(actor=persona("resident_001"), topic=topic)
    with pytest.raises(InvalidTransition):
        services.signature_withdraw(actor=persona("resident_002"), topic=topic)


def test_only_a_verified_resident_can_raise_a_topic(persona):
    for username in ("worker_huachuan", "liaison_housing"):
        with pytest.raises(NotAllowed):
            services.topic_raise(actor=persona(username), title="t", description="d", request="r")


def test_illegal_steps_are_refused_with_the_current_state(signing_topic, persona):
    topic = signing_topic(0)
    admin = persona("admin_district")
    with pytest.raises(InvalidTransition, match="联署中"):
        services.topic_accept(actor=admin, topic=topic)
    with pytest.raises(InvalidTransition):
        services.topic_open(actor=persona("resident_001"), topic=topic)
    assert TalkTopic.objects.get(pk=topic.pk).status == TopicStatus.SIGNING


def test_signers_are_told_when_the_threshold_is_reached(
    signing_topic, persona, django_capture_on_commit_callbacks
):
    from community365.notifications.models import Notification

    topic = signing_topic(8)
    services.topic_sign(actor=persona("resident_002"), topic=topic)
    # only what this act sends: the demo's own topics notified the same people before
    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_sign(actor=persona("resident_003"), topic=topic)
    recipients = set(
        Notification.objects.filter(
            pk__gt=before, kind__in=["talks.note.threshold", "talks.note.threshold_staff"]
        ).values_list("recipient__username", flat=True)
    )
    assert {
        "resident_001",
        "resident_002",
        "resident_003",
        "secretary_huachuan",
        "worker_huachuan",
    } <= recipients


# --- mutation testing of the signature rules (docs/mutation.md) -------------------------------


def test_a_refused_duplicate_names_the_resident_or_the_list(signing_topic, persona):
    """The unique signature refuses a paper line of someone who signed online: one name on the
    sheet is told "already signed", a longer sheet "someone on the list"; nothing is counted."""
    topic = signing_topic(0)
    resident = persona("resident_002")
    services.topic_sign(actor=resident, topic=topic)
    worker = persona("worker_huachuan")
    with pytest.raises(Conflict, match="您已联署过该点题"):
        services.topic_sign_on_paper(actor=worker, topic=topic, persons=[resident.person])
    others = free_residents(topic.region, 1, exclude={topic.author_person_id, resident.person.pk})
    with pytest.raises(Conflict, match="名单中有居民已联署过该点题"):
        services.topic_sign_on_paper(actor=worker, topic=topic, persons=[*others, resident.person])
    topic.refresh_from_db()
    assert topic.signature_count == 1
    assert TalkSignature.objects.filter(topic=topic).count() == 1


def test_paper_signatures_record_who_entered_them_online_ones_do_not(signing_topic, persona):
    topic = signing_topic(0)
    worker = persona("worker_huachuan")
    services.topic_sign_on_paper(actor=worker, topic=topic, persons=free_residents(topic.region, 1))
    services.topic_sign(actor=persona("resident_002"), topic=topic)
    entered = dict(TalkSignature.objects.filter(topic=topic).values_list("kind", "entered_by_id"))
    assert entered == {SignatureKind.PAPER: worker.pk, SignatureKind.ONLINE: None}


def test_paper_lines_of_a_community_listed_before_this_one_are_refused(signing_topic, persona, region):
    """Residents of this community means equal ids: residents of a community with a smaller id (划船社区,
    for a topic of 黄鹂社区) are refused like those of one with a larger id."""
    from community365.regions.models import Region

    topic = signing_topic(0, username="resident_101")  # 黄鹂社区
    earlier = region("划船社区")
    assert earlier.pk < topic.region_id
    worker = persona("worker_huangli")
    with pytest.raises(NotAllowed):
        services.topic_sign_on_paper(actor=worker, topic=topic, persons=free_residents(earlier, 1))
    later = Region.objects.filter(kind="community", pk__gt=topic.region_id).order_by("pk").first()
    with pytest.raises(NotAllowed):
        services.topic_sign_on_paper(actor=worker, topic=topic, persons=free_residents(later, 1))
    assert TalkSignature.objects.filter(topic=topic).count() == 0
    assert (
        services.topic_sign_on_paper(actor=worker, topic=topic, persons=free_residents(topic.region, 1)) == 1
    )


def test_a_resident_of_a_community_with_a_large_id_signs_its_topic(persona, region):
    """Residents of this community is an equality of ids, not identity: a community whose id is past
    Python's small-int cache (> 256) signs its own topics."""
    from community365.core.roles import Role
    from community365.people import services as people
    from community365.regions import services as regions

    home = region("划船社区")
    community = regions.region_create(
        actor=SYSTEM, parent=home.get_parent(), kind="community", name="新建测试社区", code="NEWC-01"
    )
    assert community.pk > 256

    def resident(username, name):
        user = people.user_create(actor=SYSTEM, username=username, password=None, district=home.district)
        people.role_grant(actor=SYSTEM, user=user, role=Role.RESIDENT, region=community)
        person = people.person_register(actor=SYSTEM, name=name, community=community)
        people.person_link_user(actor=SYSTEM, person=person, user=user)
        people.person_verify_residence(actor=SYSTEM, person=person)
        return type(user).objects.get(pk=user.pk)

    author, signer = resident("newc_author", "钱发起"), resident("newc_signer", "孙联署")
    topic = services.topic_raise(
        actor=author, title="新小区的路灯", description="小区门口路灯一直不亮。", request="请装好路灯。"
    )
    services.topic_open(actor=author, topic=topic)
    services.topic_sign(actor=signer, topic=TalkTopic.objects.get(pk=topic.pk))
    assert TalkSignature.objects.filter(topic=topic, person=signer.person).count() == 1
    # and the author, whose record id is as large, is still refused from a paper sheet
    worker = people.user_create(actor=SYSTEM, username="newc_worker", password=None, district=home.district)
    people.role_grant(actor=SYSTEM, user=worker, role=Role.SOCIAL_WORKER, region=community)
    author_person = type(author.person).objects.get(pk=author.person.pk)
    assert author_person.pk > 256
    # online too: the author is the author by equal ids, not by the same int object
    with pytest.raises(NotAllowed, match="发起人"):
        services.topic_sign(
            actor=type(author).objects.get(pk=author.pk), topic=TalkTopic.objects.get(pk=topic.pk)
        )
    with pytest.raises(NotAllowed, match="发起人"):
        services.topic_sign_on_paper(
            actor=type(worker).objects.get(pk=worker.pk),
            topic=TalkTopic.objects.get(pk=topic.pk),
            persons=[author_person],
        )


def test_a_paper_line_of_a_resident_numbered_before_the_author_counts(signing_topic, persona):
    """Only the author is refused from the sheet: a resident whose record is older (smaller id)
    than the author's signs like anyone else."""
    topic = signing_topic(0, username="resident_030")
    earlier = persona("resident_002").person
    assert earlier.pk < topic.author_person_id
    assert services.topic_sign_on_paper(actor=persona("worker_huachuan"), topic=topic, persons=[earlier]) == 1
    topic.refresh_from_db()
    assert topic.signature_count == 1


def test_a_sheet_that_jumps_past_the_threshold_reaches_it(signing_topic, persona):
    """The threshold is 'at least': 8 signatures and a sheet of 3 make 11, and the topic has
    reached its threshold (not only when the count lands on it exactly)."""
    topic = signing_topic(8)
    assert topic.signature_threshold == 10 and topic.threshold_reached_at is None
    signed = set(TalkSignature.objects.filter(topic=topic).values_list("person_id", flat=True))
    sheet = free_residents(topic.region, 3, exclude={topic.author_person_id, *signed})
    services.topic_sign_on_paper(actor=persona("worker_huachuan"), topic=topic, persons=sheet)
    topic.refresh_from_db()
    assert topic.signature_count == 11
    assert topic.threshold_reached_at is not None


def test_a_resident_signs_at_the_very_moment_the_window_closes(signing_topic, persona):
    """The window includes its deadline: 'past the deadline' is strictly later."""
    topic = signing_topic(0)
    with time_machine.travel(topic.signing_deadline, tick=False):
        services.topic_sign(actor=persona("resident_002"), topic=topic)
    assert TalkSignature.objects.filter(topic=topic).count() == 1


def test_a_signer_withdraws_from_the_topic_object_the_opening_returned(draft, persona):
    """The topic in hand after opening carries its state as the enum member, not the stored
    string: withdrawing compares the state by value."""
    author = persona("resident_001")
    topic = services.topic_open(actor=author, topic=draft())
    assert topic.status == TopicStatus.SIGNING
    resident = persona("resident_002")
    services.topic_sign(actor=resident, topic=topic)
    topic.status = TopicStatus.SIGNING  # as a service leaves it in memory
    services.signature_withdraw(actor=resident, topic=topic)
    assert TalkSignature.objects.get(topic=topic, person=resident.person).withdrawn_at is not None


def test_an_online_signer_numbered_before_the_author_counts(signing_topic, persona):
    """Only the author is refused online: a resident whose record is older (smaller id) than the
    author's signs like anyone else."""
    topic = signing_topic(0, username="resident_030")
    earlier = persona("resident_002")
    assert earlier.person.pk < topic.author_person_id
    services.topic_sign(actor=earlier, topic=topic)
    topic.refresh_from_db()
    assert topic.signature_count == 1


def test_online_signers_of_a_community_listed_before_this_one_are_refused(signing_topic, persona, region):
    """The topic of 黄鹂社区 is signed online by its residents only: a resident of 划船社区, whose
    community has the smaller id, is refused like one of a community with a larger id."""
    topic = signing_topic(0, username="resident_101")  # 黄鹂社区
    signer = persona("resident_002")
    assert signer.person.community_id < topic.region_id == region("黄鹂社区").pk
    with pytest.raises(NotAllowed, match="黄鹂社区"):
        services.topic_sign(actor=signer, topic=topic)
    assert TalkSignature.objects.filter(topic=topic).count() == 0


def test_signing_outside_the_window_names_the_state_before_and_after_it(signing_topic, draft, persona):
    """A draft (before signing) and a submitted topic (after it) are refused with the state they
    are in, not with a generic message."""
    before = draft("resident_030")
    with pytest.raises(InvalidTransition, match="草稿"):
        services.topic_sign(actor=persona("resident_002"), topic=before)
    after = signing_topic(10)
    services.topic_submit(actor=persona("resident_001"), topic=after, comment="")
    after.refresh_from_db()
    assert after.status == TopicStatus.SUBMITTED
    with pytest.raises(InvalidTransition, match="已报送"):
        services.topic_sign(actor=persona("resident_002"), topic=after)
    assert not TalkSignature.objects.filter(topic=before).exists()

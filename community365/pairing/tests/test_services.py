"""Pairing's services: every refusal, and what each write leaves behind."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.audit.models import AuditEvent
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.pairing import services
from community365.pairing.models import Pairing, VisitNeed

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def test_pair_records_unit_and_audit(persona, unpaired):
    worker, member = persona("worker_huachuan"), persona("member_demo")
    pairing = services.pairing_create(actor=worker, household=unpaired, cadre=member)
    assert pairing.region.name == "划船社区" and pairing.paired_by == worker and pairing.since == TODAY()
    assert pairing.unit_name  # the cadre's unit (here: the community they report to)
    assert AuditEvent.objects.filter(
        action="pairing.pairing:create", object_id=str(pairing.pk), result="ok"
    ).exists()


def test_pair_refuses_the_same_cadre_twice(persona, unpaired):
    worker, member = persona("worker_huachuan"), persona("member_demo")
    services.pairing_create(actor=worker, household=unpaired, cadre=member)
    with pytest.raises(Conflict):
        services.pairing_create(actor=worker, household=unpaired, cadre=member)
    assert Pairing.objects.filter(household=unpaired, cadre=member, ended_on__isnull=True).count() == 1
    assert AuditEvent.objects.filter(action="pairing.pairing:create", result="refused").exists()


def test_pair_refuses_a_cadre_outside_scope(persona, unpaired):
    # firstsec_demo is posted to 黄鹂社区, not 划船社区; a resident is no cadre at all.
    for outsider in ("firstsec_demo", "resident_huachuan", "volunteer_demo"):
        with pytest.raises(NotAllowed):
            services.pairing_create(
                actor=persona("worker_huachuan"), household=unpaired, cadre=persona(outsider)
            )


def test_pair_refuses_another_communitys_worker_and_a_future_date(persona, unpaired):
    with pytest.raises(NotAllowed):
        services.pairing_create(
            actor=persona("worker_huangli"), household=unpaired, cadre=persona("member_demo")
        )
    with pytest.raises(NotAllowed):  # the cadre cannot pair themself
        services.pairing_create(
            actor=persona("member_demo"), household=unpaired, cadre=persona("member_demo")
        )
    with pytest.raises(InvalidInput):
        services.pairing_create(
            actor=persona("worker_huachuan"),
            household=unpaired,
            cadre=persona("member_demo"),
            since=TODAY() + datetime.timedelta(days=1),
        )


def test_a_pairing_is_recorded_from_a_past_date_and_ended_on_one_not_in_the_future(persona, unpaired):
    worker, member = persona("worker_huachuan"), persona("member_demo")
    month_ago = TODAY() - datetime.timedelta(days=30)
    pairing = services.pairing_create(actor=worker, household=unpaired, cadre=member, since=month_ago)
    assert pairing.since == month_ago
    with pytest.raises(InvalidInput):
        services.pairing_end(
            actor=worker, pairing=pairing, reason="moved", ended_on=TODAY() + datetime.timedelta(days=1)
        )
    week_ago = TODAY() - datetime.timedelta(days=7)
    services.pairing_end(actor=worker, pairing=pairing, reason="moved", ended_on=week_ago)
    pairing.refresh_from_db()
    assert pairing.ended_on == week_ago


def test_end_once_and_no_visit_after(persona, pairing):
    worker = persona("worker_huachuan")
    services.pairing_end(actor=worker, pairing=pairing, reason="moved")
    pairing.refresh_from_db()
    assert pairing.ended_on == TODAY() and pairing.end_reason == "moved"
    with pytest.raises(InvalidTransition):
        services.pairing_end(actor=worker, pairing=pairing, reason="moved")
    with pytest.raises(InvalidTransition):
        services.visit_log(actor=pairing.cadre, pairing=pairing, visited_on=TODAY(), found="老人身体很好。")


def test_an_ended_pairing_may_be_made_again_and_end_the_day_it_began(persona, unpaired):
    worker, member = persona("worker_huachuan"), persona("member_demo")
    first = services.pairing_create(actor=worker, household=unpaired, cadre=member)
    with pytest.raises(InvalidInput):  # not before it began
        services.pairing_end(
            actor=worker, pairing=first, reason="moved", ended_on=first.since - datetime.timedelta(days=1)
        )
    services.pairing_end(actor=worker, pairing=first, reason="declined", ended_on=first.since)
    # the household asks again: the same cadre is paired anew
    again = services.pairing_create(actor=worker, household=unpaired, cadre=member)
    assert again.pk != first.pk and again.ended_on is None


def test_a_worker_numbered_after_the_cadre_logs_for_them_as_a_worker(
    persona, pairing, new_account, django_capture_on_commit_callbacks
):
    from community365.notifications.models import Notification
    from community365.pairing import phrases

    worker = new_account("late_worker", role="social_worker", place=pairing.region)
    assert worker.pk > pairing.cadre_id
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_log(actor=worker, pairing=pairing, visited_on=TODAY(), found="新来的社工代为登记。")
    assert Notification.objects.filter(recipient_id=pairing.cadre_id, kind=phrases.LOGGED_FOR).exists()


def test_only_other_needs_a_note_to_end(persona, pairing):
    # every named reason ends a pairing without a note, whatever its place in the alphabet
    services.pairing_end(actor=persona("worker_huachuan"), pairing=pairing, reason="out_of_difficulty")
    pairing.refresh_from_db()
    assert pairing.end_reason == "out_of_difficulty" and pairing.end_note == ""


def test_end_refusals(persona, pairing):
    with pytest.raises(NotAllowed):
        services.pairing_end(actor=pairing.cadre, pairing=pairing, reason="moved")
    with pytest.raises(InvalidInput):
        services.pairing_end(actor=persona("worker_huachuan"), pairing=pairing, reason="nonsense")
    with pytest.raises(InvalidInput):
        services.pairing_end(actor=persona("worker_huachuan"), pairing=pairing, reason="other", note="  ")
    pairing.refresh_from_db()
    assert pairing.ended_on is None


def test_visit_by_cadre_keeps_last_visit(persona, pairing):
    before = pairing.visits
    visit = services.visit_log(
        actor=pairing.cadre,
        pairing=pairing,
        visited_on=TODAY(),
        found="家中一切正常。",
        needs=["楼道灯需要维修", ""],
    )
    pairing.refresh_from_db()
    assert pairing.visits == before + 1 and pairing.last_visit_on == TODAY()
    assert [n.text for n in visit.needs.all()] == ["楼道灯需要维修"]
    # An older visit logged later does not move the last visit back.
    services.visit_log(
        actor=pairing.cadre, pairing=pairing, visited_on=pairing.since, found="补录第一次走访。"
    )
    pairing.refresh_from_db()
    assert pairing.last_visit_on == TODAY()


def test_visit_on_behalf_by_the_communitys_worker(persona, pairing, django_capture_on_commit_callbacks):
    from community365.notifications.models import Notification
    from community365.pairing import phrases

    told = Notification.objects.filter(recipient_id=pairing.cadre_id, kind=phrases.LOGGED_FOR)
    before = told.count()
    # the cadre logging their own visit is not told about it
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_log(actor=pairing.cadre, pairing=pairing, visited_on=TODAY(), found="自己登记的走访。")
    assert told.count() == before
    # a visit the worker logs for them is told to the cadre
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_log(
            actor=persona("worker_huachuan"), pairing=pairing, visited_on=TODAY(), found="代为登记的走访。"
        )
    assert visit.logged_by.username == "worker_huachuan" and visit.cadre_id == pairing.cadre_id
    assert told.count() == before + 1


def test_visit_refusals(persona, pairing):
    with pytest.raises(NotAllowed):  # another community's worker
        services.visit_log(
            actor=persona("worker_huangli"), pairing=pairing, visited_on=TODAY(), found="走访情况。"
        )
    with pytest.raises(NotAllowed):  # district staff see, but do not log
        services.visit_log(
            actor=persona("admin_district"), pairing=pairing, visited_on=TODAY(), found="走访情况。"
        )
    with pytest.raises(InvalidInput):
        services.visit_log(
            actor=pairing.cadre,
            pairing=pairing,
            visited_on=TODAY() + datetime.timedelta(days=1),
            found="走访情况。",
        )
    with pytest.raises(InvalidInput):
        services.visit_log(
            actor=pairing.cadre,
            pairing=pairing,
            visited_on=pairing.since - datetime.timedelta(days=1),
            found="走访情况。",
        )
    with pytest.raises(InvalidInput):
        services.visit_log(actor=pairing.cadre, pairing=pairing, visited_on=TODAY(), found="  ")
    with pytest.raises(InvalidInput):
        services.visit_log(
            actor=pairing.cadre, pairing=pairing, visited_on=TODAY(), found="走访情况。", needs=["需求一"] * 6
        )


@pytest.fixture
def need(visit):
    return VisitNeed.objects.select_related("region", "visit").get(visit=visit)


def _member(need):
    from community365.people.models import Person

    person = Person.objects.filter(household_id=need.visit.household_id).order_by("pk").first()
    assert person is not None
    return person


def test_turn_into_a_wish_links_exactly_one_record(persona, need):
    from community365.wishes.models import Wish

    before = Wish.objects.count()
    turned = services.need_turn(
        actor=persona("worker_huachuan"),
        need=need,
        kind="wish",
        person=_member(need),
        title="一床厚棉被",
        text="走访中发现被褥偏薄，希望有一床厚棉被。",
        category="public_welfare",
        value_yuan=150,
    )
    assert Wish.objects.count() == before + 1
    assert turned.turned_to == "wish" and turned.wish.wisher_id == _member(need).pk
    assert turned.request_id is None and turned.topic_id is None
    with pytest.raises(Conflict):
        services.need_turn(
            actor=persona("worker_huachuan"),
            need=need,
            kind="wish",
            person=_member(need),
            category="public_welfare",
        )
    assert Wish.objects.count() == before + 1


def test_turn_into_a_request(persona, need, huachuan):
    from community365.desk.models import ServiceRequest
    from community365.desk.services import items_for

    item = items_for(huachuan).filter(online=True).order_by("pk").first()
    turned = services.need_turn(
        actor=persona("secretary_huachuan"), need=need, kind="request", person=_member(need), item=item
    )
    request = ServiceRequest.objects.get(pk=turned.request_id)
    assert request.person_id == _member(need).pk and request.text == need.text
    assert turned.wish_id is None and turned.topic_id is None


def test_turn_into_a_topic(persona, need):
    from community365.people.models import Person
    from community365.talks.models import TalkTopic

    person = _member(need)
    Person.objects.filter(pk=person.pk).update(verified_at=timezone.now())
    person.refresh_from_db()
    turned = services.need_turn(
        actor=persona("worker_huachuan"),
        need=need,
        kind="topic",
        person=person,
        title="老旧小区被褥补助",
        text="走访中发现多户老人冬衣被褥不足。",
    )
    assert TalkTopic.objects.get(pk=turned.topic_id).author_person_id == person.pk


def test_turn_refusals_leave_nothing(persona, need):
    from community365.wishes.models import Wish

    before = Wish.objects.count()
    with pytest.raises(NotAllowed):  # the cadre records needs; the community turns them
        services.need_turn(
            actor=need.visit.cadre, need=need, kind="wish", person=_member(need), category="public_welfare"
        )
    with pytest.raises(NotAllowed):
        services.need_turn(
            actor=persona("worker_huangli"),
            need=need,
            kind="wish",
            person=_member(need),
            category="public_welfare",
        )
    with pytest.raises(InvalidInput):
        services.need_turn(actor=persona("worker_huachuan"), need=need, kind="cake", person=_member(need))
    with pytest.raises(InvalidInput):  # someone of another household
        from community365.people.models import Person

        stranger = (
            Person.objects.exclude(household_id=need.visit.household_id).exclude(household=None).first()
        )
        services.need_turn(
            actor=persona("worker_huachuan"),
            need=need,
            kind="wish",
            person=stranger,
            category="public_welfare",
        )
    with pytest.raises(InvalidInput):  # the other app's own refusal rolls the whole turn back
        services.need_turn(
            actor=persona("worker_huachuan"), need=need, kind="wish", person=_member(need), category="nope"
        )
    with pytest.raises(InvalidInput):  # a request needs a catalogue item
        services.need_turn(actor=persona("worker_huachuan"), need=need, kind="request", person=_member(need))
    need.refresh_from_db()
    assert need.turned_to == "" and Wish.objects.count() == before


def test_a_pairing_that_passed_the_check_twice_is_refused_by_the_constraint(persona, unpaired, blind_check):
    """Two social workers pair the same cadre at the same moment: both found "not yet paired"
    (``blind_check``); the constraint refuses the second as the same Conflict."""
    worker, member = persona("worker_huachuan"), persona("member_demo")
    services.pairing_create(actor=worker, household=unpaired, cadre=member)
    blind_check(Pairing)
    with pytest.raises(Conflict) as refused:
        services.pairing_create(actor=persona("secretary_huachuan"), household=unpaired, cadre=member)
    assert refused.value.code == "already_paired" and refused.value.field == "cadre"
    assert Pairing.objects.filter(household=unpaired, cadre=member, ended_on__isnull=True).count() == 1

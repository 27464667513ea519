"""Mediation's limits and who is told, each with its refused path: at most ten parties, the
community's secretaries told of a new case (not the one who registered it), a co-mediator who is
another person, and the thirty days counted forward from acceptance — survivors of the mutation
run over the cases rules (docs/mutation.md)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.cases import phrases, services
from community365.cases.models import MediationCase, PartySide
from community365.core.errors import InvalidInput
from community365.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("demo_world")


def _parties(n: int) -> list[services.PartyIn]:
    sides = [PartySide.APPLICANT] + [PartySide.RESPONDENT] * (n - 1)
    return [services.PartyIn(side=side, name=f"当事人{i}", phone="") for i, side in enumerate(sides)]


def _register(actor, region, parties):
    return services.mediation_register(
        actor=actor,
        region=region,
        kind="neighbours",
        source="party",
        summary="楼道堆物起争执",
        parties=parties,
    )


def test_ten_parties_are_accepted_and_an_eleventh_refused(persona, region):
    huachuan = region("划船社区")
    before = MediationCase.objects.count()
    with pytest.raises(InvalidInput) as refused:
        _register(persona("mediator_demo"), huachuan, _parties(11))
    assert refused.value.field == "parties"
    assert MediationCase.objects.count() == before
    case = _register(persona("mediator_demo"), huachuan, _parties(10))
    assert case.parties.count() == 10


def _told(user, case) -> int:
    return Notification.objects.filter(
        recipient=user, kind=phrases.MEDIATION_REGISTERED, params__number=case.number
    ).count()


def test_the_secretary_is_told_of_a_new_case_unless_they_registered_it(
    make_user, persona, region, django_capture_on_commit_callbacks
):
    huachuan = region("划船社区")
    secretary = persona("secretary_huachuan")
    # a mediator registered after the secretary (a larger number): told all the same
    newcomer = make_user("mediator_rules_new", "mediator", huachuan)
    assert newcomer.pk > secretary.pk
    with django_capture_on_commit_callbacks(execute=True):
        by_mediator = _register(newcomer, huachuan, _parties(2))
    assert _told(secretary, by_mediator) == 1
    assert _told(newcomer, by_mediator) == 0
    with django_capture_on_commit_callbacks(execute=True):
        by_secretary = _register(secretary, huachuan, _parties(2))
    assert _told(secretary, by_secretary) == 0


@pytest.fixture
def mediators(make_user, persona, region):
    """Two more mediators of 划船社区, one on each side of mediator_demo's number."""
    from community365.people.models import User

    huachuan = region("划船社区")
    older = User.objects.filter(pk__lt=persona("mediator_demo").pk, is_active=True).order_by("-pk").first()
    from community365.core.actors import SystemActor
    from community365.people import services as people

    people.role_grant(actor=SystemActor("rules"), user=older, role="mediator", region=huachuan)
    newer = make_user("mediator_rules_co", "mediator", huachuan)
    return User.objects.get(pk=older.pk), User.objects.get(pk=newer.pk)


def test_the_co_mediator_is_another_person_whatever_their_number(new_case, persona, mediators):
    from community365.people.models import User

    secretary = persona("secretary_huachuan")
    mediator = persona("mediator_demo")
    for co in mediators:
        case = new_case(status="registered")
        assigned = services.mediation_assign(actor=secretary, case=case, mediator=mediator, co_mediator=co)
        assert (assigned.mediator_id, assigned.co_mediator_id) == (mediator.pk, co.pk)
    case = new_case(status="registered")
    same = User.objects.get(pk=mediator.pk)  # the same person, loaded again
    with pytest.raises(InvalidInput) as refused:
        services.mediation_assign(actor=secretary, case=case, mediator=mediator, co_mediator=same)
    assert refused.value.field == "co_mediator"
    case.refresh_from_db()
    assert case.mediator_id is None and case.status == "registered"


def test_the_time_limit_runs_thirty_days_forward_from_acceptance(new_case, persona):
    case = new_case(status="registered")
    moment = timezone.now()
    assigned = services.mediation_assign(
        actor=persona("secretary_huachuan"), case=case, mediator=persona("mediator_demo"), now=moment
    )
    assert assigned.deadline == timezone.localdate(moment) + datetime.timedelta(days=services.TIME_LIMIT_DAYS)


def test_the_secretary_is_told_of_a_case_registered_by_someone_older_on_the_platform(
    persona, region, system, django_capture_on_commit_callbacks
):
    """The registrant's number is smaller than the secretary's: the secretary is told all the
    same (the comparison is 'another person', not an order)."""
    from community365.people import services as people
    from community365.people.models import User

    huachuan = region("划船社区")
    secretary = persona("secretary_huachuan")
    older = User.objects.filter(pk__lt=secretary.pk, is_active=True).order_by("-pk").first()
    people.role_grant(actor=system, user=older, role="mediator", region=huachuan)
    older = User.objects.get(pk=older.pk)
    with django_capture_on_commit_callbacks(execute=True):
        case = _register(older, huachuan, _parties(2))
    assert _told(secretary, case) == 1


def test_assigning_a_case_read_afresh_accepts_it_and_a_second_assignment_keeps_its_clock(
    new_case, persona, mediators
):
    """A registered case (as the page reads it from the database) is accepted by its first
    assignment, its thirty days starting then; giving it to another mediator later moves the
    case, not its acceptance or its deadline."""
    secretary = persona("secretary_huachuan")
    registered = new_case(status="registered")
    case = MediationCase.objects.get(pk=registered.pk)
    first = timezone.now() - datetime.timedelta(days=3)
    assigned = services.mediation_assign(
        actor=secretary, case=case, mediator=persona("mediator_demo"), now=first
    )
    stored = MediationCase.objects.get(pk=case.pk)
    assert stored.status == "accepted"
    assert stored.accepted_at == first
    assert stored.deadline == timezone.localdate(first) + datetime.timedelta(days=services.TIME_LIMIT_DAYS)
    assert assigned.status == "accepted"
    _older, newer = mediators
    services.mediation_assign(
        actor=secretary, case=MediationCase.objects.get(pk=case.pk), mediator=newer, now=timezone.now()
    )
    moved = MediationCase.objects.get(pk=case.pk)
    assert (moved.mediator_id, moved.status) == (newer.pk, "accepted")
    assert moved.accepted_at == first
    assert moved.deadline == stored.deadline


def test_the_secretary_hears_that_a_mediator_took_a_case(
    new_case, persona, django_capture_on_commit_callbacks
):
    case = new_case(status="registered")
    with django_capture_on_commit_callbacks(execute=True):
        services.mediation_take(actor=persona("mediator_demo"), case=case)
    told = Notification.objects.filter(
        recipient=persona("secretary_huachuan"), kind=phrases.MEDIATION_TAKEN, params__number=case.number
    )
    assert told.count() == 1

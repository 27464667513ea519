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

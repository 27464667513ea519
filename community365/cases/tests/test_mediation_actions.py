"""What the mediation pages and API offer each person (cases.policies.actions_for and
may_open_mediations), state by state. Found by mutation testing: each rule below could be
changed with no test failing."""

from __future__ import annotations

import pytest

from community365.cases import policies, services
from community365.cases.models import CaseStatus

pytestmark = pytest.mark.usefixtures("demo_world")


def agreed(new_case, persona):
    case = new_case()
    services.mediation_agree(
        actor=persona("mediator_demo"),
        case=case,
        facts="楼上漏水",
        terms="楼上修好防水层",
        performance="两周内",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.AGREED
    return case


def test_an_unassigned_case_offers_take_to_a_mediator_and_assign_to_the_secretary(new_case, persona):
    from community365.cases.models import MediationCase

    # as a page reads it: the status a plain string from the database, not the enum member
    case = MediationCase.objects.get(pk=new_case(status="registered").pk)
    assert case.mediator_id is None and type(case.status) is str
    assert "take" in policies.actions_for(persona("mediator_demo"), case)
    assert policies.actions_for(persona("secretary_huachuan"), case) == ["assign"]


def test_a_case_in_mediation_offers_the_mediators_steps_and_no_agreement(new_case, persona):
    case = new_case()
    assert case.status == CaseStatus.ACCEPTED
    assert policies.actions_for(persona("mediator_demo"), case) == [
        "session",
        "agree",
        "not_reached",
        "extend",
    ]
    assert policies.actions_for(persona("secretary_huachuan"), case) == ["assign"]


def test_an_agreed_case_offers_the_scan_the_follow_up_and_the_agreement(new_case, persona):
    case = agreed(new_case, persona)
    assert policies.actions_for(persona("mediator_demo"), case) == ["scan", "follow_up", "agreement_pdf"]
    # the secretary manages the case: the follow-up and the agreement, not the mediator's scan
    assert policies.actions_for(persona("secretary_huachuan"), case) == ["follow_up", "agreement_pdf"]
    # a resident of the community, nothing
    assert policies.actions_for(persona("resident_huachuan"), case) == []


@pytest.mark.parametrize(
    ("username", "opens"),
    [
        ("secretary_huachuan", True),  # manages
        ("justice_demo", True),  # oversees
        ("mediator_demo", True),  # mediates
        ("worker_huachuan", False),
        ("resident_huachuan", False),
    ],
)
def test_the_mediation_list_is_for_those_who_manage_oversee_or_mediate(persona, username, opens):
    assert policies.may_open_mediations(persona(username)) is opens


def test_the_platforms_operators_see_the_whole_queue_and_every_clinic(new_case, persona, clinic_session):
    from community365.cases.models import ClinicSession, LegalClinic
    from community365.people.models import User

    operator = User.objects.create_superuser(username="ops_cases", password="Ops-password-1")
    case = new_case(status="registered")
    clinic_session()
    assert policies.queue_for(operator).filter(pk=case.pk).exists()
    assert policies.clinics_visible_to(operator).count() == LegalClinic.objects.count() > 0
    assert policies.sessions_visible_to(operator).count() == ClinicSession.objects.count() > 0
    # a mediator of the community sees it in the queue; a resident has no queue
    assert policies.queue_for(persona("mediator_demo")).filter(pk=case.pk).exists()
    assert not policies.queue_for(persona("resident_huachuan")).exists()


def test_a_closed_case_offers_only_its_agreement(new_case, persona):
    from community365.cases.models import MediationCase

    case = agreed(new_case, persona)
    services.mediation_follow_up(actor=persona("mediator_demo"), case=case, kept=True, note="协议已履行")
    case = MediationCase.objects.get(pk=case.pk)
    assert case.status == CaseStatus.CLOSED
    assert policies.actions_for(persona("mediator_demo"), case) == ["agreement_pdf"]
    assert policies.actions_for(persona("secretary_huachuan"), case) == ["agreement_pdf"]


def test_a_case_closed_without_agreement_offers_no_agreement(new_case, persona):
    from community365.cases.models import MediationCase, Outcome

    case = new_case()
    services.mediation_not_reached(
        actor=persona("mediator_demo"), case=case, referral_to="court", note="引导诉讼"
    )
    case = MediationCase.objects.get(pk=case.pk)
    assert case.status == CaseStatus.CLOSED and case.outcome == Outcome.NOT_REACHED
    for who in ("mediator_demo", "secretary_huachuan", "justice_demo"):
        assert policies.actions_for(persona(who), case) == [], who

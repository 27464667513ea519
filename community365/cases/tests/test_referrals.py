"""Referrals to a department land in the departments' one inbox (the talks' task inbox): a
consultation referred to a department or to legal aid (区司法局), a mediation not reached and
referred to a department. Only that department's liaison sees and handles it; once."""

from __future__ import annotations

import pytest

from community365.audit.models import AuditEvent
from community365.cases import services
from community365.cases.models import CaseStatus, DepartmentReferral
from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed
from community365.notifications.models import Notification
from community365.regions.models import Department

pytestmark = pytest.mark.usefixtures("demo_world")


def _housing(persona):
    return Department.objects.get(pk=persona("liaison_housing").role_assignments.get().department_id)


def _consult(clinic_session, persona, **kw):
    booking = services.clinic_book(actor=persona("resident_huachuan"), session=clinic_session(), slot=0)
    return services.clinic_record_consultation(
        actor=persona("lawyer_demo"), booking=booking, category="labour", advice="物业维修基金问题", **kw
    )


def test_consultation_to_a_department_reaches_its_liaison_who_handles_it(
    clinic_session, persona, client_for, django_capture_on_commit_callbacks
):
    housing = _housing(persona)
    with django_capture_on_commit_callbacks(execute=True):
        record = _consult(
            clinic_session, persona, referral="department", department_id=housing.pk, referral_note="维修基金"
        )
    referral = DepartmentReferral.objects.get(consultation=record)
    assert referral.department == housing and referral.handled_at is None
    liaison = persona("liaison_housing")
    assert Notification.objects.filter(recipient=liaison, kind="cases.referral.department").exists()
    page = client_for("liaison_housing").get("/talks/tasks/").content.decode()
    assert "维修基金" in page and f"/cases/referrals/{referral.pk}/handle" in page
    # someone else: the resident, a worker, the lawyer cannot see it (404) nor handle it (refused)
    for other in ("resident_huachuan", "worker_huachuan", "lawyer_demo"):
        assert client_for(other).post(f"/cases/referrals/{referral.pk}/handle").status_code == 404
        with pytest.raises(NotAllowed):
            services.referral_handle(actor=persona(other), referral=referral)
    assert client_for("liaison_housing").post(f"/cases/referrals/{referral.pk}/handle").status_code == 302
    referral.refresh_from_db()
    assert referral.handled_at is not None and referral.handled_by == liaison
    assert AuditEvent.objects.filter(action="cases.referral:handle", result="ok").count() == 1
    assert AuditEvent.objects.filter(action="cases.referral:handle", result="refused").count() == 3
    with pytest.raises(InvalidTransition):
        services.referral_handle(actor=liaison, referral=referral)
    assert "维修基金" not in client_for("liaison_housing").get("/talks/tasks/").content.decode()


def test_department_referral_needs_a_department_of_the_district(clinic_session, persona):
    booking = services.clinic_book(actor=persona("resident_huachuan"), session=clinic_session(), slot=0)
    with pytest.raises(InvalidInput):
        services.clinic_record_consultation(
            actor=persona("lawyer_demo"),
            booking=booking,
            category="labour",
            advice="xx",
            referral="department",
        )
    assert not DepartmentReferral.objects.filter(consultation__booking=booking).exists()


def test_legal_aid_goes_to_the_justice_bureau(clinic_session, persona):
    record = _consult(clinic_session, persona, referral="legal_aid")
    referral = DepartmentReferral.objects.get(consultation=record)
    assert referral.department.code == "justice"
    # the housing liaison does not see the justice bureau's referral
    with pytest.raises(NotAllowed):
        services.referral_handle(actor=persona("liaison_housing"), referral=referral)


def test_mediation_not_reached_referred_to_a_department(new_case, persona):
    housing = _housing(persona)
    case = new_case()
    with pytest.raises(InvalidInput):
        services.mediation_not_reached(actor=persona("mediator_demo"), case=case, referral_to="department")
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    services.mediation_not_reached(
        actor=persona("mediator_demo"),
        case=case,
        referral_to="department",
        department_id=housing.pk,
        note="房屋质量",
    )
    referral = DepartmentReferral.objects.get(mediation_case=case)
    assert referral.department == housing and referral.note == "房屋质量"
    services.referral_handle(actor=persona("liaison_housing"), referral=referral)
    # referred to the court: nothing lands in a department's inbox
    other = new_case()
    services.mediation_not_reached(actor=persona("mediator_demo"), case=other, referral_to="court")
    assert not DepartmentReferral.objects.filter(mediation_case=other).exists()

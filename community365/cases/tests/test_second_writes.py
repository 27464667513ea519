"""A booking gets one consultation record: a second one — the lawyer's second tap, or two
devices — is refused as a Conflict by the unique constraint, and the mediation case a second
record would have registered is not left behind."""

from __future__ import annotations

import pytest

from community365.cases import services
from community365.cases.models import Consultation, MediationCase
from community365.core.errors import Conflict

pytestmark = pytest.mark.django_db


def test_a_booking_gets_one_consultation_record(clinic_session, persona):
    booking = services.clinic_book(actor=persona("resident_huachuan"), session=clinic_session(), slot=0)
    lawyer = persona("lawyer_demo")
    services.clinic_record_consultation(actor=lawyer, booking=booking, category="labour", advice="建议先协商")
    cases_before = MediationCase.objects.count()
    with pytest.raises(Conflict):
        services.clinic_record_consultation(
            actor=lawyer,
            booking=booking,
            category="neighbours",
            advice="转人民调解",
            referral="mediation",
            dispute_kind="neighbours",
            respondent="楼上住户",
        )
    assert Consultation.objects.filter(booking=booking).count() == 1
    assert MediationCase.objects.count() == cases_before

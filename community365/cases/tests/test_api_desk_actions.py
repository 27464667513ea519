"""The API does what the pages do for the clinic's session cancel and the departments'
referrals: the same services, the same refusals (not visible ⇒ 404; not allowed, or already
done ⇒ 422 with the code and a message), the same audit."""

from __future__ import annotations

import json

import pytest

from community365.audit.models import AuditEvent
from community365.cases import services
from community365.cases.models import BookingStatus, DepartmentReferral, SessionStatus

pytestmark = pytest.mark.usefixtures("demo_world")


def _post(api, url, body=None):
    return api.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_justice_officer_cancels_a_session_through_the_api(clinic_session, persona, api_for):
    session = clinic_session()
    booking = services.clinic_book(actor=persona("resident_huachuan"), session=session, slot=0)
    url = f"/api/v1/cases/clinic/sessions/{session.pk}/cancel"
    # a resident sees the session (the clinics are open to book) but may not cancel it
    refused = _post(api_for("resident_huachuan"), url, {"reason": "不想去了"})
    assert (refused.status_code, refused.json()["code"]) == (422, "not_allowed"), refused.content
    # a reason is required, stated in the schema
    assert _post(api_for("justice_demo"), url, {"reason": ""}).status_code == 422
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
    answer = _post(api_for("justice_demo"), url, {"reason": "台风停诊"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "cancelled" and answer.json()["free_slots"] == []
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    again = _post(api_for("justice_demo"), url, {"reason": "再取消"})
    assert (again.status_code, again.json()["code"]) == (422, "invalid_transition")
    assert again.json()["message"]
    assert AuditEvent.objects.filter(action="cases.clinic:cancel_session", result="ok").count() == 1


def test_unknown_session_is_404(api_for):
    assert (
        _post(
            api_for("justice_demo"), "/api/v1/cases/clinic/sessions/999999/cancel", {"reason": "台风停诊"}
        ).status_code
        == 404
    )


def test_liaison_lists_and_handles_a_referral_others_get_404(clinic_session, persona, api_for):
    booking = services.clinic_book(actor=persona("resident_huachuan"), session=clinic_session(), slot=0)
    housing = persona("liaison_housing").role_assignments.get().department
    record = services.clinic_record_consultation(
        actor=persona("lawyer_demo"),
        booking=booking,
        category="labour",
        advice="物业维修基金问题",
        referral="department",
        department_id=housing.pk,
        referral_note="维修基金",
    )
    referral = DepartmentReferral.objects.get(consultation=record)
    liaison = api_for("liaison_housing")
    listed = liaison.get("/api/v1/cases/referrals?limit=200").json()
    assert referral.pk in {row["id"] for row in listed["items"]}
    assert (
        listed["count"]
        == DepartmentReferral.objects.filter(department=housing, handled_at__isnull=True).count()
    )
    row = next(r for r in listed["items"] if r["id"] == referral.pk)
    assert (row["kind"], row["note"], row["community"]) == ("consultation", "维修基金", referral.region.name)
    # the resident, the community's worker and the lawyer see no referral and cannot handle it
    for other in ("resident_huachuan", "worker_huachuan", "lawyer_demo"):
        client = api_for(other)
        assert client.get("/api/v1/cases/referrals").json() == {"items": [], "count": 0}
        assert _post(client, f"/api/v1/cases/referrals/{referral.pk}/handled").status_code == 404
    answer = _post(liaison, f"/api/v1/cases/referrals/{referral.pk}/handled")
    assert answer.status_code == 200 and answer.json()["handled_at"]
    assert (
        _post(liaison, f"/api/v1/cases/referrals/{referral.pk}/handled").json()["code"]
        == "invalid_transition"
    )
    assert referral.pk not in {
        r["id"] for r in liaison.get("/api/v1/cases/referrals?limit=200").json()["items"]
    }

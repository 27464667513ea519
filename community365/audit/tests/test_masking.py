"""Residents' names are masked in every presentation of the audit trail for readers without
``people.person:view_contact`` (issue 9, item 5): the back office list and detail, the audit page
and the API."""

from __future__ import annotations

import pytest
from django.test import Client

from community365.audit.models import AuditEvent
from community365.audit.presenters import present, shown_repr
from community365.audit.services import audit_record
from community365.core.actors import SystemActor

pytestmark = pytest.mark.django_db

FULL = "王秀英"
MASKED = "王*"


@pytest.fixture
def login_row(persona, demo_password) -> AuditEvent:
    from community365.people.models import User

    User.objects.filter(username="resident_huachuan").update(display_name=FULL)
    Client().post("/login/", {"username": "resident_huachuan", "password": demo_password})
    event = AuditEvent.objects.filter(action="people.user:login", result="ok").latest("id")
    assert event.object_repr == FULL
    return event


def test_admin_list_masks_names(client_for, login_row):
    page = client_for("admin_district").get("/admin/audit/auditevent/").content.decode()
    assert MASKED in page
    assert FULL not in page


def test_admin_detail_masks_names(client_for, login_row):
    response = client_for("admin_district").get(f"/admin/audit/auditevent/{login_row.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert MASKED in page
    assert FULL not in page


def test_audit_page_masks_names(client_for, login_row):
    page = client_for("admin_district").get("/audit/").content.decode()
    assert MASKED in page
    assert FULL not in page


def test_audit_api_masks_names(api_for, login_row):
    body = api_for("admin_district").get(f"/api/v1/audit/events?object_id={login_row.object_id}").json()
    shown = {item["object_repr"] for item in body["items"]}
    assert MASKED in shown
    assert FULL not in shown


def test_changes_are_masked_too(persona, region):
    event = audit_record(
        actor=SystemActor("test"),
        action="people.person:update",
        target=region("划船社区"),
        changes={"name": FULL, "phone": "13812345678", "note": "ok"},
    )
    shown = present(persona("admin_district"), event).changes
    assert shown == {"name": MASKED, "phone": "138****5678", "note": "ok"}


def test_failed_sign_in_keeps_the_user_name_tried(persona, login_row):
    Client().post("/login/", {"username": "resident_huachuan", "password": "Wrong-password-1"})
    failed = AuditEvent.objects.filter(action="people.user:login", result="failed").latest("id")
    assert shown_repr(persona("admin_district"), failed) == "resident_huachuan"


def test_a_superuser_sees_the_full_name(login_row):
    from community365.people.models import User

    root = User(username="root-reader", is_superuser=True)
    assert shown_repr(root, login_row) == FULL

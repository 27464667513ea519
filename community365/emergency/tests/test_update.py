"""Correcting an open event as the warning changes: name, level, expected end. Only the
declaring place's staff; a closed event is history; the window rules of declaring hold; a level
change reaches everyone alerted once; the audit keeps what changed."""

from __future__ import annotations

import datetime
import json

import pytest

from community365.audit.models import AuditEvent
from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed
from community365.emergency import services
from community365.emergency.models import CheckAssignment, EventCommunity
from community365.notifications.models import Notification
from community365.people.models import RoleAssignment

pytestmark = pytest.mark.django_db


def test_raising_the_level_tells_everyone_alerted_once(drill, persona, django_capture_on_commit_callbacks):
    assert drill.level != "red"
    helpers = set(CheckAssignment.objects.filter(event=drill).values_list("assignee_id", flat=True))
    workers = set(
        RoleAssignment.objects.filter(
            region_id__in=EventCommunity.objects.filter(event=drill).values("region_id"),
            role="social_worker",
            revoked_at__isnull=True,
        ).values_list("user_id", flat=True)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(
            actor=persona("admin_district"),
            event=drill,
            title=drill.title,
            level="red",
            ends_at=drill.ends_at,
        )
    drill.refresh_from_db()
    assert drill.level == "red"
    told = Notification.objects.filter(kind="emergency.level_changed")
    assert set(told.values_list("recipient_id", flat=True)) == helpers | workers
    assert told.count() == len(helpers | workers)
    entry = AuditEvent.objects.get(action="emergency.event:update", result="ok")
    assert entry.changes["level"][1] == "red"


def test_extending_without_a_level_change_tells_nobody(drill, persona, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(
            actor=persona("admin_district"),
            event=drill,
            title="台风演练（延长）",
            level=drill.level,
            ends_at=drill.ends_at + datetime.timedelta(hours=6),
        )
    drill.refresh_from_db()
    assert drill.title == "台风演练（延长）"
    assert not Notification.objects.filter(kind="emergency.level_changed").exists()


@pytest.mark.parametrize("who", ["worker_huangli", "emergency_demo", "resident_huachuan", "leader_demo"])
def test_only_the_declaring_places_staff_update(drill, persona, who):
    with pytest.raises(NotAllowed):
        services.event_update(
            actor=persona(who), event=drill, title="改名", level="red", ends_at=drill.ends_at
        )
    drill.refresh_from_db()
    assert drill.title != "改名"
    assert AuditEvent.objects.filter(action="emergency.event:update", result="refused").count() == 1


def test_the_window_rules_of_declaring_hold(drill, persona):
    admin = persona("admin_district")
    # the start itself (also as a value of its own, as a form gives it), before it, past 14 days
    for ends_at in (
        drill.starts_at,
        drill.starts_at + datetime.timedelta(0),
        drill.starts_at - datetime.timedelta(hours=1),
        drill.starts_at + datetime.timedelta(days=15),
    ):
        with pytest.raises(InvalidInput):
            services.event_update(
                actor=admin, event=drill, title=drill.title, level=drill.level, ends_at=ends_at
            )
    with pytest.raises(InvalidInput):
        services.event_update(
            actor=admin, event=drill, title=drill.title, level="purple", ends_at=drill.ends_at
        )
    with pytest.raises(InvalidInput):
        services.event_update(actor=admin, event=drill, title="  ", level=drill.level, ends_at=drill.ends_at)


def test_a_closed_event_is_not_updated(drill, persona):
    admin = persona("admin_district")
    services.event_close(actor=admin, event=drill, summary="演练结束")
    with pytest.raises(InvalidTransition):
        services.event_update(actor=admin, event=drill, title="改名", level="red", ends_at=drill.ends_at)


def test_the_page_form_and_the_api(drill, client_for, api_for):
    page = client_for("admin_district")
    assert (
        f"/cases/emergencies/{drill.pk}/update"
        in page.get(f"/cases/emergencies/{drill.pk}/").content.decode()
    )
    # those who may not update see no form and are refused with a message, nothing changed
    worker = client_for("worker_huangli")
    assert (
        f"/cases/emergencies/{drill.pk}/update"
        not in worker.get(f"/cases/emergencies/{drill.pk}/").content.decode()
    )
    ends = drill.ends_at.strftime("%Y-%m-%dT%H:%M")
    assert (
        worker.post(
            f"/cases/emergencies/{drill.pk}/update", {"title": "x", "level": "red", "ends_at": ends}
        ).status_code
        == 302
    )
    drill.refresh_from_db()
    assert drill.level != "red"
    answer = page.post(
        f"/cases/emergencies/{drill.pk}/update", {"title": drill.title, "level": "orange", "ends_at": ""}
    )
    assert answer.status_code == 302
    drill.refresh_from_db()
    assert drill.level != "orange"
    page.post(
        f"/cases/emergencies/{drill.pk}/update", {"title": drill.title, "level": "orange", "ends_at": ends}
    )
    drill.refresh_from_db()
    assert drill.level == "orange"
    api = api_for("admin_district")
    body = {"title": drill.title, "level": "red", "ends_at": drill.ends_at.isoformat()}
    answer = api.post(
        f"/api/v1/cases/emergencies/{drill.pk}/update", data=json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["level"] == "red"
    refused = api_for("worker_huangli").post(
        f"/api/v1/cases/emergencies/{drill.pk}/update", data=json.dumps(body), content_type="application/json"
    )
    assert refused.status_code == 422 and refused.json()["code"] == "not_allowed"
    assert (
        api_for("resident_001")
        .post(
            f"/api/v1/cases/emergencies/{drill.pk}/update",
            data=json.dumps(body),
            content_type="application/json",
        )
        .status_code
        == 404
    )


def test_shortening_the_expected_end_is_saved(drill, persona):
    admin = persona("admin_district")
    shorter = drill.ends_at - datetime.timedelta(hours=1)
    assert shorter > drill.starts_at
    # an earlier end is a change like a later one
    services.event_update(actor=admin, event=drill, title=drill.title, level=drill.level, ends_at=shorter)
    drill.refresh_from_db()
    assert drill.ends_at == shorter

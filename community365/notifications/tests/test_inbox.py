"""Notifications are written only when the action that sends them commits, and each user
reads only their own inbox."""

import pytest
from django.db import transaction

from community365.audit.models import AuditEvent
from community365.notifications.models import Notification
from community365.notifications.services import notifications_mark_read, notify

pytestmark = pytest.mark.django_db


def test_a_notification_is_written_when_the_action_commits(persona, django_capture_on_commit_callbacks):
    resident = persona("resident_huachuan")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient_id=resident.pk, kind="test", title="您的心愿已被认领")
    assert Notification.objects.filter(recipient=resident, title="您的心愿已被认领").count() == 1


def test_a_rolled_back_action_tells_nobody(persona, django_capture_on_commit_callbacks):
    resident = persona("resident_huachuan")
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(recipient_id=resident.pk, kind="test", title="不应发出")
                raise RuntimeError("refused")
        except RuntimeError:
            pass
    assert not Notification.objects.filter(title="不应发出").exists()


def test_inbox_shows_only_the_users_own_notifications(
    client_for, persona, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient_id=persona("resident_huachuan").pk, kind="test", title="给居民的消息")
        notify(recipient_id=persona("member_demo").pk, kind="test", title="给党员的消息")
    page = client_for("resident_huachuan").get("/inbox/").content.decode()
    assert "给居民的消息" in page
    assert "给党员的消息" not in page


def test_marking_read_touches_only_own_notifications_and_is_audited(
    persona, django_capture_on_commit_callbacks
):
    resident, member = persona("resident_huachuan"), persona("member_demo")
    # The demo world may already hold unread notices of the resident's (e.g. their requests).
    unread_before = Notification.objects.filter(recipient=resident, read_at__isnull=True).count()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient_id=resident.pk, kind="test", title="a")
        notify(recipient_id=member.pk, kind="test", title="b")
    assert notifications_mark_read(actor=resident) == unread_before + 1
    assert Notification.objects.get(title="b").read_at is None
    assert AuditEvent.objects.filter(action="notifications.notification:read", actor=resident).exists()


def test_inbox_needs_sign_in(client):
    assert client.get("/inbox/").status_code == 302

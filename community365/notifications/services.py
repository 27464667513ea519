"""Sending notifications. ``notify`` is called inside a service; the message is written and
sent only when that service's transaction commits, so a refused or rolled-back action never
tells anyone anything."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from community365.audit.services import audit_record, service
from community365.core.phrases import is_registered

from .channels import channels
from .models import Notification

logger = logging.getLogger("community365.notifications")


def notify(
    *,
    recipient_id: int,
    code: str = "",
    params: dict[str, Any] | None = None,
    url: str = "",
    kind: str = "",
    title: str = "",
    body: str = "",
) -> None:
    """Tell a user something once the current transaction commits.

    ``code`` is a phrase registered in ``core.phrases`` (with ``<code>.body`` for an optional
    body); ``params`` fill it in the reader's language when the inbox is read. ``kind``/``title``/
    ``body`` (stored sentences) remain only for callers not yet converted to codes."""
    if code and not is_registered(code):
        raise ValueError(f"notification code {code!r} is not a registered phrase")

    def deliver() -> None:
        note = Notification.objects.create(
            recipient_id=recipient_id,
            kind=(code or kind)[:40],
            params=params or {},
            title="" if code else title[:120],
            body="" if code else body[:500],
            url=url[:200],
        )
        for channel in channels():
            try:
                channel.send(note)
            except Exception:  # a failing SMS gateway must not break the inbox
                logger.exception("notification channel failed")

    transaction.on_commit(deliver)


@service("notifications.notification:read")
def notifications_mark_read(*, actor: Any, ids: list[int] | None = None) -> int:
    """Mark the actor's own notifications read (all of them when ``ids`` is None)."""
    qs = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    count = qs.update(read_at=timezone.now())
    audit_record(actor=actor, action="notifications.notification:read", changes={"count": count})
    return count

"""Password spraying: one address trying many user names. Axes locks a user name *from one
address*; this backend, asked first, refuses every sign-in from an address that has failed
``SIGNIN_ADDRESS_FAILURE_LIMIT`` times in the last ``SIGNIN_ADDRESS_WINDOW_MINUTES`` minutes,
whatever the user names. The failures are the audit trail's own failed-login rows (every failed
sign-in is recorded there with its address), so nothing new is stored."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from community365.core.middleware import client_ip


def address_failures(ip: str, now: datetime.datetime | None = None) -> int:
    from community365.audit.models import AuditEvent, AuditResult

    since = (now or timezone.now()) - datetime.timedelta(minutes=settings.SIGNIN_ADDRESS_WINDOW_MINUTES)
    return AuditEvent.objects.filter(
        ip=ip, occurred_at__gte=since, action="people.user:login", result=AuditResult.FAILED
    ).count()


def address_throttled(ip: str | None) -> bool:
    return bool(ip) and address_failures(ip or "") >= settings.SIGNIN_ADDRESS_FAILURE_LIMIT


class AddressThrottleBackend:
    """Refuses (never accepts) a sign-in; the next backends decide the rest."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kw: Any
    ) -> None:
        if request is None:
            return None
        if address_throttled(client_ip(request)):
            # Answered like an axes lock-out (429 page, or the API's JSON), with its own message.
            request.axes_locked_out = True
            request.c365_address_throttled = True
            raise PermissionDenied
        return None

    # No get_user: this backend never signs anyone in, so no session may name it (Django's test
    # client's force_login picks the first backend that has one).

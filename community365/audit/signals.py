"""Sign-ins, sign-outs and failed sign-ins go into the audit trail too."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditResult
from .services import actor_district_id, audit_record


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="people.user:login", target=user, district_id=actor_district_id(user))


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(
            actor=user, action="people.user:logout", target=user, district_id=actor_district_id(user)
        )


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    from community365.people.models import User

    username = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=username).first()
    audit_record(
        actor=None,
        action="people.user:login",
        target=user,
        result=AuditResult.FAILED,
        message=f"failed sign-in for {username!r}",
        object_repr=username,
        district_id=actor_district_id(user) if user else None,
    )

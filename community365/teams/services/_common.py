"""Helpers shared by the teams services."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from community365.core.actors import SystemActor
from community365.core.errors import InvalidInput
from community365.people.models import RoleAssignment, User
from community365.regions.models import Region


def _now(actor: Any, now: datetime.datetime | None) -> datetime.datetime:
    """The time of the act: now, or an explicit time when the system writes history."""
    if now is None:
        return timezone.now()
    if not isinstance(actor, SystemActor):
        raise InvalidInput(_("只有系统可以补录过去的时间。"))
    return now


def _district_of(region: Region) -> int:
    return region.district_id or region.pk


def _text(value: str, field: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("此项不能为空。"), field=field)
    if len(value) > max_length:
        raise InvalidInput(_("内容过长（最多 %(n)d 个字）。") % {"n": max_length}, field=field)
    return value


def _holds(user: User, role: str, region: Region) -> bool:
    return RoleAssignment.objects.filter(
        user=user, role=role, region=region, revoked_at__isnull=True
    ).exists()

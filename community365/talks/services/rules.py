"""A district's rules for talks (thresholds, windows, status percents) and their setting."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.errors import InvalidInput
from community365.regions.models import Region

from .. import policies
from ..models import TalkRules, TaskStatus

DEFAULT_PERCENT = {
    TaskStatus.PLANNED: 0,
    TaskStatus.STARTED: 30,
    TaskStatus.ADVANCING: 60,
    TaskStatus.DONE: 100,
}


def status_percent(status: str) -> int:
    configured = getattr(settings, "TALKS_STATUS_PERCENT", {}) or {}
    return int(configured.get(status, DEFAULT_PERCENT[TaskStatus(status)]))


def rules_for(district_id: int) -> TalkRules:
    """The district's rules, or the defaults when the district has not set its own."""
    return TalkRules.objects.filter(district_id=district_id).first() or TalkRules(district_id=district_id)


def add_working_days(start: datetime.date, days: int, *, district_id: int | None = None) -> datetime.date:
    """``days`` working days after ``start`` on the district's working calendar (public holidays
    and worked weekends kept by the desk's ``HolidayCalendar``); without a district, Monday–Friday."""
    from community365.desk.calendar import add_working_days as on_calendar

    return on_calendar(start, days, district_id=district_id)


@service("talks.rules:set")
def rules_set(
    *,
    actor: Any,
    district: Region,
    signature_threshold: int,
    signature_window_days: int,
    claim_working_days: int = 5,
    rating_window_days: int = 30,
) -> TalkRules:
    role = permissions.require_at(actor, policies.DECIDE.name, district.path)
    if not 2 <= signature_threshold <= 1000:
        raise InvalidInput(_("联署人数门槛须为 2–1000。"), field="signature_threshold")
    if not 1 <= signature_window_days <= 365:
        raise InvalidInput(_("联署期限须为 1–365 天。"), field="signature_window_days")
    rules, _created = TalkRules.objects.update_or_create(
        district=district,
        defaults={
            "signature_threshold": signature_threshold,
            "signature_window_days": signature_window_days,
            "claim_working_days": claim_working_days,
            "rating_window_days": rating_window_days,
        },
    )
    audit_record(actor=actor, action="talks.rules:set", target=rules, role=role)
    return rules

"""Rules with numbers in them, kept in one place: working days, the hours window, star levels,
rounding of checked hours, and the certificate code."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings

# 民政部《志愿服务记录与证明出具办法》(2021): records are made within 10 working days of the service.
ENTRY_WINDOW_WORKING_DAYS = 10
# Star levels (星级志愿者) by verified hours.
STAR_THRESHOLDS = (100, 300, 600, 1000, 1500)


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """``n`` working days (Monday–Friday) after ``day``. Public holidays are not modelled: the
    window is never shorter than the law's, only sometimes a day or two longer."""
    current = day
    added = 0
    while added < n:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def entry_deadline(activity_end: datetime.date) -> datetime.date:
    return add_working_days(activity_end, ENTRY_WINDOW_WORKING_DAYS)


def star_level(verified_hours: Decimal | float | int) -> int:
    """0–5 stars: one for each threshold reached."""
    return sum(1 for t in STAR_THRESHOLDS if Decimal(verified_hours) >= t)


def next_star(verified_hours: Decimal | float | int) -> int | None:
    for t in STAR_THRESHOLDS:
        if Decimal(verified_hours) < t:
            return t
    return None


def checked_hours(checked_in: datetime.datetime, checked_out: datetime.datetime) -> Decimal:
    """Hours between check-in and check-out, to the nearest half hour, between 0.5 and 24."""
    seconds = max(0.0, (checked_out - checked_in).total_seconds())
    halves = (Decimal(seconds) / Decimal(1800)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    hours = halves / 2
    return min(max(hours, Decimal("0.5")), Decimal(24)).quantize(Decimal("0.1"))


def _certificate_key() -> bytes:
    return hashlib.sha256(b"community365.teams.certificate:" + settings.SECRET_KEY.encode()).digest()


def certificate_mac(content: dict[str, Any]) -> str:
    """An HMAC-SHA256 of the certificate's content (canonical JSON), 20 hex characters."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(_certificate_key(), canonical.encode(), hashlib.sha256).hexdigest()[:20].upper()


def certificate_code(serial: str, content: dict[str, Any]) -> str:
    return f"{serial}-{certificate_mac(content)}"


def split_code(code: str) -> tuple[str, str]:
    code = (code or "").strip().upper()
    serial, _sep, mac = code.rpartition("-")
    return serial, mac


def code_matches(code: str, content: dict[str, Any]) -> bool:
    serial, mac = split_code(code)
    if not serial or serial != str(content.get("serial", "")).upper():
        return False
    return hmac.compare_digest(mac, certificate_mac(content))

"""Working time on the district's calendar: Monday–Friday, except the public holidays the
district lists, plus the weekend days it lists as worked (调休). Desk hours are the rota's
morning and afternoon slots (8:30–12:00, 13:30–17:30).

One query loads the calendar rows of the span a computation may reach; nothing is asked per day."""

from __future__ import annotations

import datetime

from django.utils import timezone

DESK_PERIODS: tuple[tuple[datetime.time, datetime.time], ...] = (
    (datetime.time(8, 30), datetime.time(12, 0)),
    (datetime.time(13, 30), datetime.time(17, 30)),
)


class WorkingCalendar:
    """The working days of one district from ``start`` on (``district_id`` None: plain weeks)."""

    def __init__(self, district_id: int | None, start: datetime.date, span_days: int = 60) -> None:
        self.district_id = district_id
        self.start = start
        self.overrides: dict[datetime.date, str] = {}
        self.loaded_to = start - datetime.timedelta(days=1)
        self._load(start + datetime.timedelta(days=span_days))

    def _load(self, until: datetime.date) -> None:
        if self.district_id is not None and until > self.loaded_to:
            from .models import HolidayCalendar

            rows = HolidayCalendar.objects.filter(
                district_id=self.district_id,
                date__gte=min(self.start, self.loaded_to + datetime.timedelta(days=1)),
                date__lte=until,
            ).values_list("date", "kind")
            self.overrides.update(dict(rows))
        self.loaded_to = max(self.loaded_to, until)

    def is_working_day(self, day: datetime.date) -> bool:
        if day > self.loaded_to:
            self._load(day + datetime.timedelta(days=120))
        kind = self.overrides.get(day)
        if kind == "holiday":
            return False
        if kind == "workday":
            return True
        return day.weekday() < 5


def is_working_day(day: datetime.date, *, district_id: int | None) -> bool:
    return WorkingCalendar(district_id, day, 0).is_working_day(day)


def add_working_days(start: datetime.date, days: int, *, district_id: int | None = None) -> datetime.date:
    """The day ``days`` working days after ``start`` on the district's calendar."""
    calendar = WorkingCalendar(district_id, start, days * 2 + 30)
    current, remaining = start, days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if calendar.is_working_day(current):
            remaining -= 1
    return current


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def in_desk_hours(moment: datetime.datetime, *, district_id: int | None) -> bool:
    local = timezone.localtime(moment)
    if not is_working_day(local.date(), district_id=district_id):
        return False
    return any(begin <= local.time() < end for begin, end in DESK_PERIODS)


def add_working_hours(
    start: datetime.datetime, hours: float, *, district_id: int | None = None
) -> datetime.datetime:
    """The moment ``hours`` of desk time after ``start`` (time outside desk hours does not count)."""
    local = timezone.localtime(start)
    calendar = WorkingCalendar(district_id, local.date(), int(hours // 7) * 2 + 30)
    remaining = datetime.timedelta(hours=hours)
    day = local.date()
    while True:
        if calendar.is_working_day(day):
            for begin, end in DESK_PERIODS:
                period_start, period_end = _at(day, begin), _at(day, end)
                if period_end <= local:
                    continue
                period_start = max(period_start, local)
                available = period_end - period_start
                if remaining <= available:
                    return period_start + remaining
                remaining -= available
        day += datetime.timedelta(days=1)


def working_days_deadline(
    start: datetime.datetime, days: int, *, district_id: int | None
) -> datetime.datetime:
    """End of the desk day ``days`` working days after the day of ``start``."""
    day = add_working_days(timezone.localtime(start).date(), days, district_id=district_id)
    return _at(day, DESK_PERIODS[-1][1])

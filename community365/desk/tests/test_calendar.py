"""Working time on the district's calendar: holidays are skipped, worked weekends count."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from community365.core.errors import InvalidInput, NotAllowed
from community365.desk import services
from community365.desk.calendar import add_working_days, add_working_hours, in_desk_hours
from community365.desk.models import DayKind, HolidayCalendar
from community365.talks.services import add_working_days as talks_add_working_days

pytestmark = pytest.mark.django_db

# National Day week 2026: Thu 1 Oct – Wed 7 Oct off, Sat 10 Oct worked.
THU = datetime.date(2026, 10, 1)


@pytest.fixture
def national_day(persona):
    """The week as the district admin keeps it, a month ahead (people change only days after
    today); the demo's own 2026 rows are cleared first so that nothing is a duplicate."""
    admin = persona("admin_district")
    district = admin_district(persona)
    HolidayCalendar.objects.filter(
        district=district, date__gte=THU, date__lte=datetime.date(2026, 10, 10)
    ).delete()
    with time_machine.travel(datetime.datetime(2026, 9, 1, 9, 0, tzinfo=datetime.UTC), tick=False):
        for offset in range(7):
            services.calendar_day_set(
                actor=admin,
                district=district,
                date=THU + datetime.timedelta(days=offset),
                kind=DayKind.HOLIDAY,
                name="国庆",
            )
        services.calendar_day_set(
            actor=admin, district=district, date=datetime.date(2026, 10, 10), kind=DayKind.WORKDAY
        )
    return district


def admin_district(persona):
    from community365.core import permissions
    from community365.regions.models import Region

    grant = permissions.grants_of(persona("admin_district"))[0]
    return Region.objects.get(pk=grant.district_id)


def test_plain_weeks_without_a_district():
    wed = datetime.date(2026, 9, 30)
    assert add_working_days(wed, 2) == datetime.date(2026, 10, 2)


def test_working_days_skip_the_public_holiday_and_count_the_worked_saturday(national_day):
    wed = datetime.date(2026, 9, 30)
    # Thu 1 … Wed 7 off; Thu 8, Fri 9, Sat 10 (worked) are the first three working days.
    assert add_working_days(wed, 1, district_id=national_day.pk) == datetime.date(2026, 10, 8)
    assert add_working_days(wed, 3, district_id=national_day.pk) == datetime.date(2026, 10, 10)
    assert add_working_days(wed, 4, district_id=national_day.pk) == datetime.date(2026, 10, 12)


def test_talks_deadline_uses_the_same_calendar(national_day):
    wed = datetime.date(2026, 9, 30)
    assert talks_add_working_days(wed, 1, district_id=national_day.pk) == datetime.date(2026, 10, 8)
    assert talks_add_working_days(wed, 1) == datetime.date(2026, 10, 1)


def test_working_hours_stop_at_night_and_over_the_holiday(national_day):
    start = timezone.make_aware(datetime.datetime(2026, 9, 30, 16, 30))
    # One hour left on Wednesday, then the holiday week; 3 more hours on Thursday 8 October.
    due = add_working_hours(start, 4, district_id=national_day.pk)
    assert timezone.localtime(due) == timezone.make_aware(datetime.datetime(2026, 10, 8, 11, 30))
    lunch = timezone.make_aware(datetime.datetime(2026, 10, 8, 11, 30))
    assert timezone.localtime(
        add_working_hours(lunch, 1, district_id=national_day.pk)
    ).time() == datetime.time(14, 0)


def test_desk_hours_follow_the_calendar(national_day):
    holiday_morning = timezone.make_aware(datetime.datetime(2026, 10, 2, 10, 0))
    worked_saturday = timezone.make_aware(datetime.datetime(2026, 10, 10, 10, 0))
    assert not in_desk_hours(holiday_morning, district_id=national_day.pk)
    assert in_desk_hours(worked_saturday, district_id=national_day.pk)
    assert not in_desk_hours(worked_saturday.replace(hour=20), district_id=national_day.pk)


def test_only_the_district_admin_keeps_the_calendar(persona):
    district = admin_district(persona)
    with pytest.raises(NotAllowed):
        services.calendar_day_set(
            actor=persona("secretary_huachuan"), district=district, date=THU, kind=DayKind.HOLIDAY
        )


def test_a_worked_day_must_be_a_weekend_day(persona):
    with pytest.raises(InvalidInput):
        services.calendar_day_set(
            actor=persona("admin_district"), district=admin_district(persona), date=THU, kind=DayKind.WORKDAY
        )

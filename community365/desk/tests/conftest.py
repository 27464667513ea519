"""Fixtures of the desk's tests: places and catalogue items of the demo district, and requests
made through the services as the desk makes them."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from community365.core.actors import SystemActor
from community365.desk import services
from community365.desk.models import CatalogueItem, DayKind, HolidayCalendar, ServiceRequest
from community365.regions.models import Region, RegionKind

SYSTEM = SystemActor("test")


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(y, m, d, hh, mm))


@pytest.fixture
def huachuan(region) -> Region:
    return region("划船社区")


@pytest.fixture
def stairwell(huachuan) -> Region:
    return (
        Region.objects.filter(path__startswith=huachuan.path, kind=RegionKind.STAIRWELL)
        .order_by("path")
        .first()
    )


@pytest.fixture
def item(db):
    def get(code: str) -> CatalogueItem:
        return CatalogueItem.objects.get(code=code)

    return get


@pytest.fixture
def make_request(item, stairwell):
    """make_request("stairwell-light", at=…) → a request taken in at 划船's first stairwell."""

    def make(
        code: str = "stairwell-light", *, place: Region | None = None, at=None, text="楼道灯坏了好几天。"
    ):
        return services.request_assist(
            actor=SYSTEM, item=item(code), place=place or stairwell, text=text, at=at or timezone.now()
        )

    return make


@pytest.fixture
def accepted(make_request, persona):
    def make(code: str = "stairwell-light") -> ServiceRequest:
        req = make_request(code)
        return services.request_accept(actor=persona("worker_huachuan"), req=req)

    return make


@pytest.fixture
def holiday(huachuan, persona):
    """holiday(date, …) marks days of the demo district as public holidays."""

    def mark(*days: datetime.date) -> None:
        district = Region.objects.get(pk=huachuan.district_id)
        # People change only days after today: mark them as the admin would, a week ahead.
        ahead = datetime.datetime.combine(
            min(days) - datetime.timedelta(days=7), datetime.time(9), datetime.UTC
        )
        for day in days:
            if HolidayCalendar.objects.filter(district=district, date=day, kind=DayKind.HOLIDAY).exists():
                continue  # already a holiday in the demo's calendar (a duplicate is refused)
            with time_machine.travel(ahead, tick=False):
                services.calendar_day_set(
                    actor=persona("admin_district"), district=district, date=day, kind=DayKind.HOLIDAY
                )

    return mark

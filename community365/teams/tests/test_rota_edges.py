"""The rota's limits at their edges: a period of one day up to 400 days (a fill from a weekly
pattern, and a week copied forward), a pattern's weekdays 0–6 and its three daily slots, and a
swap of today's shift (not of yesterday's). Each limit is tried on both sides."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from community365.core.errors import InvalidInput, InvalidTransition
from community365.teams import selectors, services
from community365.teams.models import Shift, ShiftKind, Slot

pytestmark = pytest.mark.django_db

START = datetime.date(2032, 3, 1)  # a Monday
assert START.weekday() == 0


@pytest.fixture
def rota(system, region):
    community = region("黄鹂社区")
    roster = services.roster_open(actor=system, community=community)
    worker = selectors.community_workers(community).first()
    return roster, worker


def _every_day(worker, slot=Slot.MORNING):
    return [services.PatternEntry(day, slot, ShiftKind.DESK, worker.pk) for day in range(7)]


def _fill(system, roster, worker, start, end, pattern=None):
    return services.roster_fill_pattern(
        actor=system, roster=roster, start=start, end=end, pattern=pattern or _every_day(worker)
    )


def test_a_fill_runs_from_one_day_to_four_hundred_days(system, rota):
    roster, worker = rota
    assert _fill(system, roster, worker, START, START) == 1
    with pytest.raises(InvalidInput) as refused:
        _fill(system, roster, worker, START, START - datetime.timedelta(days=1))
    assert refused.value.field == "end"
    later = START + datetime.timedelta(days=10)
    assert _fill(system, roster, worker, later, later + datetime.timedelta(days=400)) == 401
    with pytest.raises(InvalidInput) as refused:
        _fill(system, roster, worker, later, later + datetime.timedelta(days=401))
    assert refused.value.field == "end"


@pytest.mark.parametrize("weekday", [0, 6])
def test_a_patterns_weekdays_run_from_monday_to_sunday(system, rota, weekday):
    roster, worker = rota
    pattern = [services.PatternEntry(weekday, Slot.AFTERNOON, ShiftKind.DESK, worker.pk)]
    assert _fill(system, roster, worker, START, START + datetime.timedelta(days=6), pattern) == 1
    day = Shift.objects.get(roster=roster, worker=worker, slot=Slot.AFTERNOON).date
    assert day.weekday() == weekday


@pytest.mark.parametrize("weekday", [-1, 7])
def test_a_weekday_outside_monday_to_sunday_is_refused(system, rota, weekday):
    roster, worker = rota
    pattern = [services.PatternEntry(weekday, Slot.AFTERNOON, ShiftKind.DESK, worker.pk)]
    with pytest.raises(InvalidInput) as refused:
        _fill(system, roster, worker, START, START + datetime.timedelta(days=6), pattern)
    assert refused.value.field == "pattern"
    assert not Shift.objects.filter(roster=roster).exists()


def test_a_pattern_takes_no_custom_slot(system, rota):
    roster, worker = rota
    with pytest.raises(InvalidInput) as refused:
        _fill(system, roster, worker, START, START, _every_day(worker, Slot.CUSTOM))
    assert refused.value.field == "pattern"


def test_a_week_is_copied_from_the_next_monday_up_to_four_hundred_days(system, rota):
    roster, worker = rota
    _fill(system, roster, worker, START, START + datetime.timedelta(days=6))
    first = START + datetime.timedelta(days=7)
    with pytest.raises(InvalidInput) as refused:
        services.roster_copy_week(
            actor=system, roster=roster, source_monday=START, until=first - datetime.timedelta(days=1)
        )
    assert refused.value.field == "until"
    assert services.roster_copy_week(actor=system, roster=roster, source_monday=START, until=first) == 1
    with pytest.raises(InvalidInput) as refused:
        services.roster_copy_week(
            actor=system, roster=roster, source_monday=START, until=first + datetime.timedelta(days=401)
        )
    assert refused.value.field == "until"
    added = services.roster_copy_week(
        actor=system, roster=roster, source_monday=START, until=first + datetime.timedelta(days=400)
    )
    assert added == 400  # the first copied day was there already
    # a week without shifts has nothing to copy
    empty = START - datetime.timedelta(days=70)
    with pytest.raises(InvalidInput) as refused:
        services.roster_copy_week(actor=system, roster=roster, source_monday=empty, until=START)
    assert refused.value.field == "source_monday"


def test_todays_shift_may_be_swapped_and_yesterdays_not(system, rota):
    roster, worker = rota
    colleague = selectors.community_workers(roster.region).exclude(pk=worker.pk).first()
    assert colleague is not None, "黄鹂社区 has two social workers in the demo"
    _fill(system, roster, worker, START, START + datetime.timedelta(days=1))
    today, tomorrow = Shift.objects.filter(roster=roster, worker=worker).order_by("date")
    noon = datetime.datetime(START.year, START.month, START.day, 12, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(noon, tick=False):
        assert timezone.localdate() == START
        services.swap_request(actor=worker, shift=today, taker=colleague)
    with time_machine.travel(noon + datetime.timedelta(days=1), tick=False):
        with pytest.raises(InvalidTransition):
            services.swap_request(actor=worker, shift=Shift.objects.get(pk=today.pk), taker=colleague)
        services.swap_request(actor=worker, shift=tomorrow, taker=colleague)

"""Service hours at their edges: an amount above 0 and up to 24 hours (to the tenth), a number;
an attendance sheet from the moment the activity ends, filling its places exactly and not one
more. Each limit is tried on both sides."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from community365.core.errors import Conflict, InvalidInput, InvalidTransition
from community365.teams import services
from community365.teams.models import ServiceRecord, Signup

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended(make_activity, red_team, system, persona):
    """An activity that ended yesterday, volunteer_001 signed up."""
    start = timezone.now() - datetime.timedelta(days=1, hours=3)
    activity = make_activity(red_team, start=start, capacity=3)
    services.signup_create(
        actor=system,
        activity=activity,
        volunteer=persona("volunteer_001"),
        now=start - datetime.timedelta(hours=1),
    )
    return activity


@pytest.mark.parametrize("hours", ["0.1", "24", 24, "7.25"])
def test_an_amount_above_nothing_up_to_a_day_is_taken(ended, persona, hours):
    record = services.record_enter(
        actor=persona("volunteer_demo"), activity=ended, volunteer=persona("volunteer_001"), hours=hours
    )
    assert Decimal(0) < record.hours <= Decimal(24)
    assert record.hours == Decimal(str(hours)).quantize(Decimal("0.1"))


@pytest.mark.parametrize("hours", ["0", 0, "-1", "24.1", "25", "两小时", ""])
def test_an_amount_of_nothing_over_a_day_or_not_a_number_is_refused(ended, persona, hours):
    with pytest.raises(InvalidInput) as refused:
        services.record_enter(
            actor=persona("volunteer_demo"), activity=ended, volunteer=persona("volunteer_001"), hours=hours
        )
    assert refused.value.field == "hours"
    assert not ServiceRecord.objects.filter(activity=ended).exists()


def test_a_sheet_is_taken_from_the_moment_the_activity_ends(ended, persona):
    import time_machine

    leader = persona("volunteer_demo")
    entries = [(persona("volunteer_001"), 2)]
    before_the_end = time_machine.travel(ended.ends_at - datetime.timedelta(seconds=1), tick=False)
    with before_the_end, pytest.raises(InvalidTransition):
        services.record_sheet(actor=leader, activity=ended, entries=entries)
    with time_machine.travel(ended.ends_at, tick=False):
        assert services.record_sheet(actor=leader, activity=ended, entries=entries) == 1
    assert ServiceRecord.objects.filter(activity=ended).count() == 1


def test_a_sheet_fills_the_places_exactly_and_not_one_more(make_activity, red_team, persona):
    start = timezone.now() - datetime.timedelta(days=1, hours=3)
    activity = make_activity(red_team, start=start, capacity=2)
    leader = persona("volunteer_demo")
    three = [(persona(f"volunteer_00{i}"), 2) for i in (1, 2, 3)]
    with pytest.raises(Conflict) as refused:
        services.record_sheet(actor=leader, activity=activity, entries=three)
    assert refused.value.code == "full"
    assert not Signup.objects.filter(activity=activity).exists()
    services.record_sheet(actor=leader, activity=activity, entries=three[:2])
    assert ServiceRecord.objects.filter(activity=activity).count() == 2
    activity.refresh_from_db()
    assert activity.signed_up_count == 2

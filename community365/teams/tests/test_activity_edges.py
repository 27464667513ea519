"""An activity's limits at their edges: it ends after it starts and lasts at most 24 hours, it
starts no more than an hour in the past, it has 1 to 1,000 places and serves 0 to 100,000
residents; a sign-up is taken until the moment it ends; a volunteer checks themself in from an
hour before the start to the end; its title, place and needs are kept to 100, 120 and 300
characters. Each limit is tried on both sides."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from community365.core.errors import InvalidInput, NotAllowed
from community365.teams import services
from community365.teams.models import Activity, Signup

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2032, 5, 10, 9, 0, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)
HOUR = datetime.timedelta(hours=1)


def _create(system, red_team, persona, *, start, end, capacity=10, **texts):
    return services.activity_create(
        actor=system,
        team=red_team,
        title=texts.pop("title", "边界活动"),
        starts_at=start,
        ends_at=end,
        capacity=capacity,
        organiser=persona("volunteer_demo"),
        now=NOW,
        **texts,
    )


def _refused(field, system, red_team, persona, **kw):
    with pytest.raises(InvalidInput) as refused:
        _create(system, red_team, persona, **kw)
    assert refused.value.field == field


def test_an_activity_lasts_more_than_nothing_and_at_most_a_day(system, red_team, persona):
    start = NOW + HOUR
    _refused("ends_at", system, red_team, persona, start=start, end=start)
    _refused("ends_at", system, red_team, persona, start=start, end=start - HOUR)
    _create(system, red_team, persona, start=start, end=start + SECOND)
    _create(system, red_team, persona, start=start, end=start + 24 * HOUR)
    _refused("ends_at", system, red_team, persona, start=start, end=start + 24 * HOUR + SECOND)


def test_an_activity_starts_at_most_an_hour_ago(system, red_team, persona):
    _create(system, red_team, persona, start=NOW - HOUR, end=NOW + HOUR)
    _refused("starts_at", system, red_team, persona, start=NOW - HOUR - SECOND, end=NOW + HOUR)


@pytest.mark.parametrize(("capacity", "taken"), [(0, False), (1, True), (1000, True), (1001, False)])
def test_an_activity_has_one_to_a_thousand_places(system, red_team, persona, capacity, taken):
    kw = {"start": NOW + HOUR, "end": NOW + 2 * HOUR, "capacity": capacity}
    if taken:
        assert _create(system, red_team, persona, **kw).capacity == capacity
    else:
        _refused("capacity", system, red_team, persona, **kw)


@pytest.mark.parametrize(("field", "limit"), [("title", 100), ("place", 120), ("needs", 300)])
def test_an_activitys_texts_are_kept_to_their_lengths(system, red_team, persona, field, limit):
    kw = {"start": NOW + HOUR, "end": NOW + 2 * HOUR}
    assert getattr(_create(system, red_team, persona, **kw, **{field: "字" * limit}), field) == "字" * limit
    _refused(field, system, red_team, persona, **kw, **{field: "字" * (limit + 1)})


@pytest.mark.parametrize(("served", "taken"), [(-1, False), (0, True), (100_000, True), (100_001, False)])
def test_an_activity_serves_nought_to_a_hundred_thousand_residents(system, red_team, persona, served, taken):
    activity = _create(system, red_team, persona, start=NOW + HOUR, end=NOW + 2 * HOUR)
    leader = persona("volunteer_demo")
    if taken:
        services.activity_set_served(actor=leader, activity=activity, residents_served=served)
        assert Activity.objects.get(pk=activity.pk).residents_served == served
    else:
        with pytest.raises(InvalidInput):
            services.activity_set_served(actor=leader, activity=activity, residents_served=served)


def test_a_sign_up_is_taken_until_the_activity_ends(system, red_team, persona):
    activity = _create(system, red_team, persona, start=NOW + HOUR, end=NOW + 2 * HOUR)
    with time_machine.travel(activity.ends_at - SECOND, tick=False):
        services.signup_create(actor=persona("volunteer_001"), activity=activity)
    with time_machine.travel(activity.ends_at, tick=False), pytest.raises(NotAllowed):
        services.signup_create(actor=persona("volunteer_002"), activity=activity)
    with time_machine.travel(activity.ends_at + HOUR, tick=False), pytest.raises(NotAllowed):
        services.signup_create(actor=persona("volunteer_002"), activity=activity)
    assert list(Signup.objects.filter(activity=activity).values_list("volunteer__username", flat=True)) == [
        "volunteer_001"
    ]


@pytest.mark.parametrize(
    ("offset", "taken"),
    [("early", False), ("hour_before", True), ("end", True), ("late", False)],
)
def test_a_volunteer_checks_in_from_an_hour_before_the_start_to_the_end(
    system, red_team, persona, offset, taken
):
    activity = _create(system, red_team, persona, start=NOW + 2 * HOUR, end=NOW + 3 * HOUR)
    volunteer = persona("volunteer_001")
    services.signup_create(actor=system, activity=activity, volunteer=volunteer, now=NOW)
    moment = {
        "early": activity.starts_at - HOUR - SECOND,
        "hour_before": activity.starts_at - HOUR,
        "end": activity.ends_at,
        "late": activity.ends_at + SECOND,
    }[offset]
    with time_machine.travel(moment, tick=False):
        if taken:
            signup = services.signup_self_check_in(
                actor=volunteer, activity=activity, code=activity.checkin_code
            )
            assert signup.checked_in_at == moment
        else:
            with pytest.raises(NotAllowed):
                services.signup_self_check_in(actor=volunteer, activity=activity, code=activity.checkin_code)

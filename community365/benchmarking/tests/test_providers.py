"""Each registered provider over a small hand-made world: the values are worked out by hand in
the comments, and the number of queries does not grow with the number of communities."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community365.core import indicators
from community365.core.indicators import Period

from .world import World, at

pytestmark = pytest.mark.django_db

YEAR = Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
D = datetime.date


def values(code: str, world: World) -> dict[int, indicators.Value]:
    return indicators.get(code).values(YEAR, world.ids)


def test_wishes_fulfilled_per_1000():
    w = World([2000, 500, None])
    a, b, c = w.communities
    for _ in range(3):  # a: 3 confirmed in 2025 → 3 / 2000 × 1000 = 1.5
        w.wish(a, published=at(D(2025, 2, 1)), claimed=at(D(2025, 2, 2)), confirmed=at(D(2025, 3, 1)))
    w.wish(
        a, published=at(D(2024, 2, 1)), claimed=at(D(2024, 2, 2)), confirmed=at(D(2024, 12, 31))
    )  # not 2025
    w.wish(a, published=at(D(2025, 2, 1)))  # not confirmed
    w.wish(c, published=at(D(2025, 2, 1)), claimed=at(D(2025, 2, 2)), confirmed=at(D(2025, 3, 1)))  # no pop
    got = values("wishes.fulfilled_per_1000", w)
    assert got[a.pk].value == Decimal("1.50") and got[a.pk].numerator == 3
    assert got[b.pk].value == Decimal("0.00")  # a population, no wish: zero
    assert c.pk not in got  # no population: no value


def test_wishes_median_days_to_claim():
    w = World([1000, 1000])
    a, b = w.communities
    for days in (1, 2, 9):  # median 2
        w.wish(a, published=at(D(2025, 5, 1)), claimed=at(D(2025, 5, 1 + days)))
    for days in (4, 6):  # median 5
        w.wish(b, published=at(D(2025, 5, 1)), claimed=at(D(2025, 5, 1 + days)))
    w.wish(b, published=at(D(2024, 5, 1)), claimed=at(D(2024, 6, 30)))  # claimed in 2024
    got = values("wishes.median_days_to_claim", w)
    assert got[a.pk].value == Decimal("2.0") and got[a.pk].denominator == 3
    assert got[b.pk].value == Decimal("5.0")


def test_wishes_satisfaction():
    w = World([1000, 1000])
    a, b = w.communities
    for r in (5, 4, 4):  # 13 / 3 = 4.33
        w.wish(
            a, published=at(D(2025, 1, 5)), claimed=at(D(2025, 1, 6)), confirmed=at(D(2025, 2, 1)), rating=r
        )
    w.wish(
        a, published=at(D(2025, 1, 5)), claimed=at(D(2025, 1, 6)), confirmed=at(D(2025, 2, 1))
    )  # no rating
    got = values("wishes.satisfaction", w)
    assert got[a.pk].value == Decimal("4.33") and got[a.pk].denominator == 3
    assert b.pk not in got


def test_talks_tasks_on_time():
    w = World([1000, 1000])
    a, b = w.communities
    t = w.topic(a)
    w.task(t, deadline=D(2025, 6, 30), done=at(D(2025, 6, 30), 17))  # on the day: on time
    w.task(t, deadline=D(2025, 6, 30), done=at(D(2025, 7, 2)))  # late
    w.task(t, deadline=D(2025, 8, 1))  # not done
    w.task(t, deadline=D(2026, 1, 5), done=at(D(2025, 12, 1)))  # due next year: not counted
    got = values("talks.tasks_on_time", w)  # 1 of 3 → 33.3
    assert got[a.pk].value == Decimal("33.3") and (got[a.pk].numerator, got[a.pk].denominator) == (1, 3)
    assert b.pk not in got


def test_talks_satisfaction():
    w = World([1000])
    (a,) = w.communities
    t = w.topic(a)
    w.rating(t, 5, at(D(2025, 3, 1)))
    w.rating(t, 2, at(D(2025, 3, 2)))  # (5 + 2) / 2 = 3.5
    w.rating(t, 1, at(D(2024, 3, 2)))  # 2024
    assert values("talks.satisfaction", w)[a.pk].value == Decimal("3.5")


def test_teams_rota_coverage():
    w = World([1000, 1000, 1000])
    a, b, c = w.communities
    w.roster(a, ("morning", "afternoon"))
    w.roster(b, ("morning",))
    # a: 2 slots × 365 days = 730 needed; 3 distinct covered (the evening is not required, the
    # doubled morning counts once) → 3 / 730 = 0.4 %
    w.shift(a, D(2025, 1, 1), "morning")
    w.shift(a, D(2025, 1, 1), "morning")
    w.shift(a, D(2025, 1, 1), "afternoon")
    w.shift(a, D(2025, 1, 2), "morning")
    w.shift(a, D(2025, 1, 2), "evening")
    for day in range(73):  # b: 73 of 365 mornings = 20 %
        w.shift(b, D(2025, 1, 1) + datetime.timedelta(days=day), "morning")
    got = values("teams.rota_coverage", w)
    assert (got[a.pk].numerator, got[a.pk].denominator) == (3, 730)
    assert got[a.pk].value == Decimal("0.4")
    assert got[b.pk].value == Decimal("20.0")
    assert c.pk not in got  # no roster


def test_teams_rota_coverage_counts_from_the_day_the_rota_was_set_up():
    from community365.teams.models import DutyRoster

    w = World([1000, 1000])
    a, b = w.communities
    roster = w.roster(a, ("morning",))
    DutyRoster.objects.filter(pk=roster.pk).update(created_at=at(D(2025, 12, 22)))  # 10 days left
    w.shift(a, D(2025, 3, 1), "morning")  # before the rota existed: not counted
    for day in range(22, 27):  # 5 of the 10 mornings
        w.shift(a, D(2025, 12, day), "morning")
    roster_b = w.roster(b, ("morning",))
    DutyRoster.objects.filter(pk=roster_b.pk).update(created_at=at(D(2026, 1, 5)))  # after the year
    got = values("teams.rota_coverage", w)
    assert (got[a.pk].numerator, got[a.pk].denominator, got[a.pk].value) == (5, 10, Decimal("50.0"))
    assert b.pk not in got


def test_teams_residents_per_worker():
    w = World([3000, 1000, 1000])
    a, b, c = w.communities
    w.worker(a)
    w.worker(a)
    w.worker(a, revoked=at(D(2025, 6, 1)))  # gone before the year's end
    w.worker(b)
    got = values("teams.residents_per_worker", w)
    assert got[a.pk].value == Decimal("1500.0")  # 3000 / 2
    assert got[b.pk].value == Decimal("1000.0")
    assert c.pk not in got  # no social worker


def test_teams_party_reported_per_100():
    w = World([1000])
    (a,) = w.communities
    for _ in range(3):
        w.party_member(a, "confirmed", at(D(2025, 3, 1)))
    w.party_member(a, "registered")
    w.party_member(a, "declined", at(D(2025, 3, 1)))  # not counted
    got = values("teams.party_reported_per_100", w)  # 3 of 4 → 75
    assert got[a.pk].value == Decimal("75.0")


def test_teams_volunteer_hours_per_1000():
    w = World([500])
    (a,) = w.communities
    w.hours(a, "2.5", at(D(2025, 4, 1)))
    w.hours(a, "1.5", at(D(2025, 4, 2)))
    w.hours(a, "9.0", at(D(2025, 4, 2)), status="pending")  # not verified
    w.hours(a, "9.0", at(D(2024, 4, 2)))  # 2024
    got = values("teams.volunteer_hours_per_1000", w)  # 4.0 / 500 × 1000 = 8
    assert got[a.pk].value == Decimal("8.00")


APP_CODES = [
    "wishes.fulfilled_per_1000",
    "wishes.median_days_to_claim",
    "wishes.satisfaction",
    "talks.tasks_on_time",
    "talks.satisfaction",
    "teams.rota_coverage",
    "teams.residents_per_worker",
    "teams.party_reported_per_100",
    "teams.volunteer_hours_per_1000",
]


def _fill(w: World) -> None:
    for c in w.communities:
        w.wish(
            c, published=at(D(2025, 5, 1)), claimed=at(D(2025, 5, 3)), confirmed=at(D(2025, 5, 9)), rating=4
        )
        t = w.topic(c)
        w.task(t, deadline=D(2025, 6, 1), done=at(D(2025, 5, 1)))
        w.rating(t, 4, at(D(2025, 6, 2)))
        w.roster(c)
        w.shift(c, D(2025, 1, 1), "morning")
        w.worker(c)
        w.party_member(c, "confirmed", at(D(2025, 1, 1)))
        w.hours(c, "2", at(D(2025, 4, 1)))


@pytest.mark.parametrize("code", APP_CODES)
def test_query_count_does_not_depend_on_communities(code):
    small, big = World([1000] * 2), World([1000] * 12)
    _fill(small)
    _fill(big)
    counts = []
    for w in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            got = values(code, w)
        assert len(got) == len(w.ids)  # every community has a value
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 3

"""Thirty volunteers sign up at once for ten places: exactly ten get in, twenty wait, none lost.
Each thread has its own database connection (closed at the end); the place is taken by a
conditional UPDATE of the counter, so this holds on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def _world():
    """A small world of its own (a transactional test may start from an empty database)."""
    from community365.demo.generator import SYSTEM
    from community365.people import services as people
    from community365.regions import services as regions
    from community365.teams import services

    district = regions.region_create(actor=SYSTEM, parent=None, kind="district", name="并发区", code="CC")
    sub = regions.region_create(
        actor=SYSTEM, parent=district, kind="subdistrict", name="并发街道", code="CC-S"
    )
    community = regions.region_create(
        actor=SYSTEM, parent=sub, kind="community", name="并发社区", code="CC-S-01"
    )
    organiser = people.user_create(actor=SYSTEM, username="cc_leader", password=None, district=district)
    team = services.team_create(actor=SYSTEM, region=community, name="并发红队", kind="colour", colour="red")
    start = timezone.now() + datetime.timedelta(days=1)
    activity = services.activity_create(
        actor=SYSTEM,
        team=team,
        title="十个名额",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=10,
        organiser=organiser,
    )
    volunteers = [
        people.user_create(actor=SYSTEM, username=f"cc_vol_{n:02d}", password=None, district=district)
        for n in range(30)
    ]
    return activity, volunteers


def test_thirty_at_once_for_ten_places():
    from community365.teams import services
    from community365.teams.models import Activity, Signup, SignupStatus

    # given an activity with 10 places and 30 volunteers
    activity, volunteers = _world()
    barrier = threading.Barrier(len(volunteers))
    errors: list[BaseException] = []

    def sign_up(volunteer):
        try:
            own = Activity.objects.get(pk=activity.pk)
            barrier.wait(timeout=30)
            services.signup_create(actor=volunteer, activity=own)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    # when all of them sign up at the same moment, each on its own connection
    threads = [threading.Thread(target=sign_up, args=(v,)) for v in volunteers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    # then exactly 10 are signed up, 20 wait, and nobody is lost
    assert errors == []
    activity.refresh_from_db()
    statuses = list(Signup.objects.filter(activity=activity).values_list("status", flat=True))
    assert statuses.count(SignupStatus.SIGNED_UP) == 10
    assert statuses.count(SignupStatus.WAITLISTED) == 20
    assert len(statuses) == 30
    assert (activity.signed_up_count, activity.waitlist_count) == (10, 20)

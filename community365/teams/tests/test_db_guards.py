"""The database-level guards of sign-ups, asserted directly: the conditional UPDATE of the
counter (signed_up_count < capacity) raced by two connections without the service around it,
and the check constraint that no write can over-fill an activity. The 30-thread test alone
cannot see a missing guard on SQLite, which serialises whole service calls."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone


def _activity(capacity: int, code: str):
    from community365.demo.generator import SYSTEM
    from community365.people import services as people
    from community365.regions import services as regions
    from community365.teams import services

    district = regions.region_create(actor=SYSTEM, parent=None, kind="district", name=f"{code}区", code=code)
    sub = regions.region_create(
        actor=SYSTEM, parent=district, kind="subdistrict", name=f"{code}街道", code=f"{code}-S"
    )
    community = regions.region_create(
        actor=SYSTEM, parent=sub, kind="community", name=f"{code}社区", code=f"{code}-S-01"
    )
    organiser = people.user_create(
        actor=SYSTEM, username=f"{code.lower()}_leader", password=None, district=district
    )
    team = services.team_create(
        actor=SYSTEM, region=community, name=f"{code}红队", kind="colour", colour="red"
    )
    start = timezone.now() + datetime.timedelta(days=1)
    return services.activity_create(
        actor=SYSTEM,
        team=team,
        title="名额",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=capacity,
        organiser=organiser,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_two_connections_race_for_the_last_place_and_one_gets_it():
    from community365.teams.models import Activity

    activity = _activity(2, "GDA")
    Activity.objects.filter(pk=activity.pk).update(signed_up_count=1)  # one place left
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def take(i):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                results[i] = Activity.objects.filter(
                    pk=activity.pk, signed_up_count__lt=F("capacity")
                ).update(signed_up_count=F("signed_up_count") + 1)
                time.sleep(0.3)  # hold the write so the other connection really meets it
        except Exception as exc:  # reported by the assertion
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results) == [0, 1], results
    assert Activity.objects.get(pk=activity.pk).signed_up_count == 2


@pytest.mark.django_db
def test_the_database_refuses_to_over_fill_an_activity():
    from community365.teams.models import Activity

    activity = _activity(1, "GDB")
    Activity.objects.filter(pk=activity.pk).update(signed_up_count=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(signed_up_count=F("signed_up_count") + 1)


@pytest.mark.django_db
def test_a_signup_read_before_the_last_place_went_is_waitlisted():
    """signup_create decides with the conditional UPDATE, not with the counter it was handed."""
    from community365.people import services as people
    from community365.teams import services
    from community365.teams.models import Activity, SignupStatus

    activity = _activity(1, "GDC")
    stale = Activity.objects.get(pk=activity.pk)
    first, second = (
        people.user_create(actor=_system(), username=f"gdc_{n}", password=None, district=activity.district)
        for n in (1, 2)
    )
    assert (
        services.signup_create(actor=first, activity=Activity.objects.get(pk=activity.pk)).status
        == SignupStatus.SIGNED_UP
    )
    assert stale.signed_up_count == 0  # this copy still shows a free place
    assert services.signup_create(actor=second, activity=stale).status == SignupStatus.WAITLISTED
    assert Activity.objects.get(pk=activity.pk).signed_up_count == 1


def _system():
    from community365.demo.generator import SYSTEM

    return SYSTEM

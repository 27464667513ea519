"""The database-level guard of the flash claim, asserted directly (the 50-thread test alone
cannot see a missing guard on SQLite, whose IMMEDIATE transactions serialise whole service
calls). Two connections that have both passed the service's status check race to the
conditional UPDATE; exactly one row changes hands. On PostgreSQL this is a real race (both
transactions run at once; the row lock decides); on SQLite the second writer queues."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from community365.core.actors import SystemActor
from community365.core.roles import Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

SYSTEM = SystemActor("guard-test")


def _world(claimants: int):
    from community365.people import services as people
    from community365.people.models import User
    from community365.regions import services as regions
    from community365.regions.models import RegionKind
    from community365.wishes import services
    from community365.wishes.models import ServiceCategory

    district = regions.region_create(
        actor=SYSTEM, parent=None, kind=RegionKind.DISTRICT, name="守卫区", code="GUARD"
    )
    sub = regions.region_create(
        actor=SYSTEM, parent=district, kind=RegionKind.SUBDISTRICT, name="守卫街道", code="GUARD-S"
    )
    community = regions.region_create(
        actor=SYSTEM, parent=sub, kind=RegionKind.COMMUNITY, name="守卫社区", code="GUARD-S-01"
    )
    users = []
    for i in range(claimants):
        user = people.user_create(actor=SYSTEM, username=f"guard_{i}", password=None, district=district)
        people.role_grant(actor=SYSTEM, user=user, role=Role.PARTY_MEMBER, region=community)
        users.append(User.objects.get(pk=user.pk))
    person = people.person_register(actor=SYSTEM, name="冯守卫", community=community)
    wish = services.wish_create(
        actor=SYSTEM, wisher=person, title="想要一台收音机", category=ServiceCategory.CONVENIENCE
    )
    services.wish_approve(actor=SYSTEM, wish=wish)
    services.wish_publish(actor=SYSTEM, wish=wish)
    return users, wish


def _race(actions):
    """Run each action in its own thread and connection, released together; each holds its
    transaction open a moment after writing so the others really meet it."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                results[i] = action()
                time.sleep(0.3)
        except Exception as exc:  # reported by the assertions
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_two_connections_race_the_conditional_update_and_one_row_changes():
    """The statement wish_claim relies on, without the service around it."""
    from community365.wishes.models import Wish, WishStatus

    (first, second), wish = _world(2)

    def take(user):
        return lambda: Wish.objects.filter(pk=wish.pk, status=WishStatus.PUBLISHED).update(
            status=WishStatus.CLAIMED, claimed_by=user
        )

    results = _race([take(first), take(second)])
    assert sorted(results) == [0, 1], results
    winner = first if results[0] == 1 else second
    assert Wish.objects.get(pk=wish.pk).claimed_by_id == winner.pk


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite runs one writer at a time: see test_rules.py::test_conditional_update_keeps_a_rival_claim…",
)
def test_two_claims_that_both_passed_the_status_check_leave_one_winner(monkeypatch):
    """PostgreSQL: two wish_claim calls both read 'published', then meet at the UPDATE."""
    from community365.wishes import services
    from community365.wishes.models import Claim, Wish

    users, wish = _world(2)
    barrier = threading.Barrier(2)
    real_now = services.now

    waited = threading.local()

    def both_checked():
        # the first clock reading of each claim comes right before its UPDATE: both
        # transactions are past the status check here (later readings pass straight through)
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait(timeout=30)
        return real_now()

    monkeypatch.setattr(services, "now", both_checked)
    outcomes: list[object] = [None, None]

    def run(i):
        try:
            outcomes[i] = services.wish_claim(actor=users[i], wish=Wish.objects.get(pk=wish.pk)).won
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == [False, True], outcomes
    assert Claim.objects.filter(wish=wish).count() == 1

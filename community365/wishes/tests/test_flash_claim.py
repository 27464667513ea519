"""The flash claim (秒杀) under real concurrency: many threads, each on its own database
connection, claim at the same instant. Exactly one wins; everyone else is told "already
claimed"; nothing is written for them; no "database is locked"."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection

from community365.core.actors import SystemActor
from community365.core.roles import Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

SYSTEM = SystemActor("flash-test")


def _small_district(claimants: int, wishes: int):
    """A district of its own (the demo may have been flushed by an earlier transactional test)."""
    from community365.people import services as people
    from community365.people.models import User
    from community365.regions import services as regions
    from community365.regions.models import Region, RegionKind
    from community365.wishes import services
    from community365.wishes.models import ServiceCategory

    district = Region.objects.filter(code="FLASH").first() or regions.region_create(
        actor=SYSTEM, parent=None, kind=RegionKind.DISTRICT, name="秒杀测试区", code="FLASH"
    )
    sub = regions.region_create(
        actor=SYSTEM,
        parent=district,
        kind=RegionKind.SUBDISTRICT,
        name="测试街道",
        code=f"FLASH-{Region.objects.count()}",
    )
    community = regions.region_create(
        actor=SYSTEM, parent=sub, kind=RegionKind.COMMUNITY, name="测试社区", code=f"{sub.code}-01"
    )
    hashed = make_password("x")
    users = []
    for i in range(claimants):
        user = people.user_create(
            actor=SYSTEM,
            username=f"flash_{community.pk}_{i}",
            password=None,
            district=district,
            password_hash=hashed,
        )
        people.role_grant(actor=SYSTEM, user=user, role=Role.PARTY_MEMBER, region=community)
        users.append(User.objects.get(pk=user.pk))
    published = []
    for i in range(wishes):
        person = people.person_register(actor=SYSTEM, name=f"王{i}", community=community)
        wish = services.wish_create(
            actor=SYSTEM, wisher=person, title=f"想要一台收音机{i}", category=ServiceCategory.CONVENIENCE
        )
        services.wish_approve(actor=SYSTEM, wish=wish)
        services.wish_publish(actor=SYSTEM, wish=wish)
        published.append(wish)
    return users, published


def _claim_all_at_once(pairs):
    """Run wish_claim for each (user, wish) in its own thread, released together."""
    from community365.wishes import services
    from community365.wishes.models import Wish

    barrier = threading.Barrier(len(pairs))
    results: list[tuple[int, int, str]] = []
    lock = threading.Lock()

    def run(user, wish_id):
        try:
            wish = Wish.objects.select_related("region", "wisher").get(pk=wish_id)
            barrier.wait(timeout=30)
            outcome = services.wish_claim(actor=user, wish=wish)
            result = "won" if outcome.won else "already_claimed"
        except Exception as exc:  # any error fails the test below, with its text
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            results.append((user.pk, wish_id, result))

    threads = [threading.Thread(target=run, args=(u, w.pk)) for u, w in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_fifty_claimants_one_wish_exactly_one_winner():
    from community365.audit.models import AuditEvent
    from community365.wishes.models import Claim, Wish

    # given one published wish and 50 verified party members
    users, (wish,) = _small_district(50, 1)
    # when all 50 claim it at the same instant, each on its own connection
    results = _claim_all_at_once([(u, wish) for u in users])
    # then one winner, 49 told "already claimed", no errors, one claim row
    tally = Counter(r for _u, _w, r in results)
    assert tally == {"won": 1, "already_claimed": 49}, tally
    winner = next(u for u, _w, r in results if r == "won")
    assert Claim.objects.filter(wish=wish).count() == 1
    assert Claim.objects.get(wish=wish).claimant_id == winner
    assert Wish.objects.get(pk=wish.pk).claimed_by_id == winner
    claims = AuditEvent.objects.filter(action="wishes.wish:claim", object_id=str(wish.pk))
    assert claims.filter(result="ok").count() == 1
    # every lost race is a refusal in the audit trail, written after its transaction
    assert claims.filter(result="refused").count() == 49


def test_twenty_wishes_twenty_claimants_each_wish_claimed_once():
    from community365.core.errors import NotAllowed
    from community365.wishes import services
    from community365.wishes.models import Claim, Wish

    # given 20 published wishes and 20 claimants
    users, wishes = _small_district(20, 20)
    barrier = threading.Barrier(len(users))
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def run(index, user):
        # each claimant goes through all 20 wishes, starting at a different one
        order = wishes[index:] + wishes[:index]
        mine = []
        try:
            barrier.wait(timeout=30)
            for wish in order:
                try:
                    outcome = services.wish_claim(actor=user, wish=wish)
                    mine.append((wish.pk, "won" if outcome.won else "already_claimed"))
                except NotAllowed:
                    mine.append((wish.pk, "limit"))  # holds 3 unfulfilled claims already
        except Exception as exc:
            mine.append((0, f"error: {exc!r}"))
        finally:
            connection.close()
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=run, args=(i, u)) for i, u in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    # then every wish has exactly one winner and one claim row, and nobody saw an error
    assert not [r for r in results if r[1].startswith("error")], results
    per_wish = Counter(w for w, r in results if r == "won")
    assert len(per_wish) == 20 and set(per_wish.values()) == {1}
    assert Claim.objects.filter(wish__in=wishes).count() == 20
    assert Wish.objects.filter(pk__in=[w.pk for w in wishes], status="claimed").count() == 20


def test_repeated_claim_by_the_winner_is_idempotent():
    from community365.wishes import services
    from community365.wishes.models import Claim

    (user,), (wish,) = _small_district(1, 1)
    first = services.wish_claim(actor=user, wish=wish)
    again = services.wish_claim(actor=user, wish=wish)
    assert first.won and again.won and again.repeated and again.claim == first.claim
    assert Claim.objects.filter(wish=wish).count() == 1

"""Two clicks on the same need at the same instant (two connections): it is turned once, one
wish is made, the other click is refused."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from community365.pairing import services
from community365.pairing.models import Pairing, VisitNeed

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def test_two_clicks_on_one_need_turn_it_once(demo_world):
    from community365.people.models import Person, User
    from community365.wishes.models import Wish

    pairing = (
        Pairing.objects.filter(cadre__username="member_demo", ended_on__isnull=True).order_by("pk").first()
    )
    visit = services.visit_log(
        actor=pairing.cadre,
        pairing=pairing,
        visited_on=timezone.localdate(),
        found="走访发现。",
        needs=["厚棉被"],
    )
    need_id = visit.needs.get().pk
    person = Person.objects.filter(household_id=pairing.household_id).order_by("pk").first()
    before = Wish.objects.count()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def click() -> None:
        try:
            worker = User.objects.get(username="worker_huachuan")
            need = VisitNeed.objects.select_related("region", "visit").get(pk=need_id)
            barrier.wait(timeout=30)
            services.need_turn(
                actor=worker,
                need=need,
                kind="wish",
                person=person,
                category="public_welfare",
                title="一床厚棉被",
                text="走访中发现被褥偏薄，希望有一床厚棉被。",
            )
            outcomes.append("ok")
        except Exception as exc:  # shown by the assertion below
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["Conflict", "ok"], outcomes
    assert Wish.objects.count() == before + 1

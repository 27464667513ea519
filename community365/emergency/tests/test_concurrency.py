"""The same batch sent at the same instant on several connections (a phone retrying while the
first answer is still on its way): every tap is recorded exactly once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from community365.emergency import services
from community365.emergency.models import CheckAssignment, HouseholdCheck

from .conftest import tap

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def test_one_batch_sent_four_times_at_once_is_recorded_once(demo_world):
    from community365.emergency.models import EmergencyEvent
    from community365.people.models import User

    drill = EmergencyEvent.objects.get(status="open", is_drill=True)
    user = User.objects.get(username="emergency_demo")
    households = list(
        CheckAssignment.objects.filter(event=drill, assignee=user).values_list("household_id", flat=True)
    )
    batch = [tap(h) for h in households]
    barrier = threading.Barrier(4)
    results: list[object] = []
    lock = threading.Lock()

    def run():
        try:
            event = EmergencyEvent.objects.select_related("region").get(pk=drill.pk)
            items = services.clean_items(batch)
            barrier.wait(timeout=30)
            outcome: object = services.checks_record(actor=user, event=event, items=items)
        except Exception as exc:  # shown by the assertion below
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == len(batch)  # type: ignore[arg-type]
    assert HouseholdCheck.objects.filter(event=drill).count() == len(batch)

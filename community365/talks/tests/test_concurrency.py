"""Many requests at once: 20 threads signing as the same resident leave one signature; 10
threads claiming the same task leave one claim. Each thread has its own database connection
(SQLite: IMMEDIATE transactions with a busy timeout; PostgreSQL: row locks and the unique
constraint) and closes it."""

from __future__ import annotations

import datetime
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from community365.core.errors import Conflict
from community365.people.models import User
from community365.regions.models import Department
from community365.talks import services
from community365.talks.models import TalkSignature, TalkTask, TalkTopic

from .conftest import SYSTEM, free_residents

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


@pytest.fixture(autouse=True)
def demo(demo_world):
    """A transactional test before this one may have flushed the database."""


def run_at_once(n: int, action: Callable[[], object]) -> Counter[str]:
    barrier = threading.Barrier(n)
    results: Counter[str] = Counter()
    lock = threading.Lock()

    def worker() -> None:
        try:
            barrier.wait()
            action()
            outcome = "ok"
        except Conflict:
            outcome = "conflict"
        except Exception as exc:  # anything else is a failure the test reports
            outcome = f"error: {type(exc).__name__}: {exc}"
        finally:
            connection.close()
        with lock:
            results[outcome] += 1

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def open_topic() -> TalkTopic:
    author = User.objects.get(username="resident_001")
    topic = services.topic_raise(actor=author, title="并发联署", description="问题", request="诉求")
    services.topic_open(actor=author, topic=topic)
    return topic


def test_twenty_threads_signing_as_the_same_resident_leave_one_signature():
    topic_id = open_topic().pk
    resident_id = User.objects.get(username="resident_002").pk

    def sign() -> None:
        user = User.objects.get(pk=resident_id)
        services.topic_sign(actor=user, topic=TalkTopic.objects.select_related("region").get(pk=topic_id))

    results = run_at_once(20, sign)

    assert results == Counter({"ok": 1, "conflict": 19}), results
    assert TalkSignature.objects.filter(topic_id=topic_id, withdrawn_at__isnull=True).count() == 1
    assert TalkTopic.objects.get(pk=topic_id).signature_count == 1


def test_ten_threads_claiming_the_same_task_leave_one_claim():
    topic = open_topic()
    services.topic_sign_on_paper(actor=SYSTEM, topic=topic, persons=free_residents(topic.region, 10))
    services.topic_submit(actor=SYSTEM, topic=topic)
    services.topic_accept(actor=SYSTEM, topic=topic)
    housing = Department.objects.get(code="housing")
    services.topic_schedule(
        actor=SYSTEM,
        topic=topic,
        talk_at=timezone.now() - datetime.timedelta(hours=1),
        place="社区",
        leader=User.objects.get(username="leader_demo"),
        departments=[housing],
    )
    (task,) = services.topic_record_talk(
        actor=SYSTEM,
        topic=topic,
        minutes="纪要",
        commitments=[
            services.Commitment(
                title="修灯",
                deadline=timezone.localdate() + datetime.timedelta(days=9),
                lead_department=housing,
            )
        ],
    )
    liaison_id = User.objects.get(username="liaison_housing").pk

    def claim() -> None:
        user = User.objects.get(pk=liaison_id)
        services.task_claim(actor=user, task=TalkTask.objects.select_related("topic__region").get(pk=task.pk))

    results = run_at_once(10, claim)

    assert results == Counter({"ok": 1, "conflict": 9}), results
    assert TalkTask.objects.get(pk=task.pk).department_id == housing.pk

"""A reviewer who submits the same score from two tabs at the same instant gets one review; the
other submission is told it was already made (the unique constraint decides)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from community365.core.actors import SystemActor
from community365.core.roles import Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

SYSTEM = SystemActor("review-race")


def _world():
    from community365.people import services as people
    from community365.people.models import User
    from community365.regions import services as regions
    from community365.regions.models import Region, RegionKind
    from community365.supervision import services

    district = Region.objects.filter(code="SUPRACE").first() or regions.region_create(
        actor=SYSTEM, parent=None, kind=RegionKind.DISTRICT, name="评议测试区", code="SUPRACE"
    )
    sub = regions.region_create(
        actor=SYSTEM,
        parent=district,
        kind=RegionKind.SUBDISTRICT,
        name="测试街道",
        code=f"SR-{Region.objects.count()}",
    )
    community = regions.region_create(
        actor=SYSTEM, parent=sub, kind=RegionKind.COMMUNITY, name="测试社区", code=f"{sub.code}-01"
    )
    reviewer = people.user_create(
        actor=SYSTEM, username=f"reviewer_{community.pk}", password=None, district=district
    )
    people.role_grant(actor=SYSTEM, user=reviewer, role=Role.DISTRICT_LEADER, region=district)
    year = 2040 + community.pk % 50
    assessment = services.assessment_create(actor=SYSTEM, district=district, year=year)
    return User.objects.get(pk=reviewer.pk), assessment, community


def test_two_tabs_one_review():
    from community365.core.errors import Conflict
    from community365.people.models import User
    from community365.supervision import services
    from community365.supervision.models import Assessment, ReportReview

    reviewer, assessment, community = _world()
    barrier = threading.Barrier(4)
    results: list[str] = []
    lock = threading.Lock()

    def run(score):
        try:
            me = User.objects.get(pk=reviewer.pk)
            mine = Assessment.objects.select_related("district").get(pk=assessment.pk)
            barrier.wait(timeout=30)
            services.review_submit(actor=me, assessment=mine, community=community, score=score)
            result = "reviewed"
        except Conflict as exc:
            result = exc.code
        except Exception as exc:  # any other error fails the test with its text
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(70 + i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert Counter(results) == Counter({"reviewed": 1, "already_reviewed": 3}), results
    assert (
        ReportReview.objects.filter(assessment=assessment, region=community, reviewer=reviewer).count() == 1
    )

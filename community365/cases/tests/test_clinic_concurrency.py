"""Slots are never double-booked: many residents, each on their own database connection, ask
for the same slot at the same instant; exactly one gets it, the others are told it is taken."""

from __future__ import annotations

import datetime
import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from community365.core.actors import SystemActor
from community365.core.roles import Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

SYSTEM = SystemActor("clinic-race")


def _world(residents: int):
    """A district of its own (a transactional test may run after the demo was flushed)."""
    from community365.cases.models import ClinicSession, LegalClinic
    from community365.people import services as people
    from community365.people.models import User
    from community365.regions import services as regions
    from community365.regions.models import Region, RegionKind
    from community365.teams import services as teams
    from community365.teams.models import TeamKind

    district = Region.objects.filter(code="CLINICRACE").first() or regions.region_create(
        actor=SYSTEM, parent=None, kind=RegionKind.DISTRICT, name="预约测试区", code="CLINICRACE"
    )
    sub = regions.region_create(
        actor=SYSTEM,
        parent=district,
        kind=RegionKind.SUBDISTRICT,
        name="测试街道",
        code=f"CR-{Region.objects.count()}",
    )
    community = regions.region_create(
        actor=SYSTEM, parent=sub, kind=RegionKind.COMMUNITY, name="测试社区", code=f"{sub.code}-01"
    )
    team = teams.team_create(actor=SYSTEM, region=sub, name="律师团", kind=TeamKind.LAWYERS)
    lawyer = people.user_create(
        actor=SYSTEM, username=f"lawyer_{community.pk}", password=None, district=district
    )
    people.role_grant(actor=SYSTEM, user=lawyer, role=Role.LAWYER, region=community)
    teams.team_add_member(actor=SYSTEM, team=team, user=lawyer)
    from community365.cases import services

    clinic = services.clinic_set_up(
        actor=SYSTEM,
        region=community,
        team=team,
        starts=datetime.time(9),
        ends=datetime.time(11, 30),
        place="活动室",
    )
    assert isinstance(clinic, LegalClinic)
    start = timezone.now() + datetime.timedelta(days=5)
    session = ClinicSession.objects.create(
        clinic=clinic,
        district_id=district.pk,
        region=community,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place="活动室",
        lawyer=lawyer,
    )
    users = []
    for i in range(residents):
        user = people.user_create(
            actor=SYSTEM, username=f"race_{community.pk}_{i}", password=None, district=district
        )
        person = people.person_register(actor=SYSTEM, name=f"居民{i}", community=community)
        people.person_link_user(actor=SYSTEM, person=person, user=user)
        users.append(User.objects.get(pk=user.pk))
    return users, session


def test_same_slot_many_phones_one_booking():
    from community365.cases import services
    from community365.cases.models import ClinicBooking, ClinicSession
    from community365.core.errors import Conflict

    users, session = _world(6)
    barrier = threading.Barrier(len(users))
    results: list[str] = []
    lock = threading.Lock()

    def run(user):
        try:
            mine = ClinicSession.objects.select_related("clinic", "region").get(pk=session.pk)
            barrier.wait(timeout=30)
            services.clinic_book(actor=user, session=mine, slot=0)
            result = "booked"
        except Conflict as exc:
            result = exc.code
        except Exception as exc:  # any other error fails the test with its text
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert Counter(results) == Counter({"booked": 1, "slot_taken": len(users) - 1}), results
    assert ClinicBooking.objects.filter(session=session, slot=0).count() == 1


def test_cancelling_a_session_while_residents_book_leaves_no_live_booking():
    """Residents book while the secretary cancels the session, each on their own connection: a
    booking either came first (and is cancelled with the session) or is refused; none survives."""
    from community365.cases import services
    from community365.cases.models import ClinicBooking, ClinicSession
    from community365.core.errors import InvalidTransition
    from community365.people import services as people
    from community365.people.models import User

    users, session = _world(3)
    secretary = people.user_create(
        actor=SYSTEM, username=f"sec_{session.region_id}", password=None, district=session.district
    )
    people.role_grant(actor=SYSTEM, user=secretary, role=Role.COMMUNITY_SECRETARY, region=session.region)
    secretary = User.objects.get(pk=secretary.pk)
    barrier = threading.Barrier(len(users) + 1)
    results: list[str] = []
    lock = threading.Lock()

    def run(index):
        try:
            mine = ClinicSession.objects.select_related("clinic", "region").get(pk=session.pk)
            barrier.wait(timeout=30)
            if index is None:
                services.clinic_cancel_session(actor=secretary, session=mine, reason="律师临时出差")
                result = "cancelled"
            else:
                services.clinic_book(actor=users[index], session=mine, slot=index)
                result = "booked"
        except InvalidTransition:
            result = "refused"
        except Exception as exc:  # any other error fails the test with its text
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in [None, *range(len(users))]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert "cancelled" in results and not [r for r in results if r.startswith("error")], results
    assert ClinicSession.objects.get(pk=session.pk).status == "cancelled"
    assert not ClinicBooking.objects.filter(session=session, status="booked").exists()
    assert ClinicBooking.objects.filter(session=session).count() == results.count("booked")

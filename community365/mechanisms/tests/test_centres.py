"""Service centres: room bookings never overlap and lectures never over-fill, also under
concurrent requests on several database connections; check-in by code; visits."""

from __future__ import annotations

import datetime
import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.core.roles import Role

SYSTEM = SystemActor("centre-test")


def _world(users: int, role: str = Role.SOCIAL_WORKER):
    """A small district of its own: a centre with a room and a lecture, and ``users`` people."""
    from django.contrib.auth.hashers import make_password

    from community365.mechanisms import services
    from community365.people import services as people
    from community365.people.models import User
    from community365.regions import services as regions
    from community365.regions.models import Region, RegionKind

    n = Region.objects.count()
    district = regions.region_create(
        actor=SYSTEM, parent=None, kind=RegionKind.DISTRICT, name="中心测试区", code=f"CT{n}"
    )
    sub = regions.region_create(
        actor=SYSTEM, parent=district, kind=RegionKind.SUBDISTRICT, name="测试街道", code=f"CT{n}-S"
    )
    community = regions.region_create(
        actor=SYSTEM, parent=sub, kind=RegionKind.COMMUNITY, name="测试社区", code=f"CT{n}-S-1"
    )
    centre = regions.service_centre_create(actor=SYSTEM, region=sub, name=f"测试中心{n}", address="")
    room = services.room_add(actor=SYSTEM, centre=centre, name="会议室", capacity=20)
    lecture = services.lecture_schedule(
        actor=SYSTEM,
        centre=centre,
        title="学党章",
        speaker="王老师",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        capacity=5,
    )
    hashed = make_password("x")
    people_ = []
    for i in range(users):
        user = people.user_create(
            actor=SYSTEM, username=f"ct_{n}_{i}", password=None, district=district, password_hash=hashed
        )
        people.role_grant(actor=SYSTEM, user=user, role=role, region=community)
        people_.append(User.objects.get(pk=user.pk))
    return room, lecture, people_


def _all_at_once(users, call):
    barrier = threading.Barrier(len(users))
    results: list[str] = []
    lock = threading.Lock()

    def run(index, user):
        try:
            barrier.wait(timeout=30)
            call(index, user)
            result = "ok"
        except Conflict as exc:
            result = exc.code
        except Exception as exc:  # any other error fails the test, with its text
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(i, u)) for i, u in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return Counter(results)


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_ten_people_booking_overlapping_hours_at_once_get_one_booking():
    from community365.mechanisms import services
    from community365.mechanisms.models import RoomBooking

    room, _lecture, users = _world(10)
    start = (timezone.now() + datetime.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)

    def book(index, user):
        # everyone wants a slot that overlaps everybody else's (9:00–11:00 shifted by minutes)
        begin = start + datetime.timedelta(minutes=index * 5)
        services.room_book(
            actor=user,
            room=room,
            starts_at=begin,
            ends_at=begin + datetime.timedelta(hours=2),
            booker_kind="community",
            booker_name="测试社区",
            purpose="党员议事会",
        )

    tally = _all_at_once(users, book)
    assert tally == {"ok": 1, "slot_taken": 9}, tally
    assert RoomBooking.objects.filter(room=room, status="booked").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_twelve_people_registering_for_five_seats_at_once_fill_exactly_five():
    from community365.mechanisms import services
    from community365.mechanisms.models import Lecture, LectureRegistration

    _room, lecture, users = _world(12, Role.PARTY_MEMBER)
    tally = _all_at_once(users, lambda _i, user: services.lecture_register(actor=user, lecture=lecture))
    assert tally == {"ok": 5, "full": 7}, tally
    assert LectureRegistration.objects.filter(lecture=lecture).count() == 5
    assert Lecture.objects.get(pk=lecture.pk).registered == 5


@pytest.mark.django_db
def test_booking_rules(persona):
    from community365.mechanisms import services

    room, _lecture, (user,) = _world(1)
    start = timezone.now() + datetime.timedelta(days=1)
    kwargs = {"booker_kind": "community", "booker_name": "测试社区", "purpose": "议事会"}
    services.room_book(
        actor=user, room=room, starts_at=start, ends_at=start + datetime.timedelta(hours=1), **kwargs
    )
    # back to back is fine; an overlap is refused
    services.room_book(
        actor=user,
        room=room,
        starts_at=start + datetime.timedelta(hours=1),
        ends_at=start + datetime.timedelta(hours=2),
        **kwargs,
    )
    with pytest.raises(Conflict):
        services.room_book(
            actor=user,
            room=room,
            starts_at=start + datetime.timedelta(minutes=30),
            ends_at=start + datetime.timedelta(minutes=90),
            **kwargs,
        )
    with pytest.raises(InvalidInput):
        services.room_book(actor=user, room=room, starts_at=start, ends_at=start, **kwargs)
    with pytest.raises(InvalidInput):
        services.room_book(
            actor=user,
            room=room,
            starts_at=start - datetime.timedelta(days=3),
            ends_at=start - datetime.timedelta(days=3, hours=-1),
            **kwargs,
        )
    # a resident of another district may not book
    with pytest.raises(NotAllowed):
        services.room_book(
            actor=persona("resident_huachuan"),
            room=room,
            starts_at=start + datetime.timedelta(hours=5),
            ends_at=start + datetime.timedelta(hours=6),
            **kwargs,
        )


@pytest.mark.django_db
def test_a_cancelled_booking_frees_the_slot():
    from community365.mechanisms import services

    room, _lecture, (user,) = _world(1)
    start = timezone.now() + datetime.timedelta(days=1)
    kwargs = {"booker_kind": "team", "booker_name": "红队", "purpose": "培训"}
    booking = services.room_book(
        actor=user, room=room, starts_at=start, ends_at=start + datetime.timedelta(hours=1), **kwargs
    )
    services.booking_cancel(actor=user, booking=booking)
    with pytest.raises(InvalidTransition):
        services.booking_cancel(actor=user, booking=booking)
    services.room_book(
        actor=user, room=room, starts_at=start, ends_at=start + datetime.timedelta(hours=1), **kwargs
    )


@pytest.mark.django_db
def test_registration_and_check_in_by_code():
    from community365.mechanisms import services
    from community365.mechanisms.models import Lecture

    _room, lecture, (user,) = _world(1, Role.PARTY_MEMBER)
    services.lecture_register(actor=user, lecture=lecture)
    with pytest.raises(Conflict):
        services.lecture_register(actor=user, lecture=lecture)
    # too early to check in, then a wrong code, then the right one once
    with pytest.raises(InvalidTransition):
        services.lecture_checkin(actor=user, lecture=lecture, code=lecture.checkin_code)
    Lecture.objects.filter(pk=lecture.pk).update(starts_at=timezone.now())
    lecture.refresh_from_db()
    wrong = "000000" if lecture.checkin_code != "000000" else "111111"
    with pytest.raises(InvalidInput):
        services.lecture_checkin(actor=user, lecture=lecture, code=wrong)
    services.lecture_checkin(actor=user, lecture=lecture, code=lecture.checkin_code)
    with pytest.raises(Conflict):
        services.lecture_checkin(actor=user, lecture=lecture, code=lecture.checkin_code)
    # once it has begun nobody registers any more
    _room2, _l2, (other,) = _world(1, Role.PARTY_MEMBER)
    with pytest.raises((InvalidTransition, NotAllowed)):
        services.lecture_register(actor=other, lecture=lecture)


@pytest.mark.django_db
def test_only_the_centres_staff_log_visits_and_schedule(persona):
    from community365.mechanisms import services

    room, _lecture, (user,) = _world(1)
    with pytest.raises(NotAllowed):
        services.visit_log(
            actor=user, centre=room.centre, visited_on=datetime.date.today(), delegation="考察团", visitors=20
        )
    visit = services.visit_log(
        actor=SYSTEM, centre=room.centre, visited_on=datetime.date.today(), delegation="考察团", visitors=20
    )
    assert visit.visitors == 20
    with pytest.raises(InvalidInput):
        services.visit_log(
            actor=SYSTEM,
            centre=room.centre,
            visited_on=datetime.date.today(),
            delegation="考察团",
            visitors=0,
        )


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_world")
def test_demo_has_a_year_of_lectures_in_the_named_centres(client_for):
    from community365.mechanisms.models import DelegationVisit, Lecture

    year_ago = timezone.now() - datetime.timedelta(days=365)
    assert Lecture.objects.filter(starts_at__gte=year_ago, starts_at__lt=timezone.now()).count() >= 120
    assert DelegationVisit.objects.count() >= 30
    page = client_for("secretary_huachuan").get("/mechanisms/centres/").content.decode()
    for name in ("和丰创意广场", "宁波文化广场", "宁波东外滩"):
        assert name in page


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_world")
def test_api_register_and_book(api_for):
    from community365.mechanisms.models import Lecture, Room

    api = api_for("member_demo")
    lectures = api.get("/api/v1/mechanisms/lectures").json()
    assert lectures["count"] >= 1
    lecture = Lecture.objects.get(pk=lectures["items"][0]["id"])
    Lecture.objects.filter(pk=lecture.pk).update(capacity=lecture.registered + 1)
    first = api.post(f"/api/v1/mechanisms/lectures/{lecture.pk}/register")
    other = api_for("volunteer_demo").post(f"/api/v1/mechanisms/lectures/{lecture.pk}/register")
    assert first.status_code == 201 and other.status_code == 409
    room = Room.objects.first()
    start = (timezone.now() + datetime.timedelta(days=40)).replace(microsecond=0)
    body = {
        "starts_at": start.isoformat(),
        "ends_at": (start + datetime.timedelta(hours=1)).isoformat(),
        "booker_kind": "community",
        "booker_name": "划船社区",
        "purpose": "议事会",
    }
    secretary = api_for("secretary_huachuan")
    assert (
        secretary.post(
            f"/api/v1/mechanisms/rooms/{room.pk}/bookings", body, content_type="application/json"
        ).status_code
        == 201
    )
    again = secretary.post(
        f"/api/v1/mechanisms/rooms/{room.pk}/bookings", body, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "slot_taken"
    assert (
        api.post(
            f"/api/v1/mechanisms/rooms/{room.pk}/bookings", body, content_type="application/json"
        ).status_code
        == 422
    )


@pytest.mark.django_db
def test_a_second_registration_that_passed_the_check_is_refused_and_gives_the_seat_back(monkeypatch):
    """One person's two registrations at once (both read "not registered"): the unique
    registration refuses the second as 'already registered' (409, never a 500), and its seat is
    given back with the rest of its transaction."""
    from community365.mechanisms import services
    from community365.mechanisms.models import Lecture, LectureRegistration

    _room, lecture, (user,) = _world(1, Role.PARTY_MEMBER)
    services.lecture_register(actor=user, lecture=lecture)
    monkeypatch.setattr(services, "_registered", lambda lecture, user: False)  # the stale read
    with pytest.raises(Conflict) as refused:
        services.lecture_register(actor=user, lecture=Lecture.objects.get(pk=lecture.pk))
    assert refused.value.code == "already_registered"
    assert LectureRegistration.objects.filter(lecture=lecture, user=user).count() == 1
    assert Lecture.objects.get(pk=lecture.pk).registered == 1

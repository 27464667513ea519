"""Who sees a clinic booking and who may act on it (cases.policies): the resident it is for and
whoever booked it, the lawyer on duty, the desk of the clinic's community — nobody else, not even
another community's social worker. Found by mutation testing: each clause below was removable
without a failing test."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from community365.cases import policies, services
from community365.cases.models import BookingStatus

pytestmark = pytest.mark.usefixtures("demo_world")


@pytest.fixture
def desk(make_user, region):
    return make_user("sw_fuming_scope", "social_worker", region("福明家园社区"))


@pytest.fixture
def booked(clinic_session, persona):
    """A session of 福明家园's clinic with resident_huachuan's own booking in slot 0."""
    session = clinic_session()
    booking = services.clinic_book(
        actor=persona("resident_huachuan"), session=session, slot=0, note="租房押金"
    )
    return session, booking


def visible(user, booking) -> bool:
    return policies.bookings_visible_to(user).filter(pk=booking.pk).exists()


def test_the_lawyer_and_the_desk_see_who_booked_and_nobody_else_does(booked, persona, desk, client_for):
    session, _booking = booked
    assert policies.may_see_bookings(persona("lawyer_demo"), session)
    assert policies.may_see_bookings(desk, session)
    for other in ("worker_huachuan", "resident_001", "resident_huachuan", "admin_district"):
        assert not policies.may_see_bookings(persona(other), session), other
    name = persona("resident_huachuan").person.name
    url = f"/cases/clinic/sessions/{session.pk}/"
    assert name in client_for(desk.username).get(url).content.decode()
    assert name not in client_for("resident_001").get(url).content.decode()


def test_each_of_those_concerned_finds_the_booking_and_others_do_not(
    booked, persona, desk, make_user, region
):
    _session, booking = booked
    assert booking.booked_by_id == booking.person.user_id == persona("resident_huachuan").pk
    # the resident it is for, the lawyer on duty, the desk of the clinic's community
    for user in (persona("resident_huachuan"), persona("lawyer_demo"), desk):
        assert visible(user, booking), user.username
    # another resident, another community's social worker, someone signed out
    for user in (persona("resident_001"), persona("worker_huachuan"), AnonymousUser()):
        assert not visible(user, booking), getattr(user, "username", "anonymous")


def test_whoever_booked_for_a_resident_still_finds_the_booking(clinic_session, persona, desk, system):
    """The desk books for a resident; if the worker later leaves the community's desk, the
    booking they made is still theirs to see (and to cancel)."""
    from community365.people import services as people
    from community365.people.models import RoleAssignment

    session = clinic_session()
    resident = persona("resident_001").person
    booking = services.clinic_book(actor=desk, session=session, slot=2, person=resident, note="代约")
    assert booking.booked_by_id == desk.pk and booking.person.user_id != desk.pk
    for grant in RoleAssignment.objects.filter(user=desk, revoked_at__isnull=True):
        people.role_revoke(actor=system, assignment=grant)
    desk = type(desk).objects.get(pk=desk.pk)
    assert not policies.may_run_desk(desk, session)
    assert visible(desk, booking)


def test_the_pages_act_on_a_booking_only_for_those_who_find_it(booked, client_for, persona, desk):
    session, booking = booked
    base = f"/cases/clinic/sessions/{session.pk}/"
    # strangers: the booking does not exist for them
    for other in ("resident_001", "worker_huachuan"):
        assert client_for(other).post(base + "cancel", {"booking": booking.pk}).status_code == 404
        assert client_for(other).post(base + "attended", {"booking": booking.pk}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    # the resident cancels their own booking
    assert client_for("resident_huachuan").post(base + "cancel", {"booking": booking.pk}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    # the lawyer and the desk find the next one and mark it
    again = services.clinic_book(actor=persona("resident_huachuan"), session=session, slot=1)
    assert client_for("lawyer_demo").post(base + "no_show", {"booking": again.pk}).status_code == 302
    again.refresh_from_db()
    assert again.status == BookingStatus.NO_SHOW
    assert client_for(desk.username).post(base + "attended", {"booking": again.pk}).status_code == 302
    again.refresh_from_db()
    assert again.status == BookingStatus.ATTENDED

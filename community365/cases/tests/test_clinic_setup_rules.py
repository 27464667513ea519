"""Setting up a community's legal clinic (法律工作室): each limit of ``clinic_set_up`` refused with
its message and the clinic left as it was, and the edge values accepted — the survivors of the
mutation run over the cases rules (docs/mutation.md)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.cases import services
from community365.cases.models import LegalClinic
from community365.core.actors import SystemActor
from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("clinic-rules")
CLINIC = "福明家园社区"


def _set_up(clinic: LegalClinic, **changes):
    values = {
        "actor": SYSTEM,
        "region": clinic.region,
        "team": clinic.team,
        "starts": datetime.time(9),
        "ends": datetime.time(11, 30),
        "place": "社区活动室",
        "day_of_month": 8,
        "slot_minutes": 30,
    }
    values.update(changes)
    return services.clinic_set_up(**values)


@pytest.fixture
def clinic(region):
    return LegalClinic.objects.select_related("region", "team").get(region=region(CLINIC))


def _kept(clinic: LegalClinic) -> tuple:
    row = LegalClinic.objects.get(pk=clinic.pk)
    return (row.team_id, row.day_of_month, row.starts, row.ends, row.slot_minutes, row.place)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"day_of_month": 0}, "day_of_month"),
        ({"day_of_month": 29}, "day_of_month"),
        ({"ends": datetime.time(9)}, "ends"),  # as long as nothing
        ({"ends": datetime.time(8, 59)}, "ends"),
        ({"slot_minutes": 25}, "slot_minutes"),
        ({"slot_minutes": 0}, "slot_minutes"),
        ({"place": "活" * 121}, "place"),
    ],
)
def test_a_limit_is_refused_with_its_field_and_the_clinic_is_kept(clinic, changes, field):
    before = _kept(clinic)
    with pytest.raises(InvalidInput) as refused:
        _set_up(clinic, **changes)
    assert refused.value.field == field
    assert _kept(clinic) == before


@pytest.mark.parametrize(
    "changes",
    [
        {"day_of_month": 1},
        {"day_of_month": 28},
        {"ends": datetime.time(9, 1)},
        {"slot_minutes": 15},
        {"slot_minutes": 20},
        {"slot_minutes": 30},
        {"slot_minutes": 45},
        {"slot_minutes": 60},
        {"place": "活" * 120},
    ],
)
def test_the_edge_values_are_accepted(clinic, changes):
    saved = _set_up(clinic, **changes)
    assert saved.pk == clinic.pk
    row = LegalClinic.objects.get(pk=clinic.pk)
    for name, value in changes.items():
        assert getattr(row, name) == value


def test_without_a_day_or_slot_length_the_clinic_sits_on_the_8th_in_half_hours(clinic):
    """The article's clinic sits on the 8th of each month; half-hour slots."""
    _set_up(clinic, day_of_month=20, slot_minutes=60)
    services.clinic_set_up(
        actor=SYSTEM,
        region=clinic.region,
        team=clinic.team,
        starts=datetime.time(9),
        ends=datetime.time(11, 30),
        place="社区活动室",
    )
    row = LegalClinic.objects.get(pk=clinic.pk)
    assert (row.day_of_month, row.slot_minutes) == (8, 30)


def test_the_team_must_be_a_lawyers_team_of_the_same_district(clinic):
    from community365.regions import services as regions
    from community365.regions.models import RegionKind
    from community365.teams import services as teams
    from community365.teams.models import Team, TeamKind

    before = _kept(clinic)
    other_kind = Team.objects.filter(district_id=clinic.district_id).exclude(kind=TeamKind.LAWYERS).first()
    assert other_kind is not None
    with pytest.raises(InvalidInput) as refused:
        _set_up(clinic, team=other_kind)
    assert refused.value.field == "team"

    elsewhere = regions.region_create(
        actor=SYSTEM, parent=None, kind=RegionKind.DISTRICT, name="别区", code="CLINICRULES"
    )
    foreign = teams.team_create(actor=SYSTEM, region=elsewhere, name="别区律师团", kind=TeamKind.LAWYERS)
    with pytest.raises(InvalidInput) as refused:
        _set_up(clinic, team=foreign)
    assert refused.value.field == "team"
    assert _kept(clinic) == before

    # the clinic's own lawyers' team is accepted (the district's, not the community's id)
    assert _set_up(clinic).team_id == clinic.team_id


def test_only_the_communitys_desk_sets_up_its_clinic(clinic, persona):
    before = _kept(clinic)
    for username in ("worker_huachuan", "resident_huachuan", "lawyer_demo"):
        with pytest.raises(NotAllowed):
            _set_up(clinic, actor=persona(username), day_of_month=9)
    assert _kept(clinic) == before


# --- booking: whose booking it is, and who is told ------------------------------------------------


def _booked_notices(user) -> int:
    from community365.cases import phrases
    from community365.notifications.models import Notification

    return Notification.objects.filter(recipient=user, kind=phrases.CLINIC_BOOKED).count()


def test_a_resident_books_only_for_themself_whatever_the_other_persons_number(clinic_session, persona):
    """Naming another resident is the desk's way of booking: a resident who names anyone but
    themself is refused — one registered before them and one after (the check compares the
    person, not an order of numbers) — and naming themself books as themself."""
    from community365.cases.models import ClinicBooking
    from community365.people.models import Person

    session = clinic_session()
    resident = persona("resident_001")  # neither the district's first resident nor its last
    own = resident.person
    before = Person.objects.filter(district_id=own.district_id, pk__lt=own.pk).order_by("-pk").first()
    after = Person.objects.filter(district_id=own.district_id, pk__gt=own.pk).order_by("pk").first()
    assert before is not None and after is not None
    for other in (before, after):
        with pytest.raises(NotAllowed):
            services.clinic_book(actor=resident, session=session, slot=1, person=other)
    assert not ClinicBooking.objects.filter(session=session).exists()
    booking = services.clinic_book(actor=resident, session=session, slot=1, person=own)
    assert booking.person_id == own.pk and booking.booked_by_id == resident.pk


def test_the_resident_is_told_when_the_desk_books_for_them_not_when_they_book(
    clinic_session, make_user, persona, region, django_capture_on_commit_callbacks
):
    from community365.people.models import Person

    session = clinic_session()
    desk = make_user("sw_fuming_rules", "social_worker", region("福明家园社区"))
    with_account = persona("resident_huachuan")
    with django_capture_on_commit_callbacks(execute=True):
        services.clinic_book(actor=with_account, session=session, slot=0)
    assert _booked_notices(with_account) == 0  # they booked it themselves

    other = clinic_session(days=12)
    with django_capture_on_commit_callbacks(execute=True):
        services.clinic_book(actor=desk, session=other, slot=0, person=with_account.person)
    assert _booked_notices(with_account) == 1

    no_account = Person.objects.filter(community=region("福明家园社区"), user__isnull=True).first()
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.clinic_book(actor=desk, session=other, slot=1, person=no_account)
    assert booking.person_id == no_account.pk  # nobody to tell, and no error


# --- moving a session, cancelling a booking -------------------------------------------------------


def test_a_session_is_not_moved_into_the_past(clinic_session, make_user, region):
    desk = make_user("sw_fuming_move", "social_worker", region("福明家园社区"))
    session = clinic_session()
    before = session.starts_at
    with pytest.raises(InvalidInput) as refused:
        services.clinic_move_session(
            actor=desk, session=session, starts_at=timezone.now() - datetime.timedelta(hours=1), reason="改期"
        )
    assert refused.value.field == "starts_at"
    session.refresh_from_db()
    assert session.starts_at == before


def test_a_moved_session_tells_the_resident_or_whoever_booked_for_one_without_an_account(
    clinic_session, make_user, persona, region, django_capture_on_commit_callbacks
):
    from community365.notifications.models import Notification
    from community365.people.models import Person

    desk = make_user("sw_fuming_tell", "social_worker", region("福明家园社区"))
    resident = persona("resident_huachuan")
    no_account = Person.objects.filter(community=region("福明家园社区"), user__isnull=True).first()
    session = clinic_session()
    services.clinic_book(actor=desk, session=session, slot=0, person=resident.person)
    services.clinic_book(actor=desk, session=session, slot=1, person=no_account)
    with django_capture_on_commit_callbacks(execute=True):
        services.clinic_move_session(
            actor=desk,
            session=session,
            starts_at=session.starts_at + datetime.timedelta(days=1),
            reason="律师出差",
        )

    def moved(user) -> int:
        from community365.cases import phrases

        return Notification.objects.filter(recipient=user, kind=phrases.CLINIC_SESSION_MOVED).count()

    assert moved(resident) == 1  # the resident with an account, not the desk that booked it
    assert moved(desk) == 1  # the desk, for the resident without one


def test_a_resident_cancels_a_booking_the_desk_made_for_them_and_a_former_desk_its_own(
    clinic_session, make_user, persona, region
):
    from community365.cases.models import BookingStatus
    from community365.core.actors import SystemActor
    from community365.people import services as people
    from community365.people.models import Person, RoleAssignment

    fuming = region("福明家园社区")
    desk = make_user("sw_fuming_cancel", "social_worker", fuming)
    resident = persona("resident_huachuan")
    session = clinic_session()
    for_them = services.clinic_book(actor=desk, session=session, slot=0, person=resident.person)
    assert services.clinic_cancel_booking(actor=resident, booking=for_them).status == BookingStatus.CANCELLED

    no_account = Person.objects.filter(community=fuming, user__isnull=True).first()
    booked = services.clinic_book(actor=desk, session=session, slot=1, person=no_account)
    other = services.clinic_book(
        actor=desk,
        session=session,
        slot=2,
        person=Person.objects.filter(community=fuming, user__isnull=True).exclude(pk=no_account.pk).first(),
    )
    assignment = RoleAssignment.objects.get(user=desk, revoked_at__isnull=True)
    people.role_revoke(actor=SystemActor("rules"), assignment=assignment)
    # no longer at the desk: still the one who booked it
    # as the next request meets them: the booking and the worker read afresh (the booking the
    # service returned carries the actor's own pk object, which hid an identity comparison, and
    # the worker's object keeps the grants it read before the revocation)
    afresh = type(booked).objects.get(pk=booked.pk)
    desk = type(desk).objects.get(pk=desk.pk)
    assert services.clinic_cancel_booking(actor=desk, booking=afresh).status == BookingStatus.CANCELLED
    stranger = persona("worker_huangli")  # another community's worker, registered before the desk
    assert stranger.pk < desk.pk
    with pytest.raises(NotAllowed):
        services.clinic_cancel_booking(actor=stranger, booking=other)


# --- the lawyer's record, walk-ins, closing ---------------------------------------------------------


def _booking(clinic_session, persona, status=None):
    from community365.cases.models import ClinicBooking

    booking = services.clinic_book(actor=persona("resident_huachuan"), session=clinic_session(), slot=0)
    if status:
        ClinicBooking.objects.filter(pk=booking.pk).update(status=status)
        booking.refresh_from_db()
    return booking


def test_the_lawyer_records_advice_of_two_to_a_thousand_characters(clinic_session, persona):
    from community365.cases.models import Consultation

    lawyer = persona("lawyer_demo")
    booking = _booking(clinic_session, persona)
    for advice in ("好", "好" * 1001):
        with pytest.raises(InvalidInput) as refused:
            services.clinic_record_consultation(
                actor=lawyer, booking=booking, category="labour", advice=advice
            )
        assert refused.value.field == "advice"
    assert not Consultation.objects.filter(booking=booking).exists()
    record = services.clinic_record_consultation(
        actor=lawyer, booking=booking, category="labour", advice="好" * 1000
    )
    assert len(record.advice) == 1000
    short = services.clinic_record_consultation(
        actor=lawyer, booking=_booking(clinic_session, persona), category="labour", advice="可以"
    )
    assert short.advice == "可以"


def test_a_cancelled_booking_gets_no_record_but_a_late_comer_marked_absent_does(clinic_session, persona):
    """Only a cancelled booking is refused: a resident marked absent who came after the close
    is still advised, and the advice recorded."""
    from community365.cases.models import BookingStatus

    lawyer = persona("lawyer_demo")
    with pytest.raises(InvalidTransition):
        services.clinic_record_consultation(
            actor=lawyer,
            booking=_booking(clinic_session, persona, BookingStatus.CANCELLED),
            category="labour",
            advice="建议协商",
        )
    late = _booking(clinic_session, persona, BookingStatus.NO_SHOW)
    record = services.clinic_record_consultation(
        actor=lawyer, booking=late, category="labour", advice="建议协商"
    )
    assert record.booking_id == late.pk


def test_a_walk_in_is_attended_at_once_outside_the_slots(clinic_session, make_user, region):
    from community365.cases.models import BookingStatus

    desk = make_user("sw_fuming_walkin", "social_worker", region("福明家园社区"))
    session = clinic_session()
    with pytest.raises(InvalidInput) as refused:
        services.clinic_walk_in(actor=desk, session=session, name="来" * 61)
    assert refused.value.field == "name"
    came = services.clinic_walk_in(actor=desk, session=session, name="来" * 60)
    assert (came.walk_in, came.slot, came.status) == (True, 0, BookingStatus.ATTENDED)


def test_a_session_closes_the_moment_it_ends(clinic_session, make_user, region):
    desk = make_user("sw_fuming_close", "social_worker", region("福明家园社区"))
    session = clinic_session()
    with pytest.raises(InvalidTransition):
        services.clinic_close_session(
            actor=desk, session=session, now=session.ends_at - datetime.timedelta(seconds=1)
        )
    closed = services.clinic_close_session(actor=desk, session=session, now=session.ends_at)
    assert closed.status == "held"

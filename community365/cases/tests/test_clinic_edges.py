"""The legal clinic's rules at their edges — survivors of the mutation run over
``cases/services.py`` (docs/mutation.md, tenth session), each planted by hand and watched
failing: a clinic takes its own district's lawyers' team; a booking stays within the district,
whichever district is numbered first; the slots run from the first to the last; a session that
was held or cancelled is not moved or booked; who hears of a move; the month's bounds of the
rota and the plan; the scan's size limit."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from community365.cases import phrases, services
from community365.cases.models import (
    BookingStatus,
    ClinicBooking,
    ClinicRota,
    ClinicSession,
    LegalClinic,
    SessionStatus,
)
from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed
from community365.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("demo_world")
NINE = datetime.time(9)
ELEVEN = datetime.time(11)


@pytest.fixture
def second_district(system, make_user):
    """A district created after the demo's (a larger number), with a community, a lawyers' team,
    its clinic, a planned session, a social worker and a resident with an account."""
    from community365.people import services as people
    from community365.regions import services as regions
    from community365.regions.models import Region, RegionKind
    from community365.teams import services as teams
    from community365.teams.models import TeamKind

    n = Region.objects.count()
    district = regions.region_create(
        actor=system, parent=None, kind=RegionKind.DISTRICT, name="诊室测试区", code=f"LC{n}"
    )
    sub = regions.region_create(
        actor=system, parent=district, kind=RegionKind.SUBDISTRICT, name="诊室街道", code=f"LC{n}-S"
    )
    community = regions.region_create(
        actor=system, parent=sub, kind=RegionKind.COMMUNITY, name="诊室社区", code=f"LC{n}-S-1"
    )
    team = teams.team_create(actor=system, region=district, name="测试区律师团", kind=TeamKind.LAWYERS)
    clinic = services.clinic_set_up(
        actor=system, region=community, team=team, starts=NINE, ends=ELEVEN, place="社区二楼"
    )
    start = (timezone.localtime() + datetime.timedelta(days=10)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    session = ClinicSession.objects.create(
        clinic=clinic,
        district_id=clinic.district_id,
        region_id=clinic.region_id,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place=clinic.place,
    )
    desk = make_user("sw_lc_district", "social_worker", community)
    user = make_user("resident_lc_district")
    person = people.person_register(actor=system, name="测试居民", community=community)
    people.person_link_user(actor=system, person=person, user=user)
    return {
        "district": district,
        "community": community,
        "team": team,
        "clinic": clinic,
        "session": session,
        "desk": desk,
        "resident": user,
        "person": person,
    }


def test_a_clinic_takes_its_own_districts_lawyers_team_and_no_other(second_district, system, region):
    from community365.teams.models import Team, TeamKind

    fuming = region("福明家园社区")
    demo_lawyers = LegalClinic.objects.get(region=fuming).team
    assert demo_lawyers.district_id < second_district["team"].district_id
    for community, team in ((second_district["community"], demo_lawyers), (fuming, second_district["team"])):
        with pytest.raises(InvalidInput) as refused:
            services.clinic_set_up(
                actor=system, region=community, team=team, starts=NINE, ends=ELEVEN, place="二楼"
            )
        assert refused.value.field == "team"
    # teams of the demo's district of a kind sorting before and after 'lawyers'
    for kind in (TeamKind.COLOUR, TeamKind.MEDIATORS):
        other = Team.objects.filter(district_id=demo_lawyers.district_id, kind=kind).first()
        assert other is not None, kind
        with pytest.raises(InvalidInput) as refused:
            services.clinic_set_up(
                actor=system, region=fuming, team=other, starts=NINE, ends=ELEVEN, place="二楼"
            )
        assert refused.value.field == "team"
    assert LegalClinic.objects.get(region=fuming).team_id == demo_lawyers.pk
    # and the second district's community took its own team (the fixture set it up)
    clinic = second_district["clinic"]
    assert (clinic.team_id, clinic.district_id) == (
        second_district["team"].pk,
        second_district["district"].pk,
    )


def test_a_resident_books_only_in_their_own_district_whichever_is_numbered_first(
    second_district, persona, region
):
    demo_session = ClinicSession.objects.filter(
        clinic__region=region("福明家园社区"), status=SessionStatus.PLANNED, starts_at__gt=timezone.now()
    ).first()
    assert demo_session is not None
    before = ClinicBooking.objects.count()
    with pytest.raises(NotAllowed):  # a demo resident (smaller district) at the second district's clinic
        services.clinic_book(actor=persona("resident_huachuan"), session=second_district["session"], slot=0)
    with pytest.raises(NotAllowed):  # the second district's resident at the demo's clinic
        services.clinic_book(actor=second_district["resident"], session=demo_session, slot=0)
    assert ClinicBooking.objects.count() == before
    booking = services.clinic_book(
        actor=second_district["resident"], session=second_district["session"], slot=0
    )
    assert booking.person_id == second_district["person"].pk


def test_the_desk_books_only_residents_of_its_district_whichever_is_numbered_first(
    second_district, make_user, persona, region, clinic_session
):
    from community365.people.models import Person

    demo_desk = make_user("sw_fuming_district_edge", "social_worker", region("福明家园社区"))
    demo_person = Person.objects.get(user=persona("resident_huachuan"))
    with pytest.raises(InvalidInput) as refused:
        services.clinic_book(
            actor=second_district["desk"], session=second_district["session"], slot=0, person=demo_person
        )
    assert refused.value.field == "person"
    with pytest.raises(InvalidInput) as refused:
        services.clinic_book(
            actor=demo_desk, session=clinic_session(), slot=0, person=second_district["person"]
        )
    assert refused.value.field == "person"
    assert not ClinicBooking.objects.filter(person__in=[demo_person, second_district["person"]]).exists()


def test_a_resident_naming_themself_read_afresh_books_as_a_resident(persona, clinic_session):
    from community365.people.models import Person

    resident = persona("resident_huachuan")
    me = Person.objects.get(user_id=resident.pk)  # another object for the same person
    booking = services.clinic_book(actor=resident, session=clinic_session(), slot=1, person=me)
    assert (booking.person_id, booking.booked_by_id) == (me.pk, resident.pk)


def test_the_resident_hears_of_a_booking_the_secretary_made(
    persona, make_user, region, clinic_session, django_capture_on_commit_callbacks
):
    """Whoever of the desk books for a resident with an account tells them — the secretary as
    much as the social worker; a resident booking for themself is not told."""
    from community365.people.models import Person

    fuming = region("福明家园社区")
    secretary = make_user("sec_fuming_book_edge", "community_secretary", fuming)
    resident = persona("resident_huachuan")
    session = clinic_session()
    with django_capture_on_commit_callbacks(execute=True):
        services.clinic_book(
            actor=secretary, session=session, slot=0, person=Person.objects.get(user=resident)
        )
    assert Notification.objects.filter(recipient=resident, kind=phrases.CLINIC_BOOKED).count() == 1
    services.clinic_cancel_booking(
        actor=secretary, booking=ClinicBooking.objects.get(session=session, slot=0)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.clinic_book(actor=resident, session=session, slot=1)
    assert Notification.objects.filter(recipient=resident, kind=phrases.CLINIC_BOOKED).count() == 1


def test_the_slots_run_from_the_first_to_the_last_and_no_further(persona, clinic_session):
    resident = persona("resident_huachuan")
    session = clinic_session()
    last = services.slot_count(session) - 1
    assert last == 4  # two and a half hours of half-hour slots
    for slot in (-1, last + 1):
        with pytest.raises(InvalidInput) as refused:
            services.clinic_book(actor=resident, session=session, slot=slot)
        assert refused.value.field == "slot"
    assert services.clinic_book(actor=resident, session=session, slot=last).slot == last


def test_a_session_is_bookable_until_the_moment_it_ends(persona, clinic_session):
    resident = persona("resident_huachuan")
    session = clinic_session()
    with pytest.raises(InvalidTransition):
        services.clinic_book(actor=resident, session=session, slot=0, now=session.ends_at)
    booking = services.clinic_book(
        actor=resident, session=session, slot=0, now=session.ends_at - datetime.timedelta(seconds=1)
    )
    assert booking.status == BookingStatus.BOOKED


@pytest.mark.parametrize("status", [SessionStatus.HELD, SessionStatus.CANCELLED])
def test_a_held_or_cancelled_session_is_neither_booked_nor_moved(
    persona, make_user, region, clinic_session, status
):
    desk = make_user(f"sw_fuming_{status}_edge", "social_worker", region("福明家园社区"))
    session = clinic_session()
    ClinicSession.objects.filter(pk=session.pk).update(status=status)
    session.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.clinic_book(actor=persona("resident_huachuan"), session=session, slot=0)
    later = session.starts_at + datetime.timedelta(days=1)
    with pytest.raises(InvalidTransition):
        services.clinic_move_session(actor=desk, session=session, starts_at=later, reason="改期")
    session.refresh_from_db()
    assert session.starts_at != later and not session.bookings.exists()


def test_a_session_moves_to_this_very_moment_and_everyone_reachable_is_told(
    persona, make_user, region, system, clinic_session, django_capture_on_commit_callbacks
):
    """A booking nobody can be told of (made by the system for someone without an account) does
    not stop the others hearing of the move."""
    from community365.people.models import Person

    fuming = region("福明家园社区")
    desk = make_user("sw_fuming_moved_edge", "social_worker", fuming)
    session = clinic_session()
    nobody = Person.objects.filter(community=fuming, user__isnull=True).first()
    unreachable = services.clinic_book(actor=system, session=session, slot=0, person=nobody)
    assert services._told_of(ClinicBooking.objects.get(pk=unreachable.pk)) is None
    resident = persona("resident_huachuan")
    services.clinic_book(actor=resident, session=session, slot=1)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.clinic_move_session(
            actor=desk, session=session, starts_at=now, reason="提前", now=now
        )
    assert moved.starts_at == now
    assert Notification.objects.filter(recipient=resident, kind=phrases.CLINIC_SESSION_MOVED).count() == 1


def test_the_desk_cancels_a_booking_a_resident_made(persona, make_user, region, clinic_session):
    desk = make_user("sw_fuming_cancels_edge", "social_worker", region("福明家园社区"))
    booking = services.clinic_book(actor=persona("resident_huachuan"), session=clinic_session(), slot=2)
    assert booking.booked_by_id != desk.pk
    assert services.clinic_cancel_booking(actor=desk, booking=booking).status == BookingStatus.CANCELLED


def _free_month(clinic: LegalClinic) -> datetime.date:
    taken = {
        timezone.localtime(t).date().replace(day=1)
        for t in ClinicSession.objects.filter(clinic=clinic).values_list("starts_at", flat=True)
    } | set(ClinicRota.objects.filter(clinic=clinic).values_list("month", flat=True))
    month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    while month in taken:
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return month


def test_a_clinic_on_the_first_of_the_month_plans_once_and_its_rota_reaches_past_midnight(
    second_district, system, make_user
):
    """The month runs from midnight of its first day: a clinic that sits on the 1st at half past
    midnight plans that session once, with the month's rota lawyer, and a new rota lawyer reaches
    it; the rota is kept under the month's first day whatever day it was given."""
    from community365.teams import services as teams

    clinic = second_district["clinic"]
    LegalClinic.objects.filter(pk=clinic.pk).update(
        day_of_month=1, starts=datetime.time(0, 30), ends=datetime.time(2, 30)
    )
    clinic.refresh_from_db()
    first, second = make_user("lawyer_lc_first"), make_user("lawyer_lc_second")
    for lawyer in (first, second):
        teams.team_add_member(actor=system, team=second_district["team"], user=lawyer)
    desk = second_district["desk"]
    month = _free_month(clinic)
    rota = services.clinic_rota_set(actor=desk, clinic=clinic, month=month.replace(day=15), lawyer=first)
    assert rota.month == month
    session = services.clinic_plan_session(actor=desk, clinic=clinic, month=month)
    assert timezone.localtime(session.starts_at).date() == month
    assert session.lawyer_id == first.pk
    again = services.clinic_plan_session(actor=desk, clinic=clinic, month=month)
    assert again.pk == session.pk
    services.clinic_rota_set(actor=desk, clinic=clinic, month=month, lawyer=second)
    session.refresh_from_db()
    assert session.lawyer_id == second.pk
    assert ClinicRota.objects.filter(clinic=clinic, month=month).count() == 1


def test_a_scan_of_exactly_five_megabytes_is_taken_and_one_byte_more_refused(new_case, persona):
    mediator = persona("mediator_demo")
    case = new_case()
    services.mediation_agree(actor=mediator, case=case, facts="漏水", terms="赔偿维修费", performance="当场")
    body = b"%PDF-1.4\n" + b"0" * (services.SCAN_MAX_BYTES - 9)
    with pytest.raises(InvalidInput) as refused:
        services.agreement_attach_scan(
            actor=mediator, case=case, upload=SimpleUploadedFile("big.pdf", body + b"0")
        )
    assert refused.value.field == "scan"
    agreement = services.agreement_attach_scan(
        actor=mediator, case=case, upload=SimpleUploadedFile("ok.pdf", body)
    )
    assert agreement.scan.size == services.SCAN_MAX_BYTES


def test_a_resident_marked_absent_who_comes_late_is_heard_and_a_cancelled_booking_is_not(
    persona, clinic_session
):
    """No-show is not final: the lawyer records the consultation and the booking becomes
    attended. A cancelled booking takes no record (states sorting on either side of it)."""
    lawyer = persona("lawyer_demo")
    session = clinic_session()
    late = services.clinic_book(actor=persona("resident_huachuan"), session=session, slot=0)
    services.clinic_mark(actor=lawyer, booking=late, attended=False)
    late.refresh_from_db()
    assert late.status == BookingStatus.NO_SHOW
    record = services.clinic_record_consultation(
        actor=lawyer, booking=late, category="labour", advice="建议协商"
    )
    late.refresh_from_db()
    assert (record.booking_id, late.status) == (late.pk, BookingStatus.ATTENDED)
    gone = services.clinic_book(actor=persona("resident_huachuan"), session=session, slot=1)
    services.clinic_cancel_booking(actor=persona("resident_huachuan"), booking=gone)
    gone.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.clinic_record_consultation(actor=lawyer, booking=gone, category="labour", advice="建议协商")


def test_a_walk_in_records_who_wrote_it_down(persona, system, clinic_session):
    session = clinic_session(lawyer="lawyer_demo")
    by_lawyer = services.clinic_walk_in(actor=persona("lawyer_demo"), session=session, name="王阿姨")
    assert (by_lawyer.booked_by_id, by_lawyer.walk_in, by_lawyer.status) == (
        persona("lawyer_demo").pk,
        True,
        BookingStatus.ATTENDED,
    )
    by_system = services.clinic_walk_in(actor=system, session=session, name="李大伯")
    assert by_system.booked_by_id is None

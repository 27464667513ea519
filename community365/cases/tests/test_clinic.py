"""The legal clinic: booking from a phone or by the desk, the private note, walk-ins, moving a
session (those booked are told), reminders the day before, consultations (who sees them),
referral to mediation in one step, no-shows, and the lawyer's hours as verified volunteer hours."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.cases import services
from community365.cases.models import BookingStatus, CaseSource, CaseStatus, SessionStatus
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("demo_world")


@pytest.fixture
def desk(make_user, region):
    return make_user("sw_fuming_desk", "social_worker", region("福明家园社区"))


def test_resident_books_a_slot_from_the_phone(clinic_session, client_for, persona):
    session = clinic_session()
    page = client_for("resident_huachuan")
    answer = page.post(f"/cases/clinic/sessions/{session.pk}/book", {"slot": "1", "note": "房屋租赁押金不退"})
    assert answer.status_code == 302
    booking = session.bookings.get()
    assert booking.slot == 1 and booking.person.user == persona("resident_huachuan")
    assert f'href="/cases/clinic/sessions/{session.pk}/"' in page.get("/cases/clinic/mine/").content.decode()
    assert page.get(f"/cases/clinic/sessions/{session.pk}/").status_code == 200


def test_a_slot_is_taken_once_and_a_person_books_once(clinic_session, persona):
    session = clinic_session()
    services.clinic_book(actor=persona("resident_huachuan"), session=session, slot=0)
    with pytest.raises(Conflict) as taken:
        services.clinic_book(actor=persona("resident_001"), session=session, slot=0)
    assert taken.value.code == "slot_taken"
    with pytest.raises(Conflict) as twice:
        services.clinic_book(actor=persona("resident_huachuan"), session=session, slot=2)
    assert twice.value.code == "already_booked"


def test_cancelled_slot_can_be_booked_again(clinic_session, persona):
    session = clinic_session()
    first = services.clinic_book(actor=persona("resident_huachuan"), session=session, slot=0)
    services.clinic_cancel_booking(actor=persona("resident_huachuan"), booking=first)
    again = services.clinic_book(actor=persona("resident_001"), session=session, slot=0)
    assert again.status == BookingStatus.BOOKED


def test_nobody_cancels_someone_elses_booking(clinic_session, persona):
    session = clinic_session()
    booking = services.clinic_book(actor=persona("resident_huachuan"), session=session, slot=0)
    with pytest.raises(NotAllowed):
        services.clinic_cancel_booking(actor=persona("resident_001"), booking=booking)


def test_slot_out_of_range_and_past_session_refused(clinic_session, persona):
    with pytest.raises(InvalidInput):
        services.clinic_book(actor=persona("resident_huachuan"), session=clinic_session(), slot=99)
    past = clinic_session(days=-3)
    with pytest.raises(InvalidTransition):
        services.clinic_book(actor=persona("resident_huachuan"), session=past, slot=0)


def test_social_worker_books_for_a_resident_but_a_resident_not_for_others(
    clinic_session, desk, persona, region
):
    from community365.people.models import Person

    session = clinic_session()
    resident = Person.objects.filter(community=region("福明家园社区"), user__isnull=True).first()
    booking = services.clinic_book(actor=desk, session=session, slot=3, person=resident, note="代约")
    assert booking.booked_by == desk and booking.person == resident
    with pytest.raises(NotAllowed):
        services.clinic_book(actor=persona("worker_huangli"), session=session, slot=4, person=resident)
    with pytest.raises(NotAllowed):
        services.clinic_book(actor=persona("secretary_huachuan"), session=session, slot=4, person=resident)


def test_private_note_only_for_the_lawyer(clinic_session, client_for, persona, desk):
    session = clinic_session()
    services.clinic_book(actor=persona("resident_huachuan"), session=session, slot=0, note="离婚财产怎么分")
    assert (
        "离婚财产怎么分"
        in client_for("lawyer_demo").get(f"/cases/clinic/sessions/{session.pk}/").content.decode()
    )
    for other in ("resident_001", "worker_huachuan"):
        assert (
            "离婚财产怎么分"
            not in client_for(other).get(f"/cases/clinic/sessions/{session.pk}/").content.decode()
        )
    desk_page = client_for(desk.username)
    body = desk_page.get(f"/cases/clinic/sessions/{session.pk}/").content.decode()
    assert "离婚财产怎么分" not in body


def test_moving_a_session_tells_everyone_booked(
    clinic_session, desk, persona, django_capture_on_commit_callbacks
):
    session = clinic_session()
    services.clinic_book(actor=persona("resident_huachuan"), session=session, slot=0)
    with pytest.raises(NotAllowed):
        services.clinic_move_session(
            actor=persona("worker_huangli"), session=session, starts_at=session.starts_at, reason="x"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.clinic_move_session(
            actor=desk,
            session=session,
            starts_at=session.starts_at + datetime.timedelta(days=1),
            reason="律师出庭",
        )
    note = Notification.objects.get(recipient=persona("resident_huachuan"), kind="cases.clinic.moved")
    assert session.place in note.params["place"]


def test_reminders_the_day_before_once(clinic_session, persona, system, django_capture_on_commit_callbacks):
    session = clinic_session(days=1)
    services.clinic_book(actor=persona("resident_huachuan"), session=session, slot=0)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.clinic_send_reminders(actor=system)
        again = services.clinic_send_reminders(actor=system)
    assert first >= 1 and again == 0
    assert (
        Notification.objects.filter(
            recipient=persona("resident_huachuan"), kind="cases.clinic.reminder"
        ).count()
        == 1
    )
    assert Notification.objects.filter(
        recipient=persona("lawyer_demo"), kind="cases.clinic.reminder"
    ).exists()


def test_consultation_by_the_lawyer_only_and_seen_by_lawyer_secretary_resident(
    clinic_session, persona, client_for, make_user, region
):
    from community365.cases.policies import consultations_visible_to

    secretary = make_user("secretary_fuming", "community_secretary", region("福明家园社区"))
    session = clinic_session()
    booking = services.clinic_book(actor=persona("resident_huachuan"), session=session, slot=0)
    for outsider in ("worker_huachuan", "justice_demo", "secretary_huachuan"):
        with pytest.raises(NotAllowed):
            services.clinic_record_consultation(
                actor=persona(outsider), booking=booking, category="labour", advice="x"
            )
    record = services.clinic_record_consultation(
        actor=persona("lawyer_demo"), booking=booking, category="labour", advice="建议向劳动监察投诉"
    )
    for reader in (persona("lawyer_demo"), persona("resident_huachuan"), secretary):
        assert consultations_visible_to(reader).filter(pk=record.pk).exists()
    for other in ("worker_huachuan", "resident_001", "justice_demo", "secretary_huachuan"):
        assert not consultations_visible_to(persona(other)).filter(pk=record.pk).exists()
    assert "建议向劳动监察投诉" in client_for("resident_huachuan").get("/cases/clinic/mine/").content.decode()


def test_referral_to_mediation_in_one_step(clinic_session, persona):
    session = clinic_session()
    booking = services.clinic_book(actor=persona("resident_huachuan"), session=session, slot=0)
    record = services.clinic_record_consultation(
        actor=persona("lawyer_demo"),
        booking=booking,
        category="neighbours",
        advice="邻居漏水，建议调解",
        referral="mediation",
        dispute_kind="neighbours",
        respondent="楼上住户",
    )
    case = record.mediation_case
    assert case.source == CaseSource.CLINIC and case.status == CaseStatus.REGISTERED
    assert case.region.name == "划船社区"  # the resident's community mediates
    assert case.parties.count() == 2


def test_walk_in_and_close_records_no_shows_and_verified_hours(clinic_session, desk, persona, system):
    from community365.teams.models import HoursStatus, ServiceRecord

    session = clinic_session(days=-1)
    services.clinic_walk_in(actor=desk, session=session, name="现场来访者")
    from community365.cases.models import ClinicBooking

    no_show = ClinicBooking.objects.create(
        session=session,
        district_id=session.district_id,
        region_id=session.region_id,
        slot=2,
        name="预约者",
        booked_by=desk,
        status=BookingStatus.BOOKED,
    )
    with pytest.raises(NotAllowed):
        services.clinic_close_session(actor=persona("worker_huangli"), session=session)
    services.clinic_close_session(actor=desk, session=session)
    session.refresh_from_db()
    no_show.refresh_from_db()
    assert session.status == SessionStatus.HELD and no_show.status == BookingStatus.NO_SHOW
    record = ServiceRecord.objects.get(activity=session.hours_activity, volunteer=persona("lawyer_demo"))
    assert record.status == HoursStatus.VERIFIED and float(record.hours) == 2.5
    with pytest.raises(InvalidTransition):
        services.clinic_close_session(actor=desk, session=session)


def test_session_cannot_close_before_it_ends(clinic_session, desk):
    with pytest.raises(InvalidTransition):
        services.clinic_close_session(actor=desk, session=clinic_session())


def test_rota_lawyer_must_belong_to_the_lawyers_team(persona, desk, region):
    from community365.cases.models import LegalClinic

    clinic = LegalClinic.objects.get(region=region("福明家园社区"))
    month = timezone.localdate().replace(day=1)
    with pytest.raises(InvalidInput):
        services.clinic_rota_set(actor=desk, clinic=clinic, month=month, lawyer=persona("mediator_demo"))
    rota = services.clinic_rota_set(actor=desk, clinic=clinic, month=month, lawyer=persona("lawyer_demo"))
    assert rota.lawyer == persona("lawyer_demo")
    with pytest.raises(NotAllowed):
        services.clinic_rota_set(
            actor=persona("worker_huangli"), clinic=clinic, month=month, lawyer=persona("lawyer_demo")
        )


def test_demo_clinic_has_a_year_of_sessions(region, persona):
    from community365.cases.models import ClinicSession
    from community365.teams.models import ServiceRecord

    sessions = ClinicSession.objects.filter(region=region("福明家园社区"))
    assert sessions.filter(status=SessionStatus.HELD).count() >= 11
    assert all(timezone.localtime(s.starts_at).day == 8 for s in sessions)
    assert sessions.filter(status=SessionStatus.PLANNED, lawyer=persona("lawyer_demo")).exists()
    assert ServiceRecord.objects.filter(volunteer=persona("lawyer_demo"), status="verified").exists()


def test_cancel_a_whole_session_tells_everyone_booked_and_takes_no_bookings(
    clinic_session, persona, client_for, make_user, region, django_capture_on_commit_callbacks
):
    from community365.audit.models import AuditEvent

    secretary = make_user("secretary_fuming_cancel", "community_secretary", region("福明家园社区"))
    desk_worker = make_user("sw_fuming_cancel", "social_worker", region("福明家园社区"))
    session = clinic_session()
    booking = services.clinic_book(actor=persona("resident_huachuan"), session=session, slot=0)
    # refused: the desk's social worker, the lawyer, a resident, another community's secretary
    for other in (
        desk_worker,
        persona("lawyer_demo"),
        persona("resident_huachuan"),
        persona("secretary_huachuan"),
    ):
        with pytest.raises(NotAllowed):
            services.clinic_cancel_session(actor=other, session=session, reason="律师出差")
    with pytest.raises(InvalidInput):
        services.clinic_cancel_session(actor=secretary, session=session, reason="")
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
    assert AuditEvent.objects.filter(action="cases.clinic:cancel_session", result="refused").count() == 5
    with django_capture_on_commit_callbacks(execute=True):
        services.clinic_cancel_session(actor=secretary, session=session, reason="律师临时出差")
    session.refresh_from_db()
    booking.refresh_from_db()
    assert (session.status, session.cancel_reason, booking.status) == (
        "cancelled",
        "律师临时出差",
        "cancelled",
    )
    told = Notification.objects.filter(recipient=persona("resident_huachuan"), kind="cases.clinic.cancelled")
    assert told.count() == 1
    # a cancelled session takes no bookings, no walk-ins, and cannot be cancelled again
    with pytest.raises(InvalidTransition, match="已经取消"):
        services.clinic_book(actor=persona("resident_001"), session=session, slot=1)
    with pytest.raises(InvalidTransition):
        services.clinic_walk_in(actor=secretary, session=session, name="王阿姨")
    with pytest.raises(InvalidTransition):
        services.clinic_cancel_session(actor=secretary, session=session, reason="再取消")
    answer = client_for("resident_001").post(f"/cases/clinic/sessions/{session.pk}/book", {"slot": "1"})
    assert answer.status_code in (302, 422)
    assert not session.bookings.filter(status="booked").exists()


def test_the_justice_officer_may_cancel_a_session(clinic_session, persona, client_for):
    session = clinic_session()
    page = client_for("justice_demo")
    assert "取消整场坐诊" in page.get(f"/cases/clinic/sessions/{session.pk}/").content.decode()
    assert (
        "取消整场坐诊"
        not in client_for("resident_huachuan").get(f"/cases/clinic/sessions/{session.pk}/").content.decode()
    )
    assert (
        page.post(f"/cases/clinic/sessions/{session.pk}/cancel_session", {"reason": "台风停诊"}).status_code
        == 302
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED

"""Service hours by the 2021 rules: the 10-working-day window, verification, corrections,
certificates only from verified hours, codes that cannot be forged or altered."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from community365.audit.models import AuditEvent
from community365.core.errors import InvalidInput, NotAllowed
from community365.notifications.models import Notification
from community365.teams import certificates, phrases, rules, services
from community365.teams.models import Certificate, HoursStatus, ServiceRecord

pytestmark = pytest.mark.django_db


def _past_activity(make_activity, team, system, persona, *, days_ago, volunteers=("volunteer_001",)):
    start = timezone.now() - datetime.timedelta(days=days_ago)
    activity = make_activity(team, start=start)
    for name in volunteers:
        services.signup_create(
            actor=system, activity=activity, volunteer=persona(name), now=start - datetime.timedelta(hours=1)
        )
    return activity


def test_working_days_skip_weekends():
    friday = datetime.date(2026, 11, 27)
    assert rules.add_working_days(friday, 1) == datetime.date(2026, 11, 30)
    assert rules.entry_deadline(friday) == datetime.date(2026, 12, 11)


def test_star_levels():
    assert [rules.star_level(h) for h in (0, 99.5, 100, 300, 599, 600, 1000, 1500, 4000)] == [
        0,
        0,
        1,
        2,
        2,
        3,
        4,
        5,
        5,
    ]


def test_checked_hours_round_to_half_hours():
    t = timezone.now()
    assert rules.checked_hours(t, t + datetime.timedelta(minutes=100)) == Decimal("1.5")
    assert rules.checked_hours(t, t + datetime.timedelta(minutes=1)) == Decimal("0.5")


def test_organiser_enters_hours_within_ten_working_days(make_activity, red_team, system, persona):
    activity = _past_activity(make_activity, red_team, system, persona, days_ago=3)
    record = services.record_enter(
        actor=persona("volunteer_demo"), activity=activity, volunteer=persona("volunteer_001"), hours="2.5"
    )
    assert record.status == HoursStatus.PENDING and record.hours == Decimal("2.5")


def test_organiser_is_refused_after_ten_working_days(make_activity, red_team, system, persona):
    # given an activity that ended more than 10 working days ago (20 calendar days)
    activity = _past_activity(make_activity, red_team, system, persona, days_ago=20)

    # then its organiser can no longer enter hours
    with pytest.raises(NotAllowed) as refused:
        services.record_enter(
            actor=persona("volunteer_demo"), activity=activity, volunteer=persona("volunteer_001"), hours=2
        )
    assert "10 个工作日" in refused.value.message
    assert AuditEvent.objects.filter(action="teams.record:enter", result="refused").exists()

    # but a district admin can, as an audited correction with a reason
    admin = persona("admin_district")
    with pytest.raises(InvalidInput):
        services.record_enter(actor=admin, activity=activity, volunteer=persona("volunteer_001"), hours=2)
    record = services.record_enter(
        actor=admin, activity=activity, volunteer=persona("volunteer_001"), hours=2, note="纸质签到表补录"
    )
    assert record.corrected
    event = AuditEvent.objects.filter(action="teams.record:enter", object_id=str(record.pk)).get()
    assert event.acting_role == "correction" and event.changes["late"] is True


def test_verification_names_the_verifier_and_happens_once(make_activity, red_team, system, persona):
    activity = _past_activity(make_activity, red_team, system, persona, days_ago=2)
    leader = persona("volunteer_demo")
    record = services.record_enter(
        actor=leader, activity=activity, volunteer=persona("volunteer_001"), hours=2
    )
    services.record_verify(actor=leader, record=record, approve=True)
    record.refresh_from_db()
    assert record.status == HoursStatus.VERIFIED and record.verified_by == leader
    with pytest.raises(Exception, match="已经核实过"):
        services.record_verify(actor=leader, record=record, approve=False, note="x")


def test_a_volunteer_cannot_verify_their_own_hours(red_team, system, persona):
    """Refused for the own-hours rule alone: the volunteer organises this activity, and so may
    verify everyone's hours but their own."""
    volunteer, other = persona("volunteer_001"), persona("volunteer_002")
    start = timezone.now() - datetime.timedelta(days=2)
    activity = services.activity_create(
        actor=system,
        team=red_team,
        title="自己组织的活动",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=10,
        organiser=volunteer,
        now=start - datetime.timedelta(days=1),
    )
    for who in (volunteer, other):
        services.signup_create(
            actor=system, activity=activity, volunteer=who, now=start - datetime.timedelta(hours=1)
        )
    own = services.record_enter(actor=volunteer, activity=activity, volunteer=volunteer, hours=2)
    theirs = services.record_enter(actor=volunteer, activity=activity, volunteer=other, hours=2)
    # the organiser's power holds for someone else's record …
    services.record_verify(actor=volunteer, record=theirs, approve=True)
    # … and only the own-hours rule refuses their own
    with pytest.raises(NotAllowed, match="自己"):
        services.record_verify(actor=volunteer, record=own, approve=True)
    own.refresh_from_db()
    assert own.status == HoursStatus.PENDING
    with pytest.raises(NotAllowed, match="自己"):
        services.record_enter(actor=volunteer, activity=activity, volunteer=volunteer, hours=2, verify=True)


def test_certificate_hours_equal_the_sum_of_verified_records(make_activity, red_team, system, persona):
    volunteer = persona("volunteer_001")
    leader = persona("volunteer_demo")
    # given one more verified, one pending and one rejected record
    for days, action in ((2, "verify"), (3, "pending"), (4, "reject")):
        activity = _past_activity(make_activity, red_team, system, persona, days_ago=days)
        record = services.record_enter(actor=leader, activity=activity, volunteer=volunteer, hours=3)
        if action == "verify":
            services.record_verify(actor=leader, record=record, approve=True)
        elif action == "reject":
            services.record_verify(actor=leader, record=record, approve=False, note="未到场")

    certificate = services.certificate_issue(actor=volunteer, volunteer=volunteer)

    verified = ServiceRecord.objects.filter(volunteer=volunteer, status=HoursStatus.VERIFIED)
    assert certificate.hours == verified.aggregate(h=Sum("hours"))["h"]
    assert certificate.record_count == verified.count()
    assert Decimal(certificate.content["hours"]) == certificate.hours


def test_no_certificate_without_verified_hours(persona, make_activity, red_team, system):
    volunteer = persona("volunteer_030")
    ServiceRecord.objects.filter(volunteer=volunteer).delete()
    with pytest.raises(NotAllowed):
        services.certificate_issue(actor=volunteer, volunteer=volunteer)


def test_forged_or_altered_codes_fail_the_public_check(persona, client):
    volunteer = persona("volunteer_001")
    certificate = services.certificate_issue(actor=volunteer, volunteer=volunteer)
    code = certificate.code

    # the genuine code passes, on the public page too (no sign-in), with the name masked
    assert certificates.check(code)["valid"] is True
    page = client.get("/verify/", {"code": code}).content.decode()
    assert "证明真实有效" in page and "志*" in page and "志愿者001" not in page

    # a changed character of the MAC, another serial, a made-up code: all fail
    serial, mac = rules.split_code(code)
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    assert certificates.check(f"{serial}-{flipped}")["valid"] is False
    assert certificates.check(f"20990101ABCDEF-{mac}")["valid"] is False
    assert certificates.check("garbage")["valid"] is False
    assert "验证失败" in client.get("/verify/", {"code": f"{serial}-{flipped}"}).content.decode()

    # and so does a certificate whose stored content was altered (more hours)
    content = dict(certificate.content, hours="9999.0")
    Certificate.objects.filter(pk=certificate.pk).update(content=content)
    assert certificates.check(code)["valid"] is False


def test_a_volunteer_asks_for_a_correction_and_the_organiser_corrects(
    make_activity, red_team, system, persona
):
    activity = _past_activity(make_activity, red_team, system, persona, days_ago=2)
    leader, volunteer = persona("volunteer_demo"), persona("volunteer_001")
    record = services.record_enter(actor=leader, activity=activity, volunteer=volunteer, hours=1, verify=True)
    request = services.correction_request(actor=volunteer, record=record, message="实际服务了 3 小时")
    services.record_correct(actor=leader, record=record, hours=3, note="按签到表更正")
    record.refresh_from_db()
    request.refresh_from_db()
    assert record.hours == Decimal(3) and record.corrected and request.status == "resolved"


def test_check_in_and_out_by_the_venue_code_makes_a_pending_record(make_activity, red_team, system, persona):
    start = timezone.now() - datetime.timedelta(minutes=30)
    activity = make_activity(red_team, start=start)
    volunteer = persona("volunteer_001")
    signup = services.signup_create(actor=system, activity=activity, volunteer=volunteer, now=start)
    with pytest.raises(NotAllowed):
        services.signup_check_in(
            actor=volunteer, signup=signup, code="000000" if activity.checkin_code != "000000" else "111111"
        )
    services.signup_check_in(actor=volunteer, signup=signup, code=activity.checkin_code)
    signup.refresh_from_db()
    services.signup_check_out(actor=volunteer, signup=signup, code=activity.checkin_code)
    record = ServiceRecord.objects.get(activity=activity, volunteer=volunteer)
    assert record.status == HoursStatus.PENDING and record.hours == Decimal("0.5")


def test_a_leader_cannot_verify_their_own_hours(make_activity, red_team, system, persona):
    activity = _past_activity(
        make_activity, red_team, system, persona, days_ago=2, volunteers=("volunteer_demo",)
    )
    leader = persona("volunteer_demo")
    record = services.record_enter(actor=leader, activity=activity, volunteer=leader, hours=2)
    with pytest.raises(NotAllowed, match="自己"):
        services.record_verify(actor=leader, record=record, approve=True)
    services.record_verify(actor=persona("secretary_huachuan"), record=record, approve=True)
    record.refresh_from_db()
    assert record.verified_by == persona("secretary_huachuan")


def test_a_late_verification_is_marked_a_correction_and_a_timely_one_is_not(
    make_activity, red_team, system, persona, django_capture_on_commit_callbacks
):
    """Mutation testing: verifying after the 10-working-day window (the district admin, with a
    reason) marks the record as corrected; the organiser's verification within it does not."""
    timely = _past_activity(make_activity, red_team, system, persona, days_ago=2)
    leader = persona("volunteer_demo")
    record = services.record_enter(actor=leader, activity=timely, volunteer=persona("volunteer_001"), hours=2)
    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=True):  # the notice is sent on commit
        assert not services.record_verify(actor=leader, record=record, approve=True).corrected
    told = Notification.objects.filter(pk__gt=before, recipient=persona("volunteer_001"))
    assert list(told.values_list("kind", flat=True)) == [phrases.HOURS_VERIFIED]  # told it was verified

    late = _past_activity(make_activity, red_team, system, persona, days_ago=20)
    old = services.record_enter(
        actor=system,
        activity=late,
        volunteer=persona("volunteer_001"),
        hours=2,
        now=late.ends_at + datetime.timedelta(hours=1),  # entered in time, left pending
    )
    assert not old.corrected
    verified = services.record_verify(
        actor=persona("admin_district"), record=old, approve=True, note="核对签到表"
    )
    assert verified.status == HoursStatus.VERIFIED and verified.corrected
    assert verified.note == "核对签到表"  # the reason given replaces the empty note


def test_the_last_day_of_the_window_is_inside_it_and_the_next_is_not(
    make_activity, red_team, system, persona
):
    """The 10th working day after the activity is the organiser's last day, to its evening; the
    next day only a district admin may enter hours, as a correction."""
    import time_machine

    activity = _past_activity(make_activity, red_team, system, persona, days_ago=1)
    deadline = rules.entry_deadline(timezone.localdate(activity.ends_at))
    evening = timezone.make_aware(datetime.datetime.combine(deadline, datetime.time(21, 0)))
    leader = persona("volunteer_demo")
    with time_machine.travel(evening, tick=False):
        record = services.record_enter(
            actor=leader, activity=activity, volunteer=persona("volunteer_001"), hours=2
        )
        assert record.status == HoursStatus.PENDING and not record.corrected
    next_morning = timezone.make_aware(
        datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time(8, 0))
    )
    with time_machine.travel(next_morning, tick=False), pytest.raises(NotAllowed, match="10 个工作日"):
        services.record_verify(actor=leader, record=record, approve=True)

"""The cases rules at their edges — survivors of the mutation run over ``cases/services.py``
(docs/mutation.md, ninth session), each planted by hand and watched failing: a session's time
(up to five minutes ahead of the clock, at most a day before the case was accepted), the
shortest summary, terms and reasons, the scan stored as what it is, the rota's lawyer on a
planned session, who hears of a cancelled session."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from community365.cases import services
from community365.cases.models import MediationCase, MediationSession, PartySide
from community365.core.errors import InvalidInput
from community365.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("demo_world")
FIVE_MINUTES = datetime.timedelta(minutes=5)


def _session(case, mediator, held_at, now):
    return services.mediation_record_session(
        actor=mediator, case=case, held_at=held_at, attended="双方", notes="当面调解一次。", now=now
    )


def test_a_session_may_be_dated_up_to_five_minutes_ahead_of_the_clock(new_case, persona):
    mediator = persona("mediator_demo")
    case = new_case()
    now = timezone.now()
    for ahead in (FIVE_MINUTES + datetime.timedelta(seconds=1), datetime.timedelta(hours=1)):
        with pytest.raises(InvalidInput) as refused:
            _session(case, mediator, now + ahead, now)
        assert refused.value.field == "held_at"
    assert not MediationSession.objects.filter(case=case).exists()
    _session(case, mediator, now + FIVE_MINUTES, now)
    _session(case, mediator, now, now)
    assert MediationSession.objects.filter(case=case).count() == 2


def test_a_session_is_dated_at_most_a_day_before_the_case_was_accepted(new_case, persona):
    mediator = persona("mediator_demo")
    case = new_case()
    assert case.accepted_at is not None
    now = case.accepted_at + datetime.timedelta(hours=1)
    day = datetime.timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        _session(case, mediator, case.accepted_at - day - datetime.timedelta(seconds=1), now)
    assert refused.value.field == "held_at"
    _session(case, mediator, case.accepted_at - day, now)
    assert MediationSession.objects.filter(case=case).count() == 1


def test_the_shortest_summary_terms_and_reasons(new_case, persona, region):
    mediator = persona("mediator_demo")
    huachuan = region("划船社区")
    parties = [
        services.PartyIn(side=PartySide.APPLICANT, name="甲", phone=""),
        services.PartyIn(side=PartySide.RESPONDENT, name="乙", phone=""),
    ]

    def register(summary):
        return services.mediation_register(
            actor=mediator,
            region=huachuan,
            kind="neighbours",
            source="party",
            summary=summary,
            parties=parties,
        )

    before = MediationCase.objects.count()
    with pytest.raises(InvalidInput) as refused:
        register("堆物争")
    assert refused.value.field == "summary"
    assert MediationCase.objects.count() == before
    assert register("堆物争执").summary == "堆物争执"

    case = new_case()
    with pytest.raises(InvalidInput) as refused:
        services.mediation_agree(actor=mediator, case=case, facts="漏水", terms="赔", performance="当场")
    assert refused.value.field == "terms"
    agreement = services.mediation_agree(
        actor=mediator, case=case, facts="漏水", terms="赔偿", performance="当场"
    )
    assert agreement.terms == "赔偿"


def test_a_session_moves_with_a_reason_of_two_characters_or_more(clinic_session, persona, make_user, region):
    desk = make_user("sw_fuming_move_edge", "social_worker", region("福明家园社区"))
    session = clinic_session()
    later = session.starts_at + datetime.timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        services.clinic_move_session(actor=desk, session=session, starts_at=later, reason="雨")
    assert refused.value.field == "reason"
    session.refresh_from_db()
    assert session.starts_at != later
    moved = services.clinic_move_session(actor=desk, session=session, starts_at=later, reason="台风")
    assert moved.starts_at == later


def _picture(name: str, kind: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 200)).save(out, format=kind)
    return SimpleUploadedFile(name, out.getvalue())


@pytest.mark.parametrize(
    ("upload", "ending", "starts"),
    [
        (lambda: SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n"), ".pdf", b"%PDF"),
        (lambda: _picture("signed.png", "PNG"), ".jpg", b"\xff\xd8"),
        (lambda: _picture("signed.jpg", "JPEG"), ".jpg", b"\xff\xd8"),
    ],
)
def test_a_scan_is_stored_as_what_it_is_and_a_picture_re_encoded(new_case, persona, upload, ending, starts):
    mediator = persona("mediator_demo")
    case = new_case()
    services.mediation_agree(actor=mediator, case=case, facts="漏水", terms="赔偿维修费", performance="当场")
    agreement = services.agreement_attach_scan(actor=mediator, case=case, upload=upload())
    assert agreement.scan.name.endswith(ending)
    with agreement.scan.open("rb") as stored:
        assert stored.read(4).startswith(starts)


def test_a_planned_session_takes_the_rota_lawyer_of_its_month(persona, make_user, region):
    from community365.cases.models import ClinicSession, LegalClinic

    fuming = region("福明家园社区")
    clinic = LegalClinic.objects.get(region=fuming)
    desk = make_user("sw_fuming_plan_edge", "social_worker", fuming)
    taken = ClinicSession.objects.filter(clinic=clinic).values_list("starts_at", flat=True)
    months = {timezone.localtime(t).date().replace(day=1) for t in taken}
    month = timezone.localdate().replace(day=1)
    while month in months:  # a month the demo planned nothing in
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    services.clinic_rota_set(actor=desk, clinic=clinic, month=month, lawyer=persona("lawyer_demo"))
    session = services.clinic_plan_session(actor=desk, clinic=clinic, month=month)
    assert session.lawyer == persona("lawyer_demo")
    unstaffed = (month + datetime.timedelta(days=32)).replace(day=1)
    while unstaffed in months:
        unstaffed = (unstaffed + datetime.timedelta(days=32)).replace(day=1)
    assert services.clinic_plan_session(actor=desk, clinic=clinic, month=unstaffed).lawyer is None


def test_a_cancelled_session_tells_whoever_booked_for_someone_without_an_account(
    clinic_session, make_user, region, django_capture_on_commit_callbacks
):
    from community365.people.models import Person

    fuming = region("福明家园社区")
    desk = make_user("sw_fuming_cancel_edge", "social_worker", fuming)
    secretary = make_user("sec_fuming_cancel_edge", "community_secretary", fuming)
    session = clinic_session()
    no_account = Person.objects.filter(community=fuming, user__isnull=True).first()
    services.clinic_book(actor=desk, session=session, slot=0, person=no_account)
    with django_capture_on_commit_callbacks(execute=True):
        services.clinic_cancel_session(actor=secretary, session=session, reason="律师出差")
    assert Notification.objects.filter(recipient=desk, kind="cases.clinic.cancelled").count() == 1

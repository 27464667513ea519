"""The mediation flow through its services and pages: registered → accepted → sessions →
agreement (PDF, scan) / not reached (referral) → follow-up → closed; the 30-day limit extended
once; overdue sweeps; and the refusals on each step."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from community365.cases import services
from community365.cases.models import CaseStatus, MediationCase, Outcome
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("demo_world")


def test_whole_flow_to_a_kept_agreement(new_case, persona, client_for):
    mediator = persona("mediator_demo")
    case = new_case()
    assert case.status == CaseStatus.ACCEPTED
    assert case.deadline == timezone.localdate() + datetime.timedelta(days=30)
    services.mediation_record_session(
        actor=mediator, case=case, held_at=timezone.now(), attended="双方", notes="第一次调解，分歧较大。"
    )
    services.mediation_agree(
        actor=mediator, case=case, facts="漏水", terms="甲方承担一半维修费。", performance="十日内付清"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.AGREED and case.outcome == Outcome.AGREED
    assert case.follow_up_due == timezone.localdate() + datetime.timedelta(days=30)
    pdf = client_for("mediator_demo").get(f"/cases/mediations/{case.pk}/agreement.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"/FontFile" in pdf.content  # fonts embedded
    scan = SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    services.agreement_attach_scan(actor=mediator, case=case, upload=scan)
    assert (
        client_for("secretary_huachuan").get(f"/cases/mediations/{case.pk}/agreement-scan").status_code == 200
    )
    assert client_for("worker_huachuan").get(f"/cases/mediations/{case.pk}/agreement-scan").status_code == 404
    services.mediation_follow_up(actor=mediator, case=case, kept=True, note="已按约付清")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.kept is True and case.closed_at is not None


def test_not_reached_refers_and_closes(new_case, persona):
    case = new_case()
    services.mediation_not_reached(
        actor=persona("mediator_demo"), case=case, referral_to="court", note="告知诉讼"
    )
    case.refresh_from_db()
    assert (case.status, case.outcome, case.referral_to) == (CaseStatus.CLOSED, Outcome.NOT_REACHED, "court")
    with pytest.raises(InvalidTransition):
        services.mediation_agree(
            actor=persona("mediator_demo"), case=case, facts="xxxx", terms="yyyy", performance="zz"
        )


def test_unknown_referral_refused(new_case, persona):
    with pytest.raises(InvalidInput):
        services.mediation_not_reached(actor=persona("mediator_demo"), case=new_case(), referral_to="moon")


def test_time_limit_extends_once_only(new_case, persona):
    mediator = persona("mediator_demo")
    case = new_case()
    services.mediation_extend(actor=mediator, case=case, reason="当事人外出务工")
    case.refresh_from_db()
    assert case.deadline == timezone.localdate() + datetime.timedelta(days=60)
    assert case.extension_reason == "当事人外出务工"
    with pytest.raises(InvalidTransition):
        services.mediation_extend(actor=mediator, case=case, reason="再延一次")


def test_only_the_case_mediators_record_sessions(new_case, persona):
    case = new_case()
    for username in ("secretary_huachuan", "justice_demo", "worker_huachuan"):
        with pytest.raises(NotAllowed):
            services.mediation_record_session(
                actor=persona(username), case=case, held_at=timezone.now(), attended="x", notes="不该记录"
            )


def test_queue_first_taker_wins(new_case, persona, make_user, region):
    second = make_user("mediator_second", "mediator", region("划船社区"))
    case = new_case(status="registered")
    services.mediation_take(actor=persona("mediator_demo"), case=case)
    with pytest.raises(Conflict):
        services.mediation_take(actor=second, case=case)
    case.refresh_from_db()
    assert case.mediator == persona("mediator_demo")


def test_mediator_of_another_place_cannot_take(new_case, make_user, region):
    far = make_user("mediator_far", "mediator", region("黄鹂社区"))
    case = new_case(status="registered")
    with pytest.raises(NotAllowed):
        services.mediation_take(actor=far, case=case)


def test_association_member_takes_in_its_subdistrict(new_case, make_user, region, system):
    """A mediator of a 百丈街道 community, member of 百丈街道老娘舅协会, takes a 划船社区 case."""
    from community365.teams import services as teams
    from community365.teams.models import Team, TeamKind

    member = make_user("mediator_assoc", "mediator", region("华严社区"))
    team = Team.objects.get(region=region("百丈街道"), kind=TeamKind.MEDIATORS)
    teams.team_add_member(actor=system, team=team, user=member)
    case = services.mediation_take(actor=member, case=new_case(status="registered"))
    assert case.mediator == member


def test_secretary_assigns_only_registered_mediators(new_case, persona, django_capture_on_commit_callbacks):
    case = new_case(status="registered")
    secretary = persona("secretary_huachuan")
    with pytest.raises(InvalidInput):
        services.mediation_assign(actor=secretary, case=case, mediator=persona("worker_huachuan"))
    with pytest.raises(NotAllowed):
        services.mediation_assign(actor=persona("justice_demo"), case=case, mediator=persona("mediator_demo"))
    with django_capture_on_commit_callbacks(execute=True):
        services.mediation_assign(actor=secretary, case=case, mediator=persona("mediator_demo"))
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert Notification.objects.filter(
        recipient=persona("mediator_demo"), kind="cases.mediation.assigned"
    ).exists()


def test_registration_needs_both_sides_and_valid_id(persona, region):
    from community365.cases.models import PartySide

    with pytest.raises(InvalidInput):
        services.mediation_register(
            actor=persona("secretary_huachuan"),
            region=region("划船社区"),
            kind="family",
            source="party",
            summary="家庭矛盾",
            parties=[services.PartyIn(side=PartySide.APPLICANT, name="李")],
        )
    with pytest.raises(InvalidInput):
        services.mediation_register(
            actor=persona("secretary_huachuan"),
            region=region("划船社区"),
            kind="family",
            source="party",
            summary="家庭矛盾",
            parties=[
                services.PartyIn(side=PartySide.APPLICANT, name="李", id_number="110105194912310021"),
                services.PartyIn(side=PartySide.RESPONDENT, name="王"),
            ],
        )


def test_outsiders_cannot_register_in_another_community(persona, region):
    from community365.cases.models import PartySide

    with pytest.raises(NotAllowed):
        services.mediation_register(
            actor=persona("worker_huangli"),
            region=region("划船社区"),
            kind="family",
            source="party",
            summary="家庭矛盾",
            parties=[
                services.PartyIn(side=PartySide.APPLICANT, name="李"),
                services.PartyIn(side=PartySide.RESPONDENT, name="王"),
            ],
        )


def test_social_worker_registers_through_the_page_then_sees_counts_only(client_for):
    page = client_for("worker_huachuan")
    from community365.regions.models import Region

    huachuan = Region.objects.get(name="划船社区")
    answer = page.post(
        "/cases/mediations/new/",
        {
            "community": huachuan.pk,
            "kind": "neighbours",
            "source": "social_worker",
            "summary": "楼道堆物引发争吵",
            "name_0": "甲某",
            "name_1": "乙某",
        },
    )
    assert answer.status_code == 302 and answer["Location"] == "/cases/mediations/"
    case = MediationCase.objects.order_by("-id").first()
    assert case.source == "social_worker" and case.status == CaseStatus.REGISTERED
    assert page.get(f"/cases/mediations/{case.pk}/").status_code == 404


def test_bad_page_input_is_a_message_not_a_500(client_for, new_case):
    case = new_case()
    page = client_for("mediator_demo")
    answer = page.post(
        f"/cases/mediations/{case.pk}/session", {"held_at": "not a date", "attended": "", "notes": ""}
    )
    assert answer.status_code == 302
    answer = page.post(f"/cases/mediations/{case.pk}/scan", {"scan": io.BytesIO(b"MZ")})
    assert answer.status_code == 302


def test_scan_must_be_a_pdf_or_picture(new_case, persona):
    mediator = persona("mediator_demo")
    case = new_case()
    services.mediation_agree(
        actor=mediator, case=case, facts="事实经过", terms="协议内容", performance="当场"
    )
    with pytest.raises(InvalidInput):
        services.agreement_attach_scan(
            actor=mediator,
            case=case,
            upload=SimpleUploadedFile("x.pdf", b"MZ\x90\x00", content_type="application/pdf"),
        )
    with pytest.raises(InvalidInput):
        services.agreement_attach_scan(actor=mediator, case=case, upload=SimpleUploadedFile("x.exe", b"MZ"))


def test_overdue_sweep_tells_once(new_case, persona, system, django_capture_on_commit_callbacks):
    case = new_case()
    later = timezone.now() + datetime.timedelta(days=31)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.mediation_sweep(actor=system, now=later)
        again = services.mediation_sweep(actor=system, now=later)
    assert first["overdue"] >= 1 and again["overdue"] == 0
    notes = Notification.objects.filter(recipient=persona("mediator_demo"), kind="cases.mediation.overdue")
    assert notes.filter(params__number=case.number).count() == 1
    assert Notification.objects.filter(
        recipient=persona("secretary_huachuan"), kind="cases.mediation.overdue", params__number=case.number
    ).exists()


def test_follow_up_refused_before_agreement_and_for_outsiders(new_case, persona):
    case = new_case()
    with pytest.raises(InvalidTransition):
        services.mediation_follow_up(actor=persona("mediator_demo"), case=case, kept=True, note="回访")
    with pytest.raises(NotAllowed):
        services.mediation_follow_up(actor=persona("worker_huachuan"), case=case, kept=True, note="回访")


def test_page_steps_for_the_mediator(new_case, client_for):
    case = new_case()
    page = client_for("mediator_demo")
    body = page.get(f"/cases/mediations/{case.pk}/").content.decode()
    assert "记录一次调解" in body and "张大伯" in body
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    page.post(
        f"/cases/mediations/{case.pk}/session", {"held_at": now, "attended": "双方", "notes": "各自陈述"}
    )
    page.post(
        f"/cases/mediations/{case.pk}/agree", {"facts": "漏水", "terms": "各担一半", "performance": "一周内"}
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.AGREED and case.sessions.count() == 1

"""Every teams page and export checks its permission (404 otherwise); the personal export holds
only one's own records and the team export lives on the team page; the rota's manage check
stands at both the edge and the service; a failed self check-in leaves a refused audit row."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from community365.audit.models import AuditEvent
from community365.core.errors import NotAllowed
from community365.teams import services
from community365.teams.models import ServiceRecord, Signup, Team

pytestmark = pytest.mark.django_db


def _cells(response) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- the personal export and the team export -----------------------------------------------------


def test_personal_export_holds_only_the_users_own_records(client_for, persona, make_activity, system):
    # given the red team's leader, who organised a year of the team's activities and served
    # once in the orange team
    leader = persona("volunteer_demo")
    orange = Team.objects.get(region__name="划船社区", colour="orange")
    start = timezone.now() - datetime.timedelta(days=2)
    served = make_activity(orange, start=start)
    services.record_sheet(actor=system, activity=served, entries=[(leader, 2)])
    others = ServiceRecord.objects.filter(activity__team__region__name="划船社区").exclude(volunteer=leader)
    assert others.exists()

    # when the leader exports from "my hours"
    response = client_for("volunteer_demo").get("/teams/records.xlsx")

    # then the sheet has one row per own record and names no other volunteer
    assert response.status_code == 200
    rows = _cells(response)[1:]
    assert len(rows) == ServiceRecord.objects.filter(volunteer=leader).count() == 1
    text = " ".join(str(c) for row in rows for c in row[:-1])  # the last column names the verifier
    for name in set(others.values_list("volunteer__display_name", flat=True)):
        assert name not in text


def test_personal_export_is_404_for_a_resident_without_records(client_for):
    assert client_for("resident_huachuan").get("/teams/records.xlsx").status_code == 404


def test_my_hours_links_only_the_personal_export(client_for):
    page = client_for("volunteer_001").get("/teams/my-hours/").content.decode()
    assert 'id="my-records-export" href="/teams/records.xlsx"' in page
    assert "/teams/t/" not in page
    # a resident with no records is offered no export that would answer 404
    assert "records.xlsx" not in client_for("resident_huachuan").get("/teams/my-hours/").content.decode()


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("volunteer_demo", 200),  # the team's leader
        ("worker_huachuan", 200),  # the community's social worker sees its records
        ("secretary_huachuan", 200),
        ("volunteer_001", 404),  # a member, not a leader
        ("resident_huachuan", 404),
        ("member_demo", 404),
        ("worker_huangli", 404),  # another community: the team is not even visible
    ],
)
def test_team_export_is_for_the_leader_and_the_staff_of_its_place(client_for, username, status):
    red = Team.objects.get(region__name="划船社区", colour="red")
    response = client_for(username).get(f"/teams/t/{red.pk}/records.xlsx")
    assert response.status_code == status
    if status == 200:
        rows = _cells(response)[1:]
        assert len(rows) == ServiceRecord.objects.filter(activity__team=red).count()


def test_team_page_shows_the_export_only_to_those_who_may_open_it(client_for):
    red = Team.objects.get(region__name="划船社区", colour="red")
    link = f'href="/teams/t/{red.pk}/records.xlsx"'
    assert link in client_for("volunteer_demo").get(f"/teams/t/{red.pk}/").content.decode()
    assert link not in client_for("volunteer_001").get(f"/teams/t/{red.pk}/").content.decode()
    assert link not in client_for("resident_huachuan").get(f"/teams/t/{red.pk}/").content.decode()


# --- staff-only pages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("resident_huachuan", 404),
        ("volunteer_001", 404),
        ("liaison_housing", 404),
        ("member_demo", 200),  # a party member: own profile and posts
        ("secretary_huachuan", 200),
        ("worker_huachuan", 200),
        ("admin_district", 200),
    ],
)
def test_party_page_is_for_party_members_and_staff(client_for, username, status):
    assert client_for(username).get("/teams/party/").status_code == status


@pytest.mark.parametrize(
    ("username", "query", "status"),
    [
        ("resident_huachuan", "", 404),  # no record of their own
        ("resident_huachuan", "unit=1", 404),  # nor anyone else's
        ("volunteer_001", "", 404),
        ("member_demo", "", 200),  # their own quarterly record
        ("member_demo", "unit=1", 404),  # a unit's report lists other members
        ("secretary_huachuan", "unit=1", 200),
    ],
)
def test_party_report_export_is_for_members_own_record_and_staff(client_for, username, query, status):
    from community365.teams.models import PartyMember

    unit = PartyMember.objects.filter(unit__isnull=False).values_list("unit_id", flat=True).first()
    query = query.replace("unit=1", f"unit={unit}")
    assert client_for(username).get(f"/teams/party/report.xlsx?{query}").status_code == status


def test_party_links_are_not_shown_to_those_who_cannot_open_the_page(client_for):
    assert "/teams/party/" not in client_for("resident_huachuan").get("/teams/").content.decode()
    assert "/teams/party/" in client_for("member_demo").get("/teams/").content.decode()


@pytest.mark.parametrize(
    ("username", "status"),
    [("resident_huachuan", 404), ("volunteer_001", 404), ("worker_huachuan", 200)],
)
def test_my_shifts_is_for_those_on_a_rota(client_for, username, status):
    assert client_for(username).get("/teams/my-shifts/").status_code == status


# --- publishing the rota: two checks, each tested alone ----------------------------------------


def test_the_service_refuses_a_social_worker_publishing(persona, region):
    huachuan = region("划船社区")
    with pytest.raises(NotAllowed):
        services.roster_publish(
            actor=persona("worker_huachuan"),
            roster=huachuan.duty_roster,
            through=timezone.localdate() + datetime.timedelta(days=3),
            accept_gaps=True,
        )


@pytest.fixture
def service_check_removed(monkeypatch):
    """The service's own check planted away: what the edge alone must still refuse."""
    from community365.teams.services import rota

    monkeypatch.setattr(rota, "_require_rota_manager", lambda actor, roster: "community_secretary")


def test_the_api_refuses_a_social_worker_publishing_even_without_the_service_check(
    api_for, region, service_check_removed
):
    huachuan = region("划船社区")
    before = huachuan.duty_roster.published_through
    through = (timezone.localdate() + datetime.timedelta(days=200)).isoformat()
    response = api_for("worker_huachuan").post(
        f"/api/v1/teams/rota/{huachuan.pk}/publish",
        {"through": through, "accept_gaps": True},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["code"] == "not_allowed"
    huachuan.duty_roster.refresh_from_db()
    assert huachuan.duty_roster.published_through == before


def test_the_page_refuses_a_social_worker_publishing_even_without_the_service_check(
    client_for, region, service_check_removed
):
    huachuan = region("划船社区")
    before = huachuan.duty_roster.published_through
    through = (timezone.localdate() + datetime.timedelta(days=200)).isoformat()
    client_for("worker_huachuan").post(
        f"/teams/rota/{huachuan.pk}/", {"action": "publish", "through": through, "accept_gaps": "1"}
    )
    huachuan.duty_roster.refresh_from_db()
    assert huachuan.duty_roster.published_through == before


def test_the_secretary_still_publishes_through_the_api(api_for, region):
    huachuan = region("划船社区")
    through = timezone.localdate() + datetime.timedelta(days=200)
    response = api_for("secretary_huachuan").post(
        f"/api/v1/teams/rota/{huachuan.pk}/publish",
        {"through": through.isoformat(), "accept_gaps": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    huachuan.duty_roster.refresh_from_db()
    assert huachuan.duty_roster.published_through == through


@pytest.mark.parametrize("path", ["fill", "copy-week", "shifts"])
def test_the_api_refuses_other_rota_edits_by_a_social_worker_at_the_edge(
    api_for, region, service_check_removed, path
):
    huachuan = region("划船社区")
    today = timezone.localdate()
    body = {
        "fill": {
            "start": str(today),
            "end": str(today),
            "pattern": [{"weekday": 0, "slot": "morning", "worker": 1}],
        },
        "copy-week": {"week": str(today), "until": str(today + datetime.timedelta(days=14))},
        "shifts": {"date": str(today), "slot": "custom", "worker": 1},
    }[path]
    response = api_for("worker_huachuan").post(
        f"/api/v1/teams/rota/{huachuan.pk}/{path}", body, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["code"] == "not_allowed"


# --- refused self check-ins are in the audit trail ------------------------------------------------


def _activity_now(make_activity):
    red = Team.objects.get(region__name="划船社区", colour="red")
    return make_activity(red, start=timezone.now() - datetime.timedelta(minutes=5))


def test_self_check_in_without_a_signup_is_404_and_audited(api_for, persona, make_activity):
    activity = _activity_now(make_activity)
    volunteer = persona("volunteer_021")
    response = api_for("volunteer_021").post(
        f"/api/v1/teams/activities/{activity.pk}/check-in",
        {"code": activity.checkin_code},
        content_type="application/json",
    )
    assert response.status_code == 404
    refused = AuditEvent.objects.filter(actor=volunteer, action="teams.signup:check_in", result="refused")
    assert refused.count() == 1


def test_self_check_in_with_a_wrong_code_is_refused_and_audited(api_for, persona, make_activity):
    activity = _activity_now(make_activity)
    volunteer = persona("volunteer_022")
    services.signup_create(actor=volunteer, activity=activity)
    wrong = "000000" if activity.checkin_code != "000000" else "111111"
    response = api_for("volunteer_022").post(
        f"/api/v1/teams/activities/{activity.pk}/check-in", {"code": wrong}, content_type="application/json"
    )
    assert response.status_code == 422
    assert (
        AuditEvent.objects.filter(actor=volunteer, action="teams.signup:check_in", result="refused").count()
        == 1
    )
    assert Signup.objects.get(activity=activity, volunteer=volunteer).checked_in_at is None


def test_self_check_out_without_a_signup_is_404_and_audited(api_for, persona, make_activity):
    activity = _activity_now(make_activity)
    response = api_for("volunteer_023").post(
        f"/api/v1/teams/activities/{activity.pk}/check-out",
        {"code": activity.checkin_code},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        actor=persona("volunteer_023"), action="teams.signup:check_out", result="refused"
    ).exists()


def test_self_check_in_with_the_right_code_still_works(api_for, persona, make_activity):
    activity = _activity_now(make_activity)
    services.signup_create(actor=persona("volunteer_024"), activity=activity)
    response = api_for("volunteer_024").post(
        f"/api/v1/teams/activities/{activity.pk}/check-in",
        {"code": activity.checkin_code},
        content_type="application/json",
    )
    assert response.status_code == 200


# --- every teams page and export refuses a resident who may not open it --------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/teams/rota/",
        "/teams/rota/{community}/",
        "/teams/rota/overview/{subdistrict}/",
        "/teams/my-shifts/",
        "/teams/figures/",
        "/teams/party/",
        "/teams/party/report.xlsx",
        "/teams/party/report.xlsx?unit={unit}",
        "/teams/records.xlsx",
        "/teams/t/{team}/records.xlsx",
        "/teams/t/{team}/activities/new/",
        "/teams/activities/{activity}/sheet.xlsx",
        "/teams/certificates/{certificate}.pdf",
    ],
)
def test_a_resident_gets_404_from_every_staff_page_and_export(client_for, persona, region, url):
    from community365.teams.models import Activity, PartyMember

    red = Team.objects.get(region__name="划船社区", colour="red")
    volunteer = persona("volunteer_001")
    values = {
        "community": region("划船社区").pk,
        "subdistrict": region("百丈街道").pk,
        "unit": PartyMember.objects.filter(unit__isnull=False).values_list("unit_id", flat=True).first(),
        "team": red.pk,
        "activity": Activity.objects.filter(team=red).values_list("pk", flat=True).first(),
        "certificate": services.certificate_issue(actor=volunteer, volunteer=volunteer).pk,
    }
    assert client_for("resident_huachuan").get(url.format(**values)).status_code == 404

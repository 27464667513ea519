"""Every page opens for the role it is for; the others get 404 (not 403)."""

from __future__ import annotations

import pytest

from community365.teams import selectors, services
from community365.teams.models import PartyMember, ReportingStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "username,url",
    [
        ("volunteer_001", "/teams/"),
        ("volunteer_001", "/teams/my-hours/"),
        ("volunteer_001", "/teams/records.xlsx"),
        ("secretary_huachuan", "/teams/rota/"),
        ("secretary_huachuan", "/teams/party/"),
        ("secretary_huachuan", "/teams/figures/"),
        ("worker_huachuan", "/teams/my-shifts/"),
        ("staff_baizhang", "/teams/figures/"),
        ("admin_district", "/teams/figures/"),
        ("leader_demo", "/teams/figures/"),
        ("member_demo", "/teams/party/"),
        ("member_demo", "/teams/party/report.xlsx"),
        ("resident_huachuan", "/teams/"),
    ],
)
def test_pages_open_for_their_roles(client_for, username, url):
    response = client_for(username).get(url, follow=True)
    assert response.status_code == 200, (username, url)


def test_month_view_and_coverage_check_of_the_rota(client_for, region):
    huachuan = region("划船社区")
    client = client_for("secretary_huachuan")
    assert client.get(f"/teams/rota/{huachuan.pk}/?view=month").status_code == 200
    page = client.get(f"/teams/rota/{huachuan.pk}/").content.decode()
    assert "值班检查" in page and "无人值班" in page


@pytest.mark.parametrize(
    "username,url",
    [
        ("volunteer_001", "/teams/figures/"),
        ("resident_huachuan", "/teams/rota/"),
        ("worker_huangli", "/teams/rota/{huachuan}/"),
    ],
)
def test_pages_not_for_a_role_are_not_found(client_for, region, username, url):
    assert client_for(username).get(url.format(huachuan=region("划船社区").pk)).status_code == 404


def test_figures_drill_down_and_api(client_for, api_for, region):
    district = region("江东区")
    page = client_for("admin_district").get(f"/teams/figures/?region={district.pk}").content.decode()
    assert "百丈街道" in page and "每名社工服务居民" in page
    rows = api_for("admin_district").get(f"/api/v1/teams/figures?region={district.pk}").json()
    assert rows[0]["region_name"] == "江东区" and rows[0]["activities"] > 0 and rows[0]["verified_hours"]
    assert (
        api_for("volunteer_001").get(f"/api/v1/teams/figures?region={region('划船社区').pk}").status_code
        == 422
    )


def test_organiser_sheet_shows_full_names_others_see_none(client_for, make_activity, red_team, persona):
    activity = make_activity(red_team)
    services.signup_create(actor=persona("volunteer_001"), activity=activity)
    organiser_page = client_for("volunteer_demo").get(f"/teams/activities/{activity.pk}/").content.decode()
    assert "志愿者001" in organiser_page and activity.checkin_code in organiser_page
    other_page = client_for("volunteer_002").get(f"/teams/activities/{activity.pk}/").content.decode()
    assert "志愿者001" not in other_page and activity.checkin_code not in other_page
    xlsx = client_for("volunteer_demo").get(f"/teams/activities/{activity.pk}/sheet.xlsx")
    assert xlsx.status_code == 200
    assert client_for("volunteer_002").get(f"/teams/activities/{activity.pk}/sheet.xlsx").status_code == 404


def test_secretary_confirms_a_reported_party_member(client_for, region):
    waiting = PartyMember.objects.filter(region=region("划船社区"), status=ReportingStatus.REGISTERED).first()
    assert waiting is not None
    client_for("secretary_huachuan").post("/teams/party/", {"action": "confirm", "member": waiting.pk})
    waiting.refresh_from_db()
    assert waiting.status == ReportingStatus.CONFIRMED
    assert waiting in selectors.eligible_party_members(region("划船社区"))


def test_huangli_worker_cannot_confirm_huachuans_members(client_for, region):
    waiting = PartyMember.objects.filter(region=region("划船社区"), status=ReportingStatus.REGISTERED).first()
    response = client_for("worker_huangli").post("/teams/party/", {"action": "confirm", "member": waiting.pk})
    assert response.status_code == 404


def test_eligible_claimants_are_confirmed_members_holding_the_post(region):
    huachuan = region("划船社区")
    reds = selectors.eligible_party_members(huachuan, "red")
    assert reds.exists()
    assert all(m.status == ReportingStatus.CONFIRMED for m in reds)
    assert all(m.posts.filter(code="red").exists() for m in reds)


def test_party_quarterly_report_for_a_unit(client_for):
    from community365.regions.models import Organisation

    unit = Organisation.objects.get(name="江东区人民医院")
    response = client_for("secretary_huachuan").get(
        f"/teams/party/report.xlsx?unit={unit.pk}&year=2026&quarter=4"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_nav_offers_each_role_its_teams_pages(client_for):
    def nav(username):
        return client_for(username).get("/teams/").content.decode().split("<main")[0]

    assert "我的排班" in nav("worker_huachuan") and "值班表" not in nav("worker_huachuan")
    assert "值班表" in nav("secretary_huachuan")
    assert "党员报到" in nav("member_demo")
    assert "三联统计" not in nav("volunteer_001") and "志愿服务" in nav("volunteer_001")


def test_organiser_sees_party_members_holding_the_post(client_for, make_activity, red_team):
    activity = make_activity(red_team)
    page = client_for("volunteer_demo").get(f"/teams/activities/{activity.pk}/").content.decode()
    assert "岗位的报到党员" in page


def test_a_volunteer_joins_and_leaves_a_team(client_for, persona):
    from community365.teams.models import Team, TeamMembership

    team = Team.objects.get(name="划船社区太极拳社")
    client = client_for("volunteer_001")
    client.post(f"/teams/t/{team.pk}/", {"action": "join"})
    membership = TeamMembership.objects.get(team=team, user=persona("volunteer_001"), left_at__isnull=True)
    client.post(f"/teams/t/{team.pk}/", {"action": "leave"})
    membership.refresh_from_db()
    assert membership.left_at is not None


def test_secretary_registers_and_confirms_a_unit(client_for, region):
    from community365.regions.models import Organisation
    from community365.teams.models import UnitReport

    unit = Organisation.objects.get(name="江东区实验小学")
    client = client_for("secretary_huachuan")
    huangli = region("划船社区")
    UnitReport.objects.filter(organisation=unit, region=huangli).delete()
    client.post(
        "/teams/party/", {"action": "unit_register", "organisation": unit.pk, "community": huangli.pk}
    )
    report = UnitReport.objects.get(organisation=unit, region=huangli)
    client.post("/teams/party/", {"action": "unit_confirm", "report": report.pk})
    report.refresh_from_db()
    assert report.status == ReportingStatus.CONFIRMED


def test_the_secretary_fills_a_month_from_a_pattern_through_the_api(api_for, region, persona):
    huachuan = region("划船社区")
    worker = persona("worker_huachuan")
    response = api_for("secretary_huachuan").post(
        f"/api/v1/teams/rota/{huachuan.pk}/fill",
        {
            "start": "2031-03-01",
            "end": "2031-03-31",
            "pattern": [
                {"weekday": d, "slot": s, "worker": worker.pk}
                for d in range(7)
                for s in ("morning", "afternoon", "evening")
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["added"] == 31 * 3
    holes = api_for("secretary_huachuan").get(
        f"/api/v1/teams/rota/{huachuan.pk}/coverage?start=2031-03-01&end=2031-03-31"
    )
    assert holes.json() == []


def test_the_leader_publishes_an_activity_from_the_form(client_for, red_team):
    from community365.teams.models import Activity

    response = client_for("volunteer_demo").post(
        f"/teams/t/{red_team.pk}/activities/new/",
        {
            "title": "表单发布的活动",
            "starts_at": "2031-05-01T09:00",
            "ends_at": "2031-05-01T11:30",
            "capacity": "8",
            "place": "党群服务中心",
            "allow_waitlist": "on",
        },
    )
    activity = Activity.objects.get(title="表单发布的活动")
    assert response.status_code == 302 and response["Location"] == f"/teams/activities/{activity.pk}/"
    assert activity.capacity == 8 and activity.allow_waitlist
    assert client_for("volunteer_005").get(f"/teams/t/{red_team.pk}/activities/new/").status_code == 404

"""Secretary projects: apply, review, tasks and progress, the overdue sweep, the year-end score,
the published list and who may see what."""

from __future__ import annotations

import datetime

import pytest

from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed, NotFound

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_world")]
SYSTEM = SystemActor("tests")


def test_contract_2016_list_as_district_admin(api_for):
    api = api_for("admin_district")
    body = api.get("/api/v1/mechanisms/projects?year=2016&limit=200").json()
    assert body["count"] == 71
    assert len({(p["unit"]) for p in body["items"]}) == 46
    first = body["items"][0]
    assert {"unit", "menu_item", "status", "progress"} <= set(first)
    assert {p["status"] for p in body["items"]} == {"approved"}
    assert any(p["menu_item"] is None for p in body["items"]) and any(p["menu_item"] for p in body["items"])


def test_demo_personas_have_their_projects(persona):
    from community365.mechanisms.models import SecretaryProject

    assert (
        SecretaryProject.objects.filter(
            secretary=persona("secretary_huachuan"), unit__name="划船社区", year=2016
        ).count()
        == 2
    )
    mine = SecretaryProject.objects.filter(secretary=persona("unit_secretary_demo"), year=2016)
    assert mine.count() == 1 and mine.get().unit.kind == "organisation"


def test_apply_creates_tasks_from_milestones(apply):
    project = apply()
    assert project.status == "submitted"
    assert [t.owner_name for t in project.tasks.order_by("due")] == ["王书记", "李委员"]
    assert project.subdistrict is not None and project.unit_kind == "organisation"


def test_only_the_units_own_secretary_applies(apply, persona):
    with pytest.raises(NotAllowed):
        apply(actor=persona("secretary_huachuan"))


def test_milestone_outside_the_year_is_refused(apply):
    with pytest.raises(InvalidInput):
        apply(due=datetime.date(2029, 12, 1))


def test_menu_item_of_another_year_is_refused(apply):
    from community365.mechanisms.models import MenuItem

    item = MenuItem.objects.filter(year=2016).first()
    with pytest.raises(InvalidInput):
        apply(menu_item=item)


def test_review_needs_the_organisation_department_and_a_reason_to_return(apply, persona):
    from community365.mechanisms import services

    project = apply()
    with pytest.raises(NotAllowed):
        services.project_review(actor=persona("staff_baizhang"), project=project, decision="approve")
    with pytest.raises(InvalidInput):
        services.project_review(
            actor=persona("admin_district"), project=project, decision="return", reason=""
        )
    services.project_review(
        actor=persona("admin_district"), project=project, decision="return", reason="请写清节点"
    )
    assert project.status == "returned"
    # a decided application cannot be decided again
    with pytest.raises(InvalidTransition):
        services.project_review(actor=persona("admin_district"), project=project, decision="approve")
    services.project_resubmit(actor=project.secretary, project=project, goal="建成一个红色驿站并每月开放")
    services.project_review(actor=persona("admin_district"), project=project, decision="approve")
    project.refresh_from_db()
    assert project.status == "approved" and project.decided_by == persona("admin_district")


def test_an_application_is_hidden_from_others_until_approved(apply, client_for, persona):
    from community365.mechanisms import policies

    project = apply()
    with pytest.raises(NotFound):
        policies.get_visible_project(persona("resident_huachuan"), project.pk)
    assert client_for("resident_huachuan").get(f"/mechanisms/projects/{project.pk}/").status_code == 404
    assert client_for("unit_secretary_demo").get(f"/mechanisms/projects/{project.pk}/").status_code == 200
    from community365.mechanisms import services

    services.project_review(actor=SYSTEM, project=project, decision="approve")
    assert client_for("resident_huachuan").get(f"/mechanisms/projects/{project.pk}/").status_code == 200


def test_api_review_by_a_non_admin_is_422(api_for, apply):
    project = apply()
    answer = api_for("secretary_huachuan").post(
        f"/api/v1/mechanisms/projects/{project.pk}/review",
        {"decision": "approve"},
        content_type="application/json",
    )
    # 划船's secretary oversees places, not the district's organisation department: not visible here
    assert answer.status_code in (404, 422)
    answer = api_for("leader_demo").post(
        f"/api/v1/mechanisms/projects/{project.pk}/review",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert answer.status_code == 422 and answer.json()["code"] == "not_allowed"


def test_progress_never_goes_backwards_and_only_the_owner_reports(apply, persona):
    from community365.mechanisms import services

    project = apply(approve=True)
    services.progress_report(actor=project.secretary, project=project, note="驿站选址完成", percent=40)
    services.progress_report(actor=project.secretary, project=project, note="补充材料", percent=20)
    project.refresh_from_db()
    assert project.progress == 40
    with pytest.raises(NotAllowed):
        services.progress_report(
            actor=persona("secretary_huachuan"), project=project, note="代报", percent=90
        )
    with pytest.raises(InvalidInput):
        services.progress_report(actor=project.secretary, project=project, note="超过", percent=101)
    with pytest.raises(InvalidInput):
        services.progress_report(
            actor=project.secretary, project=project, note="链接", percent=50, link="javascript:x"
        )


def test_progress_on_an_unapproved_project_is_refused(apply):
    from community365.mechanisms import services

    project = apply()
    with pytest.raises(InvalidTransition):
        services.progress_report(actor=project.secretary, project=project, note="提前填报", percent=10)


def test_overdue_sweep_flags_each_task_once_and_tells_the_secretary(
    apply, django_capture_on_commit_callbacks
):
    from community365.mechanisms import selectors, services
    from community365.notifications.models import Notification

    project = apply(approve=True)
    before = Notification.objects.filter(recipient=project.secretary).count()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.overdue_sweep(actor=SYSTEM, today=datetime.date(YEAR_AFTER, 1, 1))
    again = services.overdue_sweep(actor=SYSTEM, today=datetime.date(YEAR_AFTER, 1, 1))
    assert first["flagged"] >= 2 and again["flagged"] == 0
    assert project.tasks.filter(overdue_at__isnull=False).count() == 2
    assert Notification.objects.filter(recipient=project.secretary).count() == before + 2
    # done tasks are never flagged
    assert not project.tasks.filter(done_at__isnull=False, overdue_at__isnull=False).exists()
    assert selectors.overdue_tasks().filter(project=project).count() == 0  # due in 2030: not yet


YEAR_AFTER = 2031


def test_mid_year_check_is_the_departments(apply, persona):
    from community365.mechanisms import services

    project = apply(approve=True)
    with pytest.raises(NotAllowed):
        services.mid_year_check(actor=project.secretary, project=project, on_track=True, note="自查正常")
    services.mid_year_check(actor=persona("admin_district"), project=project, on_track=False, note="进度滞后")
    project.refresh_from_db()
    assert project.mid_year_on_track is False and project.mid_year_checked_at is not None


def test_score_on_the_rubric_with_residents_ratings(apply, persona, district):
    from decimal import Decimal

    from community365.mechanisms import services

    services.rubric_set(actor=SYSTEM, district=district, year=2030, residents_weight=20)
    project = apply(approve=True)
    admin = persona("admin_district")
    with pytest.raises(InvalidInput):  # above the rubric's maximum
        services.project_score(
            actor=admin, project=project, goal=31, benefit=20, innovation=10, documentation=10
        )
    services.project_score(actor=admin, project=project, goal=30, benefit=20, innovation=10, documentation=20)
    project.refresh_from_db()
    assert project.score == Decimal("80.0") and project.status == "evaluated"
    assert project.reviews.get().district_id == project.district_id  # copied from the project
    with pytest.raises(Conflict):
        services.project_score(actor=admin, project=project, goal=1, benefit=1, innovation=1, documentation=1)
    # the rubric is fixed once scoring started
    with pytest.raises(InvalidTransition):
        services.rubric_set(actor=SYSTEM, district=district, year=2030, residents_weight=50)


def test_residents_rate_only_projects_of_their_own_place(persona):
    from decimal import Decimal

    from community365.mechanisms import services
    from community365.mechanisms.models import SecretaryProject

    project = SecretaryProject.objects.filter(unit__name="划船社区", year=2016).first()
    services.project_score(
        actor=persona("admin_district"), project=project, goal=20, benefit=20, innovation=20, documentation=20
    )
    with pytest.raises(NotAllowed):
        services.project_rate(actor=persona("resident_101"), project=project, stars=5)  # 黄鹂社区
    services.project_rate(actor=persona("resident_huachuan"), project=project, stars=5)
    project.refresh_from_db()
    # 80 × 0.8 + 5 × 20 × 0.2
    assert project.score == Decimal("84.0")
    assert project.ratings.get().district_id == project.district_id  # copied from the project
    with pytest.raises(Conflict):
        services.project_rate(actor=persona("resident_huachuan"), project=project, stars=1)


def test_figures_are_the_lists_numbers(persona):
    from community365.mechanisms import selectors
    from community365.mechanisms.models import SecretaryProject

    figures = selectors.project_figures(persona("admin_district"), 2016)
    assert (figures.total, figures.units_applying, figures.menu_size) == (71, 46, 35)
    assert sum(f.count for f in figures.by_theme) == 71 == sum(f.count for f in figures.by_unit_kind)
    late = (
        SecretaryProject.objects.filter(
            year=2016, tasks__done_at__isnull=True, tasks__due__lt=datetime.date.today()
        )
        .distinct()
        .count()
    )
    assert figures.on_schedule == 71 - late
    assert 0 < figures.menu_taken <= 35


def test_figures_page_and_export(client_for):
    page = client_for("admin_district").get("/mechanisms/projects/figures/?year=2016")
    assert page.status_code == 200 and "71" in page.content.decode()
    xlsx = client_for("admin_district").get("/mechanisms/projects/figures.xlsx?year=2016")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for("resident_huachuan").get("/mechanisms/projects/figures/").status_code == 404


def test_apply_page_posts_through_the_service(client_for, unit):
    from community365.mechanisms.models import SecretaryProject

    client = client_for("unit_secretary_demo")
    answer = client.post(
        "/mechanisms/projects/new/",
        {
            "year": 2030,
            "unit": unit.pk,
            "theme": "service",
            "title": "楼宇白领志愿服务",
            "problem": "白领参与社区服务少",
            "goal": "组建一支白领志愿队",
            "measures": "招募、培训、每月服务",
            "m1_title": "招募队员",
            "m1_owner": "张委员",
            "m1_due": "2030-05-01",
        },
    )
    project = SecretaryProject.objects.get(title="楼宇白领志愿服务")
    assert answer.status_code == 302 and project.tasks.count() == 1
    # without a milestone the page shows the reason and keeps nothing
    answer = client.post(
        "/mechanisms/projects/new/",
        {"year": 2030, "unit": unit.pk, "theme": "service", "title": "另一个项目名称"},
    )
    assert answer.status_code == 200 and not SecretaryProject.objects.filter(title="另一个项目名称").exists()


def test_indicator_on_schedule_is_grouped(region):
    from community365.core import indicators

    indicator = indicators.get("mechanisms.projects_on_schedule")
    huachuan = region("划船社区")
    values = indicator.values(
        indicators.Period(datetime.date(2016, 1, 1), datetime.date(2016, 12, 31)), [huachuan.pk]
    )
    assert values[huachuan.pk].denominator == 2


def test_a_progress_photo_opens_from_the_project_page_and_nowhere_else(apply, client_for, tmp_path, settings):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from community365.mechanisms import services
    from community365.mechanisms.models import ProjectProgress

    settings.MEDIA_ROOT = str(tmp_path)
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "red").save(buffer, "JPEG")
    project = apply(approve=True)
    services.progress_report(
        actor=project.secretary,
        project=project,
        note="驿站挂牌",
        percent=30,
        evidence=SimpleUploadedFile("a.jpg", buffer.getvalue(), content_type="image/jpeg"),
    )
    services.progress_report(actor=project.secretary, project=project, note="没有照片", percent=35)
    with_photo, without = ProjectProgress.objects.filter(project=project).order_by("id")
    url = f"/mechanisms/projects/reports/{with_photo.pk}/photo"

    page = client_for("resident_huachuan").get(f"/mechanisms/projects/{project.pk}/").content.decode()
    assert url in page
    answer = client_for("resident_huachuan").get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"
    # a report without a photo, an unknown report, and an anonymous visitor get nothing
    assert (
        client_for("resident_huachuan").get(f"/mechanisms/projects/reports/{without.pk}/photo").status_code
        == 404
    )
    assert (
        client_for("resident_huachuan").get("/mechanisms/projects/reports/999999999/photo").status_code == 404
    )
    from django.test import Client

    assert Client().get(url).status_code == 302

"""Pages: who gets in (not visible ⇒ 404), the one obvious button, the department's inbox, the
organisation department's queue, figures and their xlsx export."""

from __future__ import annotations

import io

import pytest

from community365.talks import services
from community365.talks.models import TalkTopic

pytestmark = pytest.mark.django_db


def test_board_lists_public_topics_for_every_role(client_for):
    for username in (
        "resident_001",
        "resident_101",
        "worker_huangli",
        "liaison_housing",
        "leader_demo",
        "admin_district",
    ):
        response = client_for(username).get("/talks/")
        assert response.status_code == 200, username
        assert "双向约谈" in response.content.decode()


def test_topic_in_signature_is_not_found_from_another_community(client_for, signing_topic):
    topic = signing_topic(3)
    assert client_for("resident_002").get(f"/talks/{topic.pk}/").status_code == 200
    for outsider in ("resident_101", "worker_huangli"):
        assert client_for(outsider).get(f"/talks/{topic.pk}/").status_code == 404, outsider
        response = client_for(outsider).post(f"/talks/{topic.pk}/do", {"action": "sign"})
        assert response.status_code == 404
    assert topic.title not in client_for("resident_101").get("/talks/").content.decode()


def test_draft_page_is_the_authors_alone(client_for, draft):
    topic = draft()
    page = client_for("resident_001").get(f"/talks/{topic.pk}/").content.decode()
    assert "开始征集联署" in page
    assert client_for("resident_002").get(f"/talks/{topic.pk}/").status_code == 404
    assert client_for("secretary_huachuan").get(f"/talks/{topic.pk}/").status_code == 404


def test_verified_resident_sees_one_sign_button_and_signs(client_for, signing_topic):
    topic = signing_topic(9)
    client = client_for("resident_002")
    page = client.get(f"/talks/{topic.pk}/").content.decode()
    assert page.count('value="sign"') == 1 and "我支持，联署" in page
    response = client.post(f"/talks/{topic.pk}/do", {"action": "sign"}, follow=True)
    body = response.content.decode()
    assert "联署成功" in body and "您已联署" in body
    topic.refresh_from_db()
    assert topic.signature_count == 10
    # the author now sees the submit button
    assert "报送区里" in client_for("resident_001").get(f"/talks/{topic.pk}/").content.decode()


def test_refusal_is_shown_as_a_message(client_for, signing_topic):
    topic = signing_topic(0)
    body = (
        client_for("resident_001")
        .post(f"/talks/{topic.pk}/do", {"action": "sign"}, follow=True)
        .content.decode()
    )
    assert "发起人" in body


def test_resident_can_draft_a_topic_through_the_form(client_for):
    client = client_for("resident_003")
    assert "保存草稿" in client.get("/talks/new/").content.decode()
    response = client.post(
        "/talks/new/",
        {
            "title": "电梯加装",
            "description": "六楼老人下楼难",
            "request": "加装电梯",
            "invitee_kind": "undecided",
        },
    )
    assert response.status_code == 302
    topic = TalkTopic.objects.get(title="电梯加装")
    assert topic.status == "draft" and topic.region.name == "划船社区"


def test_draft_form_is_not_found_for_roles_that_cannot_raise(client_for):
    # residents raise topics; a social worker or a liaison has no form to fill in here
    assert client_for("resident_001").get("/talks/new/").status_code == 200
    for username in ("worker_huachuan", "liaison_housing", "admin_district"):
        assert client_for(username).get("/talks/new/").status_code == 404, username


def test_department_inbox_and_organisation_queue_are_for_their_roles(client_for):
    assert client_for("liaison_housing").get("/talks/tasks/").status_code == 200
    assert client_for("admin_district").get("/talks/queue/").status_code == 200
    for outsider in ("resident_001", "worker_huachuan"):
        assert client_for(outsider).get("/talks/tasks/").status_code == 404
        assert client_for(outsider).get("/talks/queue/").status_code == 404
    assert client_for("liaison_housing").get("/talks/queue/").status_code == 404


def test_liaison_claims_through_the_inbox_and_cannot_touch_other_tasks(
    client_for, answering_topic, civil_liaison
):
    topic = answering_topic([("修灯", "housing", 1), ("助餐", "civil-affairs", 1)])
    housing_task, civil_task = topic.tasks.order_by("id")
    client = client_for("liaison_housing")
    assert "修灯" in client.get("/talks/tasks/").content.decode()
    client.post(f"/talks/tasks/{housing_task.pk}/do", {"action": "claim"})
    housing_task.refresh_from_db()
    assert housing_task.department.code == "housing"
    services.task_claim(actor=civil_liaison, task=civil_task)
    # a task another department carries is not found for housing
    assert (
        client.post(f"/talks/tasks/{civil_task.pk}/do", {"action": "progress", "status": "done"}).status_code
        == 404
    )


def test_organisation_department_page_shows_decisions(client_for, signing_topic, persona):
    topic = signing_topic(10)
    services.topic_submit(actor=persona("resident_001"), topic=topic)
    admin = client_for("admin_district")
    assert topic.title in admin.get("/talks/queue/").content.decode()
    page = admin.get(f"/talks/{topic.pk}/").content.decode()
    assert 'value="accept"' in page and 'value="decline"' in page
    admin.post(f"/talks/{topic.pk}/do", {"action": "accept"})
    topic.refresh_from_db()
    assert topic.status == "accepted"


def test_figures_page_and_xlsx_export_agree(client_for, persona):
    from openpyxl import load_workbook

    from community365.talks import selectors

    client = client_for("admin_district")
    for by in ("community", "subdistrict", "department", "leader"):
        assert client.get(f"/talks/figures/?by={by}").status_code == 200
    response = client.get("/talks/figures.xlsx?by=subdistrict")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    _rows, total = selectors.figures(persona("admin_district"), "subdistrict")
    total_row = next(r for r in rows if r[0] == "合计")
    assert total_row[1] == total.raised and total_row[3] == total.accepted
    assert len([r for r in rows[1:] if r and r[0] and r[0].endswith("街道")]) == 8


def test_resident_figures_count_only_what_they_see(persona):
    from community365.talks import selectors

    _rows, mine = selectors.figures(persona("resident_101"), "community")
    _rows, everything = selectors.figures(persona("admin_district"), "community")
    assert mine.raised < everything.raised  # topics in signature elsewhere are not theirs to see


def test_board_page_query_count_does_not_grow_with_topics(client_for, django_assert_max_num_queries):
    client = client_for("admin_district")
    with django_assert_max_num_queries(25):
        client.get("/talks/")


def test_social_worker_sees_the_paper_form_not_the_residents_hints(client_for, signing_topic):
    topic = signing_topic(2)
    page = client_for("worker_huachuan").get(f"/talks/{topic.pk}/").content.decode()
    assert "录入纸质联署" in page and 'value="paper"' in page
    assert 'value="sign"' not in page and "核实居民身份" not in page

"""Pages and the API: forms go through the services, refusals come back as messages, exports
are formula-safe, residents see nothing."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from community365.supervision.models import Assessment, Notice, NoticeReply, SpecialTalk

pytestmark = pytest.mark.django_db


def test_start_links_on_the_league_for_the_district_only(client_for, huachuan):
    page = client_for("admin_district").get(reverse("bm_league"))
    assert f"{reverse('sup_talk_new')}?community={huachuan.pk}" in page.content.decode()
    page = client_for("staff_baizhang").get(reverse("bm_community", args=[huachuan.pk]))
    html = page.content.decode()
    assert reverse("sup_notice_new") in html and reverse("sup_talk_new") not in html
    page = client_for("secretary_huachuan").get(reverse("bm_community", args=[huachuan.pk]))
    assert reverse("sup_notice_new") not in page.content.decode()


def test_start_a_talk_from_the_form(client_for, huachuan, soon):
    client = client_for("admin_district")
    assert client.get(reverse("sup_talk_new") + f"?community={huachuan.pk}").status_code == 200
    answer = client.post(
        reverse("sup_talk_new"),
        {
            "community": huachuan.pk,
            "held_on": timezone.localdate().isoformat(),
            "points": "台账不全的问题",
            "c1_text": "补齐台账",
            "c1_deadline": soon.isoformat(),
        },
    )
    talk = SpecialTalk.objects.order_by("-pk").first()
    assert answer.status_code == 302 and talk.region == huachuan and talk.commitments.count() == 1


def test_a_past_deadline_is_a_message_not_an_error(client_for, huachuan):
    answer = client_for("admin_district").post(
        reverse("sup_notice_new"),
        {
            "community": [huachuan.pk],
            "title": "通报",
            "body": "请整改。",
            "i1_text": "事项",
            "i1_deadline": "2001-01-01",
        },
        follow=True,
    )
    assert answer.status_code == 200 and "期限不能早于今天" in answer.content.decode()


def test_reply_with_a_picture_and_see_it(client_for, notice, huachuan):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, format="PNG")
    photo = SimpleUploadedFile("photo.png", buf.getvalue(), content_type="image/png")
    item = notice.items.get(number=1)
    client = client_for("secretary_huachuan")
    client.post(
        reverse("sup_notice_action", args=[notice.pk, "reply"]),
        {"item": item.pk, "community": huachuan.pk, "text": "已经整改完毕", "evidence": photo},
    )
    reply = NoticeReply.objects.get(item=item, region=huachuan)
    assert reply.evidence
    assert client.get(reverse("sup_reply_evidence", args=[reply.pk])).status_code == 200
    # 黄鹂社区's social worker sees the notice but not 划船社区's reply
    assert client_for("worker_huangli").get(reverse("sup_reply_evidence", args=[reply.pk])).status_code == 404
    page = client_for("worker_huangli").get(reverse("sup_notice", args=[notice.pk])).content.decode()
    assert "已经整改完毕" not in page


def test_residents_see_nothing(client_for, notice, talk):
    client = client_for("resident_huachuan")
    for url in (
        reverse("sup_todo"),
        reverse("sup_notice", args=[notice.pk]),
        reverse("sup_talk", args=[talk.pk]),
    ):
        assert client.get(url).status_code == 404


def test_exports_keep_text_as_text(client_for, admin, huachuan, soon):
    from community365.supervision import services

    talk = services.talk_start(
        actor=admin,
        community=huachuan,
        held_on=timezone.localdate(),
        points="问题若干",
        commitments=[('=HYPERLINK("http://x","点我")', soon)],
    )
    answer = client_for("admin_district").get(reverse("sup_talks_xlsx"))
    sheet = load_workbook(io.BytesIO(answer.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == talk.commitments.get().text]
    assert cells and cells[0].data_type == "s"


def test_assessment_page_shows_the_formula_and_drills_to_reviews(client_for, district, huachuan):
    assessment = Assessment.objects.get(district=district, year=timezone.localdate().year - 1)
    html = (
        client_for("secretary_huachuan").get(reverse("sup_assessment", args=[assessment.pk])).content.decode()
    )
    assert "综合得分 = 对标年度得分 × 70% + 述职评议得分 × 30%" in html
    drill = client_for("secretary_huachuan").get(
        reverse("sup_assessment_community", args=[assessment.pk, huachuan.pk])
    )
    assert drill.status_code == 200 and "去掉" in drill.content.decode()
    # the secretary reads only their community's row; reviewers are numbered, not named
    rows = list(drill.context["reviews"])
    assert all(r.label.isdigit() for r in rows)


def test_to_do_counts_match_the_page(client_for, notice):
    from community365.core.todos import todos_for
    from community365.people.models import User

    user = User.objects.get(username="secretary_huachuan")
    counts = {c.key: c for c in todos_for(user).counts}
    page = client_for("secretary_huachuan").get(reverse("sup_todo")).content.decode()
    section = page.split('id="to-reply"')[1].split("</section>")[0]
    assert section.count("data-row") == counts["supervision.reply"].count >= 2


def test_api_reply_and_objection(api_for, notice, district, huachuan):
    api = api_for("secretary_huachuan")
    item = notice.items.get(number=2)
    url = f"/api/v1/supervision/notices/{notice.pk}/replies"
    body = {"item_id": item.pk, "community_id": huachuan.pk, "text": "已经整改完毕"}
    first = api.post(url, body, content_type="application/json")
    assert first.status_code == 201, first.content
    again = api.post(url, body, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_replied"
    assert api_for("worker_huachuan").post(url, body, content_type="application/json").status_code == 422
    assessment = Assessment.objects.get(district=district, year=timezone.localdate().year - 1)
    url = f"/api/v1/supervision/assessments/{assessment.pk}/objections"
    made = api.post(url, {"community_id": huachuan.pk, "text": "请复核得分"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["status"] == "open"
    assert api_for("resident_huachuan").get(f"/api/v1/supervision/notices/{notice.pk}").status_code == 404
    detail = api_for("admin_district").get(f"/api/v1/supervision/assessments/{assessment.pk}").json()
    assert detail["results"] and "review_mean" in detail["formula"]


def test_notice_list_filters(client_for, notice):
    page = client_for("admin_district").get(reverse("sup_notices") + "?status=closed")
    assert notice.title not in page.content.decode()
    assert Notice.objects.filter(status="closed").exists()

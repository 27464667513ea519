"""Who may see and do what: the outsider gets 404, the visible-but-not-allowed gets 422."""

from __future__ import annotations

import pytest

from community365.wishes import services
from community365.wishes.models import ServiceCategory, WishStatus

pytestmark = pytest.mark.django_db


def test_resident_cannot_claim_a_published_wish(api_for, make_wish):
    wish = make_wish()
    response = api_for("resident_huachuan").post(f"/api/v1/wishes/{wish.pk}/claim")
    assert response.status_code == 422
    assert response.json()["code"] == "not_a_claimant"
    assert "党员" in response.json()["message"]


def test_claimant_cannot_see_unpublished_wish_of_another_community(api_for, make_wish):
    wish = make_wish("黄鹂社区", status="submitted")
    client = api_for("member_demo")  # a party member of 划船社区
    assert client.get(f"/api/v1/wishes/{wish.pk}").status_code == 404
    assert client.post(f"/api/v1/wishes/{wish.pk}/claim").status_code == 404


def test_huangli_social_worker_cannot_review_a_huachuan_wish(api_for, make_wish):
    wish = make_wish("划船社区", status="submitted")
    client = api_for("worker_huangli")
    for action in ["approve", "return", "reject", "publish"]:
        response = client.post(
            f"/api/v1/wishes/{wish.pk}/{action}", {"reason": "看看"}, content_type="application/json"
        )
        assert response.status_code == 404, action


def test_huangli_worker_sees_published_huachuan_wish_but_may_not_review_it(api_for, make_wish):
    wish = make_wish("划船社区", status="published")
    client = api_for("worker_huangli")
    assert client.get(f"/api/v1/wishes/{wish.pk}").status_code == 200
    response = client.post(
        f"/api/v1/wishes/{wish.pk}/withdraw", {"reason": "测试"}, content_type="application/json"
    )
    assert response.status_code == 422


def test_own_community_worker_reviews_with_reason(api_for, make_wish):
    wish = make_wish(status="submitted")
    response = api_for("worker_huachuan").post(
        f"/api/v1/wishes/{wish.pk}/return", {"reason": "请写清楚尺码"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == WishStatus.RETURNED
    assert response.json()["status_reason"] == "请写清楚尺码"


def test_claim_contract_winner_then_taken_then_repeat(api_for, make_wish):
    wish = make_wish()
    member, volunteer = api_for("member_demo"), api_for("volunteer_demo")
    first = member.post(f"/api/v1/wishes/{wish.pk}/claim")
    assert first.status_code == 200 and first.json()["won"] and first.json()["status"] == "claimed"
    taken = volunteer.post(f"/api/v1/wishes/{wish.pk}/claim")
    assert taken.status_code == 409 and taken.json()["code"] == "already_claimed"
    again = member.post(f"/api/v1/wishes/{wish.pk}/claim")
    assert again.status_code == 200 and again.json()["repeated"]
    assert member.get(f"/api/v1/wishes/{wish.pk}").json()["status"] == "claimed"


def test_list_of_published_wishes_is_paginated_and_masked(api_for, make_wish):
    wish = make_wish()
    data = api_for("member_demo").get("/api/v1/wishes?status=published&limit=200").json()
    assert set(data) == {"items", "count"}
    item = next(i for i in data["items"] if i["id"] == wish.pk)
    assert item["wisher"] == wish.wisher.name[0] + "*"


def test_outsider_only_sees_public_states(api_for, make_wish):
    hidden = make_wish("黄鹂社区", status="submitted")
    shown = make_wish("黄鹂社区", status="published", title="想要一把新雨伞")
    ids = {i["id"] for i in api_for("member_demo").get("/api/v1/wishes?limit=200").json()["items"]}
    assert shown.pk in ids and hidden.pk not in ids


def test_only_the_claimant_may_report_delivery(api_for, make_wish):
    wish = make_wish()
    api_for("member_demo").post(f"/api/v1/wishes/{wish.pk}/claim")
    response = api_for("volunteer_demo").post(
        f"/api/v1/wishes/{wish.pk}/fulfil", {"note": "送到了"}, content_type="application/json"
    )
    assert response.status_code == 422


def test_claimant_cannot_confirm_own_delivery(api_for, persona, make_wish):
    wish = make_wish()
    member = persona("member_demo")
    services.wish_claim(actor=member, wish=wish)
    services.wish_fulfil(actor=member, wish=wish, note="送到了")
    response = api_for("member_demo").post(
        f"/api/v1/wishes/{wish.pk}/confirm", {"rating": 5}, content_type="application/json"
    )
    assert response.status_code == 422


def test_resident_writes_own_wish_through_the_api(api_for):
    response = api_for("resident_huachuan").post(
        "/api/v1/wishes",
        {"title": "希望有人陪我去医院复查", "category": ServiceCategory.TAILORED_CARE, "value_yuan": 0},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "submitted"


def test_api_refuses_phone_number_in_public_text(api_for):
    response = api_for("resident_huachuan").post(
        "/api/v1/wishes",
        {"title": "请打13812345678联系我", "category": ServiceCategory.CONVENIENCE},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "title"


PAGES = ["/wishes/", "/wishes/mine/", "/wishes/claims/", "/inbox/", "/wishes/markets/"]


@pytest.mark.parametrize("who", ["member_demo", "resident_huachuan", "worker_huangli", "admin_district"])
@pytest.mark.parametrize("url", PAGES)
def test_pages_open_for_every_persona(client_for, who, url):
    assert client_for(who).get(url).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [("worker_huachuan", 200), ("admin_district", 200), ("member_demo", 404), ("resident_huachuan", 404)],
)
def test_review_queue_and_figures_only_for_staff(client_for, who, status):
    assert client_for(who).get("/wishes/review/").status_code == status
    assert client_for(who).get("/wishes/figures/").status_code == status


def test_detail_page_hides_unpublished_wish_from_outsider(client_for, make_wish):
    wish = make_wish("黄鹂社区", status="submitted")
    assert client_for("member_demo").get(f"/wishes/{wish.pk}/").status_code == 404
    assert client_for("worker_huangli").get(f"/wishes/{wish.pk}/").status_code == 200


def test_claim_through_the_page_then_it_shows_under_my_claims(client_for, make_wish):
    wish = make_wish(title="想要一套围棋")
    client = client_for("member_demo")
    response = client.post(f"/wishes/{wish.pk}/claim", follow=True)
    assert "认领成功" in response.content.decode()
    assert "想要一套围棋" in client.get("/wishes/claims/").content.decode()


def test_xlsx_export_holds_what_the_user_may_see(client_for, make_wish):
    make_wish(status="submitted", title="只有社工看得见的心愿")
    response = client_for("worker_huachuan").get("/wishes/all/?format=xlsx")
    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "只有社工看得见的心愿" in titles
    outsider = client_for("worker_huangli").get("/wishes/all/?format=xlsx")
    titles = [
        row[1]
        for row in load_workbook(BytesIO(outsider.content)).active.iter_rows(min_row=2, values_only=True)
    ]
    assert "只有社工看得见的心愿" not in titles

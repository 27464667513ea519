"""The JSON API, including the contract the acceptance checks use: bearer token, create, open,
sign (201 / 409 / 404 / 422), submit (200 at the threshold, 422 below), detail."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from community365.talks.models import TalkTopic

from .conftest import free_residents

pytestmark = pytest.mark.django_db


def token_client(username: str, password: str) -> Client:
    response = Client().post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def post(client: Client, url: str, body: dict | None = None):
    return client.post(url, body or {}, content_type="application/json")


def test_contract_sign_to_threshold_and_submit(demo_password):
    author = token_client("resident_001", demo_password)

    # create a draft → 201 with an id; open it for signatures
    created = post(
        author,
        "/api/v1/talks/topics",
        {"title": "小区积水", "description": "雨后积水没过脚踝。", "request": "改造排水管网。"},
    )
    assert created.status_code == 201, created.content
    topic_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert post(author, f"/api/v1/talks/topics/{topic_id}/open").status_code == 200

    # nine residents sign: submitting is refused with 422 and a message
    for n in range(2, 11):
        signed = post(
            token_client(f"resident_{n:03d}", demo_password), f"/api/v1/talks/topics/{topic_id}/signatures"
        )
        assert signed.status_code == 201, signed.content
    detail = author.get(f"/api/v1/talks/topics/{topic_id}").json()
    assert (detail["status"], detail["signature_count"], detail["signature_threshold"]) == ("signing", 9, 10)
    refused = post(author, f"/api/v1/talks/topics/{topic_id}/submit")
    assert refused.status_code == 422
    assert "还差 1 人" in refused.json()["message"]

    # the same resident again: 409; a resident of 黄鹂: 404 (not visible); the author: 422
    again = post(token_client("resident_002", demo_password), f"/api/v1/talks/topics/{topic_id}/signatures")
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    outsider = post(
        token_client("resident_101", demo_password), f"/api/v1/talks/topics/{topic_id}/signatures"
    )
    assert outsider.status_code == 404
    own = post(author, f"/api/v1/talks/topics/{topic_id}/signatures")
    assert own.status_code == 422 and own.json()["message"]

    # the tenth signs; submit → 200, and the topic moves on
    tenth = post(token_client("resident_011", demo_password), f"/api/v1/talks/topics/{topic_id}/signatures")
    assert tenth.status_code == 201 and tenth.json()["signature_count"] == 10
    submitted = post(author, f"/api/v1/talks/topics/{topic_id}/submit")
    assert submitted.status_code == 200, submitted.content
    detail = author.get(f"/api/v1/talks/topics/{topic_id}").json()
    assert detail["status"] == "submitted" and detail["signature_count"] == 10
    assert [e["kind"] for e in detail["timeline"]][:3] == [
        "raised",
        "opened",
        "threshold",
    ] or "threshold" in [e["kind"] for e in detail["timeline"]]


def test_unverified_or_staff_account_gets_422_with_a_message(api_for, draft, persona):
    from community365.talks import services

    topic = draft()
    services.topic_open(actor=persona("resident_001"), topic=topic)
    response = api_for("worker_huachuan").post(f"/api/v1/talks/topics/{topic.pk}/signatures")
    assert response.status_code == 422
    assert "居民" in response.json()["message"]


def test_draft_is_private_to_its_author(api_for, draft):
    topic = draft()
    assert api_for("resident_001").get(f"/api/v1/talks/topics/{topic.pk}").status_code == 200
    for outsider in ("resident_002", "worker_huachuan", "admin_district", "resident_101"):
        assert api_for(outsider).get(f"/api/v1/talks/topics/{topic.pk}").status_code == 404, outsider


def test_topic_in_signature_is_visible_in_its_community_only(api_for, signing_topic):
    topic = signing_topic(2)
    for insider in (
        "resident_002",
        "worker_huachuan",
        "secretary_huachuan",
        "staff_baizhang",
        "admin_district",
    ):
        assert api_for(insider).get(f"/api/v1/talks/topics/{topic.pk}").status_code == 200, insider
    for outsider in ("resident_101", "worker_huangli", "liaison_housing", "leader_demo"):
        assert api_for(outsider).get(f"/api/v1/talks/topics/{topic.pk}").status_code == 404, outsider
        assert api_for(outsider).post(f"/api/v1/talks/topics/{topic.pk}/signatures").status_code == 404
    listed = {t["id"] for t in api_for("resident_101").get("/api/v1/talks/topics?limit=200").json()["items"]}
    assert topic.pk not in listed


def test_submitted_topic_is_public_in_the_district(api_for, signing_topic, persona):
    from community365.talks import services

    topic = signing_topic(10)
    services.topic_submit(actor=persona("resident_001"), topic=topic)
    for anyone in ("resident_101", "worker_huangli", "liaison_housing", "leader_demo"):
        assert api_for(anyone).get(f"/api/v1/talks/topics/{topic.pk}").status_code == 200, anyone


def test_organisation_department_accepts_merges_declines(api_for, signing_topic, persona):
    from community365.talks import services

    first, second, third = (
        signing_topic(10),
        signing_topic(10, "resident_002"),
        signing_topic(10, "resident_003"),
    )
    for topic, author in ((first, "resident_001"), (second, "resident_002"), (third, "resident_003")):
        services.topic_submit(actor=persona(author), topic=topic)
    admin = api_for("admin_district")
    # a resident may not decide
    assert post(api_for("resident_001"), f"/api/v1/talks/topics/{first.pk}/accept").status_code == 422
    assert post(admin, f"/api/v1/talks/topics/{first.pk}/accept").json()["status"] == "accepted"
    merged = post(admin, f"/api/v1/talks/topics/{second.pk}/merge", {"into_id": first.pk})
    assert merged.status_code == 200 and merged.json()["merged_into_id"] == first.pk
    first.refresh_from_db()
    # second's author was not among first's signers: carried over, with second's co-signers not already there
    assert first.signature_count > 10
    assert first.signatures.filter(kind="carried", person=persona("resident_002").person).exists()
    assert post(admin, f"/api/v1/talks/topics/{third.pk}/decline", {"reason": ""}).status_code == 422
    declined = post(admin, f"/api/v1/talks/topics/{third.pk}/decline", {"reason": "属于业主自治事项。"})
    assert declined.json()["decline_reason"] == "属于业主自治事项。"
    # the reason is public
    assert api_for("resident_101").get(f"/api/v1/talks/topics/{third.pk}").json()["decline_reason"]


def test_schedule_talk_claim_progress_and_rate_through_the_api(api_for, signing_topic, persona):
    from community365.regions.models import Department
    from community365.talks import services

    topic = signing_topic(10)
    services.topic_submit(actor=persona("resident_001"), topic=topic)
    admin = api_for("admin_district")
    post(admin, f"/api/v1/talks/topics/{topic.pk}/accept")
    housing = Department.objects.get(code="housing")
    scheduled = post(
        admin,
        f"/api/v1/talks/topics/{topic.pk}/schedule",
        {
            "talk_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S"),
            "place": "划船社区党群服务中心",
            "leader_id": persona("leader_demo").pk,
            "department_ids": [housing.pk],
        },
    )
    assert scheduled.status_code == 200, scheduled.content
    talked = post(
        api_for("leader_demo"),
        f"/api/v1/talks/topics/{topic.pk}/talk",
        {
            "minutes": "逐条回应。",
            "commitments": [{"title": "修灯", "deadline": "2099-06-01", "lead_department_id": housing.pk}],
        },
    )
    assert talked.status_code == 200, talked.content
    task_id = talked.json()["tasks"][0]["id"]
    liaison = api_for("liaison_housing")
    assert task_id in [t["id"] for t in liaison.get("/api/v1/talks/tasks").json()["items"]]
    assert post(liaison, f"/api/v1/talks/tasks/{task_id}/claim").status_code == 200
    assert post(liaison, f"/api/v1/talks/tasks/{task_id}/claim").status_code == 409
    progress = post(liaison, f"/api/v1/talks/tasks/{task_id}/progress", {"status": "done", "note": "已修好"})
    assert progress.status_code == 201 and progress.json()["percent"] == 100
    detail = api_for("resident_101").get(f"/api/v1/talks/topics/{topic.pk}").json()
    assert detail["status"] == "closed" and detail["progress"] == 100
    rated = post(
        api_for("resident_001"), f"/api/v1/talks/topics/{topic.pk}/rating", {"score": 5, "comment": "好"}
    )
    assert rated.status_code == 201 and rated.json()["satisfaction"] == 5.0
    assert (
        post(api_for("resident_001"), f"/api/v1/talks/topics/{topic.pk}/rating", {"score": 4}).status_code
        == 409
    )


def test_paper_signatures_through_the_api(api_for, signing_topic):
    topic = signing_topic(0)
    persons = free_residents(topic.region, 3, exclude={topic.author_person_id})
    response = post(
        api_for("worker_huachuan"),
        f"/api/v1/talks/topics/{topic.pk}/paper-signatures",
        {"person_ids": [p.pk for p in persons]},
    )
    assert response.status_code == 201 and response.json()["signature_count"] == 3
    assert (
        post(
            api_for("worker_huangli"),
            f"/api/v1/talks/topics/{topic.pk}/paper-signatures",
            {"person_ids": [persons[0].pk]},
        ).status_code
        == 404
    )


def test_figures_api_matches_the_board(api_for):
    admin = api_for("admin_district")
    figures = admin.get("/api/v1/talks/figures?by=subdistrict").json()
    assert figures["by"] == "subdistrict" and len(figures["rows"]) == 8
    board = admin.get("/api/v1/talks/topics?measure=closed&limit=1").json()
    assert board["count"] == figures["total"]["closed"]
    assert TalkTopic.objects.filter(status="closed").count() >= figures["total"]["closed"]


def test_demo_district_has_its_history_and_resident_logins():
    from community365.people.models import Person, User

    total = TalkTopic.objects.count()
    assert 180 <= total <= 200
    assert TalkTopic.objects.values("region").distinct().count() >= 70
    closed = TalkTopic.objects.filter(status="closed").count()
    assert closed > total / 2
    for status in ("answering", "declined", "expired", "merged", "signing"):
        assert TalkTopic.objects.filter(status=status).exists(), status
    for username, community in (
        ("resident_001", "划船社区"),
        ("resident_030", "划船社区"),
        ("resident_105", "黄鹂社区"),
    ):
        person = Person.objects.get(user=User.objects.get(username=username))
        assert person.verified_at is not None and person.community.name == community

"""The desk's API and pages: the contract's list and 404, what each user may do, masking, the
resident's form with photos, the worker's actions, and the error answers."""

from __future__ import annotations

import pytest

from community365.desk.models import RequestStatus, ServiceRequest

pytestmark = pytest.mark.django_db


def test_the_list_shows_what_the_user_may_do_and_masks_the_phone(api_for, make_request, persona):
    req = make_request()
    ServiceRequest.objects.filter(pk=req.pk).update(contact_phone="13912345678")
    mine = api_for("worker_huachuan").get(f"/api/v1/services/requests/{req.pk}").json()
    assert mine["contact_phone"] == "13912345678" and "accept" in mine["actions"]
    leader = api_for("leader_demo").get(f"/api/v1/services/requests/{req.pk}").json()
    assert leader["contact_phone"] == "139****5678" and leader["actions"] == []


def test_accepting_through_the_api_and_refusals(api_for, make_request):
    req = make_request()
    worker = api_for("worker_huachuan")
    assert worker.post(f"/api/v1/services/requests/{req.pk}/accept").status_code == 200
    again = worker.post(f"/api/v1/services/requests/{req.pk}/accept")
    assert again.status_code == 422 and again.json()["code"] == "invalid_transition"
    assert api_for("worker_huangli").post(f"/api/v1/services/requests/{req.pk}/accept").status_code == 404
    resident = api_for("resident_huachuan").post(
        f"/api/v1/services/requests/{req.pk}/close", {"resolution": "x"}, content_type="application/json"
    )
    assert resident.status_code == 404  # not theirs: not visible


def test_a_resident_posts_a_request_through_the_api(api_for, item, stairwell):
    response = api_for("resident_huachuan").post(
        "/api/v1/services/requests",
        {"item_id": item("certificate").pk, "region_id": stairwell.pk, "text": "需要开居住证明"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["channel"] == "app" and response.json()["status"] == "submitted"


def test_a_bad_item_is_a_clear_error(api_for, stairwell):
    response = api_for("resident_huachuan").post(
        "/api/v1/services/requests",
        {"item_id": 999999, "region_id": stairwell.pk, "text": "xxxx"},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "item_id"


def test_list_status_groups(api_for):
    client = api_for("worker_huachuan")
    open_ = client.get("/api/v1/services/requests?status=open&limit=200").json()
    assert open_["items"] and all(i["status"] in ("submitted", "accepted", "waiting") for i in open_["items"])
    done = client.get("/api/v1/services/requests?status=done&limit=200").json()
    assert all(i["status"] in ("closed", "confirmed", "merged") for i in done["items"])


def test_the_resident_form_with_photos(client_for, item, stairwell):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (10, 10), "blue").save(buf, "PNG")
    photo = SimpleUploadedFile("a.png", buf.getvalue(), content_type="image/png")
    client = client_for("resident_huachuan")
    assert client.get("/services/new/").status_code == 200
    response = client.post(
        "/services/new/",
        {
            "item": item("stairwell-light").pk,
            "place": stairwell.pk,
            "text": "楼道灯坏了",
            "contact_way": "phone",
            "photos": [photo],
        },
    )
    assert response.status_code == 302
    req = ServiceRequest.objects.order_by("-pk").first()
    assert req.author.username == "resident_huachuan" and req.photos.count() == 1


def test_the_form_refuses_a_place_outside_the_community(client_for, item, region):
    from community365.regions.models import Region

    other = Region.objects.filter(path__startswith=region("黄鹂社区").path, kind="stairwell").first()
    before = ServiceRequest.objects.count()
    response = client_for("resident_huachuan").post(
        "/services/new/",
        {"item": item("stairwell-light").pk, "place": other.pk, "text": "楼道灯坏了"},
        follow=True,
    )
    assert response.status_code == 200 and ServiceRequest.objects.count() == before


def test_the_worker_closes_and_the_resident_rates_on_the_page(client_for, persona, item, stairwell):
    from community365.desk import services

    req = services.request_raise(
        actor=persona("resident_huachuan"), item=item("stairwell-light"), place=stairwell, text="楼道灯不亮了"
    )
    worker = client_for("worker_huachuan")
    worker.post(f"/services/requests/{req.pk}/act/", {"action": "accept"})
    worker.post(f"/services/requests/{req.pk}/act/", {"action": "close", "resolution": "换了灯泡"})
    page = client_for("resident_huachuan").get(f"/services/requests/{req.pk}/").content.decode()
    assert 'name="rating"' in page  # the shared rating component
    client_for("resident_huachuan").post(
        f"/services/requests/{req.pk}/act/", {"action": "rate", "rating": "5"}
    )
    req.refresh_from_db()
    assert req.status == RequestStatus.CONFIRMED and req.rating == 5


def test_an_unknown_action_changes_nothing(client_for, make_request):
    req = make_request()
    response = client_for("worker_huachuan").post(
        f"/services/requests/{req.pk}/act/", {"action": "explode"}, follow=True
    )
    assert response.status_code == 200
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED


def test_the_list_reads_the_same_queries_at_any_size(client_for, make_request, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("worker_huachuan")
    for _ in range(3):
        make_request()
    with CaptureQueriesContext(connection) as small:
        client.get("/services/?status=open")
    for _ in range(25):
        make_request()
    with CaptureQueriesContext(connection) as large:
        client.get("/services/?status=open")
    assert len(small.captured_queries) == len(large.captured_queries)

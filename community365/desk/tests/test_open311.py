"""Open311 GeoReport v2, checked against the specification's examples (field names, root
elements, error lists) and the contract of issue 11."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command
from django.test import Client

from community365.desk import services
from community365.desk.models import Open311Client, RequestStatus, ServiceRequest

pytestmark = pytest.mark.django_db

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
SIX = {"区域党建服务", "综合便民服务", "智慧信息服务", "社会公益服务", "特色精细服务", "共享文化服务"}


@pytest.fixture
def api_key(db) -> str:
    return services.open311_key_of(Open311Client.objects.get(name="demo"))


@pytest.fixture
def web() -> Client:
    return Client()


def _post(web, **data):
    return web.post("/open311/v2/requests.json", data)


def test_services_json_lists_the_catalogue_with_the_spec_fields(web):
    response = web.get("/open311/v2/services.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    services_ = response.json()
    assert services_ and all(set(s) == SERVICE_FIELDS for s in services_)
    assert {s["group"] for s in services_} <= SIX
    assert all(
        s["type"] in ("realtime", "batch", "blackbox") and s["metadata"] in (True, False) for s in services_
    )


def test_services_xml_has_the_spec_root_and_elements(web):
    root = ET.fromstring(web.get("/open311/v2/services.xml").content)  # noqa: S314
    assert root.tag == "services" and root[0].tag == "service"
    assert {child.tag for child in root[0]} == SERVICE_FIELDS
    assert root[0].find("metadata").text in ("true", "false")


def test_a_service_definition(web):
    assert web.get("/open311/v2/services/drain.json").json() == {"service_code": "drain", "attributes": []}
    root = ET.fromstring(web.get("/open311/v2/services/drain.xml").content)  # noqa: S314
    assert root.tag == "service_definition" and root.find("service_code").text == "drain"
    missing = web.get("/open311/v2/services/nope.json")
    assert missing.status_code == 404 and set(missing.json()[0]) == {"code", "description"}


def test_discovery_names_the_spec_and_both_formats(web):
    doc = web.get("/open311/v2/discovery.json").json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(doc)
    endpoint = doc["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = ET.fromstring(web.get("/open311/v2/discovery.xml").content)  # noqa: S314
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_posting_a_request_and_reading_it_back(web, api_key, huachuan, api_for):
    response = _post(
        web,
        api_key=api_key,
        service_code="stairwell-light",
        description="3幢楼道灯不亮",
        address_id=huachuan.code,
        email="li@example.cn",
        phone="13912345678",
        first_name="李",
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body[0]) == {"service_request_id", "service_notice", "account_id"}
    rid = body[0]["service_request_id"]
    req = ServiceRequest.objects.get(pk=rid)
    assert req.contact_phone == "13912345678" and req.contact_email == "li@example.cn"
    one = web.get(f"/open311/v2/requests/{rid}.json")
    assert one.status_code == 200
    (out,) = one.json()
    assert set(out) == REQUEST_FIELDS and out["status"] == "open" and out["address_id"] == huachuan.code
    assert "13912345678" not in one.content.decode() and "li@example.cn" not in one.content.decode()
    assert out["requested_datetime"].endswith("+08:00")
    # The desk's own API: the same id, seen by 划船's social worker, not by 黄鹂's.
    listed = api_for("worker_huachuan").get("/api/v1/services/requests?status=open&limit=200").json()
    assert rid in [i["id"] for i in listed["items"]]
    assert api_for("worker_huangli").get(f"/api/v1/services/requests/{rid}").status_code == 404


def test_a_stairwell_code_is_a_location_too(web, api_key, stairwell):
    response = _post(
        web, api_key=api_key, service_code="drain", description="下水道堵塞", address_id=stairwell.code
    )
    assert response.status_code == 201
    assert ServiceRequest.objects.get(pk=response.json()[0]["service_request_id"]).region == stairwell


def test_an_address_string_naming_the_community_is_enough(web, api_key, huachuan):
    response = _post(
        web,
        api_key=api_key,
        service_code="drain",
        description="下水道堵塞",
        address_string="宁波市划船社区 5幢",
    )
    assert response.status_code == 201
    assert ServiceRequest.objects.get(pk=response.json()[0]["service_request_id"]).community == huachuan


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({}, 400),
        ({"api_key": "wrong"}, 403),
    ],
)
def test_without_a_valid_key_nothing_is_created(web, huachuan, data, status):
    before = ServiceRequest.objects.count()
    response = _post(web, service_code="drain", description="x", address_id=huachuan.code, **data)
    assert response.status_code == status
    errors = response.json()
    assert (
        isinstance(errors, list) and set(errors[0]) == {"code", "description"} and errors[0]["code"] == status
    )
    assert ServiceRequest.objects.count() == before


def test_errors_in_xml_follow_the_spec(web, huachuan):
    response = web.post("/open311/v2/requests.xml", {"api_key": "wrong", "service_code": "drain"})
    root = ET.fromstring(response.content)  # noqa: S314
    assert response.status_code == 403 and root.tag == "errors"
    assert root.find("error/code").text == "403" and root.find("error/description").text


@pytest.mark.parametrize(
    "data",
    [
        {"service_code": "no-such", "description": "x"},
        {"service_code": "drain", "description": ""},
        {"service_code": "drain", "description": "x", "address_id": ""},
        {"service_code": "drain", "description": "x", "address_id": "XX-404"},
    ],
)
def test_bad_parameters_get_an_error_list(web, api_key, huachuan, data):
    payload = {"address_id": huachuan.code, **data}
    response = _post(web, api_key=api_key, **payload)
    assert response.status_code in (400, 404)
    assert set(response.json()[0]) == {"code", "description"}


def test_plain_statuses_by_default_extended_ones_on_request(web, accepted):
    req = accepted()
    plain = web.get(f"/open311/v2/requests/{req.pk}.json").json()[0]
    extended = web.get(f"/open311/v2/requests/{req.pk}.json?extended_statuses=1").json()[0]
    assert plain["status"] == "open" and extended["status"] == "in_progress"


def test_list_filters(web, accepted, make_request):
    a = accepted()
    b = make_request("drain")
    ids = {r["service_request_id"] for r in web.get("/open311/v2/requests.json?service_code=drain").json()}
    assert b.pk in ids and a.pk not in ids
    ids = {
        r["service_request_id"]
        for r in web.get(f"/open311/v2/requests.json?service_request_id={a.pk},{b.pk}").json()
    }
    assert ids == {a.pk, b.pk}
    closed = web.get("/open311/v2/requests.json?status=closed").json()
    assert all(r["status"] == "closed" for r in closed)
    assert web.get("/open311/v2/requests.json?status=in_progress").status_code == 400  # extended only
    ext = web.get("/open311/v2/requests.json?status=in_progress&extended_statuses=1").json()
    assert a.pk in {r["service_request_id"] for r in ext}
    assert web.get("/open311/v2/requests.json?start_date=yesterday").status_code == 400
    xml = ET.fromstring(web.get("/open311/v2/requests.xml").content)  # noqa: S314
    assert xml.tag == "service_requests" and xml[0].tag == "request"


def test_an_unknown_request_is_404_in_the_spec_format(web):
    response = web.get("/open311/v2/requests/999999999.json")
    assert response.status_code == 404 and json.loads(response.content)[0]["code"] == 404


def test_the_key_command_prints_the_key_only(api_key, capsys):
    call_command("open311_key", "demo")
    assert capsys.readouterr().out.strip() == api_key


def test_merged_requests_read_as_duplicate_when_extended(web, make_request, persona):
    a, b = make_request(), make_request()
    services.request_merge(actor=persona("worker_huachuan"), req=a, into=b)
    assert ServiceRequest.objects.get(pk=a.pk).status == RequestStatus.MERGED
    assert web.get(f"/open311/v2/requests/{a.pk}.json?extended_statuses=1").json()[0]["status"] == "duplicate"
    assert web.get(f"/open311/v2/requests/{a.pk}.json").json()[0]["status"] == "closed"

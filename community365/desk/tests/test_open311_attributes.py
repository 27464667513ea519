"""Open311 GeoReport v2: location (lat/long) and service attributes, against the shapes of the
specification's examples (service definition DMV66 with WHISHETN, the POST with lat/long and
attribute[...]), in JSON and XML."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from community365.core.errors import InvalidInput
from community365.desk import attributes, services
from community365.desk.models import CatalogueItem, Open311Client, ServiceRequest
from community365.regions.models import Region

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db

SPEC_ATTRIBUTE_FIELDS = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}


@pytest.fixture
def api_key(db) -> str:
    return services.open311_key_of(Open311Client.objects.get(name="demo"))


@pytest.fixture
def dmv(huachuan) -> CatalogueItem:
    """The specification's example definition, as a district item."""
    return services.catalogue_item_save(
        actor=SYSTEM,
        district=Region.objects.get(pk=huachuan.district_id),
        code="dmv66",
        category="convenience",
        name="车辆问题",
        deliverer="social_worker",
        attributes=[
            {
                "code": "WHISHETN",
                "datatype": "singlevaluelist",
                "required": True,
                "order": 1,
                "description": "What is the ticket/tag/DL number?",
                "values": [{"key": "123", "name": "Ford"}, {"key": "124", "name": "Chrysler"}],
            },
            {"code": "floor", "datatype": "number", "required": False, "order": 2, "description": "几楼"},
            {
                "code": "seen",
                "datatype": "datetime",
                "required": False,
                "order": 3,
                "description": "何时发现",
            },
            {
                "code": "extras",
                "datatype": "multivaluelist",
                "required": False,
                "order": 4,
                "description": "还有什么",
                "values": [{"key": "noise", "name": "噪音"}, {"key": "smell", "name": "异味"}],
            },
        ],
    )


def _post(fmt="json", **data):
    return Client().post(f"/open311/v2/requests.{fmt}", data)


def test_the_definition_lists_the_attributes_as_the_spec_does(dmv):
    body = Client().get("/open311/v2/services/dmv66.json").json()
    assert body["service_code"] == "dmv66" and len(body["attributes"]) == 4
    first = body["attributes"][0]
    assert set(first) == SPEC_ATTRIBUTE_FIELDS
    assert first == {
        "variable": True,
        "code": "WHISHETN",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": None,
        "order": 1,
        "description": "What is the ticket/tag/DL number?",
        "values": [{"key": "123", "name": "Ford"}, {"key": "124", "name": "Chrysler"}],
    }
    assert [a["order"] for a in body["attributes"]] == [1, 2, 3, 4]


def test_the_definition_in_xml(dmv):
    root = ET.fromstring(Client().get("/open311/v2/services/dmv66.xml").content)  # noqa: S314
    assert root.tag == "service_definition" and root.find("service_code").text == "dmv66"
    attribute = root.find("attributes/attribute")
    assert {child.tag for child in attribute} == SPEC_ATTRIBUTE_FIELDS
    assert attribute.find("variable").text == "true" and attribute.find("required").text == "true"
    assert attribute.find("code").text == "WHISHETN"
    values = attribute.findall("values/value")
    assert [(v.find("key").text, v.find("name").text) for v in values] == [
        ("123", "Ford"),
        ("124", "Chrysler"),
    ]


def test_services_mark_metadata_for_items_with_attributes(dmv):
    listed = {s["service_code"]: s for s in Client().get("/open311/v2/services.json").json()}
    assert listed["dmv66"]["metadata"] is True and listed["drain"]["metadata"] is False
    root = ET.fromstring(Client().get("/open311/v2/services.xml").content)  # noqa: S314
    marks = {s.find("service_code").text: s.find("metadata").text for s in root}
    assert marks["dmv66"] == "true" and marks["drain"] == "false"


def test_a_request_with_lat_long_and_attributes_is_stored_and_read_back(dmv, api_key, huachuan, client_for):
    response = _post(
        api_key=api_key,
        service_code="dmv66",
        description="车停在消防通道",
        lat="37.76524078",
        long="-122.4212043",
        address_string="划船社区 5幢",
        **{
            "attribute[WHISHETN]": "123",
            "attribute[floor]": "3",
            "attribute[seen]": "2026-11-29T08:15:00+08:00",
            "attribute[extras][]": ["noise", "smell"],
        },
    )
    assert response.status_code == 201, response.content
    rid = response.json()[0]["service_request_id"]
    req = ServiceRequest.objects.get(pk=rid)
    assert str(req.lat) == "37.765241" and str(req.long) == "-122.421204"
    assert req.attribute_values == {
        "WHISHETN": "123",
        "floor": 3,
        "seen": "2026-11-29T08:15:00+08:00",
        "extras": ["noise", "smell"],
    }
    (out,) = Client().get(f"/open311/v2/requests/{rid}.json").json()
    assert out["lat"] == 37.765241 and out["long"] == -122.421204
    listed = {
        r["service_request_id"]: r
        for r in Client().get("/open311/v2/requests.json?service_code=dmv66").json()
    }
    assert listed[rid]["lat"] == 37.765241
    root = ET.fromstring(Client().get(f"/open311/v2/requests/{rid}.xml").content)  # noqa: S314
    assert root.find("request/lat").text == "37.765241" and root.find("request/long").text == "-122.421204"
    # handlers see the answers in words; the resident who did not make it, nobody else
    page = client_for("worker_huachuan").get(f"/services/requests/{rid}/").content.decode()
    assert "What is the ticket/tag/DL number?" in page and "Ford" in page and "噪音、异味" in page
    assert "37.765241" in page
    assert client_for("worker_huangli").get(f"/services/requests/{rid}/").status_code == 404


def test_without_a_point_lat_and_long_are_null(api_key, huachuan):
    response = _post(
        api_key=api_key, service_code="drain", description="下水道堵塞", address_id=huachuan.code
    )
    (out,) = Client().get(f"/open311/v2/requests/{response.json()[0]['service_request_id']}.json").json()
    assert out["lat"] is None and out["long"] is None


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, ["attribute[WHISHETN] is required"]),
        ({"attribute[WHISHETN]": "999"}, ["attribute[WHISHETN] must be one of: 123, 124"]),
        (
            {"attribute[WHISHETN]": "123", "attribute[floor]": "three", "attribute[seen]": "yesterday"},
            ["attribute[floor] must be a number", "attribute[seen] must be an ISO 8601 date and time"],
        ),
        ({"attribute[WHISHETN]": ["123", "124"]}, ["attribute[WHISHETN] takes one value"]),
        (
            {"attribute[WHISHETN]": "123", "attribute[extras][]": ["noise", "x"]},
            ["attribute[extras] must be one of"],
        ),
        ({"attribute[WHISHETN]": "123", "attribute[nope]": "1"}, ["attribute[nope] is not an attribute"]),
    ],
)
def test_missing_or_invalid_attributes_get_the_spec_error_list(dmv, api_key, huachuan, extra, expected):
    before = ServiceRequest.objects.count()
    response = _post(
        api_key=api_key, service_code="dmv66", description="车停在消防通道", address_id=huachuan.code, **extra
    )
    assert response.status_code == 400
    errors = response.json()
    assert all(set(e) == {"code", "description"} and e["code"] == 400 for e in errors)
    assert len(errors) == len(expected)
    for error, start in zip(errors, expected, strict=True):
        assert error["description"].startswith(start)
    assert ServiceRequest.objects.count() == before


def test_attribute_errors_in_xml(dmv, api_key, huachuan):
    response = _post(
        "xml",
        api_key=api_key,
        service_code="dmv66",
        description="x",
        address_id=huachuan.code,
        **{"attribute[floor]": "x"},
    )
    root = ET.fromstring(response.content)  # noqa: S314
    assert response.status_code == 400 and root.tag == "errors"
    descriptions = [e.find("description").text for e in root.findall("error")]
    assert [e.find("code").text for e in root.findall("error")] == ["400", "400"]
    assert descriptions[0].startswith("attribute[WHISHETN] is required")
    assert descriptions[1] == "attribute[floor] must be a number"


@pytest.mark.parametrize(
    ("location", "says"),
    [
        ({}, "a location is required"),
        ({"lat": "29.87"}, "lat and long must be given together"),
        ({"lat": "91", "long": "121.5", "address_id": "x"}, "lat must be a number from -90 to 90"),
        ({"lat": "29.8", "long": "-181", "address_id": "x"}, "long must be a number from -180 to 180"),
        ({"lat": "north", "long": "121.5", "address_id": "x"}, "lat must be a number"),
        ({"lat": "NaN", "long": "121.5", "address_id": "x"}, "lat must be a number"),
        ({"lat": "29.87", "long": "121.55"}, "lat/long received, but this jurisdiction routes"),
    ],
)
def test_location_rules(api_key, location, says):
    response = _post(api_key=api_key, service_code="drain", description="下水道堵塞", **location)
    assert response.status_code == 400
    assert response.json()[0]["description"].startswith(says)


def test_the_service_checks_the_values_and_point_too(dmv, huachuan):
    client = Open311Client.objects.get(name="demo")
    with pytest.raises(InvalidInput):
        services.request_from_open311(
            actor=SYSTEM, client=client, item=dmv, place=huachuan, text="车停在消防通道", attribute_values={}
        )
    import decimal

    with pytest.raises(InvalidInput):
        services.request_from_open311(
            actor=SYSTEM,
            client=client,
            item=dmv,
            place=huachuan,
            text="车停在消防通道",
            lat=decimal.Decimal("95"),
            long=decimal.Decimal("1"),
            attribute_values={"WHISHETN": ["123"]},
        )


def test_definitions_are_checked_when_saved():
    with pytest.raises(InvalidInput):
        attributes.clean_definitions([{"code": "a", "datatype": "colour", "description": "x"}])
    with pytest.raises(InvalidInput):
        attributes.clean_definitions(
            [
                {"code": "a", "datatype": "string", "description": "x"},
                {"code": "a", "datatype": "text", "description": "y"},
            ]
        )
    with pytest.raises(InvalidInput):
        attributes.clean_definitions(
            [
                {
                    "code": "k",
                    "datatype": "singlevaluelist",
                    "description": "x",
                    "values": [{"key": "a", "name": "A"}, {"key": "a", "name": "B"}],
                }
            ]
        )
    assert attributes.clean_definitions(None) == []

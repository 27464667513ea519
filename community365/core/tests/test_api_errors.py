"""Bad input to the API gets a clear 4xx answer, always JSON ``{"code", "message", "errors"}``,
and leaves the data as it was. And the API's own description and basic reads work."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from community365.audit.models import AuditEvent
from community365.people.models import ApiToken, Person, User
from community365.regions.models import Region

TOKEN_URL = "/api/v1/auth/token"


@pytest.fixture
def unchanged(db):
    """Counts of audit rows, users, tokens, residents and places; call it again to compare."""

    def snapshot() -> dict[str, int]:
        return {
            "audit": AuditEvent.objects.count(),
            "users": User.objects.count(),
            "tokens": ApiToken.objects.count(),
            "persons": Person.objects.count(),
            "regions": Region.objects.count(),
        }

    return snapshot


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"code", "message", "errors"}
    assert body["message"]
    if code is not None:
        assert body["code"] == code
    return body


# --- authentication ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Bearer garbage",
        "Bearer c365_not-a-real-token",
        "Bearer " + "c365_" + "x" * 500,
        "Bearer ",
        "Basic YWRtaW5fZGlzdHJpY3Q6ZGVtbw==",
        "c365_missing-scheme",
        "Bearer 😀",
    ],
    ids=["garbage", "unknown-token", "overlong", "empty", "basic-auth", "no-scheme", "emoji"],
)
def test_malformed_bearer_token_is_refused_with_401_json(unchanged, header):
    before = unchanged()
    response = Client(headers={"Authorization": header}).get("/api/v1/me")
    assert_error(response, 401, "unauthenticated")
    assert unchanged() == before


def test_request_without_any_credentials_is_401_json():
    assert_error(Client().get("/api/v1/regions"), 401, "unauthenticated")


def test_token_of_a_deactivated_user_is_refused(api_for, persona):
    client = api_for("worker_huangli")
    User.objects.filter(username="worker_huangli").update(is_active=False)
    assert_error(client.get("/api/v1/me"), 401, "unauthenticated")


# --- unknown and malformed ids ----------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/regions/999999999", "/api/v1/people/persons/999999999"])
def test_unknown_id_is_404_json(api_for, url):
    assert_error(api_for("admin_district").get(url), 404, "not_found")


def test_unknown_url_under_the_api_is_404_json(api_for):
    assert_error(api_for("admin_district").get("/api/v1/no-such-thing"), 404, "not_found")


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/regions/abc", "region_id"),
        ("/api/v1/people/persons/abc", "person_id"),
        ("/api/v1/regions/1.5", "region_id"),
    ],
)
def test_non_numeric_id_is_422_naming_the_field(api_for, url, field):
    body = assert_error(api_for("admin_district").get(url), 422, "invalid_input")
    assert field in body["message"]
    assert field in [e["field"] for e in body["errors"]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 1000000000}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": -1}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"offset": -5}, "offset"),
        ({"kind": "planet"}, "kind"),
        ({"parent": 0}, "parent"),
        ({"q": "x" * 41}, "q"),
    ],
    ids=[
        "huge-limit",
        "zero-limit",
        "negative-limit",
        "text-limit",
        "negative-offset",
        "bad-kind",
        "parent-0",
        "long-q",
    ],
)
def test_bad_list_parameters_are_422_naming_the_field(api_for, params, field):
    body = assert_error(api_for("admin_district").get("/api/v1/regions", params), 422, "invalid_input")
    assert field in body["message"]
    assert field in [e["field"] for e in body["errors"]]


def test_page_size_limit_is_refused_on_the_resident_list_too(api_for):
    response = api_for("worker_huachuan").get("/api/v1/people/persons", {"limit": 1000000000})
    body = assert_error(response, 422, "invalid_input")
    assert "limit" in body["message"]


def test_audit_list_with_a_malformed_date_is_422(api_for):
    body = assert_error(api_for("admin_district").get("/api/v1/audit/events", {"since": "yesterday"}), 422)
    assert "since" in body["message"]


def test_parent_filter_on_a_place_not_visible_is_404(api_for, region):
    response = api_for("worker_huangli").get("/api/v1/regions", {"parent": region("百丈街道").pk})
    assert_error(response, 404, "not_found")


# --- bodies -----------------------------------------------------------------------------------


def test_ten_megabyte_body_is_413_json_and_nothing_changes(unchanged):
    before = unchanged()
    body = json.dumps({"username": "admin_district", "password": "x" * (10 * 1024 * 1024)})
    response = Client().post(TOKEN_URL, data=body, content_type="application/json")
    assert_error(response, 413, "too_large")
    assert unchanged() == before


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"username": "admin_district", "password": ', b"\xff\xfe\x00", b"[1, 2"],
    ids=["broken", "truncated", "binary", "unclosed-list"],
)
def test_invalid_json_body_is_400_and_nothing_changes(unchanged, body):
    before = unchanged()
    response = Client().post(TOKEN_URL, data=body, content_type="application/json")
    assert_error(response, 400, "malformed")
    assert unchanged() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "admin_district"}, "password"),
        ({"password": "x"}, "username"),
        ({"username": "", "password": "x"}, "username"),
        ({"username": "u" * 151, "password": "x"}, "username"),
        ({"username": "admin_district", "password": "p" * 129}, "password"),
        ({"username": ["admin_district"], "password": "x"}, "username"),
    ],
    ids=["no-password", "no-username", "empty-username", "long-username", "long-password", "list-username"],
)
def test_token_request_with_missing_or_wrong_fields_is_422_and_issues_nothing(unchanged, payload, field):
    before = unchanged()
    response = Client().post(TOKEN_URL, data=json.dumps(payload), content_type="application/json")
    body = assert_error(response, 422, "invalid_input")
    assert field in [e["field"] for e in body["errors"]]
    assert unchanged()["tokens"] == before["tokens"]
    assert unchanged()["users"] == before["users"]


def test_write_methods_on_read_only_endpoints_are_refused(api_for, region, unchanged):
    client = api_for("admin_district")
    before = unchanged()
    url = f"/api/v1/regions/{region('划船社区').pk}"
    for method in (client.post, client.put, client.delete):
        response = method(url, data="{}", content_type="application/json")
        assert response.status_code == 405
    assert unchanged() == before
    assert Region.objects.get(name="划船社区").reported_households == 3900


# --- the API's description and basic reads --------------------------------------------------


def test_openapi_schema_is_served():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Community 365 API"
    assert {"/api/v1/auth/token", "/api/v1/me", "/api/v1/regions", "/api/v1/audit/events"} <= set(
        schema["paths"]
    )


def test_api_docs_page_is_served():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_me_returns_roles_with_their_places(api_for, region):
    body = api_for("secretary_huachuan").get("/api/v1/me").json()
    assert body["username"] == "secretary_huachuan"
    assert body["roles"] == [
        {
            "role": "community_secretary",
            "role_label": body["roles"][0]["role_label"],
            "region_id": region("划船社区").pk,
            "region_name": "划船社区",
            "region_kind": "community",
            "department": None,
        }
    ]
    assert body["roles"][0]["role_label"]


def test_me_of_a_liaison_names_the_department(api_for, region):
    roles = api_for("liaison_housing").get("/api/v1/me").json()["roles"]
    assert [(r["role"], r["region_name"], r["department"]) for r in roles] == [
        ("department_liaison", "江东区", "区住建局")
    ]


def test_me_of_an_account_without_roles_lists_none(db):
    from community365.core.actors import SystemActor
    from community365.people.services import token_issue, user_create

    user = user_create(actor=SystemActor("test"), username="nobody", password=None)
    token, _ = token_issue(actor=user)
    body = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me").json()
    assert body["roles"] == []


def test_regions_filter_by_kind(api_for):
    body = api_for("admin_district").get("/api/v1/regions", {"kind": "subdistrict"}).json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 8
    assert {item["kind"] for item in body["items"]} == {"subdistrict"}
    assert "白鹤街道" in {item["name"] for item in body["items"]}


def test_regions_filter_by_parent_gives_direct_children_only(api_for, region):
    baihe = region("白鹤街道")
    body = api_for("admin_district").get("/api/v1/regions", {"parent": baihe.pk}).json()
    assert body["count"] == 10
    assert {item["parent_id"] for item in body["items"]} == {baihe.pk}
    assert "黄鹂社区" in {item["name"] for item in body["items"]}
    assert "划船社区" not in {item["name"] for item in body["items"]}


def test_regions_count_is_the_total_not_the_page(api_for):
    body = api_for("admin_district").get("/api/v1/regions", {"kind": "community", "limit": 5}).json()
    assert body["count"] == 78
    assert len(body["items"]) == 5


def test_region_detail_counts_only_what_the_user_may_count(api_for, region):
    huachuan = region("划船社区")
    as_admin = api_for("admin_district").get(f"/api/v1/regions/{huachuan.pk}").json()
    as_member = api_for("member_demo").get(f"/api/v1/regions/{huachuan.pk}").json()
    assert as_admin["counts"]["residents"] == Person.objects.filter(community=huachuan).count() > 0
    # A party member may see the place but not count its residents.
    assert as_member["counts"]["residents"] == 0
    assert as_member["path_names"] == ["江东区", "百丈街道", "划船社区"]

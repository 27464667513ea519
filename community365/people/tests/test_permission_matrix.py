"""Who sees what: every demo persona (and an outsider with no role at all) against every kind of
object, inside and outside their place, through the pages and through the API.

The rules under test (from the policies):

* every role sees the subtree of the places it holds (regions);
* resident records are seen by the staff roles (district admin, subdistrict staff, community
  secretary, social worker) under their places; a resident sees only their own record;
* names and phones are shown in full only to the secretary and social workers of the
  community (and to the resident themself); everyone else sees them masked;
* the audit trail is for district admins only;
* what is not visible answers 404, never 403 (its existence is not disclosed).
"""

from __future__ import annotations

import pytest
from django.test import Client

from community365.core.actors import SystemActor
from community365.core.masking import mask_name, mask_phone
from community365.people.models import Person
from community365.regions.models import Region

OUTSIDER = "outsider"
PERSONAS = [
    "admin_district",
    "staff_baizhang",
    "secretary_huachuan",
    "worker_huachuan",
    "worker_huangli",
    "liaison_housing",
    "leader_demo",
    "member_demo",
    "volunteer_demo",
    "resident_huachuan",
    OUTSIDER,
]

# --- the objects ------------------------------------------------------------------------------
HUACHUAN = "划船社区"
HUANGLI = "黄鹂社区"
HUACHUAN_STAIRWELL = "划船社区的楼道"
HUANGLI_STAIRWELL = "黄鹂社区的楼道"
DISTRICT = "江东区"
BAIHE = "白鹤街道"
HUACHUAN_PERSON = "划船社区的居民"
HUANGLI_PERSON = "黄鹂社区的居民"
AUDIT = "审计日志"

REGION_OBJECTS = [HUACHUAN, HUANGLI, HUACHUAN_STAIRWELL, HUANGLI_STAIRWELL, DISTRICT, BAIHE]
PERSON_OBJECTS = [HUACHUAN_PERSON, HUANGLI_PERSON]
OBJECTS = REGION_OBJECTS + PERSON_OBJECTS + [AUDIT]

EVERY_PLACE = frozenset(REGION_OBJECTS)
HUACHUAN_PLACES = frozenset({HUACHUAN, HUACHUAN_STAIRWELL})
HUANGLI_PLACES = frozenset({HUANGLI, HUANGLI_STAIRWELL})

# --- the expected matrix ----------------------------------------------------------------------
VISIBLE: dict[str, frozenset[str]] = {
    # district-level roles hold the district: the whole tree; only the admin reads records and the trail
    "admin_district": EVERY_PLACE | {HUACHUAN_PERSON, HUANGLI_PERSON, AUDIT},
    "liaison_housing": EVERY_PLACE,
    "leader_demo": EVERY_PLACE,
    # 百丈街道 holds 划船社区, not 黄鹂社区 (白鹤街道), nor the district above it
    "staff_baizhang": HUACHUAN_PLACES | {HUACHUAN_PERSON},
    "secretary_huachuan": HUACHUAN_PLACES | {HUACHUAN_PERSON},
    "worker_huachuan": HUACHUAN_PLACES | {HUACHUAN_PERSON},
    "worker_huangli": HUANGLI_PLACES | {HUANGLI_PERSON},
    # community-level non-staff roles see their place, never the records of others
    "member_demo": HUACHUAN_PLACES,
    "volunteer_demo": HUACHUAN_PLACES,
    "resident_huachuan": HUACHUAN_PLACES,
    OUTSIDER: frozenset(),
}

# Who sees names and phones in full (for the records they can see at all).
UNMASKED: dict[str, frozenset[str]] = {
    "secretary_huachuan": frozenset({HUACHUAN_PERSON}),
    "worker_huachuan": frozenset({HUACHUAN_PERSON}),
    "worker_huangli": frozenset({HUANGLI_PERSON}),
}

assert set(VISIBLE) == set(PERSONAS)


def _cases(objects: list[str]) -> list[pytest.param]:
    cases = []
    for name in PERSONAS:
        for obj in objects:
            where = "inside" if obj in VISIBLE[name] else "outside"
            cases.append(pytest.param(name, obj, obj in VISIBLE[name], id=f"{name}-{obj}-{where}"))
    return cases


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def outsider(db):
    """A fresh account holding no role anywhere."""
    from community365.people.services import user_create

    return user_create(actor=SystemActor("test"), username="outsider", password=None, display_name="路人")


@pytest.fixture
def user_of(persona, outsider):
    def get(name: str):
        return outsider if name == OUTSIDER else persona(name)

    return get


@pytest.fixture
def page_as(user_of):
    def make(name: str) -> Client:
        client = Client()
        client.force_login(user_of(name))
        return client

    return make


@pytest.fixture
def api_as(user_of):
    from community365.people.services import token_issue

    def make(name: str) -> Client:
        token, _record = token_issue(actor=user_of(name))
        return Client(headers={"Authorization": f"Bearer {token}"})

    return make


def _first_stairwell(community: Region) -> Region:
    return Region.objects.filter(kind="stairwell", path__startswith=community.path).order_by("path").first()


def _some_resident(community: Region) -> Person:
    """A resident record with a phone number, not linked to any account."""
    return (
        Person.objects.filter(community=community, user__isnull=True)
        .exclude(phone="")
        .select_related("region")
        .order_by("id")
        .first()
    )


@pytest.fixture
def obj(region):
    def get(key: str):
        return {
            HUACHUAN: lambda: region(HUACHUAN),
            HUANGLI: lambda: region(HUANGLI),
            HUACHUAN_STAIRWELL: lambda: _first_stairwell(region(HUACHUAN)),
            HUANGLI_STAIRWELL: lambda: _first_stairwell(region(HUANGLI)),
            DISTRICT: lambda: region(DISTRICT),
            BAIHE: lambda: region(BAIHE),
            HUACHUAN_PERSON: lambda: _some_resident(region(HUACHUAN)),
            HUANGLI_PERSON: lambda: _some_resident(region(HUANGLI)),
            AUDIT: lambda: None,
        }[key]()

    return get


def test_matrix_objects_are_where_the_matrix_says(obj, region):
    # Given the demo district, the objects of the matrix lie where their names say.
    huachuan, huangli = region(HUACHUAN), region(HUANGLI)
    assert obj(HUACHUAN_STAIRWELL).path.startswith(huachuan.path)
    assert obj(HUANGLI_STAIRWELL).path.startswith(huangli.path)
    assert obj(HUACHUAN_PERSON).region.path.startswith(huachuan.path)
    assert obj(HUANGLI_PERSON).region.path.startswith(huangli.path)
    assert huachuan.path.startswith(region("百丈街道").path)
    assert huangli.path.startswith(region(BAIHE).path)
    assert not huachuan.path.startswith(region(BAIHE).path)


# --- pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "key", "visible"), _cases(OBJECTS))
def test_page_shows_only_what_the_role_may_see(page_as, obj, name, key, visible):
    # Given a signed-in persona and an object inside or outside their place
    client = page_as(name)
    target = obj(key)
    # When they open the object's page
    if key in REGION_OBJECTS:
        response = client.get(f"/regions/{target.pk}/")
    elif key in PERSON_OBJECTS:
        response = client.get(f"/residents/?region={target.region_id}")
    else:
        response = client.get("/audit/")
    # Then they see it, or the page does not exist for them (never "forbidden")
    assert response.status_code == (200 if visible else 404)
    if visible and key in REGION_OBJECTS:
        assert target.name in response.content.decode()
    if visible and key in PERSON_OBJECTS:
        html = response.content.decode()
        full = key in UNMASKED.get(name, frozenset())
        assert (target.phone if full else mask_phone(target.phone)) in html
        assert (target.phone in html) is full


@pytest.mark.parametrize(("name", "key", "visible"), _cases(OBJECTS))
def test_api_shows_only_what_the_role_may_see(api_as, obj, name, key, visible):
    client = api_as(name)
    target = obj(key)
    if key in REGION_OBJECTS:
        response = client.get(f"/api/v1/regions/{target.pk}")
    elif key in PERSON_OBJECTS:
        response = client.get(f"/api/v1/people/persons/{target.pk}")
    else:
        response = client.get("/api/v1/audit/events")
        # A list answers with what the user may see: the trail, or nothing of it.
        assert response.status_code == 200
        assert (response.json()["count"] > 0) is visible
        if not visible:
            assert response.json()["items"] == []
        return
    assert response.status_code == (200 if visible else 404)
    body = response.json()
    if visible:
        assert body["id"] == target.pk
    else:
        assert body["code"] == "not_found"
        assert "name" not in body


@pytest.mark.parametrize(("name", "key", "visible"), _cases(REGION_OBJECTS))
def test_region_list_by_kind_includes_only_visible_places(api_as, obj, name, key, visible):
    # When the persona lists places of that kind (by name, so one page is enough)
    target = obj(key)
    response = api_as(name).get("/api/v1/regions", {"kind": target.kind, "q": target.name, "limit": 200})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] <= 200
    # Then the place is listed exactly when it is visible
    assert (target.pk in {item["id"] for item in body["items"]}) is visible


# --- masking ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        (name, key)
        for name in PERSONAS
        for key in PERSON_OBJECTS
        if key in VISIBLE[name]  # only records the persona can see at all
    ],
)
def test_api_masks_names_and_phones_unless_the_role_needs_them(api_as, obj, name, key):
    person = obj(key)
    body = api_as(name).get(f"/api/v1/people/persons/{person.pk}").json()
    full = key in UNMASKED.get(name, frozenset())
    assert body["masked"] is not full
    assert body["name"] == (person.name if full else mask_name(person.name))
    assert body["phone"] == (person.phone if full else mask_phone(person.phone))


def test_district_admin_sees_residents_of_every_community_masked_in_list(api_for, region):
    response = api_for("admin_district").get("/api/v1/people/persons", {"region": region(HUANGLI).pk})
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == Person.objects.filter(community=region(HUANGLI)).count() > 0
    assert all(item["masked"] for item in body["items"])
    assert all(item["name"].endswith("*") for item in body["items"])


def test_subdistrict_staff_cannot_list_residents_of_another_subdistrict(api_for, region):
    response = api_for("staff_baizhang").get("/api/v1/people/persons", {"region": region(HUANGLI).pk})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_subdistrict_staff_list_holds_no_resident_outside_their_subdistrict(api_for, region):
    baizhang = region("百丈街道")
    body = api_for("staff_baizhang").get("/api/v1/people/persons", {"limit": 200}).json()
    assert body["count"] == Person.objects.filter(region__path__startswith=baizhang.path).count()
    communities = {item["community"] for item in body["items"]}
    assert HUANGLI not in communities


def test_resident_sees_own_record_unmasked(api_for, persona):
    own = Person.objects.get(user=persona("resident_huachuan"))
    body = api_for("resident_huachuan").get(f"/api/v1/people/persons/{own.pk}").json()
    assert body["id"] == own.pk
    assert body["name"] == own.name
    assert body["masked"] is False


def test_resident_lists_only_their_own_record(api_for, persona):
    own = Person.objects.get(user=persona("resident_huachuan"))
    body = api_for("resident_huachuan").get("/api/v1/people/persons").json()
    assert [item["id"] for item in body["items"]] == [own.pk]
    assert body["count"] == 1


def test_resident_cannot_see_a_neighbour_in_the_same_household(api_for, persona):
    own = Person.objects.get(user=persona("resident_huachuan"))
    neighbour = Person.objects.filter(region=own.region).exclude(pk=own.pk).first()
    assert neighbour is not None
    response = api_for("resident_huachuan").get(f"/api/v1/people/persons/{neighbour.pk}")
    assert response.status_code == 404


def test_resident_has_no_resident_search_page(client_for):
    assert client_for("resident_huachuan").get("/residents/").status_code == 404


def test_outsider_cannot_see_other_community_resident(api_as, obj):
    person = obj(HUANGLI_PERSON)
    response = api_as(OUTSIDER).get(f"/api/v1/people/persons/{person.pk}")
    assert response.status_code == 404
    assert person.name not in response.content.decode()


def test_outsider_lists_no_place_and_no_resident(api_as):
    client = api_as(OUTSIDER)
    assert client.get("/api/v1/regions").json() == {"items": [], "count": 0}
    assert client.get("/api/v1/people/persons").json() == {"items": [], "count": 0}


def test_outsider_region_browser_shows_no_place(page_as, region):
    response = page_as(OUTSIDER).get("/regions/")
    assert response.status_code == 200
    assert region(DISTRICT).name not in response.content.decode()


def test_social_worker_page_for_other_community_does_not_leak_its_name(client_for, region):
    huachuan = region(HUACHUAN)
    response = client_for("worker_huangli").get(f"/regions/{huachuan.pk}/")
    assert response.status_code == 404
    assert huachuan.name not in response.content.decode()


def test_page_for_an_unknown_region_is_404_not_403(client_for):
    assert client_for("admin_district").get("/regions/999999999/").status_code == 404


def test_resident_search_with_a_non_numeric_region_is_404(client_for):
    assert client_for("worker_huachuan").get("/residents/?region=abc").status_code == 404


def test_anonymous_visitor_is_sent_to_login_for_every_page(region):
    client = Client()
    for url in [f"/regions/{region(HUACHUAN).pk}/", "/residents/", "/audit/", "/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/"), url


def test_anonymous_api_call_is_401_json(region):
    response = Client().get(f"/api/v1/regions/{region(HUACHUAN).pk}")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_revoked_role_takes_the_place_away(api_for, persona, region):
    from community365.people.models import RoleAssignment
    from community365.people.services import role_revoke

    # Given worker_huangli loses the social worker role at 黄鹂社区
    assignment = RoleAssignment.objects.get(user=persona("worker_huangli"), role="social_worker")
    role_revoke(actor=persona("admin_district"), assignment=assignment)
    # Then 黄鹂社区 is no longer visible to them
    response = api_for("worker_huangli").get(f"/api/v1/regions/{region(HUANGLI).pk}")
    assert response.status_code == 404

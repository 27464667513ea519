"""Stairwell lighting files (亮灯档案): a lighting request at a stairwell opens a fault and darkens
it, closing the request records the repair and lights it again when no other fault is open; the
staff file the lamps and record checks; who may see and keep the files."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.audit.models import AuditEvent
from community365.core.actors import SystemActor
from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from community365.desk import policies, selectors, services
from community365.desk.models import CatalogueItem, LightingFile, LightingLogKind, LightState
from community365.regions.models import Region, RegionKind

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")


@pytest.fixture
def stairwell(huachuan) -> Region:
    """A stairwell of 划船 that has no lighting file yet (the demo world files some)."""
    return _quiet(huachuan)


def _quiet(huachuan, *, but=None) -> Region:
    filed = LightingFile.objects.values("stairwell_id")
    return (
        Region.objects.filter(path__startswith=huachuan.path, kind=RegionKind.STAIRWELL)
        .exclude(pk__in=filed)
        .exclude(pk=getattr(but, "pk", None))
        .order_by("path")
        .first()
    )


def _file(stairwell) -> LightingFile:
    return LightingFile.objects.get(stairwell=stairwell)


def test_a_lighting_request_darkens_the_stairwell_and_closing_it_lights_it(accepted, stairwell, persona):
    req = accepted()
    file = _file(stairwell)
    assert file.state == LightState.DARK and file.open_faults == 1
    assert file.district_id == req.district_id and file.community_id == req.community_id
    services.request_close(actor=persona("worker_huachuan"), req=req, resolution="换了灯泡。")
    file.refresh_from_db()
    assert file.state == LightState.LIT and file.open_faults == 0
    kinds = [row.kind for row in file.log.order_by("at", "id")]
    assert kinds == [LightingLogKind.FAULT, LightingLogKind.REPAIR]


def test_the_stairwell_stays_dark_while_another_fault_is_open(accepted, stairwell, persona):
    first, second = accepted(), accepted()
    since = _file(stairwell).state_since
    services.request_close(actor=persona("worker_huachuan"), req=first, resolution="修好一盏。")
    file = _file(stairwell)
    assert file.state == LightState.DARK and file.open_faults == 1
    assert file.state_since == since  # dark since the first fault, not the second
    services.request_close(actor=persona("worker_huachuan"), req=second, resolution="全部修好。")
    assert _file(stairwell).state == LightState.LIT


def test_a_merged_duplicate_does_not_keep_the_stairwell_dark(accepted, stairwell, persona):
    first, dup = accepted(), accepted()
    services.request_merge(actor=persona("worker_huachuan"), req=dup, into=first)
    assert _file(stairwell).open_faults == 1
    services.request_close(actor=persona("worker_huachuan"), req=first, resolution="修好了。")
    assert _file(stairwell).state == LightState.LIT


def test_other_items_and_places_open_no_file(make_request, huachuan, stairwell):
    before = LightingFile.objects.count()
    make_request("stairwell-light", place=huachuan)  # a community, not a stairwell
    code = CatalogueItem.objects.exclude(code="stairwell-light").values_list("code", flat=True).first()
    make_request(code)  # another item at the stairwell
    assert LightingFile.objects.count() == before


def test_staff_file_the_lamps_and_it_is_audited(stairwell, persona):
    file = services.lighting_file_save(
        actor=persona("worker_huachuan"),
        stairwell=stairwell,
        lamps=3,
        lamp_type="led",
        sensor=True,
        maintainer="property",
    )
    assert (file.lamps, file.state) == (3, LightState.LIT)
    assert AuditEvent.objects.filter(action="desk.lighting:save", result="ok").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("lamps", -1), ("lamps", 100), ("lamps", True), ("lamp_type", "gas"), ("maintainer", "nobody")],
)
def test_bad_lamp_data_is_refused(stairwell, persona, field, value):
    data = {"lamps": 2, "lamp_type": "led", "sensor": False, "maintainer": "community"} | {field: value}
    with pytest.raises(InvalidInput) as exc:
        services.lighting_file_save(actor=persona("worker_huachuan"), stairwell=stairwell, **data)
    assert exc.value.field == field


def test_a_file_only_at_a_stairwell(huachuan, persona):
    with pytest.raises(InvalidInput):
        services.lighting_file_save(
            actor=persona("worker_huachuan"),
            stairwell=huachuan,
            lamps=1,
            lamp_type="led",
            sensor=True,
            maintainer="community",
        )


def test_another_communitys_worker_cannot_keep_the_file_and_is_audited(stairwell, persona):
    with pytest.raises(NotAllowed):
        services.lighting_file_save(
            actor=persona("worker_huangli"),
            stairwell=stairwell,
            lamps=1,
            lamp_type="led",
            sensor=True,
            maintainer="community",
        )
    assert AuditEvent.objects.filter(action="desk.lighting:save").exclude(result="ok").exists()


def test_a_check_cannot_declare_lit_while_a_request_is_open(accepted, stairwell, persona):
    accepted()
    with pytest.raises(InvalidTransition):
        services.lighting_check(actor=persona("worker_huachuan"), file=_file(stairwell), state="lit")
    file = services.lighting_check(
        actor=persona("worker_huachuan"), file=_file(stairwell), state="faulty", note="一盏亮"
    )
    assert file.state == LightState.FAULTY


def test_a_check_with_an_unknown_state_is_refused(stairwell, persona):
    file = services.lighting_file_save(
        actor=SYSTEM, stairwell=stairwell, lamps=1, lamp_type="led", sensor=True, maintainer="community"
    )
    with pytest.raises(InvalidInput):
        services.lighting_check(actor=persona("worker_huachuan"), file=file, state="blue")


def test_files_are_seen_only_in_scope(accepted, stairwell, persona):
    accepted()
    file = _file(stairwell)
    assert policies.get_visible_lighting_file(persona("worker_huachuan"), file.pk)
    for outsider in ("worker_huangli", "resident_huachuan", "liaison_housing"):
        with pytest.raises(NotFound):
            policies.get_visible_lighting_file(persona(outsider), file.pk)
    with pytest.raises(NotFound):
        policies.get_visible_lighting_file(persona("worker_huachuan"), True)


def test_the_dark_list_is_oldest_first_with_counts(make_request, stairwell, persona, huachuan):
    other = _quiet(huachuan, but=stairwell)
    user = persona("worker_huachuan")
    counts = selectors.lighting_counts(user)
    now = timezone.now()
    make_request(place=other, at=now - datetime.timedelta(days=1))
    make_request(at=now - datetime.timedelta(days=20))
    dark = [
        f
        for f in selectors.lighting_files_for(user, state="unlit")
        if f.stairwell_id in (stairwell.pk, other.pk)
    ]
    assert [f.stairwell_id for f in dark] == [stairwell.pk, other.pk]
    assert selectors.age_days(dark[0], now) == 20
    assert selectors.lighting_counts(user)["dark"] == counts["dark"] + 2
    rows = {r["community_id"]: r["n"] for r in selectors.lighting_dark_by_community(user)}
    assert rows[huachuan.pk] >= 2
    assert huachuan.pk not in {
        r["community_id"] for r in selectors.lighting_dark_by_community(persona("worker_huangli"))
    }


# --- the API and the pages ---------------------------------------------------------------------

API = "/api/v1/services/lighting"


def test_the_api_lists_the_dark_stairwells_in_scope(api_for, make_request, stairwell):
    make_request()
    file = _file(stairwell)
    mine = api_for("worker_huachuan").get(API, {"state": "unlit", "limit": 200}).json()
    assert file.pk in {row["id"] for row in mine["items"]} and mine["count"] >= 1
    assert api_for("resident_huachuan").get(API).json()["count"] == 0
    assert api_for("worker_huangli").get(f"{API}/{file.pk}").status_code == 404
    assert api_for("worker_huachuan").get(f"{API}/{file.pk}").json()["log"][0]["kind"] == "fault"
    grouped = api_for("worker_huachuan").get(f"{API}/by-community").json()
    assert any(r["community"] == "划船社区" and r["unlit"] >= 1 for r in grouped)


def test_the_api_refuses_bad_input_and_strangers(api_for, stairwell):
    body = {
        "stairwell_id": stairwell.pk,
        "lamps": 4,
        "lamp_type": "led",
        "sensor": True,
        "maintainer": "property",
    }
    assert api_for("worker_huachuan").post(API, body, content_type="application/json").status_code == 200
    assert api_for("worker_huachuan").get(API, {"state": "blue"}).status_code == 422
    bad = api_for("worker_huachuan").post(API, body | {"lamps": 100}, content_type="application/json")
    assert bad.status_code == 422
    stranger = api_for("worker_huangli").post(API, body, content_type="application/json")
    assert stranger.status_code == 422 and stranger.json()["code"] == "not_allowed"
    file = _file(stairwell)
    check = api_for("resident_huachuan").post(
        f"{API}/{file.pk}/checks", {"state": "dark"}, content_type="application/json"
    )
    assert check.status_code == 404
    ok = api_for("worker_huachuan").post(
        f"{API}/{file.pk}/checks", {"state": "dark"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["state"] == "dark"


def test_the_pages(client_for, make_request, stairwell):
    make_request()
    file = _file(stairwell)
    worker = client_for("worker_huachuan")
    listing = worker.get("/services/lighting/")
    assert listing.status_code == 200 and stairwell.name in listing.content.decode()
    assert client_for("resident_huachuan").get("/services/lighting/").status_code == 404
    assert client_for("worker_huangli").get(f"/services/lighting/{file.pk}/").status_code == 404
    leader = client_for("leader_demo").get(f"/services/lighting/{file.pk}/").content.decode()
    assert 'name="action"' not in leader  # sees, cannot keep
    saved = worker.post(
        f"/services/lighting/{file.pk}/",
        {
            "action": "save",
            "lamps": "6",
            "lamp_type": "fluorescent",
            "sensor": "on",
            "maintainer": "community",
        },
    )
    assert saved.status_code == 302
    file.refresh_from_db()
    assert (file.lamps, file.lamp_type, file.maintainer) == (6, "fluorescent", "community")
    refused = worker.post(f"/services/lighting/{file.pk}/", {"action": "check", "state": "lit"})
    assert refused.status_code == 200 and _file(stairwell).state == "dark"


def test_operations_staff_keep_any_lighting_file_as_the_system(stairwell):
    from community365.people.models import User

    root = User.objects.create_superuser("lamp_root", password="Ops-root-365!")
    file = services.lighting_file_save(
        actor=root, stairwell=stairwell, lamps=2, lamp_type="led", sensor=False, maintainer="property"
    )
    file = services.lighting_check(actor=root, file=file, state="faulty", note="巡查")
    assert file.state == LightState.FAULTY
    assert AuditEvent.objects.filter(action="desk.lighting:check", acting_role="system").exists()


def test_a_repeated_check_of_the_same_state_keeps_the_date_it_began(stairwell, persona):
    worker = persona("worker_huachuan")
    file = services.lighting_file_save(
        actor=worker, stairwell=stairwell, lamps=2, lamp_type="led", sensor=False, maintainer="property"
    )
    first = services.lighting_check(actor=worker, file=file, state="faulty")
    since = first.state_since
    again = services.lighting_check(actor=worker, file=first, state="faulty", note="仍有一盏不亮")
    assert again.state_since == since

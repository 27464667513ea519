"""The audit trail: every service call leaves a row saying who, in which role, did what to which
object, from where, with what result; refusals too. The rows can never be changed or removed,
and only district admins read them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client, RequestFactory

from community365.audit.models import AuditEvent
from community365.audit.services import service
from community365.core.actors import SystemActor
from community365.core.context import RequestMeta, request_meta
from community365.core.errors import Conflict, DomainError, InvalidInput, NotAllowed
from community365.people import services as people
from community365.people.models import Person, RoleAssignment, User
from community365.regions import services as regions
from community365.regions.models import Household, Region

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("test")
IP = "10.36.5.8"


def latest(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None, f"no audit event for {action}"
    return event


def stairwell_of(community: Region) -> Region:
    return Region.objects.filter(kind="stairwell", path__startswith=community.path).order_by("path").first()


def unverified_person(community: Region) -> Person:
    return Person.objects.filter(community=community, verified_at__isnull=True, user__isnull=True).first()


# --- every service writes a complete row -----------------------------------------------------

# service action → (persona acting, expected acting role, call(persona, region) → the object)
Scenario = tuple[str, str, Callable[[Callable[[str], User], Callable[[str], Region]], Any]]

SCENARIOS: dict[str, Scenario] = {
    "regions.region:create": (
        "admin_district",
        "district_admin",
        lambda p, r: regions.region_create(
            actor=p("admin_district"), parent=r("划船社区"), kind="grid", name="第9网格", code="T-G9"
        ),
    ),
    "regions.household:create": (
        "worker_huachuan",
        "social_worker",
        lambda p, r: regions.household_create(
            actor=p("worker_huachuan"), stairwell=stairwell_of(r("划船社区")), number="99-1-901"
        ),
    ),
    # the bulk paths (the full-size demo, imports) write the single service's row per record
    "regions.region:create_bulk": (
        "admin_district",
        "district_admin",
        lambda p, r: regions.regions_create_bulk(
            actor=p("admin_district"), entries=[(r("划船社区"), "grid", "第8网格", "T-G8")]
        )[0],
    ),
    "regions.household:create_bulk": (
        "worker_huachuan",
        "social_worker",
        lambda p, r: regions.households_create_bulk(
            actor=p("worker_huachuan"), entries=[(stairwell_of(r("划船社区")), "99-1-902")]
        )[0],
    ),
    "people.person:register_bulk": (
        "worker_huachuan",
        "social_worker",
        lambda p, r: people.persons_register_bulk(
            actor=p("worker_huachuan"), records=[{"community": r("划船社区"), "name": "李批量"}]
        )[0],
    ),
    "regions.department:create": (
        "admin_district",
        "district_admin",
        lambda p, r: regions.department_create(
            actor=p("admin_district"), district=r("江东区"), name="区应急管理局", code="emergency"
        ),
    ),
    "regions.organisation:create": (
        "staff_baizhang",
        "subdistrict_staff",
        lambda p, r: regions.organisation_create(
            actor=p("staff_baizhang"), region=r("百丈街道"), name="百丈志愿者协会", kind="social"
        ),
    ),
    "regions.service_centre:create": (
        "staff_baizhang",
        "subdistrict_staff",
        lambda p, r: regions.service_centre_create(
            actor=p("staff_baizhang"), region=r("百丈街道"), name="百丈党群服务中心"
        ),
    ),
    "admin:save": (
        "admin_district",
        "district_admin",
        lambda p, r: _admin_save(p("admin_district"), r("划船社区")),
    ),
    "people.user:create": (
        "admin_district",
        "district_admin",
        lambda p, r: people.user_create(
            actor=p("admin_district"), username="new_worker", password=None, district=r("江东区")
        ),
    ),
    "people.user:set_password": (
        "worker_huangli",
        "",  # on one's own account: no role involved
        lambda p, r: people.user_set_password(
            actor=p("worker_huangli"), user=p("worker_huangli"), new_password="Huangli-2016-flood"
        ),
    ),
    "people.role:grant": (
        "secretary_huachuan",
        "community_secretary",
        lambda p, r: people.role_grant(
            actor=p("secretary_huachuan"), user=p("resident_huachuan"), role="volunteer", region=r("划船社区")
        ),
    ),
    "people.role:revoke": (
        "secretary_huachuan",
        "community_secretary",
        lambda p, r: people.role_revoke(
            actor=p("secretary_huachuan"),
            assignment=RoleAssignment.objects.get(user=p("volunteer_demo"), role="volunteer"),
        ),
    ),
    "people.token:issue": (
        "worker_huangli",
        "",
        lambda p, r: people.token_issue(actor=p("worker_huangli"))[1],
    ),
    "people.token:revoke": (
        "worker_huangli",
        "",
        lambda p, r: people.token_revoke(
            actor=p("worker_huangli"), token=people.token_issue(actor=p("worker_huangli"))[1]
        ),
    ),
    "people.user:unlock": (
        "secretary_huachuan",
        "community_secretary",
        lambda p, r: _unlocked(p("secretary_huachuan"), p("resident_huachuan")),
    ),
    "people.account:open": (
        "secretary_huachuan",
        "community_secretary",
        lambda p, r: people.account_open(
            actor=p("secretary_huachuan"),
            username="new_volunteer",
            display_name="新志愿者",
            password="Volunteer-365",
            role="volunteer",
            region=r("划船社区"),
        ),
    ),
    "people.person:register": (
        "worker_huachuan",
        "social_worker",
        lambda p, r: people.person_register(
            actor=p("worker_huachuan"), community=r("划船社区"), name="张新来"
        ),
    ),
    "people.person:verify": (
        "worker_huachuan",
        "social_worker",
        lambda p, r: people.person_verify_residence(
            actor=p("worker_huachuan"), person=unverified_person(r("划船社区"))
        ),
    ),
    "people.person:link_user": (
        "secretary_huachuan",
        "community_secretary",
        lambda p, r: people.person_link_user(
            actor=p("secretary_huachuan"),
            person=unverified_person(r("划船社区")),
            user=people.user_create(actor=SYSTEM, username="new_resident", password=None),
        ),
    ),
}


# Services whose successful row carries another action name than the service's own.
EVENT_ACTION = {
    "admin:save": "regions.region:admin_change",  # the change of the object saved
    "people.account:open": "people.role:grant",  # an account, then its role
    "regions.region:create_bulk": "regions.region:create",
    "regions.household:create_bulk": "regions.household:create",
    "people.person:register_bulk": "people.person:register",
}


def _admin_save(user: User, region: Region) -> Region:
    from community365.regions.admin import RegionAdmin

    request = RequestFactory().post("/admin/regions/region/")
    request.user = user
    region.reported_households = 3950
    form = type("Form", (), {"changed_data": ["reported_households"]})()
    RegionAdmin(Region, admin.site).save_model(request, region, form, change=True)
    return region


def _unlocked(actor: User, user: User) -> User:
    people.account_unlock(actor=actor, user=user)
    return user


def _foundation_services() -> set[str]:
    from community365.core import admin as core_admin
    from community365.people import services as people_services
    from community365.regions import services as region_services

    found = set()
    for module in (core_admin, people_services, region_services):
        for value in vars(module).values():
            if callable(value) and isinstance(getattr(value, "action", None), str):
                found.add(value.action)
    return found


def test_every_foundation_service_has_an_audit_scenario():
    # A new service must be added to SCENARIOS, so that its audit row is checked too.
    assert _foundation_services() == set(SCENARIOS)


@pytest.mark.parametrize("action", sorted(SCENARIOS))
def test_service_writes_who_role_what_object_where_and_result(persona, region, action):
    actor_name, role, call = SCENARIOS[action]
    before = AuditEvent.objects.count()
    # When the service runs within a request from a known address
    with request_meta(RequestMeta(ip=IP, channel="page", request_id="req-audit-1")):
        obj = call(persona, region)
    # Then its row names actor, role, action, object, address and result
    assert AuditEvent.objects.count() > before
    event = latest(EVENT_ACTION.get(action, action))
    actor = persona(actor_name)
    assert event.actor_id == actor.pk
    assert event.actor_label == actor.username
    assert event.acting_role == role
    assert event.object_type == obj._meta.label_lower
    assert event.object_id == str(obj.pk)
    assert event.object_repr
    assert event.ip == IP
    assert event.channel == "page"
    assert event.request_id == "req-audit-1"
    assert event.result == "ok"
    assert event.occurred_at is not None


def test_audit_row_never_holds_a_password(persona):
    user = persona("worker_huangli")
    people.user_set_password(actor=user, user=user, new_password="Huangli-2016-flood")
    people.user_create(actor=SYSTEM, username="new_worker", password="Secret-Pass-365")
    dumped = json.dumps(
        list(AuditEvent.objects.values("object_repr", "message", "changes")), ensure_ascii=False
    )
    assert "Huangli-2016-flood" not in dumped
    assert "Secret-Pass-365" not in dumped


def test_registering_a_person_does_not_audit_the_id_number(persona, region):
    people.person_register(
        actor=persona("worker_huachuan"),
        community=region("划船社区"),
        name="李证件",
        id_number="11010519491231002X",
    )
    dumped = json.dumps(list(AuditEvent.objects.values("object_repr", "message", "changes")))
    assert "11010519491231002" not in dumped


def test_request_address_and_channel_are_recorded_for_api_calls(demo_password):
    response = Client(REMOTE_ADDR="10.7.7.7").post(
        "/api/v1/auth/token",
        data=json.dumps({"username": "worker_huangli", "password": demo_password}),
        content_type="application/json",
    )
    assert response.status_code == 200
    event = latest("people.token:issue")
    assert (event.ip, event.channel, event.actor_label) == ("10.7.7.7", "api", "worker_huangli")
    assert event.request_id == response["X-Request-ID"]


def test_request_address_is_recorded_for_page_actions(client_for, persona):
    _token, record = people.token_issue(actor=persona("worker_huangli"))
    client = client_for("worker_huangli")
    response = client.post(f"/account/tokens/{record.pk}/revoke", REMOTE_ADDR="10.8.8.8")
    assert response.status_code == 302
    event = latest("people.token:revoke")
    assert (event.ip, event.channel, event.object_id) == ("10.8.8.8", "page", str(record.pk))


# --- refusals ---------------------------------------------------------------------------------


def test_refused_call_is_recorded_as_refused(persona, region):
    worker = persona("worker_huangli")
    before = Person.objects.count()
    # When the 黄鹂 worker tries to register a resident in 划船
    with request_meta(RequestMeta(ip=IP, channel="page")), pytest.raises(NotAllowed) as refused:
        people.person_register(actor=worker, community=region("划船社区"), name="越界登记")
    # Then nothing is registered and the refusal is on record
    assert Person.objects.count() == before
    event = latest("people.person:register")
    assert event.result == "refused"
    assert event.actor_id == worker.pk
    assert event.ip == IP
    assert event.message == refused.value.message
    assert event.object_id == str(region("划船社区").pk)


def test_refused_verification_names_the_person_refused(persona, region):
    person = unverified_person(region("划船社区"))
    with pytest.raises(NotAllowed):
        people.person_verify_residence(actor=persona("worker_huangli"), person=person)
    event = latest("people.person:verify")
    assert (event.result, event.object_type, event.object_id) == ("refused", "people.person", str(person.pk))
    person.refresh_from_db()
    assert person.verified_at is None


def test_conflict_is_recorded_as_refused(region):
    with pytest.raises(Conflict):
        regions.region_create(
            actor=SYSTEM, parent=region("百丈街道"), kind="community", name="重复", code="JD-BZ-01"
        )
    event = latest("regions.region:create")
    assert event.result == "refused"
    assert event.actor_label == "system:test"
    assert not Region.objects.filter(name="重复").exists()


def test_refused_call_rolls_back_work_done_before_the_refusal(region):
    stair = stairwell_of(region("划船社区"))

    @service("test:write_then_refuse")
    def write_then_refuse(*, actor: Any, stairwell: Region) -> None:
        Household.objects.create(
            district_id=stairwell.district_id, region=stairwell, community=region("划船社区"), number="半途-1"
        )
        raise InvalidInput("refused after writing")

    with pytest.raises(InvalidInput):
        write_then_refuse(actor=SYSTEM, stairwell=stair)
    # The household written before the refusal is gone; the refusal stays.
    assert not Household.objects.filter(number="半途-1").exists()
    event = latest("test:write_then_refuse")
    assert (event.result, event.message) == ("refused", "refused after writing")


def test_refused_role_grant_leaves_no_role(persona, region):
    before = RoleAssignment.objects.count()
    with pytest.raises(NotAllowed):
        people.role_grant(
            actor=persona("secretary_huachuan"),
            user=persona("resident_huachuan"),
            role="social_worker",
            region=region("黄鹂社区"),
        )
    assert RoleAssignment.objects.count() == before
    assert latest("people.role:grant").result == "refused"


def test_unexpected_errors_are_not_recorded_as_refusals(region):
    @service("test:crash")
    def crash(*, actor: Any) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        crash(actor=SYSTEM)
    assert not AuditEvent.objects.filter(action="test:crash").exists()


def test_a_domain_error_is_re_raised_unchanged():
    @service("test:refuse")
    def refuse(*, actor: Any) -> None:
        raise Conflict("taken", field="code")

    with pytest.raises(DomainError) as refused:
        refuse(actor=SYSTEM)
    assert (refused.value.status, refused.value.field) == (409, "code")


# --- append-only ------------------------------------------------------------------------------


@pytest.fixture
def event(db) -> AuditEvent:
    return AuditEvent.objects.order_by("id").first()


def test_audit_event_cannot_be_changed_by_saving(event):
    event.action = "people.person:nothing_happened"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action != "people.person:nothing_happened"


def test_audit_event_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_events_cannot_be_updated_in_bulk(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(result="ok", message="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(actor_label="nobody")
    assert AuditEvent.objects.get(pk=event.pk).message != "rewritten"


def test_audit_events_cannot_be_deleted_in_bulk(event):
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == before


def test_audit_events_cannot_be_rewritten_by_bulk_update(event):
    event.message = "rewritten"
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["message"])
    assert AuditEvent.objects.get(pk=event.pk).message != "rewritten"


def test_audit_event_cannot_be_rewritten_by_update_or_create(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.update_or_create(pk=event.pk, defaults={"result": "failed"})
    assert AuditEvent.objects.get(pk=event.pk).result == event.result


# --- the back office --------------------------------------------------------------------------


@pytest.fixture
def audit_admin():
    return admin.site._registry[AuditEvent]


def _request_as(user: User):
    request = RequestFactory().get("/admin/audit/auditevent/")
    request.user = user
    return request


@pytest.mark.parametrize("name", ["admin_district", "secretary_huachuan", "staff_baizhang"])
def test_audit_admin_allows_no_add_change_or_delete(audit_admin, persona, event, name):
    request = _request_as(persona(name))
    assert not audit_admin.has_add_permission(request)
    assert not audit_admin.has_change_permission(request, event)
    assert not audit_admin.has_delete_permission(request, event)
    assert "delete_selected" not in audit_admin.get_actions(request)


def test_audit_admin_allows_no_add_change_or_delete_even_for_a_superuser(audit_admin, event):
    superuser = User.objects.create_superuser("ops_root", password="Ops-root-365!")
    request = _request_as(superuser)
    assert audit_admin.has_view_permission(request, event)
    assert not audit_admin.has_add_permission(request)
    assert not audit_admin.has_change_permission(request, event)
    assert not audit_admin.has_delete_permission(request, event)


def test_district_admin_reads_the_trail_in_the_back_office(client_for):
    assert client_for("admin_district").get("/admin/audit/auditevent/").status_code == 200


@pytest.mark.parametrize("suffix", ["add/", "{id}/delete/"])
def test_back_office_add_and_delete_pages_are_forbidden(client_for, event, suffix):
    client = client_for("admin_district")
    url = "/admin/audit/auditevent/" + suffix.format(id=event.pk)
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_back_office_change_form_cannot_save(client_for, event):
    response = client_for("admin_district").post(
        f"/admin/audit/auditevent/{event.pk}/change/", {"action": "rewritten", "result": "ok"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action != "rewritten"


def test_back_office_bulk_delete_action_does_nothing(client_for, event):
    before = AuditEvent.objects.count()
    client_for("admin_district").post(
        "/admin/audit/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert AuditEvent.objects.count() >= before
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_secretary_has_no_audit_trail_in_the_back_office(client_for):
    assert client_for("secretary_huachuan").get("/admin/audit/auditevent/").status_code == 403


# --- the audit page ---------------------------------------------------------------------------


def _refuse_once(persona, region) -> None:
    with pytest.raises(NotAllowed):
        people.person_register(actor=persona("worker_huangli"), community=region("划船社区"), name="越界登记")


def test_district_admin_sees_the_audit_page(client_for, persona, region):
    _refuse_once(persona, region)
    response = client_for("admin_district").get("/audit/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count > 0


def test_audit_page_filters_by_actor_and_result(client_for, persona, region):
    _refuse_once(persona, region)
    response = client_for("admin_district").get("/audit/", {"actor": "worker_huangli", "result": "refused"})
    events = list(response.context["page"].object_list)
    assert len(events) == 1
    assert events[0].action == "people.person:register"
    assert "worker_huangli" in response.content.decode()


def test_audit_page_filters_by_action(client_for):
    response = client_for("admin_district").get("/audit/", {"action": "regions.household"})
    events = list(response.context["page"].object_list)
    assert events
    assert all(e.action.startswith("regions.household") for e in events)


def test_audit_page_filters_by_date(client_for):
    response = client_for("admin_district").get("/audit/", {"until": "2000-01-01"})
    assert response.context["page"].paginator.count == 0


def test_audit_page_ignores_a_malformed_date(client_for):
    response = client_for("admin_district").get("/audit/", {"since": "not-a-date"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count > 0


@pytest.mark.parametrize(
    "name",
    [
        "worker_huachuan",
        "secretary_huachuan",
        "staff_baizhang",
        "liaison_housing",
        "leader_demo",
        "resident_huachuan",
    ],
)
def test_only_district_admins_see_the_audit_page(client_for, name):
    assert client_for(name).get("/audit/").status_code == 404


def test_district_admin_does_not_see_another_districts_trail(client_for):
    other = regions.region_create(actor=SYSTEM, parent=None, kind="district", name="海曙区", code="HS")
    regions.region_create(actor=SYSTEM, parent=other, kind="subdistrict", name="鼓楼街道", code="HS-GL")
    response = client_for("admin_district").get("/audit/", {"action": "regions.region:create"})
    reprs = {e.object_repr for e in response.context["page"].paginator.object_list}
    assert "鼓楼街道" not in reprs
    assert "海曙区" not in reprs


# --- sign-ins ---------------------------------------------------------------------------------


def test_failed_login_on_the_page_is_audited(db):
    Client(REMOTE_ADDR="10.1.1.1").post("/login/", {"username": "worker_huangli", "password": "Wrong-1!x"})
    event = latest("people.user:login")
    assert event.result == "failed"
    assert event.actor_id is None
    assert event.object_repr == "worker_huangli"
    assert event.ip == "10.1.1.1"
    assert "Wrong-1!x" not in json.dumps([event.message, event.changes])


def test_failed_token_request_is_audited(db):
    Client().post(
        "/api/v1/auth/token",
        data=json.dumps({"username": "worker_huangli", "password": "Wrong-1!x"}),
        content_type="application/json",
    )
    event = latest("people.user:login")
    assert (event.result, event.channel, event.object_repr) == ("failed", "api", "worker_huangli")


def test_failed_login_for_an_unknown_name_is_audited(db):
    Client().post("/login/", {"username": "ghost", "password": "Wrong-1!x"})
    event = latest("people.user:login")
    assert (event.result, event.object_repr, event.object_id) == ("failed", "ghost", "")


def test_district_admin_sees_failed_logins_of_their_staff(client_for, region):
    Client().post("/login/", {"username": "worker_huangli", "password": "Wrong-1!x"})
    response = client_for("admin_district").get("/audit/", {"result": "failed"})
    assert "worker_huangli" in {e.object_repr for e in response.context["page"].object_list}


def test_successful_login_is_audited(demo_password, persona):
    Client().post("/login/", {"username": "worker_huangli", "password": demo_password})
    event = latest("people.user:login")
    assert (event.result, event.actor_id) == ("ok", persona("worker_huangli").pk)

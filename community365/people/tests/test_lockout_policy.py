"""Lock-out that cannot be turned against a colleague (issue 9, item 10): 5 failures lock a
user name *from that address* for 30 minutes; an address failing 20 times in 10 minutes across
user names waits; a community secretary or the district admin unlocks (audited), a secretary
of another community cannot."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.test import Client

from community365.audit.models import AuditEvent
from community365.core.errors import NotAllowed
from community365.core.roles import Role
from community365.people import services
from community365.people.models import RoleAssignment, User

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
WRONG = "Wrong-password-1"
ATTACKER = "192.0.2.66"
OFFICE = "198.51.100.7"
T0 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def ask_token(username: str, password: str, ip: str):
    return Client(REMOTE_ADDR=ip).post(
        TOKEN_URL,
        data=json.dumps({"username": username, "password": password}),
        content_type="application/json",
    )


def fail(username: str, n: int, ip: str = ATTACKER) -> None:
    for _ in range(n):
        assert ask_token(username, WRONG, ip).status_code in (401, 429)


def test_five_failures_lock_the_name_from_that_address(demo_password):
    fail("resident_huachuan", 5)
    response = ask_token("resident_huachuan", demo_password, ATTACKER)
    assert response.status_code == 429 and response.json()["code"] == "account_locked"


def test_a_lock_from_one_address_does_not_lock_the_owner_elsewhere(demo_password):
    fail("resident_huachuan", 5)
    assert ask_token("resident_huachuan", demo_password, OFFICE).status_code == 200
    page = Client(REMOTE_ADDR=OFFICE)
    page.post("/login/", {"username": "resident_huachuan", "password": demo_password})
    assert page.get("/account/").status_code == 200


def test_spraying_from_one_address_makes_that_address_wait(demo_password, settings):
    names = list(User.objects.filter(is_active=True).order_by("id").values_list("username", flat=True)[:21])
    with time_machine.travel(T0, tick=False) as traveller:
        for name in names[:20]:  # one try per name: axes alone never locks any of them
            fail(name, 1)
        # The 21st name, even with the right password, is refused from that address...
        refused = ask_token("worker_huangli", demo_password, ATTACKER)
        assert refused.status_code == 429
        assert refused.json()["code"] == "address_throttled"
        page = Client(REMOTE_ADDR=ATTACKER).post(
            "/login/", {"username": "worker_huangli", "password": demo_password}
        )
        assert page.status_code == 429 and "10 分钟" in page.content.decode()
        # ...but not from another address,
        assert ask_token("worker_huangli", demo_password, OFFICE).status_code == 200
        # and the address may try again once its failures leave the window.
        traveller.shift(datetime.timedelta(minutes=settings.SIGNIN_ADDRESS_WINDOW_MINUTES + 1))
        assert ask_token("worker_huangli", demo_password, ATTACKER).status_code == 200


def test_nineteen_failures_from_an_address_do_not_throttle_it(demo_password):
    names = list(User.objects.filter(is_active=True).order_by("id").values_list("username", flat=True)[:19])
    for name in names:
        fail(name, 1)
    assert ask_token("worker_huangli", demo_password, ATTACKER).status_code == 200


def test_the_secretary_unlocks_an_account_of_their_community(client_for, persona, demo_password):
    fail("resident_huachuan", 5)
    secretary = client_for("secretary_huachuan")
    response = secretary.get("/accounts/?q=resident_huachuan")
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    page = response.content.decode()
    assert "登录已锁定" in page
    resident = persona("resident_huachuan")
    assert secretary.post(f"/accounts/{resident.pk}/unlock").status_code == 302
    assert ask_token("resident_huachuan", demo_password, ATTACKER).status_code == 200
    event = AuditEvent.objects.filter(action="people.user:unlock").latest("id")
    assert (event.result, event.actor_label, event.acting_role) == (
        "ok",
        "secretary_huachuan",
        "community_secretary",
    )


def test_the_district_admin_unlocks_through_the_api(api_for, persona, demo_password):
    fail("worker_huangli", 5)
    user = persona("worker_huangli")
    response = api_for("admin_district").post(f"/api/v1/people/users/{user.pk}/unlock")
    assert response.status_code == 200 and response.json()["cleared"] >= 1
    assert ask_token("worker_huangli", demo_password, ATTACKER).status_code == 200


@pytest.fixture
def other_secretary(persona, region) -> User:
    """A community secretary of 黄鹂社区 (not 划船社区)."""
    user = User.objects.create_user(username="secretary_huangli_test", password="x")
    place = region("黄鹂社区")
    RoleAssignment.objects.create(
        user=user, role=Role.COMMUNITY_SECRETARY, region=place, district_id=place.district_id or place.pk
    )
    return user


def test_a_secretary_of_another_community_cannot_unlock(other_secretary, persona, demo_password):
    fail("resident_huachuan", 5)
    resident = persona("resident_huachuan")
    client = Client()
    client.force_login(other_secretary)
    assert client.post(f"/accounts/{resident.pk}/unlock").status_code == 404
    from community365.people.services import token_issue

    token, _record = token_issue(actor=other_secretary)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.post(f"/api/v1/people/users/{resident.pk}/unlock").status_code == 404
    # The service itself refuses too (and records the refusal), whatever the caller.
    with pytest.raises(NotAllowed):
        services.account_unlock(actor=other_secretary, user=resident)
    refusal = AuditEvent.objects.filter(action="people.user:unlock").latest("id")
    assert refusal.result == "refused"
    assert ask_token("resident_huachuan", demo_password, ATTACKER).status_code == 429


def test_a_resident_cannot_unlock(api_for, persona):
    user = persona("worker_huangli")
    assert api_for("resident_huachuan").post(f"/api/v1/people/users/{user.pk}/unlock").status_code == 404
    with pytest.raises(NotAllowed):
        services.account_unlock(actor=persona("resident_huachuan"), user=user)

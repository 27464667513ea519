"""The bearer token's one statement (people.services.token_user): it finds the user and the
roles they hold together, and it keeps every rule the ORM version kept — a revoked or expired
token, a deactivated account and a revoked role open nothing. The page's path (the session)
reads the same grants through permissions.grants_of; both must agree with the role rows."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community365.core import permissions
from community365.core.actors import SystemActor
from community365.people import selectors, services
from community365.people.models import RoleAssignment, User

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("test")
T0 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def token_for(username: str) -> str:
    token, _record = services.token_issue(actor=User.objects.get(username=username), name="test")
    return token


def me(token: str):
    return Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me")


def roles_by_orm(user: User) -> list[dict]:
    """What GET /api/v1/me listed when it read the roles through the ORM."""
    return [
        {
            "role": a.role,
            "role_label": a.get_role_display(),
            "region_id": a.region_id,
            "region_name": a.region.name,
            "region_kind": a.region.kind,
            "department": a.department.name if a.department is not None else None,
        }
        for a in selectors.roles_of(user)
    ]


@pytest.mark.parametrize(
    "username",
    [
        "worker_huachuan",
        "secretary_huachuan",
        "admin_district",
        "liaison_housing",
        "mediator_001",
        "member_demo",
    ],
)
def test_me_lists_the_roles_the_role_rows_hold_in_one_statement(username):
    token = token_for(username)
    with CaptureQueriesContext(connection) as queries:
        response = me(token)
    assert response.status_code == 200
    # the token, the user and the roles: one statement
    assert len(queries.captured_queries) == 1, [q["sql"][:120] for q in queries.captured_queries]
    user = User.objects.get(username=username)
    assert response.json()["roles"] == roles_by_orm(user)
    assert response.json()["roles"], "every persona here holds a role"


def test_the_token_primes_the_grants_the_page_path_reads():
    user = User.objects.get(username="mediator_001")
    from_token = services.token_user(token_for("mediator_001"))
    assert from_token == user
    with CaptureQueriesContext(connection) as queries:
        primed = permissions.grants_of(from_token)
    assert queries.captured_queries == []
    read = permissions.grants_of(User.objects.get(pk=user.pk))  # the session's path: its own statement
    assert primed == read
    assert len(read) == RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).count() == 2
    assert {g.district_id for g in read} == {user_district(user)}


def user_district(user: User) -> int:
    region = RoleAssignment.objects.filter(user=user).select_related("region").first().region
    return region.district_id or region.pk


def test_a_revoked_role_is_gone_from_both_paths_and_the_other_roles_stay():
    user = User.objects.get(username="mediator_001")
    kept, revoked = list(RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).order_by("id"))
    services.role_revoke(actor=SYSTEM, assignment=revoked)
    token_roles = me(token_for("mediator_001")).json()["roles"]
    assert [(r["role"], r["region_id"]) for r in token_roles] == [(kept.role, kept.region_id)]
    session_grants = permissions.grants_of(User.objects.get(pk=user.pk))
    assert [(g.role, g.region_id) for g in session_grants] == [(kept.role, kept.region_id)]


def test_a_user_without_roles_signs_in_with_none():
    user = User.objects.create_user(username="no_roles_yet", password="Long-enough-1", display_name="无角色")
    token = token_for(user.username)
    response = me(token)
    assert response.status_code == 200
    assert response.json()["roles"] == []
    assert permissions.grants_of(services.token_user(token)) == []


def test_a_token_of_an_account_deactivated_after_issue_opens_nothing():
    token = token_for("worker_huangli")
    assert me(token).status_code == 200
    User.objects.filter(username="worker_huangli").update(is_active=False)
    response = me(token)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert services.token_user(token) is None


def test_a_token_is_refused_at_the_very_moment_it_expires():
    with time_machine.travel(T0, tick=False) as traveller:
        token = token_for("worker_huangli")
        lifetime = datetime.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)
        traveller.move_to(T0 + lifetime - datetime.timedelta(microseconds=1))
        assert services.token_user(token) is not None
        traveller.move_to(T0 + lifetime)
        assert timezone.now() == T0 + lifetime
        assert services.token_user(token) is None


@pytest.mark.parametrize("raw", ["", "c365_", "not-a-token", "c365_" + "x" * 200])
def test_malformed_or_unknown_tokens_find_no_one_without_a_query(raw):
    with CaptureQueriesContext(connection) as queries:
        found = services.token_user(raw)
    assert found is None
    if not raw.startswith(services.TOKEN_PREFIX) or len(raw) > 100:
        assert queries.captured_queries == []

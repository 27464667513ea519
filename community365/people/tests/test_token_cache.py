"""The bearer token's cache (people/token_cache.py): a read may use what the same token opened a
few seconds ago in this process; a write never does; a change committed here empties it; an
entry ends with the window or the token, whichever comes first; it holds values, not objects;
it is bounded. The rest of the suite runs with the cache off (config/settings/test.py)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community365.core.actors import SystemActor
from community365.people import services, token_cache
from community365.people.models import ApiToken, RoleAssignment, User

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("test")
WINDOW = 5.0


@pytest.fixture(autouse=True)
def cache_on(settings, monkeypatch):
    settings.API_TOKEN_CACHE_SECONDS = WINDOW
    clock = {"now": 1000.0}
    monkeypatch.setattr(token_cache, "_now", lambda: clock["now"])
    token_cache.clear()
    yield clock
    token_cache.clear()


def issue(username: str) -> tuple[str, ApiToken]:
    return services.token_issue(actor=User.objects.get(username=username), name="test")


def client(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def get_me(token: str) -> tuple[int, int, dict]:
    """(status, statements run, body) of GET /api/v1/me."""
    with CaptureQueriesContext(connection) as queries:
        response = client(token).get("/api/v1/me")
    return response.status_code, len(queries.captured_queries), response.json()


def revoke_elsewhere(record: ApiToken) -> None:
    """What another process's revocation looks like from here: the row changes, and no signal
    of this process hears it."""
    ApiToken.objects.filter(pk=record.pk).update(revoked_at=timezone.now())


def test_a_read_within_the_window_reads_no_row_and_answers_the_same():
    token, _record = issue("worker_huachuan")
    status, statements, first = get_me(token)
    assert (status, statements) == (200, 1)
    status, statements, again = get_me(token)
    assert (status, statements) == (200, 0)
    assert again == first
    assert again["roles"], "the roles came back from the cache too"


def test_a_write_reads_the_token_from_the_database_every_time():
    token, record = issue("worker_huachuan")
    assert get_me(token)[0] == 200  # primed
    # before the revocation the write is authenticated (its empty body is what is refused)
    assert client(token).post("/api/v1/wishes", {}, content_type="application/json").status_code == 422
    revoke_elsewhere(record)
    response = client(token).post("/api/v1/wishes", {}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_token_revoked_in_another_process_reads_until_the_window_ends_and_no_longer(cache_on):
    token, record = issue("worker_huachuan")
    assert get_me(token)[0] == 200
    revoke_elsewhere(record)
    cache_on["now"] += WINDOW - 0.5
    assert get_me(token)[0] == 200  # the documented lag: at most the window
    cache_on["now"] += 1.0
    assert get_me(token)[0] == 401


def test_a_revocation_committed_in_this_process_takes_effect_at_once():
    token, record = issue("worker_huachuan")
    assert get_me(token)[0] == 200
    services.token_revoke(actor=record.user, token=record)
    assert get_me(token)[0] == 401


def test_a_revoked_role_committed_in_this_process_is_gone_at_once():
    token, _record = issue("mediator_001")
    status, _n, body = get_me(token)
    assert status == 200 and body["roles"]
    for assignment in RoleAssignment.objects.filter(user__username="mediator_001", revoked_at__isnull=True):
        services.role_revoke(actor=User.objects.get(username="admin_district"), assignment=assignment)
    status, statements, body = get_me(token)
    assert (status, statements) == (200, 1)
    assert body["roles"] == []


def test_a_deactivated_account_committed_in_this_process_is_refused_at_once():
    token, record = issue("member_demo")
    assert get_me(token)[0] == 200
    user = record.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert get_me(token)[0] == 401


def test_an_entry_never_outlives_its_token(cache_on):
    token, record = issue("worker_huachuan")
    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now() + datetime.timedelta(seconds=1))
    assert get_me(token)[0] == 200
    cache_on["now"] += 1.5  # within the window, past the token's expiry: read again, and refused
    # (time has passed for the database too: the row now says the token has expired)
    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert get_me(token)[0] == 401


def test_each_request_gets_a_user_of_its_own():
    token, _record = issue("worker_huachuan")
    first = services.token_user(token, read_only=True)
    assert first is not None
    first.memo_of_one_request = "x"
    again = services.token_user(token, read_only=True)
    assert again == first and again is not first
    assert not hasattr(again, "memo_of_one_request")
    assert again.username == "worker_huachuan" and again.is_active


def test_the_cache_holds_hashes_and_is_bounded(settings):
    settings.API_TOKEN_CACHE_SIZE = 2
    tokens = [issue(name)[0] for name in ("worker_huachuan", "member_demo", "admin_district")]
    for token in tokens:
        assert get_me(token)[0] == 200
    assert token_cache.size() == 2
    assert not any(t in token_cache._entries for t in tokens)  # never the clear token
    assert get_me(tokens[0])[1] == 1, "the oldest entry went first"
    assert get_me(tokens[2])[1] == 0


def test_a_window_of_zero_turns_it_off(settings):
    settings.API_TOKEN_CACHE_SECONDS = 0
    token, _record = issue("worker_huachuan")
    assert get_me(token)[1] == 1
    assert get_me(token)[1] == 1
    assert token_cache.size() == 0

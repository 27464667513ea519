"""A write to the API without valid credentials answers 401 ``unauthenticated`` with a message in
the reader's language, never ninja's 403 "CSRF check Failed" (issue 9, item 8). The clients
enforce CSRF as a browser-less API client meets it."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from community365.people.models import ApiToken
from community365.people.services import token_issue, token_revoke

pytestmark = pytest.mark.django_db

WRITE = "/api/v1/wishes"
BODY = json.dumps({"title": "修一盏楼道灯", "reason": "楼道太黑了", "value_yuan": 50})


def post(headers: dict[str, str], language: str = "zh-hans"):
    client = Client(enforce_csrf_checks=True, headers={**headers, "Accept-Language": language})
    return client.post(WRITE, data=BODY, content_type="application/json")


def assert_unauthenticated(response, language: str = "zh-hans") -> None:
    assert response.status_code == 401, response.content
    body = response.json()
    assert body["code"] == "unauthenticated"
    assert "CSRF" not in body["message"]
    if language == "en":
        assert body["message"].isascii()
    else:
        assert not body["message"].isascii()


def test_no_token_is_401():
    assert_unauthenticated(post({}))


def test_bogus_token_is_401():
    assert_unauthenticated(post({"Authorization": "Bearer c365_not-a-real-token"}))
    assert_unauthenticated(post({"Authorization": "Bearer garbage"}))


def test_expired_token_is_401(persona):
    token, record = token_issue(actor=persona("resident_huachuan"))
    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert_unauthenticated(post({"Authorization": f"Bearer {token}"}))


def test_revoked_token_is_401(persona):
    user = persona("resident_huachuan")
    token, record = token_issue(actor=user)
    token_revoke(actor=user, token=record)
    assert_unauthenticated(post({"Authorization": f"Bearer {token}"}))


def test_the_message_follows_the_clients_language():
    assert_unauthenticated(post({}, language="en"), language="en")


def test_a_signed_in_session_still_needs_its_csrf_token(persona):
    """The CSRF check stays for sessions: a cross-site POST riding a session cookie is refused."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(persona("resident_huachuan"))
    response = client.post(WRITE, data=BODY, content_type="application/json")
    assert response.status_code == 403


def test_a_valid_token_needs_no_csrf_token(persona):
    token, _record = token_issue(actor=persona("resident_huachuan"))
    response = post({"Authorization": f"Bearer {token}"})
    assert response.status_code not in (401, 403), response.content

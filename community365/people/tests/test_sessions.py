"""Sessions are written only when needed, and the 30-minute idle timeout still holds (issue 10,
item 4): a request renews the session at most once a minute."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def signed_in(client: Client) -> bool:
    return client.get("/account/").status_code == 200


def expiry(client: Client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_requests_within_a_minute_do_not_write_the_session(demo_password):
    with time_machine.travel(T0, tick=False) as traveller:
        client = Client()
        client.post("/login/", {"username": "worker_huangli", "password": demo_password})
        traveller.shift(datetime.timedelta(seconds=5))
        assert signed_in(client)  # the first page view after sign-in renews it
        first = expiry(client)
        for _ in range(3):
            traveller.shift(datetime.timedelta(seconds=10))
            assert signed_in(client)
        assert expiry(client) == first  # no write for 30 seconds of page views
        traveller.shift(datetime.timedelta(seconds=31))
        assert signed_in(client)
        assert expiry(client) > first  # a minute on: renewed


def test_idle_expiry_still_holds_without_a_write_on_every_request(demo_password):
    with time_machine.travel(T0, tick=False) as traveller:
        client = Client()
        client.post("/login/", {"username": "worker_huangli", "password": demo_password})
        traveller.shift(datetime.timedelta(seconds=5))
        assert signed_in(client)
        traveller.shift(datetime.timedelta(seconds=40))
        assert signed_in(client)  # not written: the session still ends 30 min after T0+5s
        traveller.shift(datetime.timedelta(minutes=29, seconds=20))  # T0 + 30:05
        response = client.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_active_session_lives_on(demo_password):
    with time_machine.travel(T0, tick=False) as traveller:
        client = Client()
        client.post("/login/", {"username": "worker_huangli", "password": demo_password})
        for _ in range(4):
            traveller.shift(datetime.timedelta(minutes=25))
            assert signed_in(client)

"""Shared fixtures. The demo district is built once per test session (through the services,
as `seed_demo` does) and every test runs inside a transaction that is rolled back, so tests
see the same district and cannot disturb each other."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from community365.demo.generator import PERSONAS, build_demo

PERSONA_NAMES = [p.username for p in PERSONAS]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_demo()


@pytest.fixture
def demo_password() -> str:
    return settings.DEMO_PASSWORD


@pytest.fixture
def persona(db):
    """persona("worker_huangli") → the demo user."""
    from community365.people.models import User

    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def client_for(db, persona):
    """client_for("worker_huangli") → a page client signed in as that persona."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(persona(username))
        return client

    return make


@pytest.fixture
def api_for(db, persona):
    """api_for("worker_huangli") → a client whose requests carry a bearer token of that persona."""
    from community365.people.services import token_issue

    def make(username: str) -> Client:
        token, _record = token_issue(actor=persona(username))
        return Client(headers={"Authorization": f"Bearer {token}"})

    return make


@pytest.fixture
def region(db):
    """region("黄鹂社区") → the demo region of that name."""
    from community365.regions.models import Region

    def get(name: str) -> Region:
        return Region.objects.get(name=name)

    return get

"""The grouped navigation: built from the apps' registered entries, only what the user may
open, empty groups hidden, computed once per request, unread messages as a header badge."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory

from community365.core import nav
from conftest import PERSONA_NAMES

pytestmark = pytest.mark.django_db

NAV_LINK = re.compile(r'<a href="([^"]+)" data-nav="([^"]+)"')


def nav_keys(client) -> dict[str, str]:
    html = client.get("/").content.decode()
    return {key: url for url, key in NAV_LINK.findall(html)}


def test_resident_sees_no_staff_entries(client_for):
    keys = nav_keys(client_for("resident_huachuan"))
    assert {"wish_board", "talk_board", "teams_home", "inbox", "account"} <= set(keys)
    for staff_only in ("audit_log", "accounts", "resident_search", "region_browser", "admin:index"):
        assert staff_only not in keys, staff_only
    for staff_only in ("rota_home", "my_shifts", "teams_figures", "party"):
        assert staff_only not in keys, staff_only


def test_district_admin_sees_the_office_entries(client_for):
    keys = nav_keys(client_for("admin_district"))
    for entry in ("audit_log", "accounts", "resident_search", "region_browser", "teams_figures", "rota_home"):
        assert entry in keys, entry


def test_social_worker_gets_their_shifts_not_the_rota_editor_entry(client_for):
    keys = nav_keys(client_for("worker_huachuan"))
    assert "my_shifts" in keys and "rota_home" not in keys
    assert "audit_log" not in keys


@pytest.mark.parametrize("username", PERSONA_NAMES)
def test_every_nav_entry_opens(client_for, username):
    client = client_for(username)
    keys = nav_keys(client)
    assert keys
    for key, url in keys.items():
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{username}: {key} {url} → {response.status_code}"


@pytest.fixture
def without_mechanisms(monkeypatch):
    """The registry without the entries of the mechanisms group (the mechanisms app shows some
    to every resident), so a test can watch the group appear and disappear."""
    kept = {k: e for k, e in nav.REGISTRY.items() if e.group != nav.MECHANISMS}
    monkeypatch.setattr(nav, "REGISTRY", kept)


def test_empty_groups_are_hidden_and_a_new_group_entry_appears(client_for, without_mechanisms):
    html = client_for("resident_huachuan").get("/").content.decode()
    assert "nav-group-mechanisms" not in html and "nav-group-benchmarking" not in html
    assert "nav-group-linkages" in html and "nav-group-me" in html

    # when an app registers an entry in the mechanisms group, the group shows
    nav.register(nav.Entry("healthz", "secretary projects", group=nav.MECHANISMS))
    try:
        html = client_for("resident_huachuan").get("/").content.decode()
        assert "nav-group-mechanisms" in html and 'data-nav="healthz"' in html
    finally:
        nav.unregister("healthz")


def test_entry_hidden_when_its_test_says_no(client_for, without_mechanisms):
    nav.register(nav.Entry("healthz", "hidden", group=nav.MECHANISMS, visible=lambda user: False))
    try:
        html = client_for("admin_district").get("/").content.decode()
        assert 'data-nav="healthz"' not in html and "nav-group-mechanisms" not in html
    finally:
        nav.unregister("healthz")


def test_registry_refuses_unknown_groups_and_duplicates():
    with pytest.raises(ValueError):
        nav.Entry("home", "x", group="nowhere")
    with pytest.raises(ValueError):
        nav.register(nav.Entry("wish_board", "again", group=nav.SERVICES))


def test_no_more_than_five_first_level_groups():
    assert len(nav.GROUPS) <= 5


def test_menu_is_computed_once_per_request(persona, django_assert_num_queries):
    request = RequestFactory().get("/wishes/")
    request.user = persona("admin_district")
    first = nav.menu_for(request)
    with django_assert_num_queries(0):
        assert nav.menu_for(request) is first
    active = [link.key for link in first.links if link.active]
    assert active == ["wish_board"]


def test_longest_match_marks_the_current_page(persona):
    request = RequestFactory().get("/teams/figures/")
    request.user = persona("admin_district")
    active = [link.key for link in nav.menu_for(request).links if link.active]
    assert active == ["teams_figures"]


def test_unread_messages_show_as_a_badge_in_the_header(client_for, persona):
    from django.utils import timezone

    from community365.notifications.models import Notification

    user = persona("resident_huachuan")
    Notification.objects.filter(recipient=user).update(read_at=timezone.now())
    header = client_for("resident_huachuan").get("/wishes/").content.decode().split("</header>")[0]
    assert "data-unread" not in header

    # given two unread messages, every page's header shows the count
    for n in range(2):
        Notification.objects.create(recipient=user, kind="test", title=f"m{n}")
    header = client_for("resident_huachuan").get("/wishes/").content.decode().split("</header>")[0]
    assert 'data-unread="2"' in header

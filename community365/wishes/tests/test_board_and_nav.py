"""The board opens on the user's own community, with title search and a community filter; the
tabs show only what the user may open; district leaders read the figures."""

from __future__ import annotations

import pytest

from community365.core import permissions
from community365.wishes import policies

pytestmark = pytest.mark.django_db


def test_the_board_opens_on_the_residents_own_community(client_for, make_wish):
    home = make_wish("黄鹂社区", title="想要一个小书架")
    away = make_wish("划船社区", title="想要一个小台灯")
    html = client_for("resident_101").get("/wishes/").content.decode()  # a resident of 黄鹂社区
    assert f"/wishes/{home.pk}/" in html and f"/wishes/{away.pk}/" not in html
    everywhere = client_for("resident_101").get("/wishes/?community=all").content.decode()
    assert f"/wishes/{home.pk}/" in everywhere and f"/wishes/{away.pk}/" in everywhere


def test_the_board_searches_titles(client_for, make_wish):
    radio = make_wish(title="想要一台收音机")
    lamp = make_wish(title="想要一个小台灯")
    html = client_for("resident_huachuan").get("/wishes/", {"q": "收音机"}).content.decode()
    assert f"/wishes/{radio.pk}/" in html and f"/wishes/{lamp.pk}/" not in html


def test_a_community_outside_the_users_reach_is_ignored(client_for, make_wish):
    wish = make_wish("划船社区")
    html = client_for("resident_101").get("/wishes/", {"community": "999999"}).content.decode()
    # falls back to the whole visible board rather than an error or someone else's scope
    assert f"/wishes/{wish.pk}/" in html


def test_the_pager_keeps_the_filters(client_for, make_wish):
    response = client_for("resident_huachuan").get("/wishes/", {"community": "all", "q": "想"})
    page = response.context["page"]
    if page.has_next():
        assert "q=%E6%83%B3" in response.content.decode()
    assert "community=all" in response.context["query"]


@pytest.mark.parametrize(
    ("username", "review", "figures"),
    [
        ("resident_huachuan", False, False),
        ("member_demo", False, False),
        ("worker_huachuan", True, True),
        ("leader_demo", False, True),
        ("admin_district", True, True),
    ],
)
def test_tabs_are_shown_only_when_they_open(client_for, username, review, figures):
    client = client_for(username)
    html = client.get("/wishes/").content.decode()
    assert ('href="/wishes/review/"' in html) is review
    assert ('href="/wishes/figures/"' in html) is figures
    assert client.get("/wishes/review/").status_code == (200 if review else 404)
    assert client.get("/wishes/figures/").status_code == (200 if figures else 404)


def test_a_district_leader_reads_the_figures_and_the_list_behind_them_read_only(
    client_for, api_for, persona, make_wish
):
    leader = persona("leader_demo")
    assert policies.may_read_figures(leader)
    assert client_for("leader_demo").get("/wishes/all/").status_code == 200
    assert api_for("leader_demo").get("/api/v1/wishes-figures").json()
    wish = make_wish(status="submitted")
    assert policies.actions_for(leader, wish) == []
    assert not permissions.has_perm_at(leader, policies.REVIEW.name, wish.region.path)


def test_residents_do_not_reach_the_list_behind_the_figures(client_for):
    assert client_for("resident_huachuan").get("/wishes/all/").status_code == 404
    assert client_for("resident_huachuan").get("/wishes/all/?format=xlsx").status_code == 404


def test_the_market_setup_link_is_shown_only_to_organisers(client_for):
    assert (
        'href="/wishes/markets/new/"'
        not in client_for("member_demo").get("/wishes/markets/").content.decode()
    )
    assert (
        'href="/wishes/markets/new/"' in client_for("admin_district").get("/wishes/markets/").content.decode()
    )

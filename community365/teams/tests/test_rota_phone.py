"""The rota on a phone: one card per day, the days with gaps first; each gap of the coverage
check opens its week with the add-shift form filled in (date, slot, this community)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from community365.teams.models import Team

pytestmark = pytest.mark.django_db


def _gap_week(region):
    """The demo leaves three evenings 7–9 days ahead unstaffed in 划船社区."""
    from community365.teams import selectors

    huachuan = region("划船社区")
    today = timezone.localdate()
    holes = selectors.coverage_holes(huachuan.duty_roster, today, today + datetime.timedelta(days=30))
    assert holes
    return huachuan, holes[0]


def test_day_cards_put_the_days_with_gaps_first(client_for, region):
    huachuan, hole = _gap_week(region)
    page = (
        client_for("secretary_huachuan")
        .get(f"/teams/rota/{huachuan.pk}/?week={hole.monday.isoformat()}")
        .content.decode()
    )
    cards = page.split('id="rota-cards"', 1)[1].split('class="overflow-auto rota-table"', 1)[0]
    dates = re.findall(r'class="card rota-day( has-hole)?[^"]*" data-date="([\d-]+)"', cards)
    assert len(dates) == 7
    flags = [bool(hole_flag) for hole_flag, _d in dates]
    assert flags[0] and flags == sorted(flags, reverse=True)  # gaps first, then the full days
    assert hole.date.isoformat() in [d for f, d in dates if f]
    # the gap on the card offers the add-shift form for its date and slot
    assert re.search(rf"date={hole.date.isoformat()}(&amp;|&)slot={hole.slot}#add-shift", cards)


def test_each_gap_of_the_coverage_check_opens_its_week_with_the_form_filled_in(client_for, region):
    huachuan, hole = _gap_week(region)
    client = client_for("secretary_huachuan")
    page = client.get(f"/teams/rota/{huachuan.pk}/").content.decode()
    coverage = page.split('id="coverage"', 1)[1]
    link = re.search(
        rf'href="(\?week={hole.monday.isoformat()}[^"]*date={hole.date.isoformat()}[^"]*)"', coverage
    )
    assert link, "the first gap has no link to its week"
    href = link.group(1).replace("&amp;", "&")
    assert f"slot={hole.slot}" in href and href.endswith("#add-shift")

    opened = client.get(f"/teams/rota/{huachuan.pk}/{href.split('#')[0]}").content.decode()
    form = opened.split('id="add-shift"', 1)[1].split("</form>", 1)[0]
    assert huachuan.name in form  # the place: this community's rota
    assert f'name="date" value="{hole.date.isoformat()}"' in form
    assert f'<option value="{hole.slot}" selected>' in form
    # and that week's cards show the gap
    assert f'data-date="{hole.date.isoformat()}"' in opened


def test_a_social_worker_sees_the_cards_but_no_add_shift_buttons(client_for, region):
    huachuan, hole = _gap_week(region)
    page = (
        client_for("worker_huachuan")
        .get(f"/teams/rota/{huachuan.pk}/?week={hole.monday.isoformat()}")
        .content.decode()
    )
    assert 'id="rota-cards"' in page and "rota-day has-hole" in page
    assert "#add-shift" not in page and 'id="add-shift"' not in page


def test_a_made_up_slot_in_the_link_is_ignored(client_for, region):
    huachuan, _hole = _gap_week(region)
    page = (
        client_for("secretary_huachuan").get(f"/teams/rota/{huachuan.pk}/?date=2026-13-45&slot=<b>").content
    )
    assert b" selected>" not in page.split(b'id="add-shift"', 1)[1].split(b"</form>", 1)[0]


def test_an_impossible_date_on_an_activity_form_is_a_message_not_a_500(client_for):
    red = Team.objects.get(region__name="划船社区", colour="red")
    response = client_for("volunteer_demo").post(
        f"/teams/t/{red.pk}/activities/new/",
        {"title": "x", "starts_at": "2026-13-45T10:00", "ends_at": "2026-13-45T12:00", "capacity": "5"},
    )
    assert response.status_code == 200

"""The rota in a real browser: at 390×844 the day cards show (the evening gaps visible without
scrolling sideways) and the table is hidden; on a desktop the table shows. A gap's button opens
the add-shift form filled in."""

from __future__ import annotations

import datetime

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_fills_an_evening_gap_from_a_phone(login_page, live_demo):
    from django.utils import timezone

    from community365.regions.models import Region
    from community365.teams import selectors

    huachuan = Region.objects.get(name="划船社区")
    today = timezone.localdate()
    hole = selectors.coverage_holes(huachuan.duty_roster, today, today + datetime.timedelta(days=30))[0]

    page = login_page("secretary_huachuan")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_demo.url}/teams/rota/{huachuan.pk}/?week={hole.monday.isoformat()}")

    # on a phone: cards, no table, and no sideways scrolling
    assert page.locator("#rota-cards").is_visible()
    assert not page.locator("table.rota").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first = page.locator(".rota-day").first
    assert first.get_attribute("data-date") == hole.date.isoformat()
    gap = first.locator(".gap").first
    assert gap.is_visible() and gap.bounding_box()["x"] + gap.bounding_box()["width"] <= 390

    # the gap's button opens the form with date and slot filled in
    gap.get_by_role("button").click()
    page.wait_for_load_state()
    assert page.input_value("#add-shift input[name=date]") == hole.date.isoformat()
    assert page.input_value("#add-shift select[name=slot]") == hole.slot
    page.locator("#add-shift button[value=add]").click()
    page.wait_for_load_state()
    assert not selectors.coverage_holes(huachuan.duty_roster, hole.date, hole.date)

    # on a desktop the same page shows the table
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.locator("table.rota").is_visible()
    assert not page.locator("#rota-cards").is_visible()

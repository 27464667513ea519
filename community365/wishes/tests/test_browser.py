"""A party member snaps up a wish in a real browser; a second session sees it taken."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser, base: str, username: str, password: str):
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[method=post] button[type=submit]:has-text('登录')")
    page.wait_for_url(f"{base}/", timeout=10000)
    return page


def test_member_claims_on_the_board_and_another_session_sees_it_taken(browser, live_demo, settings):
    from community365.core.actors import SystemActor
    from community365.people.models import Person
    from community365.regions.models import Region
    from community365.wishes import services
    from community365.wishes.models import ServiceCategory

    system = SystemActor("browser-test")
    person = (
        Person.objects.filter(
            community=Region.objects.get(name="划船社区"), user__isnull=True, wishes__isnull=True
        )
        .order_by("id")
        .first()
    )
    wish = services.wish_create(
        actor=system, wisher=person, title="想要一盏护眼台灯", category=ServiceCategory.PUBLIC_WELFARE
    )
    services.wish_approve(actor=system, wish=wish)
    services.wish_publish(actor=system, wish=wish)
    base = live_demo.url

    # given a party member on the board
    member = _login(browser, base, "member_demo", settings.DEMO_PASSWORD)
    member.goto(f"{base}/wishes/?q=护眼台灯")
    card = member.locator(f"article[data-wish='{wish.pk}']")
    # when they claim it
    card.get_by_role("button", name="我来认领").click()
    # then they are told at once, and find it under "my claims"
    member.wait_for_selector("text=认领成功")
    member.goto(f"{base}/wishes/claims/")
    assert member.locator(".my-claim", has_text="想要一盏护眼台灯").count() == 1

    # and a second session sees it taken, with no claim button
    other = _login(browser, base, "volunteer_demo", settings.DEMO_PASSWORD)
    other.goto(f"{base}/wishes/{wish.pk}/")
    assert other.locator("#wish-status").inner_text() == "已认领"
    assert other.get_by_role("button", name="我来认领").count() == 0

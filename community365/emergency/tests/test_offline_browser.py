"""The door-to-door checklist in a real phone browser, without a network (issue 12): go offline,
tap ten households, come back online — the server has exactly ten checks; send again — still ten."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _count(event):
    from community365.emergency.models import HouseholdCheck

    return HouseholdCheck.objects.filter(event=event).count()


def test_ten_taps_offline_reach_the_server_once(phone_page, live_demo):
    from community365.core.actors import SystemActor
    from community365.emergency import services
    from community365.emergency.models import CheckAssignment, EmergencyEvent
    from community365.people.models import User

    # given: the demo's drill, with every building of 黄鹂社区 given to emergency_demo
    drill = EmergencyEvent.objects.get(status="open", is_drill=True)
    demo = User.objects.get(username="emergency_demo")
    for building_id in set(CheckAssignment.objects.filter(event=drill).values_list("building_id", flat=True)):
        from community365.regions.models import Region

        services.building_reassign(
            actor=SystemActor("browser-test"),
            event=drill,
            building=Region.objects.get(pk=building_id),
            assignee=demo,
        )
    assert CheckAssignment.objects.filter(event=drill, assignee=demo).count() >= 10
    page = phone_page("emergency_demo")
    page.goto(f"{live_demo.url}/cases/emergencies/{drill.pk}/checklist/")
    page.wait_for_function("window.c365Emergency !== undefined")
    # the service worker installs and keeps the page: it opens again without a network
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    # when: the phone loses its signal, the page is opened again and ten households are tapped
    page.context.set_offline(True)
    page.reload()
    page.wait_for_function("window.c365Emergency !== undefined")
    cards = page.locator(".em-household")
    for i in range(10):
        cards.nth(i).locator("[data-status=safe]").click()
    page.wait_for_function("window.c365Emergency.queued() === 10")
    assert _count(drill) == 0
    assert "10" in page.locator("#em-pending").inner_text()

    # and the signal comes back, but the first answer is lost on the way (sent, not heard)
    lost = []

    def lose_answer(route):
        route.fetch()  # the server records the batch …
        lost.append(route.request.url)
        route.abort()  # … and the phone never hears back

    page.route("**/api/v1/cases/emergencies/*/checks", lose_answer)
    page.context.set_offline(False)
    page.evaluate("window.c365Emergency.sync()")
    for _ in range(50):
        if lost:
            break
        page.wait_for_timeout(100)
    assert lost, "the batch was not sent on coming back online"

    # then: the server has ten; the phone still holds them and sends them again
    assert _count(drill) == 10
    assert page.evaluate("window.c365Emergency.queued()") == 10
    page.unroute("**/api/v1/cases/emergencies/*/checks")
    page.evaluate("window.c365Emergency.sync()")
    page.wait_for_function("window.c365Emergency.queued() === 0")
    assert _count(drill) == 10

    # and a repeated sync sends nothing new
    page.evaluate("window.c365Emergency.sync()")
    page.wait_for_timeout(300)
    assert _count(drill) == 10
    assert page.csp_violations == []
    page.reload()
    assert page.locator(".em-is-safe").count() == 10

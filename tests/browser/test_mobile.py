"""On a 390×844 phone, for every demo persona: the header stays at most 120 px tall (also in
English), the navigation has at most five first-level entries, a group opens as a sheet of
tappable entries, and every to-do count equals the rows of the list it opens."""

from __future__ import annotations

import pytest

from conftest import PERSONA_NAMES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNT_ROWS = """
async (url) => {
  const [path, fragment] = url.split('#');
  let next = path, rows = 0, pages = 0;
  while (next && pages < 20) {
    const response = await fetch(next, {credentials: 'same-origin'});
    if (response.status !== 200) return -response.status;
    const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
    const scope = fragment ? doc.getElementById(fragment) : doc;
    if (!scope) return -1;
    rows += scope.querySelectorAll('[data-row]').length;
    const more = doc.querySelector('a[rel=next]');
    next = more ? new URL(more.getAttribute('href'), new URL(next, location.href)).href : null;
    pages += 1;
  }
  return rows;
}
"""


def test_phone_header_navigation_and_todos(phone_page, live_demo):
    # One test over all personas: a live-server test rebuilds the demo district, once is enough.
    for username in PERSONA_NAMES:
        check_persona(phone_page(username), live_demo, username)


def check_persona(page, live_demo, username: str) -> None:

    # the header is one short line; the groups sit in a bottom tab bar of at most five
    header = page.locator("header.site-header").bounding_box()
    assert header is not None and header["height"] <= 120, header
    tabs = page.locator(".nav-groups > li")
    assert 1 <= tabs.count() <= 5
    tabbar = page.locator(".nav-groups").bounding_box()
    assert tabbar is not None and tabbar["y"] + tabbar["height"] <= 844 + 1 and tabbar["height"] <= 90

    # the groups hold the entries (that each opens is tests/test_click_through.py's walk: it
    # starts on the same home page, in the test client, for every persona)
    links = page.eval_on_selector_all(
        "header a[href^='/']", "els => [...new Set(els.map(e => e.getAttribute('href')))]"
    )
    assert len(links) >= 4

    # a group opens as a sheet above the tab bar, its entries visible and tappable
    page.click(".nav-groups > li:first-child summary")
    first = page.locator(".nav-groups > li:first-child details[open] a").first
    assert first.is_visible()
    box = first.bounding_box()
    assert box is not None and box["height"] >= 40

    # each to-do count equals the rows of the list it opens
    for todo in page.locator("a[data-todo]").all():
        href = todo.get_attribute("href")
        count = int(todo.get_attribute("data-todo-count") or "-1")
        rows = page.evaluate(COUNT_ROWS, href)
        assert rows == count, (
            f"{username} {todo.get_attribute('data-todo')} {href}: {rows} rows, count {count}"
        )

    # and in English (longer words) the header still fits, in height and in width
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_demo.url}])
    for language in ("en", "zh-hans"):
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_demo.url}])
        page.reload()
        header = page.locator("header.site-header").bounding_box()
        assert header is not None and header["height"] <= 120, (language, header)
        overflow = page.eval_on_selector("header nav.topbar", "e => e.scrollWidth - e.clientWidth")
        assert overflow <= 0, (username, language, overflow)
    assert page.locator("html").get_attribute("lang") == "zh-CN"

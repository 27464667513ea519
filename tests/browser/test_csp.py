"""With the Content-Security-Policy on, a real browser loads every page of a click-through
(as in tests/test_click_through.py, bounded) for several personas and meets no violation:
no inline script, no inline style, nothing from elsewhere. The API docs page is included."""

from __future__ import annotations

from collections import deque
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SKIP = ("/static/", "/i18n/", "/logout/", "/admin/logout/", "/api/v1/openapi.json", "/media/")
MAX_PAGES = 18
EXTRA = ["/api/v1/docs", "/admin/", "/admin/people/user/", "/login/", "/no-such-page/"]
PERSONAS = ["resident_huachuan", "worker_huachuan", "secretary_huachuan", "admin_district", "liaison_housing"]


def violations(page) -> list[str]:
    return [*page.csp_violations, *page.evaluate("window.__csp || []")]


def test_pages_load_without_csp_violations(phone_page, live_demo):
    # One test over the personas: a live-server test rebuilds the demo district, once is enough.
    found: list[str] = []
    for username in PERSONAS:
        found += click_through(phone_page(username), live_demo, username)
    assert found == []


def click_through(page, live_demo, username: str) -> list[str]:
    base = live_demo.url
    seen: set[str] = set()
    queue = deque(["/", *(EXTRA if username == "admin_district" else [])])
    found: list[str] = []
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or path.startswith(SKIP) or path.endswith((".xlsx", ".pdf", ".png", ".jpg")):
            continue
        if path.startswith("/admin/") and path not in EXTRA:
            continue
        seen.add(path)
        response = page.goto(base + path)
        assert response is not None
        content_type = response.headers.get("content-type", "")
        if "html" not in content_type:
            continue
        assert "script-src 'self'" in (response.headers.get("content-security-policy") or ""), path
        if path == "/api/v1/docs":
            page.wait_for_selector("#swagger-ui .information-container", timeout=15000)
        found += [f"{path}: {v}" for v in violations(page)]
        page.csp_violations.clear()
        for href in page.eval_on_selector_all("a[href^='/']", "els => els.map(e => e.getAttribute('href'))"):
            link = urlsplit(href)
            target = link.path + (f"?{link.query}" if link.query else "")
            if target not in seen:
                queue.append(target)
    # the pages' own behaviours (nav drop-down, auto-submitting filter) also run under the policy
    page.goto(base + "/")
    page.click(".nav-groups details summary")
    found += violations(page)
    assert len(seen) >= 8, (username, seen)
    return [f"{username} {v}" for v in found]

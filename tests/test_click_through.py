"""Click through the platform as each demo persona would: follow every link the pages offer
(breadth first, a bounded number of pages) and meet no error page. A link the platform renders
must open: 200, or a redirect that ends in 200 — never a 404 (a page offering a dead link)."""

import re
from collections import deque

import pytest

from conftest import PERSONA_NAMES

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/i18n/", "/logout/", "/admin/logout/", "/api/v1/docs", "/api/v1/openapi.json")
MAX_PAGES = 40


@pytest.mark.parametrize("username", PERSONA_NAMES)
def test_persona_clicks_through_without_an_error_page(client_for, username):
    client = client_for(username)
    seen: set[str] = set()
    origin: dict[str, str] = {}
    dead: list[str] = []
    queue = deque(["/"])
    header = ""
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        # The back office is Django's admin: its index is visited, its lists are tested elsewhere.
        if path in seen or path.startswith(SKIP) or (path.startswith("/admin/") and path != "/admin/"):
            continue
        seen.add(path)
        response = client.get(path, follow=True)
        if response.status_code != 200:
            dead.append(f"{path} (linked from {origin.get(path)}) → {response.status_code}")
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        assert 'lang="zh-CN"' in html or path.startswith("/admin/"), path
        if path == "/":
            header = html[html.index("<header") : html.index("</header>")]
        for link in LINK.findall(html):
            link = link.replace("&amp;", "&")
            if link not in seen:
                origin.setdefault(link, path)
                queue.append(link)
    # every entry of the navigation opens, also those the bounded walk did not reach (the
    # phone walk of tests/browser/test_mobile.py relies on it)
    entries = {link.replace("&amp;", "&") for link in LINK.findall(header)}
    for entry in sorted(e for e in entries - seen if not e.startswith(SKIP)):
        status = client.get(entry, follow=True).status_code
        if status != 200:
            dead.append(f"{entry} (an entry of the navigation) → {status}")
    assert not dead, f"{username} meets links that do not open: {dead}"
    assert len(seen) > 3

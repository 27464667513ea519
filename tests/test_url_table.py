"""Every URL pattern of the project × every demo persona (and an anonymous visitor) answers the
status declared in ``tests/url_table.py``.

The patterns are read from ``config/urls.py`` recursively (pages, the JSON API's paths, the back
office), so a new page cannot be added without a row in the table: the first test fails on any
pattern the table does not name, and on any row whose pattern is gone. Path parameters are
filled with real ids of the demo world (划船社区's wish, topic, task, team, activity, …) by the
fixture map ``url_table.PARAMS``. One client per persona; GET only (HEAD for the downloads), no
redirects followed, so "302 to the sign-in page" and "404" are told apart.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import PERSONA_NAMES
from tests import url_table

pytestmark = pytest.mark.django_db

ANONYMOUS = url_table.ANONYMOUS
WHO = [*PERSONA_NAMES, ANONYMOUS]


def url_patterns() -> dict[str, str]:
    """{namespaced url name: route} for every pattern under config/urls.py. A name that two
    patterns share (two API operations called ``figures``) is given as ``"<name> /<route>"``."""
    routes: dict[str, list[str]] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                name = f"{namespace}{p.name}" if p.name else f"{namespace}(unnamed)"
                if route not in routes.setdefault(name, []):
                    routes[name].append(route)

    walk(get_resolver().url_patterns, "", "")
    found = {}
    for name, each in routes.items():
        for route in each:
            found[name if len(each) == 1 else f"{name} /{route}"] = route
    return found


def test_every_url_pattern_has_a_row_in_the_table():
    patterns = url_patterns()
    declared = set(url_table.expected_names())
    missing = sorted(name for name in patterns if url_table.rule_for(name) is None)
    stale = sorted(name for name in declared if name not in patterns)
    assert not missing, f"URL patterns without a row in tests/url_table.py: {missing}"
    assert not stale, f"rows of tests/url_table.py naming no URL pattern: {stale}"
    assert not (url_table.KNOWN_FAILURES.keys() - declared), "known failures name no row"


def _statuses(client: Client, urls: list[tuple[str, str, str]]) -> dict[str, int]:
    got = {}
    for name, url, method in urls:
        response = client.head(url) if method == "HEAD" else client.get(url)
        got[name] = response.status_code
    return got


@pytest.mark.parametrize("who", WHO)
def test_url_table(who, persona, demo_world_urls):
    client = Client()
    if who != ANONYMOUS:
        client.force_login(persona(who))
    got = _statuses(client, demo_world_urls)
    if os.environ.get("URL_TABLE_DUMP"):
        path = os.environ["URL_TABLE_DUMP"]
        seen = json.load(open(path)) if os.path.exists(path) else {}  # noqa: SIM115
        seen[who] = got
        with open(path, "w") as f:
            json.dump(seen, f, indent=1, sort_keys=True)
    wrong, fixed = [], []
    for name, status in sorted(got.items()):
        declared = url_table.rule_for(name)
        if declared is None:
            wrong.append(f"{name}: {status}, not declared")
            continue
        expected = declared[who]
        known = who in url_table.KNOWN_FAILURES.get(name, ())
        if status != expected and not known:
            wrong.append(f"{name}: {status}, declared {expected}")
        elif status == expected and known:
            fixed.append(name)
    assert not wrong, f"{who}: " + "; ".join(wrong)
    # A known failure that now answers as declared must leave KNOWN_FAILURES (the list only shrinks).
    assert not fixed, f"{who}: fixed, remove from url_table.KNOWN_FAILURES: {fixed}"


@pytest.fixture
def demo_world_urls() -> list[tuple[str, str, str]]:
    """(url name, url, method) for every walked pattern, parameters filled from the demo world."""
    values = {key: pick() for key, pick in url_table.PARAMS.items()}
    urls = []
    for name, route in url_patterns().items():
        rule = url_table.rule_for(name)
        if rule is url_table.NOT_WALKED:
            continue
        url = "/" + route
        for param in url_table.route_params(route):
            value = values[url_table.PARAM_FOR.get((name, param), param)]
            url = re.sub(rf"<(\w+:)?{param}>", str(value), url)
        urls.append((name, url, url_table.method_for(name)))
    return urls

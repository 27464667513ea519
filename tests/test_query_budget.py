"""The query budget (issue 10 item 3): every URL pattern of the project — pages, JSON API,
exports, back office lists — is requested as its natural persona over the demo world and over
the same world with ten times the history, and must ask the database the same number of times
at both sizes, within its declared budget (``tests/query_budget.py``). The next N+1 fails here,
not in production.

The URLs, their parameters and who may open them come from the URL table
(``tests/url_table.py``, ``tests/url_rows/<app>.py``), so new apps are covered by their rows.
The ten-fold world is made with ``tests/scale_world.multiply`` (bulk copies of the history
tables inside the test's transaction: seconds, not a second demo build)."""

from __future__ import annotations

import datetime
import itertools
import os
import re
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import query_budget, scale_world, url_table
from tests.test_url_table import url_patterns

pytestmark = pytest.mark.django_db

FACTOR = 10


def natural_persona(name: str, rule: dict[str, int]) -> str | None:
    if name in query_budget.NATURAL:
        return query_budget.NATURAL[name]
    return next((who for who in query_budget.PREFERENCE if rule.get(who) == 200), None)


def budget_urls() -> list[tuple[str, str, str]]:
    """(url name, url, persona) for every walked pattern some persona opens."""
    values = {key: pick() for key, pick in url_table.PARAMS.items()}
    today = datetime.date.today()
    fill = {
        **values,
        "start": today - datetime.timedelta(days=60),
        "end": today + datetime.timedelta(days=60),
    }
    urls = []
    for name, route in url_patterns().items():
        rule = url_table.rule_for(name)
        if rule is None or rule is url_table.NOT_WALKED:
            continue
        who = natural_persona(name, rule)
        if who is None:
            continue
        url = "/" + route
        for param in url_table.route_params(route):
            value = values[url_table.PARAM_FOR.get((name, param), param)]
            url = re.sub(rf"<(\w+:)?{param}>", str(value), url)
        urls.append((name, url + query_budget.QUERY.get(name, "").format(**fill), who))
    return urls


def _count(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    return len(ctx.captured_queries), response.status_code


def _measure(clients: dict[str, Client], urls: list[tuple[str, str, str]]) -> dict[str, tuple[int, int]]:
    return {name: _count(clients[who], url) for name, url, who in urls}


def test_every_url_reads_the_same_queries_at_1x_and_10x(demo_world, persona, settings):
    # The session is renewed at most once a minute: not in the middle of the measurement.
    settings.SESSION_REFRESH_SECONDS = 10**6
    urls = budget_urls()
    clients: dict[str, Client] = {}
    for _name, _url, who in urls:
        if who not in clients:
            clients[who] = Client()
            if who != url_table.ANONYMOUS:
                clients[who].force_login(persona(who))
    clock = [time.process_time()]
    small = _measure(clients, urls)
    clock.append(time.process_time())
    grown = transaction.savepoint()
    added = scale_world.multiply(FACTOR)
    clock.append(time.process_time())
    large = _measure(clients, urls)
    clock.append(time.process_time())
    # The first pass also filled per-process caches (content types, translations), so a URL
    # whose counts differ is measured again at 1×, with the ten-fold history rolled back (one
    # more pass over a few URLs instead of a warming pass over all of them); a real difference
    # stays one.
    transaction.savepoint_rollback(grown)
    again = [(name, url, who) for name, url, who in urls if small[name] != large[name]]
    small.update(_measure(clients, again))
    clock.append(time.process_time())

    if os.environ.get("QUERY_BUDGET_DUMP"):
        with open(os.environ["QUERY_BUDGET_DUMP"], "w") as f:
            steps = [round(b - a, 1) for a, b in itertools.pairwise(clock)]
            f.write(f"# CPU seconds: 1x, multiply, {FACTOR}x, 1x again = {steps}; rows added {added}\n")
            f.write(f"# measured again at 1x: {[name for name, _url, _who in again]}\n")
            for name, url, who in urls:
                f.write(f"{name}\t{who}\t{small[name][0]}\t{large[name][0]}\t{url}\n")
    problems = []
    for name, _url, who in urls:
        (n_small, status_small), (n_large, status_large) = small[name], large[name]
        budget = query_budget.BUDGETS.get(name, query_budget.DEFAULT_BUDGET)
        if status_small != 200 or status_large != 200:
            problems.append(f"{name} as {who}: status {status_small} / {status_large}, the table says 200")
            continue
        if n_small != n_large and name not in query_budget.VARIES:
            problems.append(f"{name} as {who}: {n_small} queries at 1×, {n_large} at {FACTOR}×")
        if n_small == n_large and name in query_budget.VARIES:
            problems.append(f"{name}: counts agree now, remove it from query_budget.VARIES")
        if max(n_small, n_large) > budget:
            problems.append(f"{name} as {who}: {max(n_small, n_large)} queries, budget {budget}")
    assert not problems, "\n".join(problems)
    stale = set(query_budget.BUDGETS) | set(query_budget.NATURAL) | set(query_budget.QUERY)
    stale -= {name for name, _url, _who in urls} | set(url_table.expected_names())
    assert not stale, f"tests/query_budget.py names no URL: {sorted(stale)}"

"""The query budget of every URL pattern (read by ``tests/test_query_budget.py``), declared in
one place.

Every walked pattern of ``tests/url_table.py`` that answers 200 to some persona is requested as
its *natural persona* (``NATURAL`` where named, else the first of ``PREFERENCE`` the table lets
in), over the demo world and over the same world with ten times the history
(``tests/scale_world.py``). The test fails when the two counts differ, or when a count exceeds
the URL's budget: ``BUDGETS[name]``, else ``DEFAULT_BUDGET``. A new app's pages are covered as
soon as its rows are in ``tests/url_rows/<app>.py``; give a page its own budget here only when
it needs more than the default, with the reason.
"""

from __future__ import annotations

from tests.url_table import (
    ADMIN,
    ANONYMOUS,
    EMERGENCY,
    FIRST_SECRETARY,
    JUSTICE,
    LAWYER,
    LEADER,
    LIAISON,
    MEDIATOR,
    MEMBER,
    OTHER_WORKER,
    RESIDENT,
    SECRETARY,
    SUBDISTRICT,
    UNIT_SECRETARY,
    VOLUNTEER,
    WORKER,
)

# Queries a page or endpoint may ask at most, whatever the size of the world (sign-in, grants,
# navigation and to-do blocks included).
DEFAULT_BUDGET = 40

# url name → budget, where a page needs more than the default (the reason beside it).
BUDGETS: dict[str, int] = {}

# Who requests a URL: the first persona of PREFERENCE that the URL table lets in (200), unless
# NATURAL names the persona the page is for.
PREFERENCE = [
    SECRETARY,
    WORKER,
    ADMIN,
    SUBDISTRICT,
    LEADER,
    LIAISON,
    VOLUNTEER,
    MEMBER,
    RESIDENT,
    MEDIATOR,
    LAWYER,
    JUSTICE,
    EMERGENCY,
    FIRST_SECRETARY,
    UNIT_SECRETARY,
    OTHER_WORKER,
    ANONYMOUS,
]
NATURAL: dict[str, str] = {
    "my_wishes": RESIDENT,
    "my_claims": MEMBER,
    "my_hours": MEMBER,
    "talk_board": RESIDENT,
    "inbox": RESIDENT,
    # rows that need a query string (QUERY) to answer 200
    "api-1:rota_shifts": SECRETARY,
    "api-1:rota_coverage": SECRETARY,
    "api-1:my_shifts": WORKER,
    "api-1:figures /api/v1/teams/figures": SECRETARY,
    "api-1:check_certificate": ANONYMOUS,
}

# A query string the request carries, where the bare path answers 422 (a required parameter);
# {start} and {end} are 60 days either side of today, other names the URL table's PARAMS.
_WEEKS = "?start={start}&end={end}"
QUERY: dict[str, str] = {
    "api-1:rota_shifts": _WEEKS,
    "api-1:rota_coverage": _WEEKS,
    "api-1:my_shifts": _WEEKS,
    "api-1:figures /api/v1/teams/figures": "?region={community_id}",
    "api-1:check_certificate": "?code=NOSUCHCODE",
}

# url name → why its count may differ between the two sizes. Only shrinks: a URL listed here
# whose counts agree fails the test until it is removed.
_NO_CLAIMED_WISH = (
    "one query fewer when the page holds no wish claimed by an organisation's member (an empty "
    "IN list is not sent): the 10× first page is ten copies each of five unclaimed wishes"
)
VARIES: dict[str, str] = {
    "api-1:list_wishes": _NO_CLAIMED_WISH,
    "api-1:create_wish": _NO_CLAIMED_WISH,  # the same path as list_wishes
    "wish_list": _NO_CLAIMED_WISH,
}

"""A list of wishes loads only the columns its rows read (selectors.for_rows, ROW_FIELDS): the
rows are the same as from whole records, and reading them runs no further query, for every
persona whose rows take a different path (the wisher, a reviewer, a claimant, the district)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community365.wishes import selectors
from community365.wishes.models import Wish

pytestmark = pytest.mark.django_db

PERSONAS = ["resident_001", "worker_huachuan", "member_demo", "admin_district", "staff_baizhang"]


@pytest.mark.parametrize("username", PERSONAS)
def test_rows_from_the_listed_columns_equal_rows_from_whole_records_and_read_nothing_more(persona, username):
    user = persona(username)
    qs = selectors.wish_search(user)
    ids = list(qs.values_list("pk", flat=True)[:60])
    assert ids, "the demo lists wishes to every persona here"
    whole = list(Wish.objects.filter(pk__in=ids).select_related("region", "wisher", "claimed_by"))
    whole.sort(key=lambda w: ids.index(w.pk))
    listed = list(selectors.for_rows(Wish.objects.filter(pk__in=ids)))
    listed.sort(key=lambda w: ids.index(w.pk))
    expected = selectors.wish_rows(user, whole)
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.wish_rows(user, listed)
    assert rows == expected
    # at most the organisations of the claimed ones: a deferred column read per row would add more
    assert len(queries.captured_queries) <= 1, [q["sql"][:100] for q in queries.captured_queries]


def test_the_rows_read_the_organisation_a_wish_was_claimed_for(persona):
    from community365.wishes.models import Claim

    claim = Claim.objects.filter(organisation__isnull=False).select_related("organisation", "wish").first()
    assert claim is not None, "the demo has wishes claimed for an organisation"
    user = persona("admin_district")
    row = selectors.wish_rows(user, list(selectors.for_rows(Wish.objects.filter(pk=claim.wish_id))))[0]
    assert row.claimed_by == claim.organisation.name

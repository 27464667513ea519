"""The place filter: one condition per place, a place under another listed one adding nothing."""

from __future__ import annotations

from django.db.models import Q

from community365.core.permissions import path_q


def test_a_place_under_another_listed_place_is_left_out():
    # a district, one of its communities, and a second district's subdistrict
    q = path_q(["0001", "00010002", "0003"], "path")
    assert q == Q(path__startswith="0001") | Q(path__startswith="0003")


def test_no_places_match_nothing_and_none_matches_everything():
    assert path_q([], "path") == Q(pk__in=[])
    assert path_q(None, "path") == Q()

"""Ids from outside are checked once, the same way in every app (core.ids): every table's id is
a bigint, so 1 … 2⁶³−1 is an id and nothing else is."""

from __future__ import annotations

import pytest

from community365.core import api, ids
from community365.desk import policies as desk
from community365.talks import policies as talks


@pytest.mark.parametrize("value", [1, 2, 2**31 - 1, 2**31, 2**32, 2**63 - 1])
def test_every_bigint_id_is_an_id(value):
    assert ids.valid_id(value)


@pytest.mark.parametrize("value", [0, -1, 2**63, 10**20, True, False, "5", 5.0, None])
def test_nothing_else_is(value):
    assert not ids.valid_id(value)


def test_the_apps_and_the_api_use_the_one_definition():
    # the apps' policies once carried copies with 2³¹−1, which hid rows past it behind a 404
    assert desk.valid_id is talks.valid_id is ids.valid_id
    assert api.MAX_ID == ids.MAX_ID == 2**63 - 1

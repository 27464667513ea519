"""The test world's ids are spread out (tests/ids.py): each table counts from its own multiple
of 1,000,000, so ``is`` between ids and an id of the wrong table cannot pass for right."""

from __future__ import annotations

import pytest

from community365.people.models import Person, User
from community365.regions.models import Region
from tests import ids

pytestmark = pytest.mark.django_db


def test_every_table_of_the_demo_counts_from_its_own_range():
    for model in (Region, User, Person):
        start = ids.first_id(model)
        assert start > 256
        assert model.objects.order_by("pk").values_list("pk", flat=True).first() > start
    assert len({ids.first_id(Region), ids.first_id(User), ids.first_id(Person)}) == 3


def test_a_new_row_keeps_counting_in_its_range(new_account):
    user = new_account("counted")
    assert ids.first_id(User) < user.pk < ids.first_id(User) + ids.STEP

"""Edges of the people rules that mutation testing found untested (docs/mutation.md)."""

from __future__ import annotations

import pytest

from community365.people.models import Person
from community365.regions import selectors
from community365.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["leader_demo", "liaison_housing", "admin_district"])
def test_the_district_leader_and_the_liaisons_count_the_districts_residents(persona, username):
    district = Region.objects.get(kind="district")
    user = persona(username)
    assert selectors.may_count(user, district)
    counts = selectors.counts_under(user, [district])[district.pk]
    assert counts.residents == Person.objects.filter(district=district).count() > 0


def test_a_resident_counts_nobody(persona):
    district = Region.objects.get(kind="district")
    assert not selectors.may_count(persona("resident_huachuan"), district)

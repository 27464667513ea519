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


def test_nobody_signed_out_sees_a_resident():
    from django.contrib.auth.models import AnonymousUser

    from community365.people import policies

    assert Person.objects.filter(user__isnull=True).exists()
    assert not policies.persons_visible_to(AnonymousUser()).exists()
    assert not policies.persons_listed_for(AnonymousUser()).exists()


def test_a_resident_sees_their_own_roles_and_nobody_elses(persona):
    from community365.people import policies
    from community365.people.models import RoleAssignment

    resident = persona("resident_huachuan")
    own = set(RoleAssignment.objects.filter(user=resident).values_list("pk", flat=True))
    assert own
    assert set(policies.role_assignments_visible_to(resident).values_list("pk", flat=True)) == own


def test_the_secretary_finds_their_own_account_among_those_they_grant_roles_to(persona):
    from community365.people import policies

    secretary = persona("secretary_huachuan")
    visible = policies.users_visible_to(secretary)
    assert visible.filter(pk=secretary.pk).exists()  # under their place and themself at once
    assert visible.filter(username="worker_huachuan").exists()
    assert not visible.filter(username="worker_huangli").exists()

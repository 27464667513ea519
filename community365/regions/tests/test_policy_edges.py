"""Edges of the places' rules that mutation testing found untested (docs/mutation.md): an account
with no role in any district knows no department, organisation or service centre, and finds
no place; a role holder finds the places they hold."""

from __future__ import annotations

import pytest

from community365.core.errors import NotFound
from community365.regions import policies
from community365.regions.models import Department, Organisation, Region, ServiceCentre

pytestmark = pytest.mark.django_db


@pytest.fixture
def roleless(new_account):
    """An account of the district that holds no role (yet)."""
    return new_account("no_role_yet")


def test_an_account_without_a_role_knows_no_department_organisation_or_centre(roleless):
    assert Department.objects.exists() and Organisation.objects.exists() and ServiceCentre.objects.exists()
    assert not policies.departments_visible_to(roleless).exists()
    assert not policies.organisations_visible_to(roleless).exists()
    assert not policies.service_centres_visible_to(roleless).exists()


def test_a_role_holder_knows_the_departments_of_their_district(persona):
    worker = persona("worker_huachuan")
    district = Region.objects.get(kind="district")
    assert (
        policies.departments_visible_to(worker).count()
        == Department.objects.filter(district=district).count()
    )


def test_a_place_is_found_by_who_holds_it_and_not_by_an_account_without_a_role(persona, roleless):
    huachuan = Region.objects.get(name="划船社区")
    assert policies.get_visible_region(persona("worker_huachuan"), huachuan.pk) == huachuan
    with pytest.raises(NotFound):
        policies.get_visible_region(roleless, huachuan.pk)
    with pytest.raises(NotFound):
        policies.get_visible_region(persona("worker_huangli"), huachuan.pk)

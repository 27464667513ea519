"""Who reads the three linkages' figures (teams.figures:view): the staff and the district
leader; a resident does not. Found by mutation testing: taking the leader out of the permission
failed no test."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "status"), [("leader_demo", 200), ("admin_district", 200), ("resident_huachuan", 404)]
)
def test_the_leader_and_the_staff_read_the_figures_and_a_resident_does_not(client_for, username, status):
    assert client_for(username).get("/teams/figures/").status_code == status

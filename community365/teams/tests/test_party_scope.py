"""A party member reporting to their community names a unit of their own district only; a
forged unit id never ties them to another district's organisation, nor breaks the page."""

import pytest
from django.test import Client

from community365.core.actors import SystemActor
from community365.core.roles import Role
from community365.people import services as people
from community365.regions import services as regions
from community365.regions.models import Region, RegionKind
from community365.teams.models import PartyMember

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("tests")


@pytest.fixture
def newcomer(region):
    user = people.user_create(actor=SYSTEM, username="member_new", password=None, district=region("江东区"))
    people.role_grant(actor=SYSTEM, user=user, role=Role.PARTY_MEMBER, region=region("划船社区"))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def foreign_unit():
    other = regions.region_create(
        actor=SYSTEM, parent=None, kind=RegionKind.DISTRICT, name="海曙区", code="HS"
    )
    return regions.organisation_create(actor=SYSTEM, region=other, name="海曙区某局", kind="unit")


def test_a_unit_of_another_district_is_not_offered_nor_taken(newcomer, foreign_unit, region):
    user, client = newcomer
    assert "海曙区某局" not in client.get("/teams/party/").content.decode()
    form = {
        "action": "register",
        "community": region("划船社区").pk,
        "unit": foreign_unit.pk,
        "in_service": "on",
    }
    response = client.post("/teams/party/", form, follow=True)
    # the foreign unit is as good as none: an in-service member must name a unit of their own
    assert "在职党员请填写工作单位" in response.content.decode()
    assert not PartyMember.objects.filter(user=user).exists()


def test_a_non_numeric_unit_id_is_a_clean_404_and_registers_nothing(newcomer, region):
    user, client = newcomer
    response = client.post(
        "/teams/party/", {"action": "register", "community": region("划船社区").pk, "unit": "abc"}
    )
    assert response.status_code == 404
    assert not PartyMember.objects.filter(user=user).exists()
    assert Region.objects.filter(code="JD").exists()

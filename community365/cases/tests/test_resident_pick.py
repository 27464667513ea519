"""Choosing a resident by name in the mediation and clinic forms: people's resident search, only
residents the user may see, masked as their role needs; the chosen record goes with the form."""

from __future__ import annotations

import pytest

from community365.cases.models import MediationParty
from community365.people.models import Person

pytestmark = pytest.mark.usefixtures("demo_world")


def _resident(region_name: str) -> Person:
    return Person.objects.filter(community__name=region_name).order_by("id").first()


def test_search_finds_visible_residents_by_name(client_for, region):
    person = _resident("划船社区")
    answer = client_for("secretary_huachuan").get(
        "/cases/residents/pick", {"field": "person_0", "q_person_0": person.name}
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert f'name="pick_person_0" value="{person.pk}"' in page and person.name in page


def test_search_hides_residents_the_user_may_not_see(client_for):
    other = _resident("黄鹂社区")
    page = (
        client_for("secretary_huachuan")
        .get("/cases/residents/pick", {"field": "person", "q_person": other.name})
        .content.decode()
    )
    assert f'value="{other.pk}"' not in page
    resident_page = (
        client_for("resident_001")
        .get("/cases/residents/pick", {"field": "person", "q_person": other.name})
        .content.decode()
    )
    assert f'value="{other.pk}"' not in resident_page


def test_bad_field_is_404(client_for):
    assert (
        client_for("secretary_huachuan").get("/cases/residents/pick", {"field": 'x"><b>'}).status_code == 404
    )


def test_mediation_registered_with_a_resident_picked_by_name(client_for, region):
    person = _resident("划船社区")
    huachuan = region("划船社区")
    answer = client_for("secretary_huachuan").post(
        "/cases/mediations/new/",
        {
            "community": huachuan.pk,
            "kind": "neighbours",
            "source": "party",
            "summary": "楼上漏水渗到楼下",
            "pick_person_0": person.pk,
            "name_1": "张大伯",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:500]
    assert MediationParty.objects.filter(person=person, case__summary="楼上漏水渗到楼下").exists()

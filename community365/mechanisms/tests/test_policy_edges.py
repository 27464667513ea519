"""Edges of the five mechanisms' rules found by mutation testing (each could be changed with no
test failing): who manages the secretary projects, whose ledger a first secretary may write in,
who keeps a unit's resource list."""

from __future__ import annotations

import pytest

from community365.core.actors import SystemActor
from community365.core.errors import NotAllowed
from community365.core.roles import Role
from community365.mechanisms import policies

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_world")]
SYSTEM = SystemActor("tests")


@pytest.mark.parametrize(
    ("username", "manages"),
    [
        ("admin_district", True),
        ("staff_baizhang", False),
        ("secretary_huachuan", False),
        ("leader_demo", False),
    ],
)
def test_only_the_district_admin_manages_the_secretary_projects(persona, username, manages):
    assert policies.may_manage(persona(username)) is manages


def test_another_first_secretary_cannot_write_in_this_ledger_whatever_their_ids(persona, region, new_account):
    from community365.mechanisms import services
    from community365.mechanisms.models import FirstSecretaryPosting

    posting = FirstSecretaryPosting.objects.get(cadre=persona("firstsec_demo"), region=region("黄鹂社区"))
    other = new_account("firstsec_other", role=Role.FIRST_SECRETARY, place=region("黄鹂社区"))
    assert other.pk > posting.cadre_id
    with pytest.raises(NotAllowed, match="第一书记本人"):
        services.result_log(
            actor=other, posting=posting, category="event", title="代登记", evidence="照片存档"
        )


@pytest.mark.parametrize(
    ("username", "offers"),
    [
        ("liaison_housing", True),  # a department's liaison keeps the department's list
        ("unit_secretary_demo", True),  # a unit's secretary keeps the unit's list
        ("staff_baizhang", True),  # the subdistrict keeps its units' lists
        ("secretary_huachuan", False),
        ("resident_huachuan", False),
        ("worker_huachuan", False),
    ],
)
def test_who_keeps_a_units_resource_list(persona, username, offers):
    assert policies.may_offer(persona(username)) is offers


def test_a_result_not_yet_confirmed_is_seen_by_its_secretary_and_the_overseers_only(persona, region):
    from community365.mechanisms import services
    from community365.mechanisms.models import FirstSecretaryPosting

    posting = FirstSecretaryPosting.objects.get(cadre=persona("firstsec_demo"), region=region("黄鹂社区"))
    result = services.result_log(
        actor=persona("firstsec_demo"),
        posting=posting,
        category="event",
        title="走访独居老人",
        evidence="走访记录",
    )

    def sees(username: str) -> bool:
        return policies.results_visible_to(persona(username)).filter(pk=result.pk).exists()

    assert sees("firstsec_demo") and sees("admin_district")
    for other in ("resident_huachuan", "worker_huachuan", "secretary_huachuan"):
        assert not sees(other), other
    services.result_confirm(actor=SYSTEM, result=result)
    assert sees("resident_huachuan")  # confirmed results are public in the district


@pytest.mark.parametrize(("username", "keeps"), [("secretary_huachuan", True), ("resident_huachuan", False)])
def test_who_keeps_a_communitys_lists(persona, username, keeps):
    assert policies.may_keep_community_lists(persona(username)) is keeps


def test_the_operators_see_every_posting_in_every_district(persona, region):
    from community365.mechanisms.models import FirstSecretaryPosting
    from community365.people.models import User

    operator = User.objects.create_superuser(username="ops_mech", password="Ops-password-1")
    assert policies.postings_visible_to(operator).count() == FirstSecretaryPosting.objects.count() > 0
    district_id = region("划船社区").district_id
    assert policies.in_district(operator, district_id)
    assert policies.in_district(persona("resident_huachuan"), district_id)
    assert not policies.in_district(persona("resident_huachuan"), district_id + 1000)


def test_rooms_are_booked_in_ones_own_district_only(persona, region):
    district_id = region("划船社区").district_id
    staff = persona("staff_baizhang")
    assert policies.require_book(staff, district_id)
    for other in (district_id - 1, district_id + 1):
        with pytest.raises(NotAllowed):
            policies.require_book(staff, other)


def test_a_project_is_filled_in_by_its_own_secretary(persona, region, new_account):
    from community365.mechanisms.models import SecretaryProject
    from community365.people.models import User
    from community365.regions.models import Region

    project = SecretaryProject.objects.filter(secretary__isnull=False).order_by("id").first()
    owner = User.objects.get(pk=project.secretary_id)
    policies.require_own_project(owner, project)
    district = Region.objects.get(pk=region("划船社区").district_id)
    other = new_account("unitsec_other", role=Role.UNIT_SECRETARY, place=district)
    assert other.pk > owner.pk
    with pytest.raises(NotAllowed):
        policies.require_own_project(other, project)


def test_a_liaison_keeps_their_own_departments_list_and_no_other(persona, new_account):
    from community365.regions.models import Department, Region

    departments = list(Department.objects.order_by("pk"))
    first, last = departments[0], departments[-1]
    district = Region.objects.get(pk=last.district_id)
    # a liaison of the department numbered last, and the housing bureau's of the first
    liaison = new_account("liaison_last", role=Role.DEPARTMENT_LIAISON, place=district, department=last)
    assert policies.require_offer(liaison, region=district, department=last) == Role.DEPARTMENT_LIAISON
    with pytest.raises(NotAllowed):  # a department numbered before their own
        policies.require_offer(liaison, region=district, department=first)
    housing = persona("liaison_housing")
    with pytest.raises(NotAllowed):  # and one numbered after
        policies.require_offer(housing, region=district, department=last)

"""Resident records and roles: registering a person (ID numbers checked, never stored),
verifying residence, granting roles on places, and the masking of personal data."""

from __future__ import annotations

import pytest

from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, NotAllowed
from community365.core.masking import mask_id_last4, mask_name, mask_phone
from community365.people import identity
from community365.people.models import Person, RoleAssignment
from community365.people.services import (
    person_register,
    person_verify_residence,
    persons_register_bulk,
    role_grant,
    role_revoke,
    user_create,
)
from community365.regions.models import Department, Region

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("test")
# A well-formed ID number (GB 11643 check character X) and one with a wrong check character.
ID_NUMBER = "11010519491231002X"
BAD_CHECKSUM = "110105194912310021"


def valid_id(first17: str) -> str:
    return first17 + identity.check_character(first17)


@pytest.fixture
def register(persona, region):
    def run(**kwargs):
        kwargs.setdefault("actor", persona("worker_huachuan"))
        kwargs.setdefault("community", region("划船社区"))
        kwargs.setdefault("name", "王新来")
        return person_register(**kwargs)

    return run


# --- registering ------------------------------------------------------------------------------


def test_social_worker_registers_a_resident_in_their_community(register, region):
    person = register(phone="138 1234 5678", birth_year=1950)
    assert person.community == region("划船社区")
    assert person.phone == "13812345678"
    assert person.district_id == region("江东区").pk


@pytest.mark.parametrize(
    "number",
    [BAD_CHECKSUM, "11010519491231002", "11010519491231002XX", "A1010519491231002X", "110105-1949-1231-002X"],
    ids=["bad-checksum", "17-digits", "19-chars", "letter", "dashes"],
)
def test_malformed_id_number_is_refused(register, number):
    before = Person.objects.count()
    with pytest.raises(InvalidInput) as refused:
        register(id_number=number)
    assert refused.value.field == "id_number"
    assert Person.objects.count() == before


def test_same_id_number_twice_is_a_conflict(register):
    register(id_number=ID_NUMBER)
    with pytest.raises(Conflict) as refused:
        register(name="另一个人", id_number=ID_NUMBER)
    assert refused.value.field == "id_number"
    assert Person.objects.filter(id_last4="002X").count() == 1


def test_same_id_number_in_lower_case_or_with_spaces_is_still_a_conflict(register):
    register(id_number=ID_NUMBER)
    with pytest.raises(Conflict):
        register(id_number=" 110105 19491231 002x ")


def test_same_id_number_in_another_community_of_the_district_is_a_conflict(register, persona, region):
    register(id_number=ID_NUMBER)
    with pytest.raises(Conflict):
        register(actor=persona("worker_huangli"), community=region("黄鹂社区"), id_number=ID_NUMBER)


def test_id_number_itself_is_never_stored(register):
    person = register(id_number=ID_NUMBER)
    row = Person.objects.filter(pk=person.pk).values().get()
    assert not any(ID_NUMBER[:17] in str(value) for value in row.values())
    assert row["id_last4"] == "002X"
    assert row["id_hash"] == identity.id_hash(ID_NUMBER)
    assert len(row["id_hash"]) == 64


def test_id_hash_is_keyed_not_a_plain_digest(register):
    import hashlib

    person = register(id_number=ID_NUMBER)
    assert person.id_hash != hashlib.sha256(ID_NUMBER.encode()).hexdigest()


def test_people_without_id_numbers_are_not_conflicts(register):
    register(name="甲")
    register(name="乙")


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("name", {"name": ""}),
        ("name", {"name": "   "}),
        ("name", {"name": "名" * 61}),
        ("phone", {"phone": "12345"}),
        ("phone", {"phone": "23812345678"}),
        ("gender", {"gender": "X"}),
        ("birth_year", {"birth_year": 1800}),
        ("birth_year", {"birth_year": 2999}),
    ],
)
def test_bad_person_fields_are_refused(register, field, kwargs):
    with pytest.raises(InvalidInput) as refused:
        register(**kwargs)
    assert refused.value.field == field


def test_person_needs_a_community_or_household(persona):
    with pytest.raises(InvalidInput):
        person_register(actor=persona("worker_huachuan"), name="无处")


def test_person_cannot_be_registered_above_a_community(persona, region):
    with pytest.raises(InvalidInput):
        person_register(actor=SYSTEM, community=region("百丈街道"), name="街道上的人")


@pytest.mark.parametrize(
    "name",
    [
        "worker_huangli",
        "staff_baizhang",
        "admin_district",
        "member_demo",
        "volunteer_demo",
        "resident_huachuan",
    ],
)
def test_only_workers_of_the_community_register_its_residents(register, persona, name):
    before = Person.objects.count()
    with pytest.raises(NotAllowed):
        register(actor=persona(name))
    assert Person.objects.count() == before


def test_person_in_a_household_lives_in_its_stairwell(persona, region):
    from community365.regions.models import Household

    household = Household.objects.filter(region__path__startswith=region("划船社区").path).first()
    person = person_register(actor=persona("secretary_huachuan"), household=household, name="住户")
    assert person.region == household.region
    assert person.community == region("划船社区")


# --- verifying residence ----------------------------------------------------------------------


@pytest.fixture
def unverified(region):
    def get(community: str) -> Person:
        return Person.objects.filter(community=region(community), verified_at__isnull=True).first()

    return get


def test_social_worker_verifies_a_resident_of_their_community(persona, unverified):
    worker = persona("worker_huachuan")
    person = person_verify_residence(actor=worker, person=unverified("划船社区"))
    person.refresh_from_db()
    assert person.verified_at is not None
    assert person.verified_by == worker


def test_social_worker_of_another_community_cannot_verify(persona, unverified):
    person = unverified("划船社区")
    with pytest.raises(NotAllowed):
        person_verify_residence(actor=persona("worker_huangli"), person=person)
    person.refresh_from_db()
    assert person.verified_at is None


@pytest.mark.parametrize(
    "name",
    ["staff_baizhang", "admin_district", "leader_demo", "member_demo", "volunteer_demo", "resident_huachuan"],
)
def test_roles_other_than_community_workers_cannot_verify(persona, unverified, name):
    person = unverified("划船社区")
    with pytest.raises(NotAllowed):
        person_verify_residence(actor=persona(name), person=person)
    person.refresh_from_db()
    assert person.verified_at is None


def test_resident_cannot_verify_themself(persona):
    own = Person.objects.get(user=persona("resident_huachuan"))
    Person.objects.filter(pk=own.pk).update(verified_at=None)
    own.refresh_from_db()
    with pytest.raises(NotAllowed):
        person_verify_residence(actor=persona("resident_huachuan"), person=own)


def test_verifying_twice_is_a_conflict(persona, unverified):
    worker = persona("worker_huachuan")
    person = person_verify_residence(actor=worker, person=unverified("划船社区"))
    first = person.verified_at
    with pytest.raises(Conflict):
        person_verify_residence(actor=worker, person=person)
    person.refresh_from_db()
    assert person.verified_at == first


# --- granting roles ---------------------------------------------------------------------------


@pytest.fixture
def newcomer(db):
    return user_create(actor=SYSTEM, username="newcomer", password=None)


@pytest.mark.parametrize(
    ("role", "place"),
    [
        ("social_worker", "百丈街道"),
        ("social_worker", "江东区"),
        ("community_secretary", "白鹤街道"),
        ("district_admin", "划船社区"),
        ("district_admin", "百丈街道"),
        ("subdistrict_staff", "划船社区"),
        ("subdistrict_staff", "江东区"),
        ("district_leader", "百丈街道"),
        ("resident", "江东区"),
    ],
)
def test_role_can_be_held_only_at_its_kind_of_place(newcomer, region, role, place):
    with pytest.raises(InvalidInput) as refused:
        role_grant(actor=SYSTEM, user=newcomer, role=role, region=region(place))
    assert refused.value.field == "region"
    assert not RoleAssignment.objects.filter(user=newcomer).exists()


def test_role_cannot_be_held_below_a_community(newcomer, region):
    stair = Region.objects.filter(kind="stairwell", path__startswith=region("划船社区").path).first()
    with pytest.raises(InvalidInput):
        role_grant(actor=SYSTEM, user=newcomer, role="resident", region=stair)


def test_unknown_role_is_refused(newcomer, region):
    with pytest.raises(InvalidInput) as refused:
        role_grant(actor=SYSTEM, user=newcomer, role="king", region=region("划船社区"))
    assert refused.value.field == "role"


def test_liaison_needs_a_department_and_others_none(newcomer, region):
    housing = Department.objects.get(name="区住建局")
    with pytest.raises(InvalidInput) as refused:
        role_grant(actor=SYSTEM, user=newcomer, role="department_liaison", region=region("江东区"))
    assert refused.value.field == "department"
    with pytest.raises(InvalidInput):
        role_grant(
            actor=SYSTEM, user=newcomer, role="district_leader", region=region("江东区"), department=housing
        )


def test_liaison_with_a_department_of_another_district_is_refused(newcomer):
    from community365.regions.services import department_create, region_create

    other = region_create(actor=SYSTEM, parent=None, kind="district", name="海曙区", code="HS")
    department = department_create(actor=SYSTEM, district=other, name="海曙区住建局", code="housing")
    jiangdong = Region.objects.get(name="江东区")
    with pytest.raises(InvalidInput):
        role_grant(
            actor=SYSTEM, user=newcomer, role="department_liaison", region=jiangdong, department=department
        )


@pytest.mark.parametrize(
    "role", ["social_worker", "party_member", "volunteer", "mediator", "lawyer", "resident"]
)
def test_secretary_grants_community_roles_in_own_community(persona, newcomer, region, role):
    assignment = role_grant(
        actor=persona("secretary_huachuan"), user=newcomer, role=role, region=region("划船社区")
    )
    assert (assignment.role, assignment.region) == (role, region("划船社区"))


@pytest.mark.parametrize(
    "role", ["community_secretary", "district_admin", "subdistrict_staff", "district_leader"]
)
def test_secretary_cannot_grant_roles_above_community_level(persona, newcomer, region, role):
    place = {"district_admin": "江东区", "district_leader": "江东区", "subdistrict_staff": "百丈街道"}.get(
        role, "划船社区"
    )
    with pytest.raises(NotAllowed):
        role_grant(actor=persona("secretary_huachuan"), user=newcomer, role=role, region=region(place))
    assert not RoleAssignment.objects.filter(user=newcomer).exists()


def test_secretary_cannot_grant_roles_in_another_community(persona, newcomer, region):
    with pytest.raises(NotAllowed):
        role_grant(
            actor=persona("secretary_huachuan"), user=newcomer, role="volunteer", region=region("黄鹂社区")
        )
    assert not RoleAssignment.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize("name", ["worker_huachuan", "staff_baizhang", "leader_demo", "resident_huachuan"])
def test_other_roles_cannot_grant_roles(persona, newcomer, region, name):
    with pytest.raises(NotAllowed):
        role_grant(actor=persona(name), user=newcomer, role="volunteer", region=region("划船社区"))


def test_user_cannot_grant_themself_a_higher_role(persona, region):
    worker = persona("worker_huachuan")
    with pytest.raises(NotAllowed):
        role_grant(actor=worker, user=worker, role="community_secretary", region=region("划船社区"))


def test_district_admin_grants_any_role_in_the_district(persona, newcomer, region):
    assignment = role_grant(
        actor=persona("admin_district"), user=newcomer, role="subdistrict_staff", region=region("白鹤街道")
    )
    assert assignment.role == "subdistrict_staff"
    newcomer.refresh_from_db()
    assert newcomer.is_staff  # a back-office role


def test_the_same_role_twice_at_one_place_is_a_conflict(persona, region):
    with pytest.raises(Conflict):
        role_grant(
            actor=SYSTEM, user=persona("worker_huangli"), role="social_worker", region=region("黄鹂社区")
        )


def test_revoked_role_can_be_granted_again(persona, region):
    worker = persona("worker_huangli")
    assignment = RoleAssignment.objects.get(user=worker, role="social_worker")
    role_revoke(actor=persona("admin_district"), assignment=assignment)
    again = role_grant(
        actor=persona("admin_district"), user=worker, role="social_worker", region=region("黄鹂社区")
    )
    assert again.pk != assignment.pk
    assert RoleAssignment.objects.filter(user=worker, role="social_worker").count() == 2


def test_revoking_twice_is_a_conflict(persona):
    assignment = RoleAssignment.objects.get(user=persona("volunteer_demo"), role="volunteer")
    role_revoke(actor=persona("secretary_huachuan"), assignment=assignment)
    assignment.refresh_from_db()
    with pytest.raises(Conflict):
        role_revoke(actor=persona("secretary_huachuan"), assignment=assignment)


def test_secretary_cannot_revoke_a_role_in_another_community(persona):
    assignment = RoleAssignment.objects.get(user=persona("worker_huangli"), role="social_worker")
    with pytest.raises(NotAllowed):
        role_revoke(actor=persona("secretary_huachuan"), assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.revoked_at is None


def test_losing_the_last_back_office_role_closes_the_back_office(persona):
    secretary = persona("secretary_huachuan")
    assert secretary.is_staff
    assignment = RoleAssignment.objects.get(user=secretary, role="community_secretary")
    role_revoke(actor=persona("admin_district"), assignment=assignment)
    secretary.refresh_from_db()
    assert not secretary.is_staff


# --- masking ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [("王小明", "王*"), ("欧阳娜娜", "欧*"), ("李", "李*"), ("  张三 ", "张*"), ("", ""), (None, "")],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("057487654321", "057****4321"),
        ("87654321", "******21"),
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_masked_phone_never_shows_the_middle_digits():
    assert "1234" not in mask_phone("13812345678")


def test_mask_id_last4():
    assert mask_id_last4("002X") == "**************002X"
    assert len(mask_id_last4("002X")) == 18
    assert mask_id_last4("") == ""


def test_person_masked_properties(register):
    person = register(name="赵大宝", phone="13912345678")
    assert (person.masked_name, person.masked_phone) == ("赵*", "139****5678")
    assert str(person) == "赵*"


def test_looks_like_id_number_and_phone_in_free_text():
    assert identity.looks_like_id_number(f"我的身份证是{ID_NUMBER}")
    assert not identity.looks_like_id_number("电话 13812345678")
    assert identity.looks_like_phone("请拨 138-1234-5678")
    assert not identity.looks_like_phone("门牌 11-1-101")


def test_valid_id_helper_matches_the_standard():
    assert valid_id("11010519491231002") == ID_NUMBER
    assert identity.normalise_id_number(ID_NUMBER.lower()) == ID_NUMBER


def test_a_registration_that_passed_the_check_twice_is_refused_by_the_constraint(register, blind_check):
    """Two social workers register the same ID number at the same moment: both found it free
    (``blind_check``); the constraint refuses the second as the same Conflict on the same field."""
    from community365.people.models import Person

    register(id_number=ID_NUMBER)
    blind_check(Person)
    with pytest.raises(Conflict) as refused:
        register(name="同时登记的人", id_number=ID_NUMBER)
    assert refused.value.field == "id_number"
    with pytest.raises(Conflict) as refused:
        persons_register_bulk(
            actor=SYSTEM,
            records=[
                {
                    "name": "批量里的人",
                    "community": Person.objects.get(name="王新来").community,
                    "id_number": ID_NUMBER,
                }
            ],
        )
    assert refused.value.field == "id_number"
    assert Person.objects.filter(name__in=["同时登记的人", "批量里的人"]).count() == 0

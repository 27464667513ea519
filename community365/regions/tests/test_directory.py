"""The district's directory: departments, organisations and party-and-mass service centres. Who
may register them (the district admin; subdistrict staff within their subdistrict), what a name
may be, which names and codes are taken (within a district, not across districts), the district
a record belongs to, and the audit row each registration leaves."""

from __future__ import annotations

import pytest

from community365.audit.models import AuditEvent
from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, NotAllowed
from community365.regions.models import Department, Organisation, ServiceCentre
from community365.regions.services import department_create, organisation_create, service_centre_create

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("test")


def _audited(action: str, record) -> AuditEvent:
    return AuditEvent.objects.get(action=action, object_id=str(record.pk))


# --- departments ----------------------------------------------------------------------------------


def test_a_department_is_registered_by_the_district_admin_and_audited(persona, region):
    admin, district = persona("admin_district"), region("江东区")
    made = department_create(
        actor=admin, district=district, name=" 区民政局 ", code="T-MZ", short_name="民政"
    )
    made.refresh_from_db()
    assert (made.name, made.code, made.short_name, made.district_id) == (
        "区民政局",
        "T-MZ",
        "民政",
        district.pk,
    )
    event = _audited("regions.department:create", made)
    assert event.actor_id == admin.pk and event.acting_role == "district_admin"


@pytest.mark.parametrize("name", ["staff_baizhang", "secretary_huachuan", "worker_huachuan", "leader_demo"])
def test_only_the_district_admin_registers_a_department(persona, region, name):
    with pytest.raises(NotAllowed):
        department_create(actor=persona(name), district=region("江东区"), name="区民政局", code="T-MZ")
    assert not Department.objects.filter(code="T-MZ").exists()


def test_a_department_code_is_taken_within_its_district_only(persona, region, other_district):
    district = region("江东区")
    taken = Department.objects.filter(district=district).values_list("code", flat=True).first()
    with pytest.raises(Conflict) as refused:
        department_create(actor=persona("admin_district"), district=district, name="又一个局", code=taken)
    assert refused.value.field == "code" and taken in str(refused.value)
    assert Department.objects.filter(code=taken).count() == 1
    # the same code in another district is that district's own
    elsewhere = other_district("after")
    made = department_create(actor=SYSTEM, district=elsewhere, name="又一个局", code=taken)
    assert made.district_id == elsewhere.pk


@pytest.mark.parametrize("name", ["", "  ", "局" * 101])
def test_a_department_needs_a_name_of_at_most_100_characters(persona, region, name):
    with pytest.raises(InvalidInput) as refused:
        department_create(actor=persona("admin_district"), district=region("江东区"), name=name, code="T-MZ")
    assert refused.value.field == "name"
    assert not Department.objects.filter(code="T-MZ").exists()


def test_a_department_name_of_100_characters_is_kept(persona, region):
    made = department_create(
        actor=persona("admin_district"), district=region("江东区"), name="局" * 100, code="T-MZ"
    )
    assert len(made.name) == 100


# --- organisations --------------------------------------------------------------------------------


def test_an_organisation_is_registered_in_its_places_district_and_audited(persona, region):
    staff, community = persona("staff_baizhang"), region("划船社区")
    made = organisation_create(actor=staff, region=community, name=" 划船义工队 ", kind="social")
    made.refresh_from_db()
    assert (made.name, made.kind, made.region_id) == ("划船义工队", "social", community.pk)
    assert made.district_id == region("江东区").pk
    event = _audited("regions.organisation:create", made)
    assert event.actor_id == staff.pk and event.acting_role == "subdistrict_staff"


def test_subdistrict_staff_register_organisations_in_their_subdistrict_only(persona, region):
    with pytest.raises(NotAllowed):
        organisation_create(
            actor=persona("staff_baizhang"), region=region("黄鹂社区"), name="黄鹂队", kind="social"
        )
    for name in ("secretary_huachuan", "worker_huachuan", "member_demo"):
        with pytest.raises(NotAllowed):
            organisation_create(actor=persona(name), region=region("划船社区"), name="划船队", kind="social")
    assert not Organisation.objects.filter(name__in=["黄鹂队", "划船队"]).exists()


def test_an_organisation_of_an_unknown_kind_is_refused(persona, region):
    with pytest.raises(InvalidInput) as refused:
        organisation_create(
            actor=persona("admin_district"), region=region("划船社区"), name="某会", kind="guild"
        )
    assert refused.value.field == "kind"
    assert not Organisation.objects.filter(name="某会").exists()


def test_organisation_names_are_unique_in_a_district_and_kept_to_120_characters(
    persona, region, other_district
):
    admin, community = persona("admin_district"), region("划船社区")
    taken = (
        Organisation.objects.filter(district_id=community.district_id).values_list("name", flat=True).first()
    )
    with pytest.raises(Conflict) as refused:
        organisation_create(actor=admin, region=region("黄鹂社区"), name=taken, kind="social")
    assert refused.value.field == "name"
    with pytest.raises(InvalidInput) as refused:
        organisation_create(actor=admin, region=community, name="会" * 121, kind="social")
    assert refused.value.field == "name"
    assert len(organisation_create(actor=admin, region=community, name="会" * 120, kind="social").name) == 120
    # another district may have an organisation of the same name, in that district
    elsewhere = other_district("after")
    made = organisation_create(actor=SYSTEM, region=elsewhere, name=taken, kind="social")
    assert made.district_id == elsewhere.pk


# --- service centres ------------------------------------------------------------------------------


def test_a_service_centre_is_registered_in_its_places_district_and_audited(persona, region):
    admin, community = persona("admin_district"), region("划船社区")
    made = service_centre_create(
        actor=admin, region=community, name=" 划船党群服务中心二站 ", address="划船路1号"
    )
    made.refresh_from_db()
    assert (made.name, made.address, made.region_id) == ("划船党群服务中心二站", "划船路1号", community.pk)
    assert made.district_id == region("江东区").pk
    assert _audited("regions.service_centre:create", made).acting_role == "district_admin"


def test_service_centre_names_are_unique_in_a_district_and_kept_to_120_characters(
    persona, region, other_district
):
    admin, community = persona("admin_district"), region("划船社区")
    service_centre_create(actor=admin, region=community, name="同名中心")
    with pytest.raises(Conflict) as refused:
        service_centre_create(actor=admin, region=region("黄鹂社区"), name="同名中心")
    assert refused.value.field == "name"
    with pytest.raises(InvalidInput):
        service_centre_create(actor=admin, region=community, name="站" * 121)
    assert len(service_centre_create(actor=admin, region=community, name="站" * 120).name) == 120
    elsewhere = other_district("after")
    assert service_centre_create(actor=SYSTEM, region=elsewhere, name="同名中心").district_id == elsewhere.pk


def test_only_organisation_managers_register_a_service_centre(persona, region):
    with pytest.raises(NotAllowed):
        service_centre_create(actor=persona("staff_baizhang"), region=region("黄鹂社区"), name="黄鹂中心")
    with pytest.raises(NotAllowed):
        service_centre_create(actor=persona("secretary_huachuan"), region=region("划船社区"), name="划船中心")
    assert not ServiceCentre.objects.filter(name__in=["黄鹂中心", "划船中心"]).exists()

"""Resident records and accounts at the rules' edges: a name of up to 60 characters, a birth
year up to 120 years back, a bulk import (no circumstance unless named, one id number once, a
verification naming its worker), an account linked to a person who has none, a password changed
and a token revoked by its holder only, a liaison's department of the district's own, back-office
access kept while one back-office role remains, every refusal audited."""

from __future__ import annotations

import pytest
from django.utils import timezone

from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, NotAllowed
from community365.people import services
from community365.people.models import ApiToken, Person
from community365.regions.models import Region

from .test_people_services import valid_id

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("tests")


def _register(region, **fields) -> Person:
    return services.person_register(actor=SYSTEM, community=region("划船社区"), **{"name": "王芳", **fields})


def test_a_name_is_up_to_sixty_characters(region):
    with pytest.raises(InvalidInput) as refused:
        _register(region, name="名" * 61)
    assert refused.value.field == "name"
    assert _register(region, name="名" * 60).name == "名" * 60


def test_a_birth_year_reaches_back_a_hundred_and_twenty_years(region):
    this_year = timezone.localdate().year
    with pytest.raises(InvalidInput) as refused:
        _register(region, birth_year=this_year - 121)
    assert refused.value.field == "birth_year"
    assert _register(region, birth_year=this_year - 120).birth_year == this_year - 120


def test_a_bulk_record_that_names_no_circumstance_has_none(region):
    (person,) = services.persons_register_bulk(
        actor=SYSTEM, records=[{"name": "李强", "community": region("划船社区")}]
    )
    stored = Person.objects.get(pk=person.pk)
    flags = ("is_elderly", "is_disabled", "is_migrant_worker", "in_difficulty", "lives_alone")
    assert [getattr(stored, flag) for flag in flags] == [False] * 5


def test_an_account_is_linked_to_a_person_without_one_again_and_not_over_another(region, new_account):
    from community365.people.models import User

    person = _register(region)
    first, second = new_account("link_first"), new_account("link_second")
    services.person_link_user(actor=SYSTEM, person=person, user=first)
    again = User.objects.get(pk=first.pk)  # read afresh, as the next request reads it
    services.person_link_user(actor=SYSTEM, person=Person.objects.get(pk=person.pk), user=again)
    with pytest.raises(Conflict):
        services.person_link_user(actor=SYSTEM, person=Person.objects.get(pk=person.pk), user=second)
    assert Person.objects.get(pk=person.pk).user_id == first.pk


def test_a_tokens_name_is_kept_up_to_sixty_characters(persona):
    holder = persona("worker_huachuan")
    _token, long = services.token_issue(actor=holder, name="令" * 61)
    _token, whole = services.token_issue(actor=holder, name="令" * 60)
    names = ApiToken.objects.filter(pk__in=[long.pk, whole.pk]).order_by("pk").values_list("name", flat=True)
    assert list(names) == ["令" * 60, "令" * 60]


def test_a_token_is_revoked_by_its_holder_only(persona):
    _token, record = services.token_issue(actor=persona("worker_huachuan"), name="手机")
    with pytest.raises(NotAllowed):
        services.token_revoke(actor=persona("worker_huangli"), token=record)
    assert ApiToken.objects.get(pk=record.pk).revoked_at is None
    services.token_revoke(actor=persona("worker_huachuan"), token=record)
    assert ApiToken.objects.get(pk=record.pk).revoked_at is not None


@pytest.mark.parametrize("numbered", ["after", "before"])
def test_a_liaison_holds_a_department_of_the_districts_own_only(
    new_account, region, other_district, numbered
):
    from community365.regions.services import department_create

    department = department_create(
        actor=SYSTEM, district=other_district(numbered), name="外区住建局", code="housing"
    )
    account = new_account("liaison_elsewhere")
    with pytest.raises(InvalidInput):
        services.role_grant(
            actor=SYSTEM,
            user=account,
            role="department_liaison",
            region=region("江东区"),
            department=department,
        )
    assert not account.role_assignments.exists()


def test_a_password_is_changed_by_its_holder_only_however_numbered(persona, new_account):
    holder = persona("resident_001")
    before = persona("worker_huachuan")
    after = new_account("zz_after")
    assert before.pk < holder.pk < after.pk
    for other in (before, after):
        with pytest.raises(NotAllowed):
            services.user_set_password(actor=other, user=holder, new_password="Another-pass-365")
    assert persona("resident_001").check_password("demo-365-pass")
    services.user_set_password(actor=holder, user=holder, new_password="Another-pass-365")
    assert persona("resident_001").check_password("Another-pass-365")


def test_a_bulk_verification_names_the_worker_who_made_it(region, persona):
    worker = persona("worker_huachuan")
    records = [
        {"name": "赵敏", "community": region("划船社区")},
        {"name": "钱伟", "community": region("划船社区")},
    ]
    verified, unverified = services.persons_register_bulk(actor=worker, records=records, verify=[True, False])
    stored = Person.objects.in_bulk([verified.pk, unverified.pk])
    assert stored[verified.pk].verified_at is not None and stored[verified.pk].verified_by_id == worker.pk
    assert stored[unverified.pk].verified_at is None


def test_a_bulk_import_refuses_one_id_number_twice(region):
    number = valid_id("33020419900101123")
    records = [
        {"name": name, "community": region("划船社区"), "id_number": number} for name in ("孙丽", "周杰")
    ]
    before = Person.objects.count()
    with pytest.raises(Conflict) as refused:
        services.persons_register_bulk(actor=SYSTEM, records=records)
    assert refused.value.field == "id_number"
    assert Person.objects.count() == before


def test_a_tokens_prefix_shows_six_characters_past_the_marker(persona):
    token, record = services.token_issue(actor=persona("worker_huachuan"))
    assert record.prefix == token[: len(services.TOKEN_PREFIX) + 6]


def test_an_official_with_another_back_office_role_stays_in_the_back_office(new_account, region):
    account = new_account("two_desks", role="community_secretary", place=region("划船社区"))
    services.role_grant(
        actor=SYSTEM,
        user=account,
        role="subdistrict_staff",
        region=Region.objects.get_parent(region("划船社区")),
    )
    secretary = account.role_assignments.get(role="community_secretary")
    services.role_revoke(actor=SYSTEM, assignment=secretary)
    account.refresh_from_db()
    assert account.is_staff  # still subdistrict staff
    services.role_revoke(actor=SYSTEM, assignment=account.role_assignments.get(role="subdistrict_staff"))
    account.refresh_from_db()
    assert not account.is_staff


def test_refused_grants_and_verifications_are_kept_in_the_audit(new_account, region):
    from community365.audit.models import AuditEvent, AuditResult

    account = new_account("refused_grant")
    with pytest.raises(InvalidInput):
        services.role_grant(actor=SYSTEM, user=account, role="emperor", region=region("划船社区"))
    person = _register(region)
    services.person_verify_residence(actor=SYSTEM, person=person)
    with pytest.raises(Conflict):
        services.person_verify_residence(actor=SYSTEM, person=Person.objects.get(pk=person.pk))
    refused = AuditEvent.objects.filter(
        result=AuditResult.REFUSED, action__in=["people.role:grant", "people.person:verify"]
    )
    assert set(refused.values_list("action", "object_id")) == {
        ("people.role:grant", str(account.pk)),
        ("people.person:verify", str(person.pk)),
    }

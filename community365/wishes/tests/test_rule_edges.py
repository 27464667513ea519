"""The wishes' rules at their edges: a wish wanted by today, a photo kept with the wish, who
entered a wish on the resident's behalf, the length of a problem report and on which wishes one
may be made, and an organisation's accounts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.audit.models import AuditEvent
from community365.benchmarking.tests.test_entries import png
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.people.models import Person
from community365.regions.models import Organisation
from community365.wishes import services
from community365.wishes.models import OrganisationAccount, ServiceCategory, Wish, WishEvent
from community365.wishes.services import NOTE_MAX

pytestmark = pytest.mark.django_db


def _free_resident(region) -> Person:
    """A resident of 划船社区 without an account and without an open wish."""
    return (
        Person.objects.filter(community=region("划船社区"), user__isnull=True, wishes__isnull=True)
        .order_by("-id")
        .first()
    )


def _create(actor, wisher, **extra) -> Wish:
    return services.wish_create(
        actor=actor,
        wisher=wisher,
        title=extra.pop("title", "想要一台收音机"),
        reason="家里老人想听戏曲",
        value_yuan=80,
        category=ServiceCategory.CONVENIENCE,
        **extra,
    )


def test_a_wish_may_be_wanted_by_today_and_not_by_yesterday(region, persona):
    worker = persona("worker_huachuan")
    wisher = _free_resident(region)
    today = timezone.localdate()
    with pytest.raises(InvalidInput) as refused:
        _create(worker, wisher, wanted_by=today - datetime.timedelta(days=1))
    assert refused.value.field == "wanted_by"
    assert not Wish.objects.filter(wisher=wisher).exists()
    wish = _create(worker, wisher, wanted_by=today)
    assert Wish.objects.get(pk=wish.pk).wanted_by == today
    later = _create(worker, wisher, title="想要一把新雨伞", wanted_by=today + datetime.timedelta(days=30))
    assert Wish.objects.get(pk=later.pk).wanted_by == today + datetime.timedelta(days=30)


def test_a_photo_given_with_a_new_wish_is_kept_with_it(region, persona, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    wisher = _free_resident(region)
    photo = png("radio.png")
    wish = _create(persona("worker_huachuan"), wisher, photo=photo)
    stored = Wish.objects.get(pk=wish.pk)
    assert stored.photo and stored.photo.name
    without = _create(persona("worker_huachuan"), wisher, title="想要一把新雨伞")
    assert not Wish.objects.get(pk=without.pk).photo


def test_a_wish_a_social_worker_enters_says_so_and_the_residents_own_does_not(persona, region):
    resident = persona("resident_huachuan")
    Wish.objects.filter(wisher=resident.person).update(status="confirmed")
    own = _create(resident, resident.person)
    entered = _create(persona("worker_huachuan"), _free_resident(region))
    own_created = WishEvent.objects.get(wish=own, action="create")
    entered_created = WishEvent.objects.get(wish=entered, action="create")
    assert "note" not in own_created.params
    assert entered_created.params["note"]["phrase"] == "wishes.note.entered_by_worker"
    assert Wish.objects.get(pk=own.pk).entered_by is None
    assert Wish.objects.get(pk=entered.pk).entered_by == persona("worker_huachuan")


def test_a_problem_report_is_up_to_its_limit_and_the_refusal_says_so(delivered, persona):
    resident = persona("resident_huachuan")
    with pytest.raises(InvalidInput) as refused:
        services.wish_report_problem(actor=resident, wish=delivered, note="坏" * (NOTE_MAX + 1))
    assert refused.value.field == "note"
    assert f"0–{NOTE_MAX}" in str(refused.value.message)
    assert Wish.objects.get(pk=delivered.pk).problem_reported_at is None
    services.wish_report_problem(actor=resident, wish=delivered, note="坏" * NOTE_MAX)
    assert Wish.objects.get(pk=delivered.pk).problem_note == "坏" * NOTE_MAX


def test_a_problem_is_reported_on_a_delivered_wish_only(make_wish, persona):
    resident = persona("resident_huachuan")
    wish = make_wish(wisher=resident.person, title="想要一把新雨伞")
    services.wish_claim(actor=persona("member_demo"), wish=wish)
    claimed = Wish.objects.get(pk=wish.pk)
    assert claimed.status == "claimed"  # sorts before "delivered"
    with pytest.raises(InvalidTransition) as refused:
        services.wish_report_problem(actor=resident, wish=claimed, note="还没收到")
    assert "已认领" in str(refused.value.message)
    assert Wish.objects.get(pk=wish.pk).problem_reported_at is None


def test_an_account_is_linked_to_an_organisation_once(persona, new_account):
    admin = persona("admin_district")
    organisation = Organisation.objects.filter(district__kind="district").order_by("pk").first()
    user = new_account("org_new_one", role="volunteer", place=organisation.region)
    account = services.organisation_account_link(actor=admin, user=user, organisation=organisation)
    assert OrganisationAccount.objects.get(user=user).pk == account.pk
    assert AuditEvent.objects.filter(action="wishes.organisation:link_account", result="ok").exists()
    with pytest.raises(Conflict):
        services.organisation_account_link(actor=admin, user=user, organisation=organisation)
    assert OrganisationAccount.objects.filter(user=user).count() == 1
    with pytest.raises(NotAllowed):
        services.organisation_account_link(
            actor=persona("worker_huachuan"), user=new_account("org_new_two"), organisation=organisation
        )


def test_a_wish_given_no_value_is_worth_nothing(region, persona):
    wish = services.wish_create(
        actor=persona("worker_huachuan"),
        wisher=_free_resident(region),
        title="想要一台收音机",
        category=ServiceCategory.CONVENIENCE,
    )
    assert Wish.objects.get(pk=wish.pk).value_yuan == 0

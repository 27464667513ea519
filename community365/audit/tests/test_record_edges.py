"""The audit row at its edges: where it is filed (a region's own path, a wish's community, the
actor's district for an object without a place), what it holds (labels cut at their columns'
lengths, changes stored as JSON) and which object a refusal names."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from community365.audit.models import AuditEvent, AuditResult
from community365.audit.services import _place_of, actor_district_id, audit_build, audit_record
from community365.core.actors import SystemActor
from community365.core.errors import DomainError
from community365.people import services as people
from community365.wishes.models import Wish

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("test")


def test_an_event_about_a_region_is_filed_at_its_own_path_and_district(region):
    huachuan = region("划船社区")
    event = audit_record(actor=SYSTEM, action="test:region", target=huachuan)
    assert (event.region_path, event.district_id) == (huachuan.path, huachuan.district_id)
    assert event.object_type == "regions.region"


def test_an_event_about_a_wish_is_filed_at_its_community_even_when_the_system_acts():
    wish = Wish.objects.select_related("region").order_by("pk").first()
    event = audit_record(actor=SYSTEM, action="test:wish", target=wish)
    assert event.region_path == wish.region.path != ""
    assert event.district_id == wish.district_id is not None


def test_a_place_without_its_district_is_filed_under_the_district_of_the_place(region):
    huachuan = region("划船社区")
    assert _place_of(SimpleNamespace(region=huachuan)) == (huachuan.district_id, huachuan.path)
    district = huachuan.district
    assert _place_of(SimpleNamespace(region=district)) == (district.pk, district.path)
    assert _place_of(None) == (None, "")


def test_an_event_about_an_object_without_a_place_is_filed_in_the_actors_district(persona):
    worker = persona("worker_huachuan")
    event = audit_record(actor=worker, action="test:account", target=worker)
    assert event.region_path == ""
    assert event.district_id == actor_district_id(worker) is not None
    # a district named by the caller wins over the actor's
    assert audit_record(actor=worker, action="test:account", target=worker, district_id=7).district_id == 7


def test_the_actors_district_is_that_of_their_first_role(new_account, region, other_district):
    other = other_district("after")
    account = new_account("two_districts", role="district_admin", place=region("划船社区").district)
    people.role_grant(actor=SYSTEM, user=account, role="district_admin", region=other)
    assert actor_district_id(account) == region("划船社区").district_id != other.pk


def test_labels_are_cut_at_their_columns_lengths():
    long = SystemActor("系" * 151)
    event = audit_build(actor=long, action="a" * 81, role="r" * 41, message="m" * 301, object_repr="o" * 201)
    cut = (event.actor_label, event.action, event.acting_role, event.message, event.object_repr)
    assert [len(text) for text in cut] == [150, 80, 40, 300, 200]
    whole = audit_build(actor=SystemActor("系" * 150), action="a" * 80, role="r" * 40, object_repr="o" * 200)
    kept = (whole.actor_label, whole.action, whole.acting_role, whole.object_repr)
    assert [len(text) for text in kept] == [150, 80, 40, 200]


def test_changes_are_kept_as_json(region):
    huachuan = region("划船社区")
    event = audit_record(
        actor=SYSTEM,
        action="test:changes",
        changes={"place": huachuan, "day": datetime.date(2026, 12, 2), "tags": ("甲", 2), "none": None},
    )
    stored = AuditEvent.objects.get(pk=event.pk).changes
    assert stored == {"place": huachuan.pk, "day": "2026-12-02", "tags": ["甲", 2], "none": None}


def test_a_refusal_names_the_object_acted_on_whatever_its_keyword(persona):
    from community365.teams import services as teams
    from community365.teams.models import Activity, ActivityStatus

    activity = Activity.objects.filter(status=ActivityStatus.OPEN).order_by("pk").first()
    with pytest.raises(DomainError):  # "activity" sorts before "actor"
        teams.activity_cancel(actor=persona("resident_001"), activity=activity)
    refusal = AuditEvent.objects.filter(action="teams.activity:cancel").latest("pk")
    assert refusal.result == AuditResult.REFUSED
    assert (refusal.object_type, refusal.object_id) == ("teams.activity", str(activity.pk))

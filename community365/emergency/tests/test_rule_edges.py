"""The emergency rules at their edges: an event's window up to exactly fourteen days, the
lengths of its name and summary, the district an event belongs to, a drill only when declared
one, the place of a refused tap in its batch, a batch that repeats an earlier tap, and who hears
of their hours when an event closes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from community365.core.errors import InvalidInput, NotAllowed
from community365.emergency import services
from community365.emergency.models import CheckAssignment, EmergencyEvent, HouseholdCheck
from community365.notifications.models import Notification
from community365.teams.models import ServiceRecord

from .conftest import tap
from .test_checks import _mine

pytestmark = pytest.mark.django_db

FOURTEEN_DAYS = datetime.timedelta(days=14)


def test_an_event_ends_after_it_starts_and_lasts_up_to_fourteen_days(declare):
    start = timezone.now() - datetime.timedelta(minutes=5)
    with pytest.raises(InvalidInput) as refused:
        declare(starts_at=start, ends_at=start - datetime.timedelta(hours=1))
    assert refused.value.field == "ends_at"
    longest = declare(starts_at=start, ends_at=start + FOURTEEN_DAYS).event
    assert EmergencyEvent.objects.get(pk=longest.pk).ends_at == start + FOURTEEN_DAYS


def test_an_update_may_set_the_end_exactly_fourteen_days_after_the_start(drill, persona):
    services.event_update(
        actor=persona("admin_district"),
        event=drill,
        title=drill.title,
        level=drill.level,
        ends_at=drill.starts_at + FOURTEEN_DAYS,
    )
    assert EmergencyEvent.objects.get(pk=drill.pk).ends_at == drill.starts_at + FOURTEEN_DAYS


def test_an_events_name_is_up_to_a_hundred_characters(declare, drill, persona):
    assert declare(title="台" * 100).event.title == "台" * 100
    with pytest.raises(InvalidInput) as refused:
        declare(title="台" * 101)
    assert refused.value.field == "title"
    admin = persona("admin_district")
    services.event_update(
        actor=admin, event=drill, title="风" * 100, level=drill.level, ends_at=drill.ends_at
    )
    assert EmergencyEvent.objects.get(pk=drill.pk).title == "风" * 100
    with pytest.raises(InvalidInput):
        services.event_update(
            actor=admin, event=drill, title="风" * 101, level=drill.level, ends_at=drill.ends_at
        )
    assert EmergencyEvent.objects.get(pk=drill.pk).title == "风" * 100


def test_a_closing_summary_is_up_to_two_thousand_characters(declare, persona):
    admin = persona("admin_district")
    first, second = declare().event, declare().event
    with pytest.raises(InvalidInput) as refused:
        services.event_close(actor=admin, event=first, summary="记" * 2001)
    assert refused.value.field == "summary"
    assert EmergencyEvent.objects.get(pk=first.pk).status == "open"
    services.event_close(actor=admin, event=second, summary="记" * 2000)
    assert EmergencyEvent.objects.get(pk=second.pk).summary == "记" * 2000


def test_an_event_a_subdistrict_declares_belongs_to_its_district(declare, region):
    community = region("黄鹂社区")
    declared = declare("黄鹂社区")  # declared at the community's subdistrict
    event = EmergencyEvent.objects.get(pk=declared.event.pk)
    assert event.region_id != community.district_id  # the place is the subdistrict …
    assert event.district_id == community.district_id  # … the event is the district's
    assert set(CheckAssignment.objects.filter(event=event).values_list("district_id", flat=True)) == {
        community.district_id
    }


def test_an_event_is_a_drill_only_when_declared_one(declare):
    assert EmergencyEvent.objects.get(pk=declare().event.pk).is_drill is False
    assert EmergencyEvent.objects.get(pk=declare(is_drill=True).event.pk).is_drill is True


def test_a_refused_tap_is_named_by_its_place_in_the_batch(drill, persona):
    mine = _mine(drill, "emergency_demo")
    other = (
        CheckAssignment.objects.filter(event=drill)
        .exclude(assignee__username="emergency_demo")
        .values_list("household_id", flat=True)
        .first()
    )
    for place in (1, 2):  # the second and the third tap of a batch
        batch = [tap(h) for h in mine[:place]] + [tap(other)]
        with pytest.raises(NotAllowed) as refused:
            services.checks_record(
                actor=persona("emergency_demo"), event=drill, items=services.clean_items(batch)
            )
        assert refused.value.field == f"checks[{place}].household"
        assert f"第 {place + 1} 条" in str(refused.value.message)


def test_a_batch_that_repeats_an_earlier_tap_still_records_the_new_ones(drill, persona):
    first, second = _mine(drill, "emergency_demo")[:2]
    user = persona("emergency_demo")
    sent = tap(first, key="tap-first-0001")
    assert services.checks_record(actor=user, event=drill, items=services.clean_items([sent])) == 1
    batch = [dict(sent), tap(second, "not_home", key="tap-second-001")]
    assert services.checks_record(actor=user, event=drill, items=services.clean_items(batch)) == 1
    assert HouseholdCheck.objects.filter(event=drill, key="tap-second-001").exists()
    assert CheckAssignment.objects.get(event=drill, household_id=second).status == "not_home"


def test_closing_tells_each_member_the_hours_they_were_given(
    drill, persona, django_capture_on_commit_callbacks
):
    user = persona("emergency_demo")
    households = _mine(drill, "emergency_demo")
    services.checks_record(actor=user, event=drill, items=services.clean_items([tap(h) for h in households]))
    earlier = set(Notification.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        services.event_close(actor=persona("admin_district"), event=drill)
    record = ServiceRecord.objects.get(activity__title__startswith=drill.title, volunteer=user)
    told = Notification.objects.filter(kind="emergency.closed", recipient=user).exclude(pk__in=earlier)
    assert told.count() == 1
    assert Decimal(told.get().params["hours"]) == record.hours

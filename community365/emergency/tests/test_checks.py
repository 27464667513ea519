"""The door-to-door checks and the contract of issue 12: idempotent batches, who may tap
which household, the latest tap wins, supplies and needs recorded once."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from community365.audit.models import AuditEvent
from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed
from community365.emergency import services
from community365.emergency.models import CheckAssignment, EmergencyTask, HouseholdCheck, SupplyIssue

from .conftest import tap

pytestmark = pytest.mark.django_db
URL = "/api/v1/cases/emergencies"


def _mine(event, username):
    return list(
        CheckAssignment.objects.filter(event=event, assignee__username=username)
        .order_by("pk")
        .values_list("household_id", flat=True)
    )


def _post(client, event, batch):
    return client.post(f"{URL}/{event.pk}/checks", data=json.dumps(batch), content_type="application/json")


def test_contract_list_detail_and_a_batch_sent_twice(api_for, drill):
    client = api_for("emergency_demo")
    # the list: each event with id and status; the drill is open
    listed = client.get(URL).json()
    assert {"id": drill.pk, "status": "open"}.items() <= next(
        e for e in listed["items"] if e["id"] == drill.pk
    ).items()
    # the detail: counts and the caller's households
    detail = client.get(f"{URL}/{drill.pk}").json()
    households = [h["household"] for h in detail["households"]]
    assert households == _mine(drill, "emergency_demo") and households
    assert (detail["checked"], detail["to_check"], detail["needs_help"]) == (0, len(households), 0)
    # a batch, then the same batch again
    batch = [tap(h) for h in households]
    batch[0] = tap(households[0], "needs_help", needs=["meals"], supplies={"candles": 2})
    first = _post(client, drill, batch)
    assert first.status_code == 200 and first.json() == {"sent": len(batch), "new": len(batch)}
    again = _post(client, drill, batch)
    assert again.status_code == 200 and again.json() == {"sent": len(batch), "new": 0}
    assert HouseholdCheck.objects.filter(event=drill).count() == len(batch)
    assert SupplyIssue.objects.filter(event=drill).count() == 1
    assert EmergencyTask.objects.filter(event=drill).count() == 1
    detail = client.get(f"{URL}/{drill.pk}").json()
    assert (detail["checked"], detail["to_check"], detail["needs_help"]) == (len(households), 0, 1)


@pytest.mark.parametrize("who", ["worker_huachuan", "resident_huachuan", "member_demo", "staff_baizhang"])
def test_outsiders_do_not_see_the_event(api_for, drill, who):
    client = api_for(who)
    assert client.get(f"{URL}/{drill.pk}").status_code == 404
    assert drill.pk not in [e["id"] for e in client.get(URL).json()["items"]]
    assert _post(client, drill, [tap(1)]).status_code == 404


def test_a_household_not_on_my_list_is_refused_whole(api_for, drill, persona):
    mine = _mine(drill, "emergency_demo")
    others = CheckAssignment.objects.filter(event=drill).exclude(assignee__username="emergency_demo")
    other = others.values_list("household_id", flat=True).first()
    response = _post(api_for("emergency_demo"), drill, [tap(mine[0]), tap(other)])
    assert response.status_code == 422
    assert HouseholdCheck.objects.filter(event=drill).count() == 0
    assert AuditEvent.objects.filter(action="emergency.check:record", result="refused").exists()


def test_the_communitys_social_worker_may_tap_any_household_there(drill, persona):
    household = _mine(drill, "emergency_demo")[0]
    items = services.clean_items([tap(household)])
    assert services.checks_record(actor=persona("worker_huangli"), event=drill, items=items) == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"status": "fine"},
        {"key": "short"},
        {"key": "has spaces in it"},
        {"needs": ["meals"]},  # needs only with needs_help
        {"status": "needs_help", "needs": ["cake"]},
        {"supplies": {"gold": 1}},
        {"supplies": {"candles": 1000}},
        {"at": "yesterday"},
    ],
)
def test_bad_taps_are_refused(drill, bad):
    entry = {**tap(1), **bad}
    with pytest.raises(InvalidInput):
        services.clean_items([entry])


def test_bad_bodies_are_422_never_500(api_for, drill):
    client = api_for("emergency_demo")
    for body in ("{}", "[]", '[{"household": "x"}]', "not json", json.dumps([tap(1)] * 201)):
        response = client.post(f"{URL}/{drill.pk}/checks", data=body, content_type="application/json")
        assert response.status_code in (400, 422), body


def test_a_closed_event_takes_no_more_taps(drill, persona):
    household = _mine(drill, "emergency_demo")[0]
    services.event_close(actor=persona("admin_district"), event=drill)
    with pytest.raises(InvalidTransition):
        services.checks_record(
            actor=persona("emergency_demo"), event=drill, items=services.clean_items([tap(household)])
        )


def test_the_latest_tap_wins_whatever_order_they_arrive_in(drill, persona):
    household = _mine(drill, "emergency_demo")[0]
    later = (timezone.now() - datetime.timedelta(minutes=1)).isoformat()
    earlier = (timezone.now() - datetime.timedelta(minutes=20)).isoformat()
    user = persona("emergency_demo")
    services.checks_record(
        actor=user, event=drill, items=services.clean_items([tap(household, "safe", at=later)])
    )
    services.checks_record(
        actor=user, event=drill, items=services.clean_items([tap(household, "not_home", at=earlier)])
    )
    assert CheckAssignment.objects.get(event=drill, household_id=household).status == "safe"


def test_a_second_tap_asking_for_the_same_need_opens_no_second_task(drill, persona):
    household = _mine(drill, "emergency_demo")[0]
    user = persona("emergency_demo")
    for _ in range(2):
        services.checks_record(
            actor=user,
            event=drill,
            items=services.clean_items([tap(household, "needs_help", needs=["meals"])]),
        )
    assert EmergencyTask.objects.filter(event=drill, status="open").count() == 1


def test_tasks_are_settled_by_the_communitys_staff_only(drill, persona):
    household = _mine(drill, "emergency_demo")[0]
    services.checks_record(
        actor=persona("emergency_demo"),
        event=drill,
        items=services.clean_items([tap(household, "needs_help", needs=["candles"])]),
    )
    task = EmergencyTask.objects.get(event=drill)
    for who in ("emergency_demo", "worker_huachuan"):
        with pytest.raises(NotAllowed):
            services.task_done(actor=persona(who), task=task)
    services.task_done(actor=persona("worker_huangli"), task=task)
    with pytest.raises(InvalidTransition):
        services.task_done(actor=persona("worker_huangli"), task=task)


def _reassign(persona, event, row, *, by: str, to: str) -> int:
    return services.building_reassign(
        actor=persona(by), event=event, building=row.building, assignee=persona(to)
    )


def test_reassigning_a_building_only_to_the_communitys_helpers(drill, persona):
    row = (
        CheckAssignment.objects.filter(event=drill)
        .exclude(assignee__username="emergency_demo")
        .select_related("building")
        .first()
    )
    with pytest.raises(InvalidInput):
        _reassign(persona, drill, row, by="worker_huangli", to="worker_huachuan")
    with pytest.raises(NotAllowed):
        _reassign(persona, drill, row, by="emergency_demo", to="emergency_demo")
    assert _reassign(persona, drill, row, by="worker_huangli", to="emergency_demo") > 0
    assert (
        not CheckAssignment.objects.filter(event=drill, building=row.building)
        .exclude(assignee__username="emergency_demo")
        .exists()
    )


def test_a_closed_events_buildings_are_not_reassigned(drill, persona):
    row = CheckAssignment.objects.filter(event=drill).select_related("building").first()
    before = row.assignee_id
    services.event_close(actor=persona("admin_district"), event=drill, summary="演练结束")
    drill.refresh_from_db()
    with pytest.raises(InvalidTransition):
        _reassign(persona, drill, row, by="worker_huangli", to="worker_huangli")
    assert CheckAssignment.objects.get(pk=row.pk).assignee_id == before


def test_a_declared_event_spreads_the_buildings_over_the_communitys_helpers(declare, region):
    # the loads are counted in households, so no helper is given every building
    event = declare("黄鹂社区").event
    helpers = services.helpers_of(region("黄鹂社区"))
    buildings = CheckAssignment.objects.filter(event=event).values("building_id").distinct().count()
    assignees = CheckAssignment.objects.filter(event=event).values("assignee_id").distinct().count()
    assert min(len(helpers), buildings) > 1
    assert assignees == min(len(helpers), buildings)

"""Routing by place × category × time of day (issue 11, "Must show"): desk hours → the grid's
social worker; out of hours → the duty worker of the community's published rota; department
items → that department, in its liaison's list."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.desk import policies, selectors
from community365.desk.models import GridWorker
from community365.regions.models import Region, RegionKind
from community365.teams.models import Shift

from .conftest import local

pytestmark = pytest.mark.django_db


def _working_weekday_ahead(days: int = 1) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def test_in_desk_hours_the_grids_social_worker_gets_it(make_request, stairwell):
    day = _working_weekday_ahead()
    grid = Region.objects.get(path=stairwell.path[: Region.steplen * 4])
    assert GridWorker.objects.get(region=grid).worker.username == "worker_huachuan"
    req = make_request(at=local(day.year, day.month, day.day, 10, 0))
    assert req.assignee.username == "worker_huachuan"
    assert req.events.filter(code="desk.event.routed", params__why__phrase="desk.why.desk_hours").exists()


def test_in_the_evening_the_rotas_duty_worker_gets_it(make_request, huachuan):
    shift = (
        Shift.objects.filter(region=huachuan, slot="evening", date__gt=timezone.localdate())
        .exclude(worker__username="worker_huachuan")
        .order_by("date")
        .first()
    )
    assert shift is not None
    req = make_request(at=local(shift.date.year, shift.date.month, shift.date.day, 19, 30))
    assert req.assignee_id == shift.worker_id
    assert req.events.filter(params__why__phrase="desk.why.rota").exists()


def test_at_night_the_next_shifts_worker_gets_it(make_request, huachuan):
    day = _working_weekday_ahead(2)
    next_morning = Shift.objects.filter(
        region=huachuan, slot="morning", date=day + datetime.timedelta(days=1)
    ).first()
    if next_morning is None:
        pytest.skip("no morning shift published for that day")
    req = make_request(at=local(day.year, day.month, day.day, 23, 30))
    assert req.assignee_id == next_morning.worker_id


def test_on_a_public_holiday_morning_the_rota_answers_not_the_grid(make_request, huachuan, holiday):
    day = _working_weekday_ahead(3)
    holiday(day)
    shift = Shift.objects.filter(region=huachuan, slot="morning", date=day).first()
    assert shift is not None
    req = make_request(at=local(day.year, day.month, day.day, 10, 0))
    assert req.assignee_id == shift.worker_id  # the calendar took the desk hours away


def test_without_a_grid_worker_the_communitys_social_worker_gets_it(make_request, region):
    huangli = region("黄鹂社区")
    place = Region.objects.filter(path__startswith=huangli.path, kind=RegionKind.STAIRWELL).first()
    day = _working_weekday_ahead()
    req = make_request(place=place, at=local(day.year, day.month, day.day, 10, 0))
    assert req.assignee is not None
    assert req.assignee.role_assignments.filter(role="social_worker", region=huangli).exists()
    assert req.events.filter(params__why__phrase="desk.why.community").exists()


def test_a_department_item_goes_to_the_departments_list(make_request, persona):
    req = make_request("drain")
    assert req.department.code == "housing" and req.assignee is None
    liaison = persona("liaison_housing")
    assert policies.requests_visible_to(liaison).filter(pk=req.pk).exists()
    assert (
        selectors.requests_for(liaison, selectors.RequestFilter(department=True)).filter(pk=req.pk).exists()
    )
    assert policies.can_handle(liaison, req)


def test_another_departments_liaison_sees_nothing(make_request, persona):
    from community365.people.models import RoleAssignment

    req = make_request("drain")
    others = RoleAssignment.objects.filter(role="department_liaison").exclude(department__code="housing")
    for grant in others:
        assert not policies.requests_visible_to(grant.user).filter(pk=req.pk).exists()


def test_the_departments_inbox_lists_its_requests(make_request, client_for):
    req = make_request("drain")
    page = client_for("liaison_housing").get("/talks/tasks/").content.decode()
    assert 'id="desk-requests"' in page and f"/services/requests/{req.pk}/" in page
    listed = client_for("liaison_housing").get("/services/?department=1&status=open").content.decode()
    assert f"/services/requests/{req.pk}/" in listed

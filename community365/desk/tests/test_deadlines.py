"""Deadlines in working time with the holiday calendar; pauses recorded and not counted; the
sweep reminds, marks overdue and has the subdistrict supervise, each once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.core.actors import SystemActor
from community365.core.errors import InvalidInput, InvalidTransition
from community365.desk import services
from community365.desk.models import RequestStatus
from community365.notifications.models import Notification

from .conftest import local

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")


def test_deadlines_skip_a_public_holiday(make_request, holiday):
    # Monday 7 December 2026 at 16:00, with Tuesday 8 December a (test) public holiday.
    holiday(datetime.date(2026, 12, 8))
    req = make_request("stairwell-light", at=local(2026, 12, 7, 16, 0))  # 4 h response, 3 days resolution
    # 1.5 h left on Monday, Tuesday is off: the response is due Wednesday 11:00.
    assert timezone.localtime(req.response_due) == local(2026, 12, 9, 11, 0)
    # Three working days after Monday: Wed, Thu, Fri → Friday 17:30.
    assert timezone.localtime(req.resolution_due) == local(2026, 12, 11, 17, 30)


def test_without_the_holiday_the_same_request_is_due_a_day_earlier(make_request):
    req = make_request("stairwell-light", at=local(2026, 12, 7, 16, 0))
    assert timezone.localtime(req.resolution_due) == local(2026, 12, 10, 17, 30)


def test_waiting_for_the_resident_moves_the_deadline_and_is_recorded(make_request):
    start = local(2026, 12, 7, 9, 0)
    req = make_request(at=start)
    services.request_accept(actor=SYSTEM, req=req, at=start + datetime.timedelta(hours=1))
    due, response_due = req.resolution_due, req.response_due
    services.request_pause(
        actor=SYSTEM, req=req, reason="请居民提供照片", at=start + datetime.timedelta(hours=2)
    )
    services.request_resume(actor=SYSTEM, req=req, at=start + datetime.timedelta(hours=26))
    req.refresh_from_db()
    assert req.resolution_due == due + datetime.timedelta(hours=24)
    # the response was given on acceptance: its deadline is history and does not move
    assert req.response_due == response_due
    assert req.paused_seconds == 24 * 3600
    assert list(req.events.values_list("code", flat=True)).count("desk.event.pause") == 1


def test_a_request_resumed_from_a_page_read_before_the_pause_still_moves_its_deadline(make_request):
    from community365.desk.models import ServiceRequest

    start = local(2026, 12, 7, 9, 0)
    req = make_request(at=start)
    services.request_accept(actor=SYSTEM, req=req, at=start + datetime.timedelta(hours=1))
    stale = ServiceRequest.objects.get(pk=req.pk)  # a page opened before the pause
    due = stale.resolution_due
    services.request_pause(
        actor=SYSTEM, req=req, reason="请居民提供照片", at=start + datetime.timedelta(hours=2)
    )
    services.request_resume(actor=SYSTEM, req=stale, at=start + datetime.timedelta(hours=5))
    stale.refresh_from_db()
    assert stale.resolution_due == due + datetime.timedelta(hours=3)
    assert stale.paused_seconds == 3 * 3600


def test_a_pause_needs_a_reason(accepted):
    with pytest.raises(InvalidInput):
        services.request_pause(actor=SYSTEM, req=accepted(), reason=" ")


def test_only_an_accepted_request_can_wait(make_request):
    with pytest.raises(InvalidTransition):
        services.request_pause(actor=SYSTEM, req=make_request(), reason="等居民")


def test_the_sweep_reminds_marks_overdue_and_supervises_once(
    make_request, persona, django_capture_on_commit_callbacks
):
    req = make_request(at=local(2026, 12, 7, 9, 0))
    due = req.resolution_due
    services.sweep(actor=SYSTEM, now=due - datetime.timedelta(hours=2))
    req.refresh_from_db()
    assert req.reminded_at is not None and req.overdue_at is None
    services.sweep(actor=SYSTEM, now=due + datetime.timedelta(hours=1))
    req.refresh_from_db()
    assert req.overdue_at is not None and req.supervised_at is None
    later = due + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.sweep(actor=SYSTEM, now=later)
        services.sweep(actor=SYSTEM, now=later)
    req.refresh_from_db()
    assert req.supervised_at == later
    codes = list(req.events.values_list("code", flat=True))
    assert codes.count("desk.event.supervise") == 1 and codes.count("desk.event.overdue") == 1
    staff = persona("staff_baizhang")  # 划船's subdistrict
    assert (
        Notification.objects.filter(recipient=staff, kind="desk.supervised", params__id=req.pk).count() == 1
    )


def test_a_waiting_request_is_not_marked_overdue(make_request):
    req = make_request(at=local(2026, 12, 7, 9, 0))
    services.request_accept(actor=SYSTEM, req=req, at=local(2026, 12, 7, 9, 30))
    services.request_pause(actor=SYSTEM, req=req, reason="等居民回电", at=local(2026, 12, 7, 10, 0))
    services.sweep(actor=SYSTEM, now=req.resolution_due + datetime.timedelta(days=3))
    req.refresh_from_db()
    assert req.status == RequestStatus.WAITING and req.overdue_at is None

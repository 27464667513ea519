"""Per social worker load at the desk, on the rota's workload section: open requests held, of
which overdue, resolved this month and the median resolution time — one grouped query for all
the workers of the page, each figure opening the desk's list of exactly those requests."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community365.desk import selectors, services
from community365.desk.templatetags.desk_tags import load_rows, month_bounds
from community365.people.models import User

pytestmark = pytest.mark.django_db


def _workers(huachuan):
    return list(
        User.objects.filter(
            role_assignments__role="social_worker",
            role_assignments__region=huachuan,
            role_assignments__revoked_at__isnull=True,
        ).distinct()
    )


def test_the_figures_equal_the_plain_counts(huachuan, make_request, persona):
    worker = persona("worker_huachuan")
    req = make_request("certificate")
    services.request_transfer(actor=worker, req=req, reason="我来办", worker=worker)
    start, end, _month = month_bounds(timezone.localdate())
    loads = {
        load.worker.pk: load for load in selectors.worker_loads(huachuan, _workers(huachuan), start, end)
    }
    mine = loads[worker.pk]
    from community365.desk.models import OPEN_STATUSES, ServiceRequest

    held = ServiceRequest.objects.filter(community=huachuan, assignee=worker)
    now = timezone.now()
    assert mine.open == held.filter(status__in=list(OPEN_STATUSES)).count()
    assert mine.overdue == held.filter(status__in=["submitted", "accepted"], resolution_due__lt=now).count()
    resolved = held.filter(status__in=["closed", "confirmed"], closed_at__gte=start, closed_at__lt=end)
    assert mine.resolved == resolved.count()
    hours = sorted(
        int(s // 3600) for s in resolved.values_list("resolution_seconds", flat=True) if s is not None
    )
    if hours:
        assert mine.median_hours == hours[(len(hours) + 1) // 2 - 1] + 1


def test_the_median_is_read_from_the_hour_buckets(huachuan, make_request, persona):
    worker = persona("worker_huangli")  # another community: nothing held in 划船
    start, end, _m = month_bounds(timezone.localdate())
    load = selectors.worker_loads(huachuan, [worker], start, end)[0]
    assert (load.open, load.overdue, load.resolved, load.median_hours) == (0, 0, 0, None)


def test_one_query_for_all_the_workers(huachuan, persona):
    start, end, _m = month_bounds(timezone.localdate())
    few = _workers(huachuan)[:1]
    many = [*_workers(huachuan), persona("worker_huangli"), persona("secretary_huachuan")]
    for workers in (few, many):
        with CaptureQueriesContext(connection) as ctx:
            selectors.worker_loads(huachuan, workers, start, end)
        assert len(ctx.captured_queries) == 1


def test_each_figure_drills_down_to_exactly_its_requests(client, huachuan, make_request, persona):
    worker = persona("worker_huachuan")
    req = make_request("certificate")
    services.request_transfer(actor=worker, req=req, reason="我来办", worker=worker)
    admin = persona("secretary_huachuan")
    rows = load_rows(admin, huachuan, [worker])["rows"]
    row = rows[0]
    client.force_login(admin)
    for key, value in (
        ("open_url", row["load"].open),
        ("overdue_url", row["load"].overdue),
        ("resolved_url", row["load"].resolved),
    ):
        listing = client.get(row[key])
        assert listing.status_code == 200
        assert listing.context["page"].paginator.count == value, key


def test_the_rota_page_shows_the_desk_load(client, huachuan, persona):
    client.force_login(persona("secretary_huachuan"))
    page = client.get(reverse("rota", args=[huachuan.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="desk-load"' in html and "中位用时" in html


def test_no_desk_load_without_the_right_to_see_the_requests(huachuan, persona):
    assert load_rows(persona("resident_huachuan"), huachuan, _workers(huachuan))["shown"] is False
    assert load_rows(persona("worker_huangli"), huachuan, _workers(huachuan))["shown"] is False


def test_a_closing_last_month_is_not_resolved_this_month(huachuan, make_request, persona):
    worker = persona("worker_huachuan")
    from .conftest import SYSTEM

    at = timezone.now() - datetime.timedelta(days=45)
    req = make_request("certificate", at=at)
    services.request_transfer(actor=worker, req=req, reason="我来办", worker=worker)
    services.request_accept(actor=SYSTEM, req=req, at=at + datetime.timedelta(hours=1))
    start, end, _m = month_bounds(timezone.localdate())
    before = selectors.worker_loads(huachuan, [worker], start, end)[0].resolved
    services.request_close(actor=SYSTEM, req=req, resolution="办好了", at=at + datetime.timedelta(hours=5))
    assert selectors.worker_loads(huachuan, [worker], start, end)[0].resolved == before

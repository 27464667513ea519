"""Concurrent writes at the desk, each thread on its own database connection: twelve social
workers accept the same request at once (exactly one wins, the rest are told it moved on); two
clerks import the same hotline file at once (every ticket once)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection

from community365.core.actors import SystemActor
from community365.core.roles import Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]
SYSTEM = SystemActor("desk-concurrency")


def _small_district(workers: int):
    from community365.desk import services
    from community365.people import services as people
    from community365.people.models import User
    from community365.regions import services as regions
    from community365.regions.models import Region, RegionKind

    district = Region.objects.filter(code="DESKC").first() or regions.region_create(
        actor=SYSTEM, parent=None, kind=RegionKind.DISTRICT, name="服务台测试区", code="DESKC"
    )
    sub = regions.region_create(
        actor=SYSTEM,
        parent=district,
        kind=RegionKind.SUBDISTRICT,
        name="测试街道",
        code=f"DESKC-{Region.objects.count()}",
    )
    community = regions.region_create(
        actor=SYSTEM, parent=sub, kind=RegionKind.COMMUNITY, name="测试社区", code=f"{sub.code}-01"
    )
    hashed = make_password("x")
    users = []
    for i in range(workers):
        user = people.user_create(
            actor=SYSTEM,
            username=f"deskc_{community.pk}_{i}",
            password=None,
            district=district,
            password_hash=hashed,
        )
        people.role_grant(actor=SYSTEM, user=user, role=Role.SOCIAL_WORKER, region=community)
        users.append(User.objects.get(pk=user.pk))
    item = services.catalogue_item_save(
        actor=SYSTEM,
        district=district,
        code=f"light-{community.pk}",
        category="convenience",
        name="楼道亮灯",
        deliverer="social_worker",
    )
    return district, community, users, item


def _all_at_once(calls):
    barrier = threading.Barrier(len(calls))
    results: list[str] = []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait(timeout=30)
            result = call()
        except Exception as exc:  # the test below names any error
            result = type(exc).__name__
        finally:
            connection.close()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_twelve_workers_accept_at_once_one_wins():
    from community365.desk import services
    from community365.desk.models import RequestEvent, ServiceRequest

    _district, community, users, item = _small_district(12)
    req = services.request_assist(actor=SYSTEM, item=item, place=community, text="楼道灯坏了好几天")

    def accept(user):
        def call():
            services.request_accept(
                actor=user, req=ServiceRequest.objects.select_related("community").get(pk=req.pk)
            )
            return "won"

        return call

    tally = Counter(_all_at_once([accept(u) for u in users]))
    assert tally == {"won": 1, "InvalidTransition": 11}, tally
    assert RequestEvent.objects.filter(request_id=req.pk, code="desk.event.accept").count() == 1


def test_the_same_hotline_file_imported_twice_at_once_adds_each_ticket_once():
    from community365.desk.hotline import hotline_import
    from community365.desk.models import ServiceRequest

    district, community, _users, item = _small_district(1)
    lines = ["工单号,受理时间,地址编码,事项编码,诉求内容"] + [
        f"C-{community.pk}-{i},2026-11-02 09:00,{community.code},{item.code},楼道灯不亮第{i}号"
        for i in range(10)
    ]
    data = "\n".join(lines).encode()

    def run():
        batch = hotline_import(actor=SYSTEM, district=district, filename="a.csv", data=data)
        return f"{batch.added}+{batch.duplicates}+{batch.refused}"

    results = _all_at_once([run, run])
    assert ServiceRequest.objects.filter(hotline_ticket__startswith=f"C-{community.pk}-").count() == 10
    added = sorted(int(r.split("+")[0]) for r in results)
    assert added == [0, 10], results


def test_six_lighting_requests_at_a_new_stairwell_at_once_open_one_file_with_six_faults():
    from community365.desk import services
    from community365.desk.models import CatalogueItem, LightingFile, LightingLog
    from community365.regions import services as regions
    from community365.regions.models import RegionKind

    district, community, _users, _item = _small_district(1)
    item = CatalogueItem.objects.filter(district=district, code="stairwell-light").first() or (
        services.catalogue_item_save(
            actor=SYSTEM,
            district=district,
            code="stairwell-light",
            category="convenience",
            name="楼道亮灯",
            deliverer="social_worker",
        )
    )
    grid = regions.region_create(
        actor=SYSTEM, parent=community, kind=RegionKind.GRID, name="第1网格", code=f"{community.code}-G1"
    )
    building = regions.region_create(
        actor=SYSTEM, parent=grid, kind=RegionKind.BUILDING, name="1幢", code=f"{grid.code}-B1"
    )
    stair = regions.region_create(
        actor=SYSTEM, parent=building, kind=RegionKind.STAIRWELL, name="1幢1单元", code=f"{building.code}-S1"
    )

    def report():
        services.request_assist(actor=SYSTEM, item=item, place=stair, text="楼道灯不亮")
        return "ok"

    results = _all_at_once([report] * 6)
    assert results == ["ok"] * 6, results
    file = LightingFile.objects.get(stairwell=stair)
    assert (file.open_faults, file.state) == (6, "dark")
    assert LightingLog.objects.filter(file=file, kind="fault").count() == 6

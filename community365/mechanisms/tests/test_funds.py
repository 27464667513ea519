"""Funding: allocations by source, spending with attachments, the balance, corrections by
reversing entries (never deletions), and who may do what."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from community365.core.actors import SystemActor
from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_world")]
SYSTEM = SystemActor("tests")
YEAR = 2016


@pytest.fixture
def huangli(region):
    return region("黄鹂社区")


def test_allocate_spend_reverse_and_balance(persona, huangli):
    from community365.audit.models import AuditEvent
    from community365.mechanisms import services

    before = services.fund_balance(huangli, YEAR)
    allocation = services.fund_allocate(
        actor=persona("admin_district"),
        region=huangli,
        year=YEAR,
        source="co_building",
        kind="service",
        amount="1000",
    )
    entry = services.fund_spend(
        actor=persona("worker_huangli"),
        region=huangli,
        year=YEAR,
        kind="service",
        category="support",
        spent_on=datetime.date(YEAR, 6, 1),
        amount="300.50",
        description="困难户慰问",
    )
    assert services.fund_balance(huangli, YEAR) == before + Decimal("699.50")
    reversal = services.fund_reverse(actor=persona("worker_huangli"), row=entry, reason="录重了")
    assert reversal.amount == Decimal("-300.50") and reversal.reverses == entry
    assert services.fund_balance(huangli, YEAR) == before + Decimal("1000")
    assert AuditEvent.objects.filter(action="mechanisms.funds.reverse", object_id=str(entry.pk)).exists()
    # a row is reversed once, and a reversal is not reversed
    with pytest.raises(InvalidTransition):
        services.fund_reverse(actor=persona("worker_huangli"), row=entry, reason="再冲一次")
    with pytest.raises(InvalidTransition):
        services.fund_reverse(actor=persona("worker_huangli"), row=reversal, reason="冲正的冲正")
    # a reversal carries the district of the row it reverses
    undo = services.fund_reverse(actor=persona("admin_district"), row=allocation, reason="下拨有误")
    assert reversal.district_id == entry.district_id == huangli.district_id
    assert undo.district_id == allocation.district_id == huangli.district_id


def test_spending_cannot_overdraw(persona, huangli):
    from community365.mechanisms import services

    balance = services.fund_balance(huangli, YEAR, "service")
    with pytest.raises(InvalidTransition):
        services.fund_spend(
            actor=persona("worker_huangli"),
            region=huangli,
            year=YEAR,
            kind="service",
            category="support",
            spent_on=datetime.date(YEAR, 6, 1),
            amount=balance + 1,
            description="超支",
        )


def test_who_may_allocate_and_spend(persona, huangli):
    from community365.mechanisms import services

    with pytest.raises(NotAllowed):  # a community's worker does not allocate
        services.fund_allocate(
            actor=persona("worker_huangli"),
            region=huangli,
            year=YEAR,
            source="district",
            kind="service",
            amount=10,
        )
    with pytest.raises(NotAllowed):  # 划船's worker does not spend 黄鹂's money
        services.fund_spend(
            actor=persona("worker_huachuan"),
            region=huangli,
            year=YEAR,
            kind="service",
            category="support",
            spent_on=datetime.date(YEAR, 6, 1),
            amount=1,
            description="代记",
        )
    for bad in ("0", "-5", "abc", "1e12"):
        with pytest.raises(InvalidInput):
            services.fund_allocate(
                actor=SYSTEM, region=huangli, year=YEAR, source="district", kind="service", amount=bad
            )


def test_the_database_refuses_a_positive_reversal(huangli):
    from django.db import IntegrityError, transaction

    from community365.mechanisms.models import FundAllocation

    original = FundAllocation.objects.filter(region=huangli, reverses__isnull=True).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        FundAllocation.objects.create(
            district_id=huangli.district_id,
            region=huangli,
            year=YEAR,
            source="district",
            kind="service",
            amount=Decimal("5"),
            reverses=original,
        )


def test_funds_pages_by_place(client_for, region):
    huachuan = region("划船社区")
    overview = client_for("staff_baizhang").get(f"/mechanisms/funds/?year={YEAR}").content.decode()
    assert "划船社区" in overview and "黄鹂社区" not in overview  # 黄鹂 is in another subdistrict
    assert client_for("worker_huangli").get(f"/mechanisms/funds/{huachuan.pk}/").status_code == 404
    ledger = client_for("worker_huachuan").get(f"/mechanisms/funds/{huachuan.pk}/").content.decode()
    assert "冲正" in ledger
    assert client_for("resident_huachuan").get("/mechanisms/funds/").status_code == 404
    xlsx = client_for("admin_district").get(f"/mechanisms/funds.xlsx?year={YEAR}")
    assert xlsx.status_code == 200

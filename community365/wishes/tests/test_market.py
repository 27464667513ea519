"""The charity market: a batch of approved wishes goes live at once, and is summarised after."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.core.errors import InvalidTransition, NotAllowed
from community365.wishes import selectors, services
from community365.wishes.models import CharityMarket, WishStatus

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db


def test_market_opens_the_whole_batch_at_once_and_summarises(persona, region, make_wish, client_for):
    admin = persona("admin_district")
    opens = timezone.now() + datetime.timedelta(hours=1)
    market = services.market_create(actor=admin, region=region("江东区"), name="年度公益集市", opens_at=opens)
    wishes = [make_wish(status="approved", title=f"集市心愿第{i}个") for i in range(3)]
    assert services.market_add_wishes(actor=admin, market=market, wishes=wishes) == 3
    assert {w.status for w in wishes} == {WishStatus.SCHEDULED}
    # before the opening time nothing is public
    assert client_for("member_demo").get(f"/wishes/{wishes[0].pk}/").status_code == 404
    with services.clock_at(opens + datetime.timedelta(seconds=1)):
        assert services.wishes_sweep(actor=SYSTEM)["markets_opened"] == 1
    market.refresh_from_db()
    assert market.status == CharityMarket.Status.OPEN
    assert set(market.wishes.values_list("status", flat=True)) == {WishStatus.PUBLISHED}
    assert len(set(market.wishes.values_list("published_at", flat=True))) == 1
    with services.clock_at(market.opened_at + datetime.timedelta(seconds=30)):
        services.wish_claim(actor=persona("member_demo"), wish=wishes[0])
    with services.clock_at(market.opened_at + datetime.timedelta(seconds=90)):
        services.wish_claim(actor=persona("volunteer_demo"), wish=wishes[1])
    summary = selectors.market_summary(market)
    assert summary.wishes == 3 and summary.claimed == 2
    assert summary.median_seconds_to_claim == 60.0
    assert sum(n for _label, n in summary.per_claimant) == 2
    live = client_for("member_demo").get(f"/wishes/markets/{market.pk}/live")
    assert live.status_code == 200 and "已认领 2 / 3" in live.content.decode()


def test_only_district_or_subdistrict_staff_run_a_market(persona, region):
    with pytest.raises(NotAllowed):
        services.market_create(
            actor=persona("worker_huachuan"), region=region("江东区"), name="集市", opens_at=timezone.now()
        )


def test_market_cannot_open_twice(persona, region):
    admin = persona("admin_district")
    market = services.market_create(
        actor=admin, region=region("江东区"), name="集市", opens_at=timezone.now()
    )
    services.market_open(actor=admin, market=market)
    with pytest.raises(InvalidTransition):
        services.market_open(actor=admin, market=market)


def test_market_through_the_api(api_for, make_wish, region):
    import datetime as dt

    admin = api_for("admin_district")
    wishes = [make_wish(status="approved", title=f"接口集市心愿{i}") for i in range(2)]
    opens = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    created = admin.post(
        "/api/v1/wishes-markets",
        {"region_id": region("江东区").pk, "name": "接口集市", "opens_at": opens},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    market_id = created.json()["id"]
    added = admin.post(
        f"/api/v1/wishes-markets/{market_id}/wishes",
        {"wish_ids": [w.pk for w in wishes]},
        content_type="application/json",
    )
    assert added.status_code == 200 and added.json()["wishes"] == 2
    opened = admin.post(f"/api/v1/wishes-markets/{market_id}/open")
    assert opened.json()["status"] == "open"
    member = api_for("member_demo")
    assert member.post(f"/api/v1/wishes/{wishes[0].pk}/claim").status_code == 200
    assert member.get(f"/api/v1/wishes-markets/{market_id}").json()["claimed"] == 1
    # a social worker may not organise one
    refused = api_for("worker_huachuan").post(
        "/api/v1/wishes-markets",
        {"region_id": region("江东区").pk, "name": "社工集市", "opens_at": opens},
        content_type="application/json",
    )
    assert refused.status_code in (404, 422)


def test_board_query_count_does_not_grow_with_rows(client_for, make_wish, django_assert_max_num_queries):
    for i in range(6):
        make_wish(title=f"查询次数心愿{i}")
    client = client_for("member_demo")
    with django_assert_max_num_queries(14):
        assert client.get("/wishes/").status_code == 200


def test_back_office_lists_wishes_read_only(client_for, make_wish):
    wish = make_wish()
    client = client_for("admin_district")
    assert client.get("/admin/wishes/wish/").status_code == 200
    assert client.get(f"/admin/wishes/wish/{wish.pk}/change/").status_code == 200
    assert client.post(f"/admin/wishes/wish/{wish.pk}/delete/").status_code == 403


def test_staff_run_a_market_through_the_pages(client_for, make_wish, region):
    from community365.wishes.models import CharityMarket

    wish = make_wish(status="approved", title="页面集市心愿")
    client = client_for("admin_district")
    assert client.get("/wishes/markets/new/").status_code == 200
    response = client.post(
        "/wishes/markets/new/",
        {"region": region("江东区").pk, "name": "页面集市", "opens_at": "2030-01-01T09:00"},
    )
    market = CharityMarket.objects.get(name="页面集市")
    assert response.status_code == 302
    assert "页面集市心愿" in client.get(f"/wishes/markets/{market.pk}/").content.decode()
    client.post(f"/wishes/markets/{market.pk}/manage", {"action": "add", "wish": [wish.pk]})
    client.post(f"/wishes/markets/{market.pk}/manage", {"action": "open"})
    wish.refresh_from_db()
    assert wish.status == "published" and wish.market_id == market.pk
    # a party member may watch, not run it
    assert client_for("member_demo").get("/wishes/markets/new/").status_code == 404
    client_for("member_demo").post(f"/wishes/markets/{market.pk}/manage", {"action": "close"})
    market.refresh_from_db()
    assert market.status == "open"

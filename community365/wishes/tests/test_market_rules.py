"""The charity market's rules at their edges: its name, the district it belongs to, who hears
of an invitation, the history each wish gets when the market opens, and closing only an open
market, once."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from community365.core.errors import InvalidInput, InvalidTransition
from community365.wishes import services
from community365.wishes.models import CharityMarket, OrganisationAccount, WishEvent, WishStatus

pytestmark = pytest.mark.django_db


def _market(admin, place, name="年度公益集市"):
    return services.market_create(
        actor=admin, region=place, name=name, opens_at=timezone.now() + datetime.timedelta(hours=1)
    )


def test_a_name_of_two_to_a_hundred_characters(persona, region):
    admin, district = persona("admin_district"), region("江东区")
    for bad in ("集", "集" * 101, "   "):
        with pytest.raises(InvalidInput):
            _market(admin, district, bad)
    assert [_market(admin, district, n).name for n in ("集市", "集" * 100)] == ["集市", "集" * 100]


def test_a_subdistricts_market_belongs_to_its_district(persona, region):
    huachuan = region("划船社区")
    subdistrict = type(huachuan).objects.get(path=huachuan.path[: -type(huachuan).steplen])
    market = _market(persona("admin_district"), subdistrict)
    assert (market.region_id, market.district_id) == (subdistrict.pk, region("江东区").pk)


def test_an_invitation_is_heard_by_the_people_and_the_organisations_accounts(
    persona, region, django_capture_on_commit_callbacks
):
    from community365.notifications.models import Notification

    link = OrganisationAccount.objects.select_related("organisation", "user").order_by("pk").first()
    member = persona("member_demo")
    assert link is not None and link.user_id != member.pk
    market = _market(persona("admin_district"), region("江东区"))
    with django_capture_on_commit_callbacks(execute=True):
        services.market_invite(
            actor=persona("admin_district"),
            market=market,
            organisations=[link.organisation],
            users=[member, link.user],
        )
    # the organisation's account, invited also by name, hears once
    told = sorted(
        Notification.objects.filter(
            kind="wishes.market_invite", url=reverse("market_detail", args=[market.pk])
        ).values_list("recipient_id", flat=True)
    )
    assert told == sorted([member.pk, link.user_id])


def test_each_wish_of_an_opening_market_records_its_publication(persona, region, make_wish):
    admin = persona("admin_district")
    market = _market(admin, region("江东区"))
    wishes = [make_wish(status="approved", title=f"集市心愿{i}") for i in range(2)]
    services.market_add_wishes(actor=admin, market=market, wishes=wishes)
    assert services.market_open(actor=admin, market=market) == 2
    events = WishEvent.objects.filter(wish__in=wishes, action="publish")
    assert sorted(events.values_list("wish_id", "from_status", "to_status")) == sorted(
        (w.pk, WishStatus.SCHEDULED, WishStatus.PUBLISHED) for w in wishes
    )


def test_only_an_open_market_closes_and_only_once(persona, region):
    admin = persona("admin_district")
    market = _market(admin, region("江东区"))
    with pytest.raises(InvalidTransition):  # not open yet
        services.market_close(actor=admin, market=market)
    services.market_open(actor=admin, market=market)
    services.market_close(actor=admin, market=market)
    market.refresh_from_db()
    assert market.status == CharityMarket.Status.CLOSED and market.closed_at is not None
    with pytest.raises(InvalidTransition):
        services.market_close(actor=admin, market=market)


def test_only_the_markets_organisers_open_it_and_an_open_market_takes_no_more_wishes(
    persona, region, make_wish
):
    from community365.core.errors import NotAllowed

    admin = persona("admin_district")
    market = _market(admin, region("江东区"))
    with pytest.raises(NotAllowed):
        services.market_open(actor=persona("worker_huachuan"), market=market)
    market.refresh_from_db()
    assert market.status == CharityMarket.Status.PLANNED
    services.market_open(actor=admin, market=market)
    late = make_wish(status="approved", title="迟到的心愿")
    with pytest.raises(InvalidTransition, match="已开市"):
        services.market_add_wishes(actor=admin, market=market, wishes=[late])
    late.refresh_from_db()
    assert late.status == WishStatus.APPROVED and late.market_id is None

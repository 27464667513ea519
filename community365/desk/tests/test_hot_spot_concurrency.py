"""Six clicks on the same hot spot's "start a secretary project" at once (each on its own
database connection): one project and one proposal are made; the others are told it was already
started, and their projects are rolled back with them."""

from __future__ import annotations

from collections import Counter

import pytest

from community365.core.roles import Role

from .test_concurrency import SYSTEM, _all_at_once, _small_district

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def test_six_proposals_of_the_same_hot_spot_at_once_make_one():
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from community365.desk import selectors, services
    from community365.desk.models import HotSpotProposal
    from community365.mechanisms.models import SecretaryProject
    from community365.mechanisms.services import units_for_applying
    from community365.people import services as people
    from community365.people.models import User
    from community365.regions import services as regions
    from community365.regions.models import RegionKind

    district, community, _users, item = _small_district(1)
    grid = regions.region_create(
        actor=SYSTEM, parent=community, kind=RegionKind.GRID, name="第1网格", code=f"{community.code}-HG1"
    )
    building = regions.region_create(
        actor=SYSTEM, parent=grid, kind=RegionKind.BUILDING, name="1幢", code=f"{grid.code}-B1"
    )
    stair = regions.region_create(
        actor=SYSTEM, parent=building, kind=RegionKind.STAIRWELL, name="1单元", code=f"{building.code}-S1"
    )
    for i in range(3):
        services.request_assist(actor=SYSTEM, item=item, place=stair, text=f"楼道灯又坏了（第{i + 1}次）")
    made = people.user_create(
        actor=SYSTEM,
        username=f"deskc_sec_{community.pk}",
        password=None,
        district=district,
        password_hash=make_password("x"),
    )
    people.role_grant(actor=SYSTEM, user=made, role=Role.COMMUNITY_SECRETARY, region=community)
    secretary = User.objects.get(pk=made.pk)
    assert units_for_applying(secretary)  # the unit exists before the race
    period = selectors.hot_spot_period({})
    assert any(s.place_id == stair.pk for s in selectors.hot_spots_of(community, period))

    def propose(n):
        def call():
            services.hot_spot_propose(
                actor=User.objects.get(pk=secretary.pk),
                community=community,
                place=stair,
                category=item.category,
                period_start=period.start,
                period_end=period.end,
                kind="project",
                title=f"楼道亮灯攻坚{n}号",
                text="同一楼道三次报修灯不亮。",
                goal="楼道常亮。",
                measures="换感应灯，物业按月巡查。",
            )
            return "won"

        return call

    tally = Counter(_all_at_once([propose(n) for n in range(6)]))
    assert tally == {"won": 1, "Conflict": 5}, tally
    assert HotSpotProposal.objects.filter(place=stair, kind="project").count() == 1
    assert (
        SecretaryProject.objects.filter(unit__community=community, year=timezone.localdate().year).count()
        == 1
    )

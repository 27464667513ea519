"""Fixtures for wishes: a published wish in 划船社区, made through the services."""

from __future__ import annotations

import pytest

from community365.core.actors import SystemActor

SYSTEM = SystemActor("tests")


@pytest.fixture
def make_wish(db, region):
    from community365.people.models import Person
    from community365.wishes import services
    from community365.wishes.models import ServiceCategory

    def make(
        community: str = "划船社区", *, status: str = "published", title: str = "想要一台收音机", wisher=None
    ):
        person = wisher or (
            Person.objects.filter(community=region(community), user__isnull=True)
            .exclude(
                wishes__status__in=[
                    "submitted",
                    "published",
                    "approved",
                    "claimed",
                    "delivered",
                    "scheduled",
                    "returned",
                    "draft",
                ]
            )
            .order_by("-id")
            .first()
        )
        wish = services.wish_create(
            actor=SYSTEM,
            wisher=person,
            title=title,
            reason="家里老人想听戏曲",
            value_yuan=80,
            category=ServiceCategory.CONVENIENCE,
            submit=status != "draft",
        )
        if status in ("draft", "submitted"):
            return wish
        if status == "returned":
            return services.wish_return(actor=SYSTEM, wish=wish, reason="请写清楚需要的型号")
        if status == "rejected":
            return services.wish_reject(actor=SYSTEM, wish=wish, reason="不属于微心愿范围")
        services.wish_approve(actor=SYSTEM, wish=wish)
        if status == "approved":
            return wish
        services.wish_publish(actor=SYSTEM, wish=wish)
        return wish

    return make


@pytest.fixture
def delivered(make_wish, persona):
    """A wish of resident_huachuan, claimed and delivered by member_demo, read afresh."""
    from community365.wishes import services
    from community365.wishes.models import Wish

    wish = make_wish(wisher=persona("resident_huachuan").person, title="想要一把新雨伞")
    member = persona("member_demo")
    services.wish_claim(actor=member, wish=wish)
    services.wish_fulfil(actor=member, wish=wish, note="已送到家门口")
    return Wish.objects.get(pk=wish.pk)

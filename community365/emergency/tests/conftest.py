"""Fixtures: the demo's open drill in 黄鹂社区, and new events declared through the services."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone


@pytest.fixture
def drill(db):
    from community365.emergency.models import EmergencyEvent

    return EmergencyEvent.objects.get(status="open", is_drill=True, title__contains="演练")


@pytest.fixture
def declare(db, persona, region):
    from community365.emergency import services
    from community365.regions.models import Region

    def make(*communities: str, actor: str = "admin_district", place: str | None = None, **extra):
        names = communities or ("黄鹂社区",)
        chosen = [region(n) for n in names]
        start = timezone.now() - datetime.timedelta(minutes=30)
        return services.event_declare(
            actor=persona(actor),
            place=region(place) if place else Region.objects.get(path=chosen[0].path[: -Region.steplen]),
            title=extra.pop("title", "测试台风"),
            kind=extra.pop("kind", "typhoon"),
            level=extra.pop("level", "yellow"),
            starts_at=extra.pop("starts_at", start),
            ends_at=extra.pop("ends_at", start + datetime.timedelta(days=1)),
            communities=chosen,
            **extra,
        )

    return make


def tap(household: int, status: str = "safe", **extra) -> dict:
    return {"household": household, "status": status, "key": extra.pop("key", str(uuid.uuid4())), **extra}

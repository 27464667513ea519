"""Fixtures: 划船社区's households (one in difficulty, unpaired), and a live pairing of member_demo."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _demo(demo_world):
    """Every test here starts from the demo (put back after a transactional test's flush)."""


@pytest.fixture
def huachuan(region):
    return region("划船社区")


@pytest.fixture
def unpaired(db, huachuan):
    """A household of 划船社区 not paired with member_demo (in difficulty when there is one)."""
    from community365.pairing import selectors
    from community365.regions.models import Household

    household = selectors.attention_households([huachuan.path], only_difficulty=True).first()
    if household is None:
        household = (
            Household.objects.filter(region__path__startswith=huachuan.path)
            .exclude(pairings__cadre__username="member_demo")
            .order_by("pk")
            .first()
        )
    assert household is not None
    return household


@pytest.fixture
def visit(pairing):
    """A visit of member_demo's pairing today, which found one need."""
    from django.utils import timezone

    from community365.pairing import services

    return services.visit_log(
        actor=pairing.cadre,
        pairing=pairing,
        visited_on=timezone.localdate(),
        found="走访发现问题。",
        needs=["希望有一床厚棉被"],
    )


@pytest.fixture
def pairing(db, persona):
    from community365.pairing.models import Pairing

    return (
        Pairing.objects.select_related("region", "household", "household__region", "cadre")
        .filter(cadre__username="member_demo", ended_on__isnull=True)
        .order_by("pk")
        .first()
    )

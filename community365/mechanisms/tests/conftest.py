"""Fixtures for the mechanisms: a unit secretary's application in 划船社区's district, made through
the services on the session's demo district."""

from __future__ import annotations

import datetime

import pytest

from community365.core.actors import SystemActor

SYSTEM = SystemActor("tests")
YEAR = 2030


@pytest.fixture
def district(region):
    return region("江东区")


@pytest.fixture
def unit_secretary(persona):
    return persona("unit_secretary_demo")


@pytest.fixture
def unit(unit_secretary):
    from community365.mechanisms.models import SecretaryUnit

    return SecretaryUnit.objects.get(secretary=unit_secretary)


@pytest.fixture
def apply(unit):
    from community365.mechanisms import services

    def make(title: str = "楼宇党建红色驿站", *, approve: bool = False, actor=None, due=None, **extra):
        project = services.project_apply(
            actor=actor or unit.secretary,
            unit=extra.pop("unit", unit),
            year=YEAR,
            title=title,
            problem="楼宇党员分散，活动难以组织",
            goal="建成一个红色驿站，党员每月活动一次",
            measures="选址、建章立制、每月组织活动",
            milestones=[
                ("选址和布置", "王书记", due or datetime.date(YEAR, 4, 1)),
                ("开展活动", "李委员", datetime.date(YEAR, 9, 1)),
            ],
            theme="organisation",
            **extra,
        )
        if approve:
            services.project_review(actor=SYSTEM, project=project, decision="approve")
        return project

    return make

"""Fixtures for 党建责任制 over the session's demo district (which the demo stage filled with
talks, notices, an analysis and last year's published assessment)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.core.actors import SystemActor

SYSTEM = SystemActor("tests")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def soon(today):
    return today + datetime.timedelta(days=10)


@pytest.fixture
def district(region):
    return region("江东区")


@pytest.fixture
def huachuan(region):
    return region("划船社区")


@pytest.fixture
def huangli(region):
    return region("黄鹂社区")


@pytest.fixture
def huayan(region):
    return region("华严社区")  # 百丈街道, like 划船社区


@pytest.fixture
def admin(persona):
    return persona("admin_district")


@pytest.fixture
def secretary(persona):
    return persona("secretary_huachuan")


@pytest.fixture
def staff(persona):
    return persona("staff_baizhang")


@pytest.fixture
def leader(persona):
    return persona("leader_zhou")


@pytest.fixture
def notice(admin, huachuan, huangli, soon):
    from community365.supervision import services

    return services.notice_issue(
        actor=admin,
        communities=[huachuan, huangli],
        title="测试督查通报",
        body="请逐项整改并答复。",
        items=[("整改事项一", soon), ("整改事项二", soon)],
    )


@pytest.fixture
def talk(admin, huachuan, soon):
    from community365.supervision import services

    return services.talk_start(
        actor=admin,
        community=huachuan,
        held_on=timezone.localdate(),
        points="志愿服务时长落后",
        commitments=[("建立志愿服务台账", soon)],
    )

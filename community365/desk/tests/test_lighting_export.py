"""The dark stairwells as a workbook: the page's list (oldest first, with the days dark) for the
user's places, narrowed by ``?place=``; formula-safe (core/tests/test_exports.py)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from community365.desk.models import LightingFile
from community365.regions.models import Region, RegionKind

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return rows


def _quiet(huachuan, n: int) -> list[Region]:
    """Stairwells of 划船 without a lighting file yet."""
    filed = LightingFile.objects.values("stairwell_id")
    return list(
        Region.objects.filter(path__startswith=huachuan.path, kind=RegionKind.STAIRWELL)
        .exclude(pk__in=filed)
        .order_by("path")[:n]
    )


def test_the_dark_list_oldest_first_with_days_and_scope(client_for, make_request, huachuan):
    now = timezone.now()
    other, stairwell = _quiet(huachuan, 2)
    make_request(place=other, at=now - datetime.timedelta(days=2))
    make_request(place=stairwell, at=now - datetime.timedelta(days=30))
    rows = _rows(client_for("worker_huachuan").get("/services/lighting.xlsx"))
    header = rows[0]
    assert header[:7] == ["街道", "社区", "楼道", "地址编码", "状态", "状态起始", "天数"]
    body = [r for r in rows[1:] if r and r[3] in (stairwell.code, other.code)]
    assert [r[3] for r in body] == [stairwell.code, other.code]  # the longest dark first
    assert body[0][1] == huachuan.name and body[0][0] == Region.objects.get(path=huachuan.path[:8]).name
    assert body[0][6] == 30 and body[1][6] == 2 and body[0][4] == "不亮"
    assert isinstance(body[0][5], datetime.datetime)
    # another community's worker does not get 划船's stairwells
    theirs = _rows(client_for("worker_huangli").get("/services/lighting.xlsx"))
    assert all(r[1] != huachuan.name for r in theirs[1:] if r and r[3])
    # ?place= narrows it (the district admin, to one community)
    narrowed = _rows(client_for("admin_district").get(f"/services/lighting.xlsx?place={huachuan.pk}"))
    assert {r[1] for r in narrowed[1:] if r and r[3]} == {huachuan.name}


def test_only_who_sees_the_files_may_export(client_for):
    assert client_for("resident_huachuan").get("/services/lighting.xlsx").status_code == 404
    assert client_for("liaison_housing").get("/services/lighting.xlsx").status_code == 404


def test_the_page_links_the_export(client_for, huachuan):
    page = client_for("admin_district").get(f"/services/lighting/?place={huachuan.pk}").content.decode()
    assert f"/services/lighting.xlsx?state=unlit&amp;place={huachuan.pk}" in page

"""The contract of /api/v1/benchmarking over the demo world (its snapshots come from the demo's
stage, computed by the same service the task runs)."""

from __future__ import annotations

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db

YEAR = str(timezone.localdate().year - 1)


@pytest.mark.parametrize("who", ["admin_district", "leader_demo"])
def test_league_lists_the_78_communities_by_rank(api_for, who, demo_world):
    body = api_for(who).get(f"/api/v1/benchmarking/league?period={YEAR}").json()
    assert body["count"] == 78 == len(body["items"])
    ranks = [i["rank"] for i in body["items"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    first = body["items"][0]
    assert {"community_id", "name", "rank", "score", "dimensions"} <= set(first)
    assert [d["code"] for d in first["dimensions"]] == ["linkages", "services", "mechanisms"]
    assert sum(1 for i in body["items"] if i["is_model"]) == 1


def test_a_community_worker_sees_only_their_community(api_for, demo_world):
    body = api_for("worker_huangli").get(f"/api/v1/benchmarking/league?period={YEAR}").json()
    assert body["count"] == 1 and body["items"][0]["name"] == "黄鹂社区"


def test_residents_get_404(api_for, demo_world):
    assert api_for("resident_huachuan").get("/api/v1/benchmarking/league").status_code == 404
    assert api_for("resident_huachuan").get("/api/v1/benchmarking/periods").status_code == 404


def test_bad_and_missing_periods(api_for, demo_world):
    api = api_for("admin_district")
    assert api.get("/api/v1/benchmarking/league?period=20x5").status_code == 422
    assert api.get("/api/v1/benchmarking/league?period=1999").status_code == 422
    assert api.get("/api/v1/benchmarking/league?period=2001").status_code == 404


def test_periods(api_for, demo_world):
    body = api_for("leader_demo").get("/api/v1/benchmarking/periods").json()
    keys = {p["key"] for p in body["items"]}
    assert YEAR in keys and f"{YEAR}-01" in keys and f"{YEAR}-Q4" in keys
    assert body["count"] == len(body["items"])


def test_gaps_against_the_model(api_for, demo_world):
    from community365.regions.models import Region

    huangli = Region.objects.get(name="黄鹂社区")
    body = (
        api_for("admin_district")
        .get(f"/api/v1/benchmarking/communities/{huangli.pk}/gaps?period={YEAR}")
        .json()
    )
    assert body["model_community"] == "划船社区"
    assert body["count"] == len(body["items"]) >= 9
    item = body["items"][0]
    assert {"indicator", "value", "model_value", "gap", "records"} <= set(item)
    with_both = [i for i in body["items"] if i["value"] is not None and i["model_value"] is not None]
    for i in with_both:
        from decimal import Decimal

        assert Decimal(i["gap"]) == Decimal(i["model_value"]) - Decimal(i["value"])
    assert any(i["records"].startswith("http") and f"={huangli.pk}" in i["records"] for i in body["items"])
    # a community outside the worker's place: 404
    huachuan = Region.objects.get(name="划船社区")
    assert (
        api_for("worker_huangli").get(f"/api/v1/benchmarking/communities/{huachuan.pk}/gaps").status_code
        == 404
    )

"""Pages, API and the evaluation: who sees what, what each page shows, the refusals through the
pages, the figures checked by hand against the snapshots, and the number of queries."""

from __future__ import annotations

import datetime
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community365.benchmarking.models import ScoreSnapshot
from community365.benchmarking.tests.world import World
from community365.core.actors import SystemActor
from community365.zones import policies, selectors, services
from community365.zones.models import Brand, StandardItem, Zone, ZoneTarget

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
YEAR = timezone.localdate().year


# --- policies: persona × permission --------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "view", "progress", "manage"),
    [
        ("admin_district", True, True, True),
        ("leader_demo", True, True, False),
        ("staff_baizhang", True, True, False),
        ("secretary_huachuan", True, False, False),
        ("worker_huachuan", True, False, False),
        ("worker_huangli", True, False, False),
        ("resident_huachuan", False, False, False),
        ("volunteer_demo", False, False, False),
        ("liaison_housing", False, False, False),
    ],
)
def test_policy_matrix(persona, who, view, progress, manage):
    user = persona(who)
    assert policies.may_view(user) is view
    assert policies.may_view_progress(user) is progress
    assert policies.may_manage(user) is manage
    assert policies.may_read_brands(user) is True


def test_zones_visible_by_place(persona):
    codes = lambda who: set(policies.zones_visible_to(persona(who)).values_list("code", flat=True))  # noqa: E731
    assert len(codes("admin_district")) == len(codes("leader_demo")) == 16
    assert codes("secretary_huachuan") == {"huachuan-core"}
    assert codes("worker_huangli") == {"huangli-safety"}
    # 百丈街道: the core and 东外滩 (中山, 王家, 朱雀)
    assert codes("staff_baizhang") == {"huachuan-core", "east-bund"}
    assert codes("resident_huachuan") == set()


@pytest.mark.parametrize(
    ("who", "community", "may"),
    [
        ("secretary_huachuan", "划船社区", True),
        ("secretary_huachuan", "黄鹂社区", False),
        ("worker_huachuan", "划船社区", False),
        ("staff_baizhang", "划船社区", False),
        ("admin_district", "黄鹂社区", True),
        ("resident_huachuan", "划船社区", False),
    ],
)
def test_brand_edit_matrix(persona, region, who, community, may):
    assert policies.may_edit_brand(persona(who), region(community)) is may


# --- pages ----------------------------------------------------------------------------------------
def test_zone_list_with_the_layout_diagram(client_for):
    html = client_for("leader_demo").get("/zones/").content.decode()
    assert html.count("data-row") == 16
    assert 'data-zones-layout="chart-zones-layout"' in html and "zones/layout.js" in html
    spec = json.loads(
        html.split('<script id="chart-zones-layout" type="application/json">')[1].split("</script>")[0]
    )
    assert len(spec["nodes"]) == 16 and sum(1 for n in spec["nodes"] if n["category"] == "wing") == 5
    assert sum(1 for link in spec["links"] if link["kind"] == "wing") == 5
    assert "片区得分＝" in html  # the formula is stated


def test_a_community_worker_sees_only_the_zones_of_the_community(client_for):
    html = client_for("worker_huangli").get("/zones/").content.decode()
    assert html.count("data-row") == 1 and "白鹤低洼社区应急联动片" in html
    core = Zone.objects.get(kind="core")
    assert client_for("worker_huangli").get(f"/zones/{core.pk}/").status_code == 404


def test_zone_detail_shows_members_score_history_and_the_standard(client_for):
    core = Zone.objects.get(kind="core")
    html = client_for("staff_baizhang").get(f"/zones/{core.pk}/").content.decode()
    assert "划船社区" in html and "华严社区" in html and "状态记录" in html and "示范片" in html
    assert "对照" in html and "对标总分" in html
    assert "推进状态" not in html and "回退状态" not in html  # not for the subdistrict


def test_zone_score_is_the_mean_of_its_members_totals(region):
    core = Zone.objects.get(kind="core")
    district = region("江东区")
    run = selectors.run_of_year(district, YEAR)
    totals = list(
        ScoreSnapshot.objects.filter(
            run=run, community__name__in=["划船社区", "华严社区", "七塔社区", "演武社区"]
        ).values_list("total", flat=True)
    )
    row = selectors.zone_rows([core], selectors.scores(run))[0]
    assert row.scored == 4
    assert row.score == (sum(totals) / 4).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_the_admin_moves_a_zone_through_the_page_and_others_are_refused(client_for):
    zone = Zone.objects.get(code="dongsheng-neighbours")
    assert zone.status == "built"
    refused = client_for("staff_baizhang").post(
        f"/zones/{zone.pk}/revert", {"to_status": "building", "reason": "试图回退"}
    )
    assert refused.status_code == 404  # 东胜 is not in 百丈: not visible
    core = Zone.objects.get(kind="core")
    response = client_for("secretary_huachuan").post(
        f"/zones/{core.pk}/revert", {"to_status": "built", "reason": "社区书记想回退"}, follow=True
    )
    assert "只有区委组织部" in response.content.decode()
    assert Zone.objects.get(pk=core.pk).status == "demonstration"
    client_for("admin_district").post(
        f"/zones/{zone.pk}/revert", {"to_status": "building", "reason": "复核：尚未建成"}
    )
    assert Zone.objects.get(pk=zone.pk).status == "building"


def test_the_admin_adds_a_member_through_the_page(client_for, region):
    zone = Zone.objects.get(code="huangli-safety")
    client_for("admin_district").post(f"/zones/{zone.pk}/add_member", {"community": region("白鹤社区").pk})
    assert zone.members.filter(community__name="白鹤社区").exists()
    response = client_for("admin_district").post(
        f"/zones/{zone.pk}/add_member", {"community": region("划船社区").pk}, follow=True
    )
    assert response.status_code == 200  # a link: 划船 may join (its one area is the core)
    wing = Zone.objects.get(code="east-bund")
    response = client_for("admin_district").post(
        f"/zones/{wing.pk}/add_member", {"community": region("划船社区").pk}, follow=True
    )
    assert "只能属于一个核心区或特色示范区" in response.content.decode()


def test_targets_page_explains_progress(client_for):
    html = client_for("leader_demo").get(f"/zones/targets/?year={YEAR}").content.decode()
    assert "示范片区数" in html and "达标街道比例" in html and "示范街道比例" in html
    assert "对标总分 ≥ 40（实际" in html and "百丈街道" in html and "新明街道" in html
    assert html.count("data-row") == 3  # all three targets are behind in the demo


def test_a_subdistrict_sees_its_own_row_and_no_district_figures(client_for):
    html = client_for("staff_baizhang").get(f"/zones/targets/?year={YEAR}").content.decode()
    assert "百丈街道" in html and "新明街道" not in html
    assert 'id="targets"' not in html


def test_targets_set_through_the_page_and_refused_for_the_subdistrict(client_for, region):
    c = client_for("staff_baizhang")
    response = c.post(
        "/zones/targets/set", {"year": YEAR, "measure": "demonstration_zones", "value": "3"}, follow=True
    )
    assert "只有区委组织部" in response.content.decode()
    assert ZoneTarget.objects.get(year=YEAR, measure="demonstration_zones").value == 16
    client_for("admin_district").post(
        "/zones/targets/set", {"year": YEAR, "measure": "demonstration_zones", "value": "3"}
    )
    assert ZoneTarget.objects.get(year=YEAR, measure="demonstration_zones").value == 3
    response = client_for("admin_district").post(
        "/zones/targets/set",
        {"year": YEAR, "measure": "subdistricts_standard_pct", "value": "150"},
        follow=True,
    )
    assert "0–100" in response.content.decode()


def test_standards_page_edits_items(client_for):
    c = client_for("admin_district")
    c.post(
        "/zones/standards/edit",
        {
            "year": YEAR,
            "scope": "zone",
            "level": "standard",
            "indicator_code": "wishes.satisfaction",
            "comparison": "gte",
            "threshold": "4",
        },
    )
    item = StandardItem.objects.get(
        standard__year=YEAR, standard__scope="zone", indicator_code="wishes.satisfaction"
    )
    assert "微心愿满意度" in c.get(f"/zones/standards/?year={YEAR}").content.decode()
    c.post("/zones/standards/edit", {"year": YEAR, "remove": item.pk})
    assert not StandardItem.objects.filter(pk=item.pk).exists()
    response = c.post(
        "/zones/standards/edit",
        {
            "year": YEAR,
            "scope": "zone",
            "level": "standard",
            "indicator_code": "nope",
            "comparison": "gte",
            "threshold": "4",
        },
        follow=True,
    )
    assert "不是已登记的对标指标" in response.content.decode()
    assert client_for("secretary_huachuan").get("/zones/standards/").status_code == 404


def test_brands_are_public_in_the_district_and_written_by_the_secretary(client_for, region):
    huachuan = region("划船社区")
    html = client_for("resident_huachuan").get("/zones/brands/").content.decode()
    assert "众人划桨·社团自治" in html  # 华严's societies
    page = client_for("resident_huachuan").get(f"/zones/brands/{huachuan.pk}/").content.decode()
    assert "365社区服务工作法" in page and 'name="description"' not in page
    refused = client_for("resident_huachuan").post(
        f"/zones/brands/{huachuan.pk}/", {"name": "居民改的", "description": "居民不能编辑品牌"}, follow=True
    )
    assert "只有本社区书记" in refused.content.decode()
    client_for("secretary_huachuan").post(
        f"/zones/brands/{huachuan.pk}/",
        {"name": "365全年服务", "description": "一年365天服务不断线", "started": "2011-03-01"},
    )
    assert Brand.objects.get(community=huachuan).name == "365全年服务"


def test_brand_block_on_the_benchmarking_community_page(client_for, region):
    huachuan = region("划船社区")
    html = client_for("secretary_huachuan").get(f"/benchmarking/communities/{huachuan.pk}/").content.decode()
    assert "一社一特" in html and "365社区服务工作法" in html and "划船党建综合示范区" in html
    assert "查看或编辑品牌" in html


def test_exports(client_for):
    c = client_for("admin_district")
    for url in ("/zones/zones.xlsx", f"/zones/targets.xlsx?year={YEAR}"):
        response = c.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith(
            "application/vnd.openxmlformats"
        )
    assert client_for("secretary_huachuan").get("/zones/targets.xlsx").status_code == 404


def test_home_offers_the_admin_the_targets_and_a_secretary_the_brand(client_for, region):
    assert "整片建强：今年目标进度" in client_for("admin_district").get("/").content.decode()
    assert "填写本社区的特色品牌" not in client_for("secretary_huachuan").get("/").content.decode()
    Brand.objects.filter(community=region("划船社区")).delete()
    assert "填写本社区的特色品牌" in client_for("secretary_huachuan").get("/").content.decode()


def test_a_resident_reaches_the_brand_from_home_and_has_no_benchmarking_menu(client_for, region):
    html = client_for("resident_huachuan").get("/").content.decode()
    assert f"/zones/brands/{region('划船社区').pk}/" in html and "本社区的特色品牌" in html
    assert "nav-group-benchmarking" not in html


# --- API ------------------------------------------------------------------------------------------
def test_api_lists_zones_and_one_zone(api_for):
    api = api_for("leader_demo")
    body = api.get("/api/v1/zones/").json()
    assert body["count"] == 16 and body["period"] == str(YEAR)
    core = next(z for z in body["items"] if z["kind"] == "core")
    one = api.get(f"/api/v1/zones/{core['id']}").json()
    assert {m["name"] for m in one["member_list"]} >= {"划船社区", "华严社区"}
    assert one["history"][0]["to_status"] == "demonstration"
    assert [lv["level"] for lv in one["levels"]] == ["standard", "demonstration"]


def test_api_refuses_outsiders(api_for):
    core = Zone.objects.get(kind="core")
    assert api_for("resident_huachuan").get("/api/v1/zones/").status_code == 404
    assert api_for("worker_huangli").get(f"/api/v1/zones/{core.pk}").status_code == 404
    assert api_for("secretary_huachuan").get("/api/v1/zones/targets").status_code == 404


def test_api_targets_progress(api_for):
    whole = api_for("admin_district").get(f"/api/v1/zones/targets?year={YEAR}").json()
    assert whole["whole_district"] and len(whole["targets"]) == 3 and len(whole["subdistricts"]) == 8
    demo = next(t for t in whole["targets"] if t["measure"] == "demonstration_zones")
    shown = Zone.objects.filter(district__name="江东区", status="demonstration").count()
    assert 0 < shown < 16 and Decimal(demo["actual"]) == shown
    assert demo["shortfall"] == 16 - shown
    mine = api_for("staff_baizhang").get(f"/api/v1/zones/targets?year={YEAR}").json()
    assert (
        not mine["whole_district"]
        and mine["targets"] == []
        and [s["name"] for s in mine["subdistricts"]] == ["百丈街道"]
    )


# --- evaluation -----------------------------------------------------------------------------------
def test_subdistrict_percentages_match_a_count_by_hand(persona, region):
    district = region("江东区")
    p = selectors.progress(persona("admin_district"), district, YEAR)
    run = selectors.run_of_year(district, YEAR)
    by_sub: dict[int, list[Decimal]] = {}
    for sid, total in ScoreSnapshot.objects.filter(run=run).values_list("subdistrict_id", "total"):
        by_sub.setdefault(sid, []).append(total)
    threshold = StandardItem.objects.get(
        standard__year=YEAR, standard__scope="subdistrict", standard__level="standard", indicator_code="total"
    ).threshold
    over = {sid for sid, totals in by_sub.items() if sum(totals) / len(totals) >= threshold}
    reached = {s.region.pk for s in p.subdistricts if s.at_standard}
    assert reached <= over  # the other items can only remove subdistricts
    target = next(t for t in p.targets if t.target.measure == "subdistricts_standard_pct")
    assert target.actual == (Decimal(len(reached)) * 100 / 8).quantize(Decimal("0.1"))


def test_a_level_needs_every_item_and_an_item_without_values_fails():
    data = selectors.Scores(
        run=None, totals={1: Decimal(60), 2: Decimal(40)}, values={(1, "desk.satisfaction"): Decimal(5)}
    )
    std = StandardItem(indicator_code="total", comparison="gte", threshold=Decimal(50))
    sat = StandardItem(indicator_code="desk.satisfaction", comparison="gte", threshold=Decimal(4))
    missing = StandardItem(indicator_code="talks.satisfaction", comparison="gte", threshold=Decimal(1))
    low = StandardItem(indicator_code="teams.residents_per_worker", comparison="lte", threshold=Decimal(600))
    checks = selectors.check_group(data, [1, 2], {"standard": [std, sat], "demonstration": [std, missing]})
    assert checks["standard"].met  # mean total 50 ≥ 50; satisfaction 5 (only community 1 has one)
    assert not checks["demonstration"].met and [c.item for c in checks["demonstration"].missed] == [missing]
    assert not selectors.holds(low, None) and selectors.holds(low, Decimal(600))
    only_demo = selectors.check_group(data, [1], {"standard": [low], "demonstration": [std]})
    assert not only_demo["demonstration"].met  # 示范 needs 达标


def test_demonstration_zones_count_by_the_status_at_the_cutoff():
    world = World([100])
    # two years back, so the revert in the year after is never in the future (not even in January)
    last = YEAR - 2
    zone = services.zone_create(
        actor=SYSTEM,
        district=world.district,
        name="回退片区",
        kind="wing",
        theme="culture",
        on=datetime.date(last, 1, 2),
    )
    services.zone_advance(actor=SYSTEM, zone=zone, to_status="demonstration", on=datetime.date(last, 6, 1))
    services.zone_revert(
        actor=SYSTEM, zone=zone, to_status="built", reason="次年复核未通过", on=datetime.date(last + 1, 1, 3)
    )
    assert [z.pk for z in selectors.demonstration_zones(world.district, datetime.date(last, 12, 31))] == [
        zone.pk
    ]
    assert selectors.demonstration_zones(world.district, datetime.date(last, 5, 31)) == []
    assert selectors.demonstration_zones(world.district, timezone.localdate()) == []


def test_progress_reads_a_fixed_number_of_queries(persona, region):
    """The whole district's evaluation: the same queries for 8 subdistricts and 78 communities as
    for a district of one subdistrict (grouped reads, never one per community)."""
    admin = persona("admin_district")
    with CaptureQueriesContext(connection) as big:
        selectors.progress(admin, region("江东区"), YEAR)
    world = World([100, 200])
    services.target_set(
        actor=SYSTEM, district=world.district, year=YEAR, measure="demonstration_zones", value=1
    )
    services.standard_item_set(
        actor=SYSTEM,
        district=world.district,
        year=YEAR,
        scope="subdistrict",
        level="standard",
        indicator_code="total",
        threshold=1,
    )
    with CaptureQueriesContext(connection) as small:
        selectors.progress(SYSTEM, world.district, YEAR)
    assert len(big) <= 10
    assert len(small) <= len(big)

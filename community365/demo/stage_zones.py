"""The demo's 整片建强: the article's layout — 1 core (划船党建综合示范区), 5 wings (宁波文化广场
"党建+公益", 宁波东外滩 "党建+文化", 东部新城生态走廊 "党建+生态", 华光城微自治 "党建+治理",
仇毕区块 "党建+发展") and 10 links (the article names 丹顶鹤公益党建联盟联合体 and the
cooperatives' "幸福和谐" 联合体; the other eight are plausible pairings of neighbours) — with
their members and dated status changes; the standards for subdistricts and zones; the article's
targets (16 demonstration zones, 100% of subdistricts at 达标, 40% at 示范, set in the article for
2016) for this year, since the demo's records and scores are dated relative to today; and the
brands (一社一特) of many communities. Through the services, after benchmarking's stage (its
snapshots decide which zones may become 示范片). Idempotent: nothing is added once the core exists."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

ORDER = 910

# (code, name, kind, theme, link form, description, members, status path)
# members: community or cooperative names of the tree, or (kind, name) for a named member
ZONES: list[tuple[str, str, str, str, str, str, list[Any], list[str]]] = [
    (
        "huachuan-core",
        "划船党建综合示范区",
        "core",
        "comprehensive",
        "",
        "以划船社区“365社区服务工作法”为核心，百丈街道四个社区连片示范",
        ["划船社区", "华严社区", "七塔社区", "演武社区"],
        ["building", "built", "demonstration"],
    ),
    (
        "culture-square",
        "宁波文化广场“党建+公益”示范区",
        "wing",
        "welfare",
        "",
        "依托宁波文化广场党群服务中心，公益集市和微心愿认领常态化",
        ["东郊社区", "宁东社区", "海晏社区", ("centre", "宁波文化广场党群服务中心")],
        ["building", "built", "demonstration"],
    ),
    (
        "east-bund",
        "宁波东外滩“党建+文化”示范区",
        "wing",
        "culture",
        "",
        "东外滩党群服务中心的党章学堂与社区文化活动",
        ["中山社区", "王家社区", "朱雀社区", ("centre", "宁波东外滩党群服务中心")],
        ["building", "built", "demonstration"],
    ),
    (
        "eco-corridor",
        "东部新城生态走廊“党建+生态”示范区",
        "wing",
        "ecology",
        "",
        "生态走廊沿线社区与商务楼宇共护绿道",
        ["东部新城社区", "福庆社区", "甬港社区", ("organisation", "东部新城商务楼宇联合党支部")],
        ["building", "built"],
    ),
    (
        "huaguang-self-governance",
        "华光城微自治“党建+治理”示范区",
        "wing",
        "governance",
        "",
        "华光城小区议事会、物业党建联建",
        ["华光城社区", "幸福社区", "柳锦社区", ("organisation", "华光城物业服务有限公司")],
        ["building", "built", "demonstration"],
    ),
    (
        "qiubi-block",
        "仇毕区块“党建+发展”示范区",
        "wing",
        "development",
        "",
        "城中村改造区块，社区与股份经济合作社共谋发展",
        ["仇毕社区", "陆家社区", "仇毕股份经济合作社"],
        ["building"],
    ),
    (
        "danding-alliance",
        "丹顶鹤公益党建联盟联合体",
        "link",
        "welfare",
        "community_community",
        "白鹤街道社区公益党建联盟",
        ["丹顶鹤社区", "白鹤社区", "孔雀社区", "白鹭社区", ("organisation", "丹顶鹤公益党建联盟")],
        ["building", "built", "demonstration"],
    ),
    (
        "happy-harmony",
        "股份经济合作社“幸福和谐”联合体",
        "link",
        "development",
        "cooperative_cooperative",
        "股份经济合作社联合开展党建和服务",
        ["宁东股份经济合作社", "福明股份经济合作社", "新明股份经济合作社"],
        ["building", "built", "demonstration"],
    ),
    (
        "hefeng-buildings",
        "和丰创意广场楼宇社区联动片",
        "link",
        "culture",
        "building_community",
        "和丰创意广场“两新”党员与周边社区结对",
        [
            "和丰社区",
            "明楼社区",
            ("building", "和丰创意广场"),
            ("organisation", "和丰创意广场企业联合党委"),
        ],
        ["building", "built", "demonstration"],
    ),
    (
        "huangli-safety",
        "白鹤低洼社区应急联动片",
        "link",
        "governance",
        "community_community",
        "黄鹂社区等低洼小区的台风防汛互助",
        ["黄鹂社区", "鹤园社区", "金鹰社区"],
        ["building", "built", "demonstration"],
    ),
    (
        "dongsheng-neighbours",
        "东胜邻里联动片",
        "link",
        "governance",
        "community_community",
        "东胜街道老小区物业党建联建",
        ["东胜社区", "史家社区", "樱花社区"],
        ["building", "built"],
    ),
    (
        "fuming-law",
        "福明家园法律服务联动片",
        "link",
        "governance",
        "community_community",
        "每月8日法律工作室坐堂，周边社区共享",
        ["福明家园社区", "福明社区", "新城社区"],
        ["building", "built", "demonstration"],
    ),
    (
        "xinming-buildings",
        "新明商务楼宇社区联动片",
        "link",
        "development",
        "building_community",
        "商务楼宇党建与社区服务对接",
        ["新明社区", "嘉和社区", ("building", "新明商务楼")],
        ["building"],
    ),
    (
        "dongliu-culture",
        "东柳邻里文化联动片",
        "link",
        "culture",
        "community_community",
        "东柳街道社区共享文化服务",
        ["东柳社区", "太古社区", "东海花园社区"],
        ["building", "built"],
    ),
    (
        "huaqiao-buildings",
        "华侨城楼宇社区联动片",
        "link",
        "welfare",
        "building_community",
        "楼宇白领志愿者参与社区公益",
        ["华侨城社区", "常青藤社区", ("building", "华侨城商务楼宇")],
        [],
    ),
    (
        "qingfeng-eco",
        "庆丰·朝晖生态联动片",
        "link",
        "ecology",
        "community_community",
        "沿河社区共护河道",
        ["庆丰社区", "朝晖社区", "惊驾社区"],
        ["building"],
    ),
]

# community → (brand, description, year started)
BRANDS: list[tuple[str, str, str, int]] = [
    (
        "划船社区",
        "365社区服务工作法",
        "社工联勤、党员联动、志愿联盟，六服务五机制，一年365天服务不断线",
        2011,
    ),
    (
        "华严社区",
        "众人划桨·社团自治",
        "居民社团制定社区公约、推进垃圾分类、举办戏剧展演，法治德治自治相结合",
        2014,
    ),
    (
        "黄鹂社区",
        "风雨同舟应急队",
        "社区工作者、在职党员、志愿者组成应急队伍，台风积水时挨家挨户送蜡烛、给高龄老人送餐",
        2013,
    ),
    (
        "福明家园社区",
        "家门口的法律工作室",
        "每月8日党员律师志愿者坐堂，在家门口提供法律咨询、化解邻里纠纷",
        2013,
    ),
    ("华中社区", "亮灯档案", "为每个楼道订制亮灯档案，老小区“黑楼道”逐一点亮", 2014),
    ("七塔社区", "老娘舅调解室", "“老娘舅”人民调解员义务调处邻里矛盾纠纷", 2015),
    ("丹顶鹤社区", "丹顶鹤公益联盟", "联合周边社区和社会组织开展公益党建", 2015),
    ("和丰社区", "楼宇党建·两新先锋", "和丰创意广场“两新”党员参加社区组织生活日和志愿服务", 2015),
    ("东郊社区", "公益集市", "一年一度公益集市，两新组织和机关干部认领微心愿", 2014),
    ("华光城社区", "微自治议事会", "小区议事会让居民自己商量解决身边事", 2015),
    ("中山社区", "东外滩文化客厅", "党章学堂与社区文化活动进楼道", 2016),
    ("仇毕社区", "合作社共富", "社区与股份经济合作社共谋区块发展", 2016),
    ("演武社区", "春蕾教育", "党员志愿者为外来务工人员子女课业辅导", 2015),
    ("东部新城社区", "生态走廊护绿队", "社区与商务楼宇党员共同守护生态走廊", 2016),
]


def build(builder: Any) -> None:
    from community365.core.errors import DomainError
    from community365.demo.generator import SYSTEM
    from community365.regions.models import Region
    from community365.zones import services
    from community365.zones.models import Zone

    district = builder.district
    if Zone.objects.filter(district=district, kind="core").exists():
        return
    this_year = timezone.localdate().year
    places = {
        r.name: r for r in Region.objects.filter(district=district, kind__in=["community", "cooperative"])
    }

    # standards for this year and last: a subdistrict's or a zone's mean total score, and a
    # few of the indicators the article speaks of (rota coverage, deadlines, satisfaction)
    for year in (this_year - 1, this_year):
        for scope in ("subdistrict", "zone"):
            for level, code, comparison, threshold in _standard_items(scope):
                services.standard_item_set(
                    actor=SYSTEM,
                    district=district,
                    year=year,
                    scope=scope,
                    level=level,
                    indicator_code=code,
                    comparison=comparison,
                    threshold=threshold,
                )

    # the layout was published in April (article: 今年4月 … 发布“一核五翼十联动”布局图), the
    # first zones named 示范片 in mid-October: this year's story once mid-October has passed,
    # last year's before (in January this year's scores are days old and no zone would reach
    # the standard, nor would the dates of the story have happened yet)
    today = timezone.localdate()
    story = this_year if today >= datetime.date(this_year, 10, 15) else this_year - 1
    launch = datetime.date(story, 4, 8)
    steps = {
        "building": launch,
        "built": datetime.date(story, 7, 1),
        "demonstration": datetime.date(story, 10, 15),
    }
    for order, (code, name, kind, theme, form, description, members, path) in enumerate(ZONES):
        zone = services.zone_create(
            actor=SYSTEM,
            district=district,
            code=code,
            name=name,
            kind=kind,
            theme=theme,
            link_form=form,
            description=description,
            order=order,
            on=datetime.date(story, 3, 1),
        )
        for member in members:
            if isinstance(member, tuple):
                services.member_add(actor=SYSTEM, zone=zone, kind=member[0], name=member[1])
            elif member in places:
                services.member_add(actor=SYSTEM, zone=zone, community=places[member])
        for status in path:
            try:
                services.zone_advance(actor=SYSTEM, zone=zone, to_status=status, on=steps[status])
            except DomainError:
                # below the zone 示范 standard: it stays 已建成 (the demo shows the refusal's reason)
                break
        builder.report.add("zone")

    # the article's targets, for this year
    for measure, value, note in (
        ("demonstration_zones", 16, "首批16个“整片建强”示范片"),
        ("subdistricts_standard_pct", 100, "“整街推进”达标街道比例100%"),
        ("subdistricts_demonstration_pct", 40, "示范街道比例40%"),
    ):
        services.target_set(
            actor=SYSTEM, district=district, year=this_year, measure=measure, value=value, note=note
        )

    for community, brand, description, year in BRANDS:
        if community not in places:
            continue
        services.brand_save(
            actor=SYSTEM,
            community=places[community],
            name=brand,
            description=description,
            started=datetime.date(year, 3, 1),
            evidence_url="",
        )
        builder.report.add("brand")


def _standard_items(scope: str) -> list[tuple[str, str, str, str]]:
    """(level, indicator code, comparison, threshold). Thresholds chosen against the demo's
    scores so that some subdistricts (and zones) reach each level and some do not."""
    if scope == "subdistrict":
        return [
            ("standard", "total", "gte", "40"),
            ("standard", "desk.deadline_met", "gte", "80"),
            ("standard", "teams.residents_per_worker", "lte", "1600"),
            ("demonstration", "total", "gte", "45"),
            ("demonstration", "wishes.satisfaction", "gte", "4.5"),
            ("demonstration", "talks.tasks_on_time", "gte", "70"),
        ]
    return [
        ("standard", "total", "gte", "40"),
        ("demonstration", "total", "gte", "45"),
        ("demonstration", "desk.deadline_met", "gte", "70"),
    ]

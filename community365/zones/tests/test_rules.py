"""The rules of 整片建强's services, each with its refused path (planted-bug checked: remove
the rule and its test fails)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from community365.audit.models import AuditEvent
from community365.benchmarking.tests.world import World
from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.zones import services
from community365.zones.models import Brand, StandardItem, Zone, ZoneMember, ZoneStatusChange, ZoneTarget

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
YEAR = timezone.localdate().year
# Status dates lie in the year before, so that none of them is in the future in January.
PAST_YEAR = YEAR - 1


def _district(region):
    return region("江东区")


def _zone(district, name="测试联动片", kind="link", form="community_community", theme="welfare", on=None):
    return services.zone_create(
        actor=SYSTEM,
        district=district,
        name=name,
        kind=kind,
        theme=theme,
        link_form=form,
        code="",
        on=on or datetime.date(PAST_YEAR, 1, 5),
    )


# --- zones ----------------------------------------------------------------------------------
def test_only_the_organisation_department_creates_zones(region, persona):
    district = _district(region)
    for who in ("staff_baizhang", "secretary_huachuan", "leader_demo"):
        with pytest.raises(NotAllowed):
            services.zone_create(
                actor=persona(who), district=district, name="新片区", kind="wing", theme="culture"
            )
    zone = services.zone_create(
        actor=persona("admin_district"), district=district, name="新片区", kind="wing", theme="culture"
    )
    assert zone.status == "planned" and zone.changes.count() == 1
    assert AuditEvent.objects.filter(action="zones.zone.create", result="refused").count() == 3


def test_one_core_per_district(region):
    with pytest.raises(Conflict):
        _zone(_district(region), name="第二个核心", kind="core", form="", theme="comprehensive")


def test_a_link_names_its_form_and_a_wing_has_none(region):
    district = _district(region)
    with pytest.raises(InvalidInput):
        _zone(district, form="")
    wing = _zone(district, name="某翼", kind="wing", form="community_community")
    assert wing.link_form == ""


def test_zone_names_are_unique_in_the_district(region):
    with pytest.raises(Conflict):
        _zone(_district(region), name="丹顶鹤公益党建联盟联合体")


def test_bad_kind_and_theme_are_refused(region):
    district = _district(region)
    with pytest.raises(InvalidInput):
        _zone(district, kind="ring")
    with pytest.raises(InvalidInput):
        _zone(district, theme="sport")


# --- members --------------------------------------------------------------------------------
def test_a_community_lies_in_one_area_only(region):
    district = _district(region)
    wing = _zone(district, name="新翼", kind="wing", form="", theme="culture")
    with pytest.raises(Conflict) as refused:
        services.member_add(actor=SYSTEM, zone=wing, community=region("划船社区"))  # in the core
    assert "划船党建综合示范区" in refused.value.message


def test_a_community_joins_several_links(region):
    district = _district(region)
    huangli = region("黄鹂社区")  # already in 白鹤低洼社区应急联动片
    link = _zone(district)
    services.member_add(actor=SYSTEM, zone=link, community=huangli)
    assert ZoneMember.objects.filter(community=huangli, zone_kind="link").count() == 2


def test_the_database_holds_one_area_per_community(region):
    """Two requests passing the service's check at once: the partial unique index refuses the second."""
    district = _district(region)
    wing = _zone(district, name="新翼", kind="wing", form="", theme="culture")
    huachuan = region("划船社区")
    with pytest.raises(IntegrityError), transaction.atomic():
        ZoneMember.objects.create(
            zone=wing,
            district=district,
            kind="community",
            community=huachuan,
            name=huachuan.name,
            zone_kind="wing",
        )


def test_a_member_joins_a_zone_once(region):
    zone = Zone.objects.get(code="huangli-safety")
    with pytest.raises(Conflict):
        services.member_add(actor=SYSTEM, zone=zone, community=region("黄鹂社区"))
    services.member_add(actor=SYSTEM, zone=zone, kind="organisation", name="白鹤志愿者协会")
    with pytest.raises(Conflict):
        services.member_add(actor=SYSTEM, zone=zone, kind="organisation", name="白鹤志愿者协会")


def test_a_link_takes_the_members_of_its_form(region):
    district = _district(region)
    communities = _zone(district)
    with pytest.raises(InvalidInput):
        services.member_add(actor=SYSTEM, zone=communities, community=region("福明股份经济合作社"))
    with pytest.raises(InvalidInput):
        services.member_add(actor=SYSTEM, zone=communities, kind="building", name="某商务楼")
    coops = _zone(district, name="合作社联动", form="cooperative_cooperative")
    with pytest.raises(InvalidInput):
        services.member_add(actor=SYSTEM, zone=coops, community=region("黄鹂社区"))
    services.member_add(actor=SYSTEM, zone=coops, community=region("福明股份经济合作社"))


def test_a_named_member_needs_a_kind_and_a_name(region):
    zone = _zone(_district(region), name="楼宇联动", form="building_community")
    with pytest.raises(InvalidInput):
        services.member_add(actor=SYSTEM, zone=zone, kind="", name="某楼")
    with pytest.raises(InvalidInput):
        services.member_add(actor=SYSTEM, zone=zone, kind="building", name="")


def test_a_community_of_another_district_is_refused(region):
    other = World([100, 100])
    zone = _zone(_district(region))
    with pytest.raises(InvalidInput):
        services.member_add(actor=SYSTEM, zone=zone, community=other.communities[1])


def test_only_the_organisation_department_changes_members(region, persona):
    zone = Zone.objects.get(code="huangli-safety")
    with pytest.raises(NotAllowed):
        services.member_add(actor=persona("staff_baizhang"), zone=zone, kind="centre", name="白鹤中心")
    member = zone.members.first()
    with pytest.raises(NotAllowed):
        services.member_remove(actor=persona("worker_huangli"), member=member)
    services.member_remove(actor=persona("admin_district"), member=member)
    assert not ZoneMember.objects.filter(pk=member.pk).exists()


# --- status -----------------------------------------------------------------------------------
def test_status_moves_forward_with_a_dated_history(region):
    zone = _zone(_district(region))
    services.zone_advance(actor=SYSTEM, zone=zone, to_status="built", on=datetime.date(PAST_YEAR, 2, 1))
    assert zone.status == "built" and zone.status_since == datetime.date(PAST_YEAR, 2, 1)
    rows = list(
        ZoneStatusChange.objects.filter(zone=zone)
        .order_by("on", "id")
        .values_list("from_status", "to_status", "reverted")
    )
    assert rows == [("", "planned", False), ("planned", "built", False)]


def test_a_revert_goes_to_an_earlier_status_only(region):
    zone = _zone(_district(region))
    services.zone_advance(actor=SYSTEM, zone=zone, to_status="building", on=datetime.date(PAST_YEAR, 2, 1))
    for later in ("built", "demonstration"):
        with pytest.raises(InvalidTransition):
            services.zone_revert(actor=SYSTEM, zone=zone, to_status=later, reason="写错了方向")
    assert Zone.objects.get(pk=zone.pk).status == "building"


def test_a_new_districts_core_zone_keeps_no_link_form_and_takes_members(region):
    from community365.regions import services as regions

    # a district with no core zone yet (numbered after the demo's)
    other = regions.region_create(actor=SYSTEM, parent=None, kind="district", name="测试区", code="T-ZONE")
    core = _zone(other, name="新区一核", kind="core", form="community_community", theme="comprehensive")
    assert core.link_form == ""  # the form belongs to link zones only
    member = services.member_add(actor=SYSTEM, zone=core, kind="building", name="新区商务楼")
    assert member.zone_id == core.pk
    # the demo district's communities (numbered before this district) are not for its zones
    with pytest.raises(InvalidInput):
        services.member_add(actor=SYSTEM, zone=core, community=region("划船社区"))


def test_status_never_goes_back_by_advancing(region):
    zone = _zone(_district(region))
    services.zone_advance(actor=SYSTEM, zone=zone, to_status="built", on=datetime.date(PAST_YEAR, 2, 1))
    for back in ("built", "building", "planned"):
        with pytest.raises(InvalidTransition):
            services.zone_advance(actor=SYSTEM, zone=zone, to_status=back)
    assert Zone.objects.get(pk=zone.pk).status == "built"


def test_status_dates_are_not_before_the_last_change_nor_in_the_future(region):
    # "Tomorrow" is read when the call is made: a day fixed at import turned into today
    # for a suite that ran across midnight (Asia/Shanghai) and the refusal was not met.
    zone = _zone(_district(region), on=datetime.date(PAST_YEAR, 1, 10))
    with pytest.raises(InvalidInput):
        services.zone_advance(
            actor=SYSTEM, zone=zone, to_status="building", on=datetime.date(PAST_YEAR, 1, 9)
        )
    with pytest.raises(InvalidInput):
        services.zone_advance(
            actor=SYSTEM,
            zone=zone,
            to_status="building",
            on=timezone.localdate() + datetime.timedelta(days=1),
        )
    with pytest.raises(InvalidInput):
        services.zone_advance(actor=SYSTEM, zone=zone, to_status="building", on="yesterday")


def test_two_moves_of_the_same_zone_at_once_cannot_both_win(region):
    zone = _zone(_district(region))
    stale = Zone.objects.get(pk=zone.pk)
    services.zone_advance(actor=SYSTEM, zone=zone, to_status="building")
    with pytest.raises(InvalidTransition):
        services.zone_advance(actor=SYSTEM, zone=stale, to_status="built")  # read as 规划中
    assert Zone.objects.get(pk=zone.pk).status == "building"
    assert zone.changes.count() == 2


def test_a_zone_below_the_zone_demonstration_standard_stays_built(region):
    from community365.zones import selectors
    from community365.zones.models import Level

    # a built zone of the demo whose members' scores miss the zone 示范 standard's total
    below = [
        z
        for z in Zone.objects.filter(status="built").order_by("order")
        if any(
            c.item.indicator_code == "total" and not c.met
            for c in selectors.zone_check_for(z, YEAR)[Level.DEMONSTRATION].checks
        )
    ]
    assert below, "the demo has no built zone below the zone demonstration standard"
    zone = below[0]
    with pytest.raises(NotAllowed) as refused:
        services.zone_advance(actor=SYSTEM, zone=zone, to_status="demonstration")
    assert "对标总分" in refused.value.message
    assert Zone.objects.get(pk=zone.pk).status == "built"


def test_without_a_zone_standard_a_zone_may_become_demonstration():
    world = World([100, 100])
    zone = services.zone_create(
        actor=SYSTEM,
        district=world.district,
        name="无标准片区",
        kind="wing",
        theme="culture",
        on=datetime.date(PAST_YEAR, 1, 2),
    )
    services.zone_advance(actor=SYSTEM, zone=zone, to_status="demonstration")
    assert zone.status == "demonstration"


def test_only_the_admin_reverts_and_always_with_a_reason(region, persona):
    # a 示范片 of the demo (which ones reach the standard depends on the day the demo is built)
    zone = Zone.objects.filter(status="demonstration").order_by("order").first()
    assert zone is not None
    with pytest.raises(NotAllowed):
        services.zone_revert(
            actor=persona("staff_baizhang"), zone=zone, to_status="built", reason="评估有误，退回"
        )
    with pytest.raises(InvalidInput):
        services.zone_revert(actor=persona("admin_district"), zone=zone, to_status="built", reason=" ")
    with pytest.raises(InvalidTransition):
        services.zone_revert(
            actor=persona("admin_district"), zone=zone, to_status="demonstration", reason="没有变化的回退"
        )
    services.zone_revert(
        actor=persona("admin_district"), zone=zone, to_status="built", reason="复核未通过，退回已建成"
    )
    last = zone.changes.order_by("-id").first()
    assert last.reverted and last.reason == "复核未通过，退回已建成" and last.to_status == "built"
    assert Zone.objects.get(pk=zone.pk).status == "built"


# --- standards and targets --------------------------------------------------------------------
def _item(actor, **kw):
    values = {
        "district": kw.pop("district"),
        "year": YEAR,
        "scope": "subdistrict",
        "level": "standard",
        "indicator_code": "desk.satisfaction",
        "comparison": "gte",
        "threshold": "4",
    }
    values.update(kw)
    return services.standard_item_set(actor=actor, **values)


def test_standard_items_name_registered_indicators(region):
    district = _district(region)
    with pytest.raises(InvalidInput):
        _item(SYSTEM, district=district, indicator_code="desk.happiness")
    item = _item(SYSTEM, district=district)
    assert item.indicator_code == "desk.satisfaction"


def test_standard_item_input_is_checked(region):
    district = _district(region)
    for bad in (
        {"comparison": "gt"},
        {"threshold": "many"},
        {"threshold": "NaN"},
        {"scope": "city"},
        {"level": "gold"},
        {"year": 1999},
    ):
        with pytest.raises(InvalidInput):
            _item(SYSTEM, district=district, **bad)
    with pytest.raises(InvalidInput):
        _item(SYSTEM, district=district, indicator_code="total", threshold="120")


def test_the_total_score_threshold_lies_between_0_and_100(region):
    district = _district(region)
    # a code typed into a form is a string of its own, not the interned constant
    typed = "".join(["to", "tal"])
    for bad in ("101", "-0.5"):
        with pytest.raises(InvalidInput):
            _item(SYSTEM, district=district, indicator_code=typed, threshold=bad)
    for good in ("0", "100"):
        assert _item(SYSTEM, district=district, indicator_code=typed, threshold=good).threshold == Decimal(
            good
        )
    # an indicator's own threshold is not a score: 150 is a valid one for registered indicators
    # whose codes sort after and before "total"; an unknown code sorting after it is refused
    for code in ("wishes.satisfaction", "desk.satisfaction"):
        assert _item(SYSTEM, district=district, indicator_code=code, threshold="150").threshold == 150
    with pytest.raises(InvalidInput):
        _item(SYSTEM, district=district, indicator_code="zones.happiness")


def test_setting_an_item_again_changes_its_threshold(region):
    district = _district(region)
    _item(SYSTEM, district=district, threshold="4")
    _item(SYSTEM, district=district, threshold="4.5", comparison="lte")
    item = StandardItem.objects.get(
        standard__district=district,
        standard__year=YEAR,
        standard__scope="subdistrict",
        standard__level="standard",
        indicator_code="desk.satisfaction",
    )
    assert item.threshold == Decimal("4.50") and item.comparison == "lte"


def test_only_the_organisation_department_sets_standards_and_targets(region, persona):
    district = _district(region)
    for who in ("staff_baizhang", "leader_demo", "secretary_huachuan"):
        with pytest.raises(NotAllowed):
            _item(persona(who), district=district)
        with pytest.raises(NotAllowed):
            services.target_set(
                actor=persona(who), district=district, year=YEAR, measure="demonstration_zones", value=3
            )
    item = StandardItem.objects.filter(standard__district=district).first()
    with pytest.raises(NotAllowed):
        services.standard_item_remove(actor=persona("staff_baizhang"), item=item)
    services.standard_item_remove(actor=persona("admin_district"), item=item)
    assert not StandardItem.objects.filter(pk=item.pk).exists()


def test_target_values_are_checked(region):
    district = _district(region)
    with pytest.raises(InvalidInput):
        services.target_set(
            actor=SYSTEM, district=district, year=YEAR, measure="subdistricts_standard_pct", value=101
        )
    with pytest.raises(InvalidInput):
        services.target_set(
            actor=SYSTEM, district=district, year=YEAR, measure="demonstration_zones", value="2.5"
        )
    with pytest.raises(InvalidInput):  # rounds up to 3, still not a whole number of zones
        services.target_set(
            actor=SYSTEM, district=district, year=YEAR, measure="demonstration_zones", value="2.6"
        )
    with pytest.raises(InvalidInput):
        services.target_set(actor=SYSTEM, district=district, year=YEAR, measure="happiness", value=1)
    target = services.target_set(
        actor=SYSTEM, district=district, year=YEAR, measure="demonstration_zones", value=20
    )
    assert target.value == 20 and ZoneTarget.objects.filter(district=district, year=YEAR).count() == 3


# --- brands -----------------------------------------------------------------------------------
def test_the_community_secretary_writes_the_brand(region, persona):
    huachuan = region("划船社区")
    brand = services.brand_save(
        actor=persona("secretary_huachuan"),
        community=huachuan,
        name="365 全年无休",
        description="一年365天服务不断线",
        started="2011-03-01",
        evidence_url="https://example.org/365",
    )
    assert brand.name == "365 全年无休" and Brand.objects.filter(community=huachuan).count() == 1


def test_others_may_not_write_a_community_brand(region, persona):
    huangli = region("黄鹂社区")
    for who in ("secretary_huachuan", "worker_huangli", "staff_baizhang", "resident_huachuan", "leader_demo"):
        with pytest.raises(NotAllowed):
            services.brand_save(
                actor=persona(who), community=huangli, name="冒名品牌", description="不是本社区写的"
            )
    assert Brand.objects.get(community=huangli).name == "风雨同舟应急队"
    services.brand_save(
        actor=persona("admin_district"), community=huangli, name="风雨同舟", description="区委组织部修订"
    )


def test_brand_input_is_checked(region, persona):
    huachuan = region("划船社区")
    secretary = persona("secretary_huachuan")
    for bad in (
        {"name": "x"},
        {"description": "短"},
        {"evidence_url": "javascript:alert(1)"},
        {"evidence_url": "ftp://example.org/a"},
        {"started": "2999-01-01"},
    ):
        values = {"name": "划船品牌", "description": "一年365天服务不断线", "evidence_url": ""} | bad
        with pytest.raises(InvalidInput):
            services.brand_save(actor=secretary, community=huachuan, **values)
    with pytest.raises(InvalidInput):
        services.brand_save(
            actor=SYSTEM, community=region("百丈街道"), name="街道品牌", description="街道不是社区"
        )


def test_a_member_that_passed_the_checks_twice_is_refused_by_the_constraint(region, blind_check):
    """Two requests add the same community at the same moment: both found it not yet a member
    (``blind_check``); the constraint refuses the second as a Conflict, and it stays one member."""
    district = _district(region)
    link = _zone(district)
    huangli = region("黄鹂社区")
    services.member_add(actor=SYSTEM, zone=link, community=huangli)
    blind_check(ZoneMember)
    with pytest.raises(Conflict, match="刚刚已被加入片区"):
        services.member_add(actor=SYSTEM, zone=link, community=huangli)
    assert ZoneMember.objects.filter(zone=link, community=huangli).count() == 1

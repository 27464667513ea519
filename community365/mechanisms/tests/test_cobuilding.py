"""Area-wide co-building: the three lists with suggestions by kind and distance, agreements, the
community's model set by the subdistrict, and property co-building's fee rate trend."""

from __future__ import annotations

import pytest

from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_world")]
SYSTEM = SystemActor("tests")


def test_suggestions_are_of_the_kind_and_nearest_first(persona, region):
    from community365.mechanisms import services
    from community365.regions.models import Organisation

    huachuan = region("划船社区")
    need = services.need_add(
        actor=persona("worker_huachuan"), region=huachuan, kind="expertise", title="需要心理咨询"
    )
    # an organisation in 划船's own subdistrict offers the same kind of help
    near = Organisation.objects.filter(region=region("百丈街道")).first()
    offer = services.offer_add(actor=SYSTEM, kind="expertise", title="心理咨询师驻点", organisation=near)
    found = list(services.suggestions(need))
    assert found[0].pk == offer.pk and found[0].distance == 1
    assert all(o.kind == "expertise" for o in found)
    assert [o.distance for o in found] == sorted(o.distance for o in found)


def test_a_need_is_matched_once_and_only_by_its_community(persona, region):
    from community365.mechanisms import services
    from community365.mechanisms.models import CoProject, ResourceOffer

    need = services.need_add(
        actor=persona("worker_huachuan"), region=region("划船社区"), kind="room", title="议事场地"
    )
    offer = ResourceOffer.objects.filter(kind="room").first()
    with pytest.raises(NotAllowed):
        services.coproject_agree(actor=persona("worker_huangli"), need=need, offer=offer)
    services.coproject_agree(actor=persona("worker_huachuan"), need=need, offer=offer)
    with pytest.raises(InvalidTransition):
        services.coproject_agree(actor=persona("secretary_huachuan"), need=need, offer=offer)
    assert CoProject.objects.filter(need=need).count() == 1


def test_needs_only_by_the_community(persona, region):
    from community365.mechanisms import services

    with pytest.raises(NotAllowed):
        services.need_add(
            actor=persona("resident_huachuan"), region=region("划船社区"), kind="room", title="场地"
        )
    with pytest.raises(InvalidInput):
        services.need_add(
            actor=persona("worker_huachuan"), region=region("划船社区"), kind="spaceship", title="场地"
        )


def test_offers_by_the_units_own_people(persona, region):
    from community365.mechanisms import services
    from community365.regions.models import Department, Organisation

    housing = Department.objects.get(name="区住建局")
    services.offer_add(
        actor=persona("liaison_housing"), kind="expertise", title="房屋安全咨询", department=housing
    )
    other = Department.objects.get(name="区民政局")
    with pytest.raises(NotAllowed):
        services.offer_add(actor=persona("liaison_housing"), kind="expertise", title="代报", department=other)
    mine = Organisation.objects.get(name="和丰创意广场企业联合党委")
    services.offer_add(
        actor=persona("unit_secretary_demo"), kind="room", title="企业会议室", organisation=mine
    )
    with pytest.raises(NotAllowed):
        services.offer_add(actor=persona("worker_huachuan"), kind="room", title="代报", organisation=mine)


def test_the_model_is_set_by_the_subdistrict(persona, region):
    from community365.mechanisms import services

    with pytest.raises(NotAllowed):
        services.cobuilding_model_set(
            actor=persona("secretary_huachuan"), region=region("划船社区"), model="mutual"
        )
    row = services.cobuilding_model_set(
        actor=persona("staff_baizhang"), region=region("划船社区"), model="mutual"
    )
    assert row.model == "mutual"
    with pytest.raises(NotAllowed):  # 黄鹂 is not in 百丈街道
        services.cobuilding_model_set(
            actor=persona("staff_baizhang"), region=region("黄鹂社区"), model="mutual"
        )


def test_agreements_once_a_year_and_reviewed_once(persona, region):
    from community365.mechanisms import services

    huangli = region("黄鹂社区")
    agreement = services.agreement_sign(
        actor=persona("worker_huangli"), region=huangli, partner="区卫计局", year=2031, plan="每月义诊一次"
    )
    with pytest.raises(Conflict):
        services.agreement_sign(
            actor=persona("worker_huangli"), region=huangli, partner="区卫计局", year=2031, plan="再签一次"
        )
    services.agreement_review(actor=persona("worker_huangli"), agreement=agreement, review="全年义诊十二次")
    with pytest.raises(InvalidTransition):
        services.agreement_review(actor=persona("worker_huangli"), agreement=agreement, review="改一下回顾")


def test_fee_rate_trend_from_under_half_to_over_ninety(client_for, region):
    from community365.mechanisms import selectors

    years, trend = selectors.fee_trend(region("划船社区"))
    assert years[0] == "2012" and years[-1] == "2016"
    for values in trend.values():
        assert values[0] < 50 and values[-1] > 90
    page = client_for("secretary_huachuan").get(f"/mechanisms/cobuilding/property/{region('划船社区').pk}/")
    assert page.status_code == 200 and "chart-mech-fee-rate" in page.content.decode()


def test_fee_rate_bounds_and_correction_audited(persona, region):
    from community365.audit.models import AuditEvent
    from community365.mechanisms import services
    from community365.mechanisms.models import PropertyManager

    manager = PropertyManager.objects.filter(region=region("划船社区")).first()
    with pytest.raises(InvalidInput):
        services.fee_rate_record(
            actor=persona("worker_huachuan"), manager=manager, estate="划船新村", year=2016, rate="101"
        )
    with pytest.raises(NotAllowed):
        services.fee_rate_record(
            actor=persona("worker_huangli"), manager=manager, estate="划船新村", year=2016, rate="90"
        )
    services.fee_rate_record(
        actor=persona("worker_huachuan"), manager=manager, estate="划船新村", year=2016, rate="91.5"
    )
    event = AuditEvent.objects.filter(action="mechanisms.property.fee_rate").order_by("-id").first()
    assert event.changes["new"] == "91.5" and event.changes["old"] is not None


def test_the_lists_page(client_for):
    page = client_for("worker_huachuan").get("/mechanisms/cobuilding/").content.decode()
    assert "需求清单" in page and "资源清单" in page and "项目清单" in page and "登记需求" in page
    assert "登记需求" not in client_for("resident_huachuan").get("/mechanisms/cobuilding/").content.decode()

"""The keepers' pages of issue 11: the district admin keeps the district's catalogue and the
working calendar; a community secretary keeps the community's additions and its grids' social
workers. Each rule has its refused path (a page that refuses shows the reason and writes nothing;
what the user may not keep is not there for them: 404)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from community365.core.errors import Conflict, InvalidInput, InvalidTransition
from community365.desk import services
from community365.desk.models import CatalogueItem, DayKind, GridWorker, HolidayCalendar
from community365.regions.models import Region, RegionKind

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db


def _district(huachuan) -> Region:
    return Region.objects.get(pk=huachuan.district_id)


def _item_form(**extra):
    data = {
        "name": "理发上门",
        "category": "tailored_care",
        "deliverer": "social_worker",
        "response_hours": "4",
        "resolution_days": "3",
        "online": "on",
        "active": "on",
        "description": "",
        "requirements": "预约时间",
    }
    data.update(extra)
    return data


def _addition(community: Region, code: str) -> CatalogueItem:
    return services.catalogue_item_save(
        actor=SYSTEM,
        district=Region.objects.get(pk=community.district_id),
        community=community,
        code=code,
        category="convenience",
        name="修伞",
        deliverer="social_worker",
    )


# --- the catalogue ------------------------------------------------------------------------------


def test_the_district_admin_adds_a_district_item_with_attributes(client_for):
    web = client_for("admin_district")
    response = web.post(
        "/services/catalogue/manage/new/",
        _item_form(
            code="haircut",
            community="",
            **{
                "attr-0-code": "when",
                "attr-0-description": "希望哪天上门",
                "attr-0-datatype": "datetime",
                "attr-0-required": "on",
                "attr-1-code": "who",
                "attr-1-description": "为谁",
                "attr-1-datatype": "singlevaluelist",
                "attr-1-values": "self=本人\nparent=父母",
            },
        ),
    )
    item = CatalogueItem.objects.get(code="haircut")
    assert response.status_code == 302 and response["Location"].endswith(f"/manage/{item.pk}/")
    assert item.region_id is None and item.requirements == "预约时间"
    assert [a["code"] for a in item.attributes] == ["when", "who"]
    assert item.attributes[1]["values"] == [
        {"key": "self", "name": "本人"},
        {"key": "parent", "name": "父母"},
    ]
    assert item.attributes[0]["required"] is True and item.attributes[1]["required"] is False
    page = web.get(f"/services/catalogue/manage/{item.pk}/")
    assert page.status_code == 200 and "parent=父母" in page.content.decode()


def test_a_secretary_adds_to_their_own_community_only(client_for, huachuan, region):
    web = client_for("secretary_huachuan")
    ok = web.post("/services/catalogue/manage/new/", _item_form(code="hc-haircut", community=huachuan.pk))
    assert ok.status_code == 302 and CatalogueItem.objects.get(code="hc-haircut").region == huachuan
    # the district's own items are not theirs to add …
    refused = web.post("/services/catalogue/manage/new/", _item_form(code="hc-2", community=""))
    assert refused.status_code == 200 and "社区只能增补本社区的服务事项" in refused.content.decode()
    # … nor another community's
    other = web.post(
        "/services/catalogue/manage/new/", _item_form(code="hc-3", community=region("黄鹂社区").pk)
    )
    assert other.status_code == 200 and "请选择您负责的社区" in other.content.decode()
    assert not CatalogueItem.objects.filter(code__in=["hc-2", "hc-3"]).exists()


def test_a_secretary_cannot_open_the_districts_items_or_another_communitys(client_for, region, huachuan):
    web = client_for("secretary_huachuan")
    district_item = CatalogueItem.objects.get(code="drain")
    theirs = _addition(region("黄鹂社区"), "hl-umbrella")
    own = _addition(huachuan, "hc-umbrella")
    assert web.get(f"/services/catalogue/manage/{district_item.pk}/").status_code == 404
    assert web.get(f"/services/catalogue/manage/{theirs.pk}/").status_code == 404
    posted = web.post(f"/services/catalogue/manage/{theirs.pk}/", _item_form(name="改掉"))
    assert posted.status_code == 404 and CatalogueItem.objects.get(pk=theirs.pk).name == "修伞"
    assert web.get(f"/services/catalogue/manage/{own.pk}/").status_code == 200
    listed = web.get("/services/catalogue/manage/").content.decode()
    assert "hc-umbrella" in listed and "hl-umbrella" not in listed and ">drain<" not in listed
    # the social worker keeps no catalogue
    assert client_for("worker_huachuan").get("/services/catalogue/manage/").status_code == 404


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"code": "Bad Code"}, "编码只能用小写字母"),
        ({"code": "drain"}, "已被使用"),
        ({"code": "ok-1", "response_hours": "abc"}, "时限须为"),
        ({"code": "ok-2", "resolution_days": "0"}, "时限须为"),
        ({"code": "ok-3", "category": "nope"}, "请选择六服务中的一类"),
        ({"code": "ok-4", "name": "  "}, "请填写名称"),
        ({"code": "ok-5", "deliverer": "department"}, "部门事项须指定部门"),
        (
            {
                "code": "ok-6",
                "attr-0-code": "kind",
                "attr-0-description": "哪种",
                "attr-0-datatype": "singlevaluelist",
            },
            "至少要有一个选项",
        ),
        (
            {"code": "ok-7", "attr-0-code": "a b", "attr-0-description": "x", "attr-0-datatype": "string"},
            "编码只能用字母",
        ),
        (
            {"code": "ok-8", "attr-0-code": "n", "attr-0-description": "", "attr-0-datatype": "number"},
            "写一句提问",
        ),
        (
            {
                "code": "ok-9",
                "attr-0-code": "n",
                "attr-0-description": "几",
                "attr-0-datatype": "number",
                "attr-0-values": "a=b",
            },
            "不是选择题",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(client_for, form, message):
    before = CatalogueItem.objects.count()
    response = client_for("admin_district").post(
        "/services/catalogue/manage/new/", _item_form(community="", **form)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CatalogueItem.objects.count() == before


def test_a_team_of_another_community_cannot_deliver_a_communitys_addition(persona, huachuan, region):
    from community365.teams.models import Team

    team = (
        Team.objects.filter(region__path__startswith=region("黄鹂社区").path).first()
        or Team.objects.exclude(region__path__startswith=huachuan.path).first()
    )
    assert team is not None
    with pytest.raises(InvalidInput):
        services.catalogue_item_save(
            actor=persona("secretary_huachuan"),
            district=_district(huachuan),
            community=huachuan,
            code="hc-team",
            category="convenience",
            name="修车",
            deliverer="team",
            team=team,
        )


def test_an_item_with_requests_is_retired_not_deleted(client_for, make_request, huachuan):
    web = client_for("admin_district")
    used = CatalogueItem.objects.get(code="stairwell-light")
    make_request("stairwell-light")
    refused = web.post(f"/services/catalogue/manage/{used.pk}/", {"action": "delete"})
    assert refused.status_code == 200 and "请改为停用" in refused.content.decode()
    assert CatalogueItem.objects.filter(pk=used.pk).exists()
    with pytest.raises(InvalidTransition):
        services.catalogue_item_delete(actor=SYSTEM, item=used)
    # retiring: the public catalogue no longer offers it
    form = _item_form(name=used.name, category=used.category, deliverer=used.deliverer)
    form.pop("active")
    assert web.post(f"/services/catalogue/manage/{used.pk}/", form).status_code == 302
    assert CatalogueItem.objects.get(pk=used.pk).active is False
    assert (
        used.name
        not in client_for("resident_huachuan").get(f"/services/catalogue/{huachuan.pk}/").content.decode()
    )
    # an item nobody asked for can go
    unused = _addition(huachuan, "hc-never")
    assert web.post(f"/services/catalogue/manage/{unused.pk}/", {"action": "delete"}).status_code == 302
    assert not CatalogueItem.objects.filter(pk=unused.pk).exists()


def test_the_code_of_an_item_never_changes(client_for):
    web = client_for("admin_district")
    item = CatalogueItem.objects.get(code="drain")
    form = _item_form(code="renamed", name="下水道疏通", category=item.category, deliverer="department")
    form["department"] = item.department_id
    assert web.post(f"/services/catalogue/manage/{item.pk}/", form).status_code == 302
    assert CatalogueItem.objects.get(pk=item.pk).code == "drain"


# --- the calendar -----------------------------------------------------------------------------------


def _future_weekday(days: int = 30) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= 5 or HolidayCalendar.objects.filter(date=day).exists():
        day += datetime.timedelta(days=1)
    return day


def test_the_district_admin_adds_a_holiday_week_and_removes_a_day(client_for):
    web = client_for("admin_district")
    start = _future_weekday()
    end = start + datetime.timedelta(days=2)
    HolidayCalendar.objects.filter(date__gte=start, date__lte=end).delete()
    response = web.post(
        "/services/calendar/",
        {"action": "add", "start": start, "end": end, "kind": "holiday", "name": "测试假"},
    )
    assert response.status_code == 302
    assert HolidayCalendar.objects.filter(date__gte=start, date__lte=end, kind="holiday").count() == 3
    page = web.get(f"/services/calendar/?year={start.year}").content.decode()
    assert "测试假" in page
    assert web.post("/services/calendar/", {"action": "remove", "date": start}).status_code == 302
    assert not HolidayCalendar.objects.filter(date=start).exists()


def test_calendar_refusals(client_for, persona):
    web = client_for("admin_district")
    day = _future_weekday(40)
    assert (
        web.post("/services/calendar/", {"action": "add", "start": day, "kind": "holiday"}).status_code == 302
    )
    # the same day twice
    again = web.post("/services/calendar/", {"action": "add", "start": day, "kind": "holiday"})
    assert again.status_code == 200 and "无需重复添加" in again.content.decode()
    # a past day (deadlines were counted on it)
    past = timezone.localdate() - datetime.timedelta(days=3)
    before = list(HolidayCalendar.objects.filter(date=past).values_list("kind", "name"))
    refused = web.post(
        "/services/calendar/", {"action": "add", "start": past, "kind": "holiday", "name": "x"}
    )
    assert refused.status_code == 200 and "只能修改明天及以后的日子" in refused.content.decode()
    assert list(HolidayCalendar.objects.filter(date=past).values_list("kind", "name")) == before
    today = web.post("/services/calendar/", {"action": "remove", "date": timezone.localdate()})
    assert "只能修改明天及以后的日子" in today.content.decode()
    # a working weekday cannot be a 调休 day; a span with one refuses whole
    monday = day + datetime.timedelta(days=(7 - day.weekday()))
    # a plain weekend and Monday (around the Spring Festival the demo's calendar marks them)
    while HolidayCalendar.objects.filter(
        date__gte=monday - datetime.timedelta(days=2), date__lte=monday
    ).exists():
        monday += datetime.timedelta(days=7)
    span = web.post(
        "/services/calendar/",
        {"action": "add", "start": monday - datetime.timedelta(days=2), "end": monday, "kind": "workday"},
    )
    assert "调休上班只能设在周末" in span.content.decode()
    assert not HolidayCalendar.objects.filter(
        date=monday - datetime.timedelta(days=2), kind="workday"
    ).exists()
    bad = web.post("/services/calendar/", {"action": "add", "start": "31/12/2027", "kind": "holiday"})
    assert bad.status_code == 200 and "年-月-日" in bad.content.decode()
    long = web.post(
        "/services/calendar/",
        {
            "action": "add",
            "start": day + datetime.timedelta(days=1),
            "end": day + datetime.timedelta(days=60),
            "kind": "holiday",
        },
    )
    assert "一次最多设置" in long.content.decode()
    # only the district admin
    for who in ("secretary_huachuan", "staff_baizhang", "worker_huachuan"):
        assert client_for(who).get("/services/calendar/").status_code == 404


def test_the_past_is_refused_by_the_service_too_but_the_system_may_backfill(persona, huachuan):
    district = _district(huachuan)
    past = timezone.localdate() - datetime.timedelta(days=400)
    with pytest.raises(InvalidInput):
        services.calendar_day_set(
            actor=persona("admin_district"), district=district, date=past, kind=DayKind.HOLIDAY, name="补"
        )
    HolidayCalendar.objects.filter(district=district, date=past).delete()
    services.calendar_day_set(actor=SYSTEM, district=district, date=past, kind=DayKind.HOLIDAY, name="补")
    assert HolidayCalendar.objects.filter(district=district, date=past, name="补").exists()


def test_running_requests_keep_their_deadlines(make_request, persona, huachuan):
    day = _future_weekday(5)
    at = timezone.make_aware(datetime.datetime.combine(day - datetime.timedelta(days=1), datetime.time(10)))
    with time_machine.travel(at - datetime.timedelta(days=3), tick=False):
        req = make_request("stairwell-light", at=at)
        due = req.resolution_due
        services.calendar_day_set(
            actor=persona("admin_district"), district=_district(huachuan), date=day, kind=DayKind.HOLIDAY
        )
    req.refresh_from_db()
    assert req.resolution_due == due


def test_a_duplicate_is_a_conflict_in_the_service(persona, huachuan):
    day = _future_weekday(50)
    admin = persona("admin_district")
    services.calendar_day_set(actor=admin, district=_district(huachuan), date=day, kind=DayKind.HOLIDAY)
    with pytest.raises(Conflict):
        services.calendar_day_set(actor=admin, district=_district(huachuan), date=day, kind=DayKind.HOLIDAY)
    # renaming it is a change, not a duplicate
    services.calendar_day_set(
        actor=admin, district=_district(huachuan), date=day, kind=DayKind.HOLIDAY, name="新"
    )


# --- the grids ----------------------------------------------------------------------------------------


def _grid(community: Region) -> Region:
    return (
        Region.objects.filter(path__startswith=community.path, kind=RegionKind.GRID).order_by("path").first()
    )


def test_the_secretary_assigns_a_grids_social_worker_of_the_community(client_for, persona, huachuan):
    from community365.core.roles import Role
    from community365.people import services as people

    web = client_for("secretary_huachuan")
    grid = _grid(huachuan)
    second = people.user_create(
        actor=SYSTEM,
        username="worker_huachuan_2",
        password=None,
        display_name="二号社工",
        district=_district(huachuan),
    )
    people.role_grant(actor=SYSTEM, user=second, role=Role.SOCIAL_WORKER, region=huachuan)
    page = web.get("/services/grids/").content.decode()
    assert grid.name in page and "二号社工" in page
    response = web.post("/services/grids/", {"community": huachuan.pk, "grid": grid.pk, "worker": second.pk})
    assert response.status_code == 302
    assert GridWorker.objects.get(region=grid).worker == second


def test_a_worker_of_another_community_or_a_grid_elsewhere_is_refused(client_for, persona, huachuan, region):
    web = client_for("secretary_huachuan")
    grid = _grid(huachuan)
    before = GridWorker.objects.get(region=grid).worker_id
    stranger = persona("worker_huangli")
    refused = web.post("/services/grids/", {"community": huachuan.pk, "grid": grid.pk, "worker": stranger.pk})
    assert refused.status_code == 200 and "只能指定本社区的社工" in refused.content.decode()
    assert GridWorker.objects.get(region=grid).worker_id == before
    elsewhere = _grid(region("黄鹂社区"))
    if elsewhere is not None:
        other = web.post(
            "/services/grids/", {"community": huachuan.pk, "grid": elsewhere.pk, "worker": before}
        )
        assert "请选择本社区的网格" in other.content.decode()
        assert not GridWorker.objects.filter(region=elsewhere, worker_id=before).exists()
    # asking for another community's grids shows one's own
    page = web.get(f"/services/grids/?community={region('黄鹂社区').pk}").content.decode()
    assert huachuan.name in page
    for who in ("worker_huachuan", "resident_huachuan", "staff_baizhang"):
        assert client_for(who).get("/services/grids/").status_code == 404


def test_the_desk_home_links_the_keepers_pages(client_for):
    admin = client_for("admin_district").get("/services/").content.decode()
    assert "/services/catalogue/manage/" in admin and "/services/calendar/" in admin
    secretary = client_for("secretary_huachuan").get("/services/").content.decode()
    assert "/services/grids/" in secretary and "/services/calendar/" not in secretary


def test_an_organisation_or_department_of_another_district_delivers_nothing_here(huachuan):
    # given a second district (numbered after the demo's) with an organisation and a department
    from community365.regions import services as regions
    from community365.regions.models import Department, Organisation

    demo = _district(huachuan)
    other = regions.region_create(actor=SYSTEM, parent=None, kind="district", name="测试区", code="T-ORG")
    assert other.pk > demo.pk
    deliverers = {
        "organisation": (
            Organisation.objects.filter(district_id=demo.pk).order_by("pk").first(),
            regions.organisation_create(actor=SYSTEM, region=other, name="外区社工机构", kind="social"),
        ),
        "department": (
            Department.objects.filter(district_id=demo.pk).order_by("pk").first(),
            regions.department_create(actor=SYSTEM, district=other, name="外区住建局", code="t-housing"),
        ),
    }

    def save(district, kind, deliverer):
        return services.catalogue_item_save(
            actor=SYSTEM,
            district=district,
            code=f"other-{kind}",
            category="convenience",
            name="代办",
            deliverer=kind,
            **{kind: deliverer},
        )

    # each district's items are delivered by its own, whichever way the ids lie
    for kind, (ours, theirs) in deliverers.items():
        for district, deliverer in ((demo, theirs), (other, ours)):
            with pytest.raises(InvalidInput):
                save(district, kind, deliverer)
        assert getattr(save(demo, kind, ours), f"{kind}_id") == ours.pk


def test_a_secretary_deletes_their_communitys_unused_addition_and_not_the_districts_items(persona, huachuan):
    from community365.core.errors import NotAllowed

    secretary = persona("secretary_huachuan")
    addition = _addition(huachuan, "hc-umbrella")
    services.catalogue_item_delete(actor=secretary, item=addition)
    assert not CatalogueItem.objects.filter(pk=addition.pk).exists()
    district_item = CatalogueItem.objects.filter(
        region__isnull=True, district_id=huachuan.district_id
    ).first()
    with pytest.raises(NotAllowed):
        services.catalogue_item_delete(actor=secretary, item=district_item)


def test_the_calendar_service_keeps_today_and_refuses_to_clear_an_ordinary_day(persona, huachuan):
    admin, district = persona("admin_district"), _district(huachuan)
    # today's deadlines are being counted on it: not today, only from tomorrow
    with pytest.raises(InvalidInput):
        services.calendar_day_set(actor=admin, district=district, date=timezone.localdate(), kind="holiday")
    tomorrow = _future_weekday(1)
    assert (
        services.calendar_day_set(actor=admin, district=district, date=tomorrow, kind="holiday") is not None
    )
    # clearing a day that was never marked is a mistake worth telling
    ordinary = _future_weekday(45)
    with pytest.raises(InvalidInput):
        services.calendar_day_set(actor=admin, district=district, date=ordinary, kind=None)


def test_a_marked_day_may_be_renamed_and_put_back_to_ordinary(persona, huachuan):
    admin, district = persona("admin_district"), _district(huachuan)
    day = _future_weekday(50)
    services.calendar_day_set(actor=admin, district=district, date=day, kind="holiday", name="测试节")
    with pytest.raises(Conflict):  # the same day, kind and name again (a name typed anew)
        services.calendar_day_set(
            actor=admin, district=district, date=day, kind="holiday", name="".join(["测试", "节"])
        )
    # the same kind under another name is a correction, not a duplicate
    services.calendar_day_set(actor=admin, district=district, date=day, kind="holiday", name="")
    assert HolidayCalendar.objects.get(district=district, date=day).name == ""
    # and the day may become ordinary again
    assert services.calendar_day_set(actor=admin, district=district, date=day, kind=None) is None
    assert not HolidayCalendar.objects.filter(district=district, date=day).exists()

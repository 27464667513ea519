"""The service desk's part of the demo (issue 11): the district's working calendar, the
catalogue of the six services with a 划船 addition, grids answered by worker_huachuan, a year of
requests across the district (a few hundred; several thousand with ``builder.full``) by the
catalogue's mix — most closed on time, some late, some still open and supervised — a 12345
hotline file (shipped beside the desk: ``desk/demo_data/hotline_demo.csv``) with good, bad and
duplicate rows, resident_huachuan's requests in several states, and the Open311 client ``demo``
whose key the log prints. Idempotent: each part is skipped once it exists."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from community365.core.actors import SystemActor
from community365.desk import services
from community365.desk.hotline import hotline_import
from community365.desk.models import (
    CatalogueItem,
    DayKind,
    Deliverer,
    HolidayCalendar,
    HotlineImport,
    LampType,
    LightingFile,
    LightingLog,
    LightingLogKind,
    Maintainer,
    ServiceRequest,
)
from community365.people.models import Person, User
from community365.regions.models import Department, Organisation, Region, RegionKind

ORDER = 60
SYSTEM = SystemActor("demo")
MODEL = "划船社区"
# One request in ten is closed late (a draw above 0.9); in the model community only those above
# MODEL_LATE_FROM (one in fifty).
MODEL_LATE_FROM = 0.98

# (code, category, name, deliverer, department code / team / organisation, response h, resolution d, online, requirements)
CATALOGUE: list[tuple[str, str, str, str, str, int, int, bool, str]] = [
    (
        "party-transfer",
        "party_building",
        "党员组织关系转接",
        Deliverer.SOCIAL_WORKER,
        "",
        4,
        5,
        False,
        "党员证明材料",
    ),
    ("party-volunteer", "party_building", "在职党员志愿服务对接", Deliverer.TEAM, "", 8, 5, True, ""),
    ("certificate", "convenience", "代办证明", Deliverer.SOCIAL_WORKER, "", 4, 2, True, "身份证、户口簿"),
    ("appliance", "convenience", "家电维修", Deliverer.TEAM, "", 8, 5, True, "故障描述"),
    ("stairwell-light", "convenience", "楼道亮灯", Deliverer.SOCIAL_WORKER, "", 4, 3, True, "楼道位置"),
    ("drain", "convenience", "下水道疏通", Deliverer.DEPARTMENT, "housing", 4, 5, True, "位置、照片"),
    ("online-booking", "smart_info", "线上预约", Deliverer.SOCIAL_WORKER, "", 4, 1, True, ""),
    ("phone-class", "smart_info", "智能手机教学", Deliverer.TEAM, "", 8, 10, True, ""),
    ("elderly-care", "public_welfare", "独居老人关怀", Deliverer.SOCIAL_WORKER, "", 2, 2, True, "老人住址"),
    ("meal", "public_welfare", "助餐", Deliverer.ORGANISATION, "", 8, 3, True, "老人情况"),
    ("bath", "tailored_care", "助浴", Deliverer.ORGANISATION, "", 8, 5, True, "老人情况、预约时间"),
    ("home-visit", "tailored_care", "上门探视", Deliverer.SOCIAL_WORKER, "", 4, 3, True, ""),
    (
        "room-booking",
        "shared_culture",
        "活动室预约",
        Deliverer.SOCIAL_WORKER,
        "",
        4,
        2,
        True,
        "活动内容、人数",
    ),
    ("library", "shared_culture", "图书借阅", Deliverer.SOCIAL_WORKER, "", 8, 3, True, ""),
]
# Open311 attributes of the demo's items (optional ones: clients that send none still post).
ATTRIBUTES: dict[str, list[dict[str, Any]]] = {
    "stairwell-light": [
        {
            "code": "floor",
            "datatype": "number",
            "required": False,
            "order": 1,
            "description": "哪一层的灯不亮",
            "datatype_description": "楼层数字，例如 3",
        },
        {
            "code": "fault",
            "datatype": "singlevaluelist",
            "required": False,
            "order": 2,
            "description": "是什么情况",
            "values": [
                {"key": "dark", "name": "完全不亮"},
                {"key": "flicker", "name": "闪烁"},
                {"key": "sensor", "name": "声控不灵"},
            ],
        },
    ],
}
# The mix of a year's requests (weights by item code).
MIX = {
    "stairwell-light": 14,
    "drain": 8,
    "certificate": 16,
    "appliance": 10,
    "elderly-care": 9,
    "meal": 7,
    "bath": 3,
    "home-visit": 6,
    "online-booking": 8,
    "room-booking": 8,
    "phone-class": 4,
    "library": 3,
    "party-transfer": 2,
    "party-volunteer": 2,
}
TEXTS = {
    "stairwell-light": "楼道灯坏了，晚上上下楼看不见。",
    "drain": "下水道堵了，污水返上来。",
    "certificate": "需要开一份居住证明。",
    "appliance": "家里的电饭煲坏了，请志愿者帮忙修一下。",
    "elderly-care": "隔壁独居老人几天没出门，请去看看。",
    "meal": "老人行动不便，希望每天送午餐。",
    "bath": "家里老人需要助浴服务。",
    "home-visit": "母亲出院在家，希望社工上门看看。",
    "online-booking": "想预约下周的法律咨询。",
    "room-booking": "周六下午想借活动室排练合唱。",
    "phone-class": "想学用手机挂号。",
    "library": "想借几本养生方面的书。",
    "party-transfer": "组织关系要转到社区。",
    "party-volunteer": "在职党员想报名周末志愿服务。",
}
# Public holidays and worked weekend days (调休) of the demo years.
HOLIDAYS: dict[int, tuple[list[tuple[str, str, str]], list[str]]] = {
    2025: (
        [
            ("01-01", "01-01", "元旦"),
            ("01-28", "02-04", "春节"),
            ("04-04", "04-06", "清明节"),
            ("05-01", "05-05", "劳动节"),
            ("05-31", "06-02", "端午节"),
            ("10-01", "10-08", "国庆节、中秋节"),
        ],
        ["01-26", "02-08", "04-27", "09-28", "10-11"],
    ),
    2026: (
        [
            ("01-01", "01-03", "元旦"),
            ("02-15", "02-23", "春节"),
            ("04-04", "04-06", "清明节"),
            ("05-01", "05-05", "劳动节"),
            ("06-19", "06-21", "端午节"),
            ("09-25", "09-27", "中秋节"),
            ("10-01", "10-07", "国庆节"),
        ],
        ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"],
    ),
    2027: (
        [
            ("01-01", "01-03", "元旦"),
            ("02-06", "02-14", "春节"),
            ("04-05", "04-05", "清明节"),
            ("05-01", "05-05", "劳动节"),
            ("10-01", "10-07", "国庆节"),
        ],
        ["02-20", "10-09"],
    ),
}


def build(builder: Any) -> None:
    district = builder.district
    if district is None:
        return
    with transaction.atomic():
        build_calendar(builder, district)
        items = build_catalogue(builder, district)
        build_grids(builder)
    _client, key = services.open311_client_issue(actor=SYSTEM, district=district, name="demo")
    services.open311_client_issue(actor=SYSTEM, district=district, name="hotline-12345")
    if not ServiceRequest.objects.filter(district=district, channel="assisted").exists():
        with transaction.atomic():
            build_year(builder, district, items)
            build_hot_spot(builder, items)
            build_resident(builder, items)
    import_hotline_file(builder, district)
    build_lighting(builder, district, items)
    build_tasks(builder, district)
    services.sweep(actor=SYSTEM)
    builder.log(f"service desk: {ServiceRequest.objects.filter(district=district).count()} requests")
    builder.log(f"Open311 demo client key (python manage.py open311_key demo): {key}")


def build_calendar(builder: Any, district: Region) -> None:
    if HolidayCalendar.objects.filter(district=district).exists():
        return
    for year, (holidays, workdays) in HOLIDAYS.items():
        for start, end, name in holidays:
            day = datetime.date.fromisoformat(f"{year}-{start}")
            last = datetime.date.fromisoformat(f"{year}-{end}")
            while day <= last:
                services.calendar_day_set(
                    actor=SYSTEM, district=district, date=day, kind=DayKind.HOLIDAY, name=name
                )
                day += datetime.timedelta(days=1)
        for worked in workdays:
            services.calendar_day_set(
                actor=SYSTEM,
                district=district,
                date=datetime.date.fromisoformat(f"{year}-{worked}"),
                kind=DayKind.WORKDAY,
            )
    builder.report.add("holiday_calendar")


def build_catalogue(builder: Any, district: Region) -> dict[str, CatalogueItem]:
    from community365.teams.models import Team

    model = builder.places[MODEL]
    team = Team.objects.filter(region__path__startswith=model.path).order_by("id").first()
    organisation = Organisation.objects.filter(district=district, kind="social").order_by("id").first()
    departments = {d.code: d for d in Department.objects.filter(district=district)}
    for code, category, name, deliverer, dept, response, resolution, online, needs in CATALOGUE:
        if CatalogueItem.objects.filter(district=district, code=code).exists():
            continue
        if (deliverer == Deliverer.TEAM and team is None) or (
            deliverer == Deliverer.ORGANISATION and organisation is None
        ):
            deliverer = Deliverer.SOCIAL_WORKER
        services.catalogue_item_save(
            actor=SYSTEM,
            district=district,
            code=code,
            category=category,
            name=name,
            deliverer=deliverer,
            requirements=needs,
            department=departments.get(dept) if deliverer == Deliverer.DEPARTMENT else None,
            team=team if deliverer == Deliverer.TEAM else None,
            organisation=organisation if deliverer == Deliverer.ORGANISATION else None,
            response_hours=response,
            resolution_days=resolution,
            online=online,
            attributes=ATTRIBUTES.get(code),
        )
        builder.report.add("catalogue_item")
    if not CatalogueItem.objects.filter(district=district, code="huachuan-aunties").exists():
        services.catalogue_item_save(
            actor=SYSTEM,
            district=district,
            community=model,
            code="huachuan-aunties",
            category="tailored_care",
            name="划船阿姨上门帮扶",
            description="社区“划船阿姨”志愿者上门陪伴、代购、读报。",
            deliverer=Deliverer.SOCIAL_WORKER,
            response_hours=4,
            resolution_days=3,
        )
    return {i.code: i for i in CatalogueItem.objects.filter(district=district)}


def build_grids(builder: Any) -> None:
    worker = User.objects.filter(username="worker_huachuan").first()
    if worker is None:
        return
    model = builder.places[MODEL]
    for grid in Region.objects.filter(path__startswith=model.path, kind=RegionKind.GRID).order_by("path"):
        if not services.GridWorker.objects.filter(region=grid).exists():
            services.grid_worker_set(actor=SYSTEM, grid=grid, worker=worker)


def _desk_moment(builder: Any, day: datetime.date) -> datetime.datetime:
    rng = builder.rng
    hour = rng.choice([9, 9, 10, 10, 11, 14, 14, 15, 16, 16, 19, 20])
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, rng.randrange(0, 60))))


def build_year(builder: Any, district: Region, items: dict[str, CatalogueItem]) -> None:
    rng = builder.rng
    total = 3000 if builder.full else 120
    now = timezone.now()
    communities = list(
        Region.objects.filter(
            district=district, kind__in=[RegionKind.COMMUNITY, RegionKind.COOPERATIVE]
        ).order_by("path")
    )
    model = builder.places[MODEL]
    stairwells: dict[int, list[Region]] = {}
    for place in Region.objects.filter(
        district=district, kind__in=[RegionKind.STAIRWELL, RegionKind.BUILDING]
    ).only("id", "path", "name", "kind", "district_id", "depth"):
        for community in communities:
            if place.path.startswith(community.path):
                stairwells.setdefault(community.pk, []).append(place)
                break
    codes = [c for c in MIX if c in items]
    weights = [MIX[c] for c in codes]
    for n in range(total):
        community = model if rng.random() < 0.3 else rng.choice(communities)
        code = rng.choices(codes, weights)[0]
        item = items[code]
        places = stairwells.get(community.pk) or [community]
        place = (
            rng.choice(places)
            if code in ("stairwell-light", "drain", "appliance")
            else rng.choice([community, *places[:2]])
        )
        created = _desk_moment(builder, (now - datetime.timedelta(days=rng.randrange(1, 365))).date())
        if created >= now:
            created = now - datetime.timedelta(hours=2)
        req = services.request_assist(actor=SYSTEM, item=item, place=place, text=TEXTS[code], at=created)
        age = now - created
        fate = rng.random()
        if age < datetime.timedelta(days=3) and fate < 0.5:
            continue  # still waiting to be accepted
        respond = created + datetime.timedelta(hours=rng.choice([0.5, 1, 2, 3, 6, 20]))
        if respond >= now:
            continue
        services.request_accept(actor=SYSTEM, req=req, at=respond)
        if fate < 0.04 and age > datetime.timedelta(days=10):
            continue  # open and overdue: the sweep supervises it
        late = fate > 0.9
        if late:
            margin = rng.randrange(1, 5)
            # The model community's desk keeps its deadlines: most requests that run late
            # elsewhere are closed there in the last hours before the deadline (the same draws,
            # so every other community's requests stay as they were).
            if community.pk == model.pk and fate <= MODEL_LATE_FROM:
                close_at = max(
                    respond + datetime.timedelta(minutes=30),
                    req.resolution_due - datetime.timedelta(hours=margin),
                )
            else:
                close_at = req.resolution_due + datetime.timedelta(days=margin)
        else:
            close_at = respond + (req.resolution_due - respond) * rng.uniform(0.1, 0.9)
        if close_at >= now:
            continue
        services.request_close(actor=SYSTEM, req=req, resolution="已上门处理，问题解决。", at=close_at)
        rated = rng.random()
        if rated < 0.75:
            rating = rng.choices([5, 4, 3, 2, 1], [55, 30, 9, 4, 2])[0]
            rate_at = close_at + datetime.timedelta(hours=rng.randrange(2, 48))
            if rate_at < now:
                if rating <= 2 and rng.random() < 0.5:
                    services.request_reopen(
                        actor=SYSTEM, req=req, reason="问题没有彻底解决。", rating=rating, at=rate_at
                    )
                else:
                    services.request_rate(actor=SYSTEM, req=req, rating=rating, at=rate_at)
        # A call back is made by the request's social worker; a cooperative has none of its own.
        if (
            n % 7 == 0
            and req.status in ("closed", "confirmed")
            and (req.assignee_id or services.community_worker(req.community) is not None)
        ):
            services.callback_record(
                actor=SYSTEM,
                req=req,
                reached=True,
                satisfied=True,
                note="居民表示满意。",
                at=close_at + datetime.timedelta(days=1),
            )
    builder.report.add("service_request", total)


def build_hot_spot(builder: Any, items: dict[str, CatalogueItem]) -> None:
    """The same stairwell's lamp reported four times in two months: a hot spot for 划船's secretary."""
    model = builder.places[MODEL]
    stairwells = list(
        Region.objects.filter(path__startswith=model.path, kind=RegionKind.STAIRWELL).order_by("path")[:3]
    )
    if not stairwells:
        return
    now = timezone.now()
    for days in (5, 19, 33, 47):
        at = _desk_moment(builder, (now - datetime.timedelta(days=days)).date())
        req = services.request_assist(
            actor=SYSTEM,
            item=items["stairwell-light"],
            place=stairwells[-1],
            text=TEXTS["stairwell-light"],
            at=at,
        )
        services.request_accept(actor=SYSTEM, req=req, at=at + datetime.timedelta(hours=1))
        services.request_close(
            actor=SYSTEM, req=req, resolution="更换了灯泡。", at=at + datetime.timedelta(hours=20)
        )


def build_resident(builder: Any, items: dict[str, CatalogueItem]) -> None:
    """resident_huachuan's requests: submitted, being handled, waiting for them, closed (to rate)
    and rated."""
    user = User.objects.filter(username="resident_huachuan").first()
    if user is None:
        return
    person = Person.objects.filter(user=user).first()
    model = builder.places[MODEL]
    place = (
        Region.objects.filter(path__startswith=model.path, kind=RegionKind.STAIRWELL).order_by("path").first()
        or model
    )
    now = timezone.now()
    plans = [
        ("stairwell-light", "我家楼道的灯又不亮了。", []),
        ("appliance", "洗衣机不脱水了，想请志愿者看看。", ["accept"]),
        ("certificate", "需要开居住证明给孩子上学用。", ["accept", "pause"]),
        ("home-visit", "我父亲出院在家，想请社工来看看。", ["accept", "close"]),
        ("room-booking", "想借活动室办生日会。", ["accept", "close", "rate"]),
    ]
    for code, text, steps in plans:
        at = now - datetime.timedelta(days=2, hours=len(steps))
        req = services.request_assist(
            actor=SYSTEM, item=items[code], place=place, text=text, person=person, at=at
        )
        req.author = user
        ServiceRequest.objects.filter(pk=req.pk).update(author=user, channel="app")
        for i, step in enumerate(steps, start=1):
            when = at + datetime.timedelta(hours=i)
            if step == "accept":
                services.request_accept(actor=SYSTEM, req=req, at=when)
            elif step == "pause":
                services.request_pause(actor=SYSTEM, req=req, reason="请补充孩子的学校名称。", at=when)
            elif step == "close":
                services.request_close(actor=SYSTEM, req=req, resolution="社工已上门，办好了。", at=when)
            elif step == "rate":
                services.request_rate(actor=SYSTEM, req=req, rating=5, at=when)


def import_hotline_file(builder: Any, district: Region) -> None:
    if HotlineImport.objects.filter(district=district).exists():
        return
    model = builder.places[MODEL]
    stairwell = (
        Region.objects.filter(path__startswith=model.path, kind=RegionKind.STAIRWELL).order_by("path").first()
    )
    huangli = builder.places.get("黄鹂社区") or model
    today = timezone.localdate()
    days = {f"d{i}": (today - datetime.timedelta(days=i)).isoformat() for i in (1, 2, 3, 4)}
    template = (Path(__file__).resolve().parents[1] / "desk" / "demo_data" / "hotline_demo.csv").read_text(
        "utf-8"
    )
    text = template.format(
        huachuan=model.code, huachuan_stairwell=(stairwell or model).code, huangli=huangli.code, **days
    )
    hotline_import(actor=SYSTEM, district=district, filename="12345-demo.csv", data=text.encode("utf-8"))
    builder.report.add("hotline_import")


LIGHTING_SUBDISTRICT = "明楼街道"


def last_winter(today: datetime.date) -> datetime.date:
    """The 1 December that began the last winter whose repairs (reported within 80 days of it)
    are all in the past: on 1 December the winter just begun has none yet, and a build that day
    found no repair on file, so building again filed the dark stairwells twice."""
    winter = datetime.date(today.year - 1, 12, 1)
    while (today - winter).days < 90:
        winter = winter.replace(year=winter.year - 1)
    return winter


def build_lighting(builder: Any, district: Region, items: dict[str, CatalogueItem]) -> None:
    """明楼街道's stairwells filed (亮灯档案: lamps, type, sensor, who maintains them), as in the
    article; last winter a sixth of them went dark and were repaired through the desk, and a few
    are dark now. Skipped once the winter's repairs are on file."""
    sub = Region.objects.filter(district=district, name=LIGHTING_SUBDISTRICT).first()
    if sub is None or "stairwell-light" not in items:
        return
    if LightingLog.objects.filter(
        district=district, kind=LightingLogKind.REPAIR, file__community__path__startswith=sub.path
    ).exists():
        return
    rng = builder.rng
    stairwells = list(
        Region.objects.filter(
            district=district, kind=RegionKind.STAIRWELL, path__startswith=sub.path
        ).order_by("path")
    )
    now = timezone.now()
    winter = last_winter(now.date())
    filed_at = timezone.make_aware(
        datetime.datetime.combine(winter - datetime.timedelta(days=60), datetime.time(9))
    )
    with transaction.atomic():
        for stair in stairwells:
            if LightingFile.objects.filter(district=district, stairwell=stair).exists():
                continue
            services.lighting_file_save(
                actor=SYSTEM,
                stairwell=stair,
                lamps=rng.choice([4, 6, 6, 8, 12]),
                lamp_type=rng.choice([LampType.LED, LampType.LED, LampType.FLUORESCENT]),
                sensor=rng.random() < 0.8,
                maintainer=rng.choice([Maintainer.PROPERTY, Maintainer.PROPERTY, Maintainer.COMMUNITY]),
                at=filed_at,
            )
        item = items["stairwell-light"]
        for stair in stairwells[::6]:
            reported = _desk_moment(builder, winter + datetime.timedelta(days=rng.randrange(0, 80)))
            if reported >= now:
                continue
            req = services.request_assist(
                actor=SYSTEM, item=item, place=stair, text="冬天楼道灯全灭了，老人上下楼不安全。", at=reported
            )
            accepted = reported + datetime.timedelta(hours=2)
            repaired = reported + datetime.timedelta(days=rng.randrange(1, 6))
            if accepted < now:
                services.request_accept(actor=SYSTEM, req=req, at=accepted)
                if repaired < now:
                    services.request_close(
                        actor=SYSTEM, req=req, resolution="物业更换了感应灯，已恢复亮灯。", at=repaired
                    )
        # A few dark now: reported in the last weeks, not yet repaired.
        for stair in stairwells[3::9][:3]:
            reported = _desk_moment(builder, (now - datetime.timedelta(days=rng.randrange(3, 30))).date())
            if reported < now:
                services.request_assist(
                    actor=SYSTEM, item=item, place=stair, text="楼道灯不亮好几天了。", at=reported
                )
    builder.report.add("lighting_file", len(stairwells))


# --- deskflow: a request split into tasks ---------------------------------------------------------


def build_tasks(builder: Any, district: Region) -> None:
    """resident_huachuan's washing machine (being handled) split in two: the community's social
    worker brings a volunteer, the housing department checks the water pressure (its inbox).
    Skipped once a task exists."""
    from community365.desk.models import RequestTask

    if RequestTask.objects.filter(district=district).exists():
        return
    req = (
        ServiceRequest.objects.filter(
            district=district, author__username="resident_huachuan", item__code="appliance", status="accepted"
        )
        .select_related("community")
        .first()
    )
    secretary = User.objects.filter(username="secretary_huachuan").first()
    worker = User.objects.filter(username="worker_huachuan").first()
    housing = Department.objects.filter(district=district, code="housing").first()
    if req is None or secretary is None or worker is None or housing is None:
        return
    with transaction.atomic():
        services.task_add(
            actor=secretary, req=req, text="带家电维修志愿者上门看洗衣机", due_days=2, worker=worker
        )
        services.task_add(
            actor=secretary,
            req=req,
            text="核实该楼水压是否偏低（洗衣机进水慢）",
            due_days=5,
            department=housing,
        )
    builder.report.add("request_task", 2)

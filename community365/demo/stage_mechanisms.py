"""The demo's secretary projects and first secretaries, with the article's 2016 figures: a menu of
35 candidate projects, applications from 46 units, 71 projects on the year's list (in progress);
first secretaries posted across communities and cooperatives whose confirmed ledger totals are
the article's (59 community spirits, 140+ brands, 120+ social organisations, 130+ events, 190+
problems solved); 冯培荣 (区住建局) extended twice at the residents' petition; 15 front-line
batches (800+ cadres with ``--full``). Everything goes through the services; a second run adds nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from community365.core.actors import SystemActor
from community365.core.roles import Role
from community365.regions.models import Department, Organisation, Region, RegionKind

ORDER = 60
SYSTEM = SystemActor("seed_demo")
YEAR = 2016

MENU = [
    ("service", "楼道长“一键通”联系服务"),
    ("service", "社区居家养老“幸福食堂”"),
    ("service", "困难家庭“微心愿”结对认领"),
    ("service", "社区便民服务“最多跑一次”"),
    ("service", "在职党员进社区“亮身份”服务"),
    ("service", "空巢老人“暖心”走访"),
    ("organisation", "“两新”组织党组织全覆盖"),
    ("organisation", "党员“三会一课”规范化"),
    ("organisation", "流动党员“口袋党支部”"),
    ("organisation", "楼宇党建“红色驿站”"),
    ("organisation", "党员积分制管理"),
    ("organisation", "软弱涣散党组织整顿提升"),
    ("co_building", "社区与驻区单位“双向认领”"),
    ("co_building", "区域化党建资源清单共享"),
    ("co_building", "物业党建联建提升收费率"),
    ("co_building", "共建单位“结对走亲”"),
    ("co_building", "学校与社区“四点半课堂”"),
    ("co_building", "医院与社区“家庭医生”签约"),
    ("governance", "“三方协商”解决小区难题"),
    ("governance", "老旧小区停车位改造议事"),
    ("governance", "“老娘舅”调解工作室"),
    ("governance", "网格员“每日一巡”"),
    ("governance", "居民公约修订与践行"),
    ("governance", "小区环境“红黑榜”"),
    ("culture", "社区精神提炼与传播"),
    ("culture", "“党章学堂”进社区"),
    ("culture", "社区文化节"),
    ("culture", "“邻里节”睦邻行动"),
    ("culture", "红色故事宣讲团"),
    ("culture", "家风家训进万家"),
    ("talent", "“领头雁”书记工作室带徒"),
    ("talent", "社工“一专多能”培训"),
    ("talent", "青年党员“先锋岗”"),
    ("talent", "志愿者骨干培育"),
    ("talent", "社区后备干部“墩苗”"),
]
UNITS_APPLYING = 46
PROJECTS_LISTED = 71
# The confirmed ledger's totals (the article: 59, 140+, 120+, 130+, 190+).
LEDGER = {"spirit": 59, "brand": 143, "social_org": 124, "event": 136, "problem": 192}
FENG_COMMUNITY = "划船社区"
FRONTLINE_BATCHES, FRONTLINE_PER_BATCH = 15, 54  # 810 cadres in the full-size district
FRONTLINE_PER_BATCH_SMALL = 6  # the quick demo (and the tests' world): 90 cadres


def build(builder: Any) -> None:
    from community365.mechanisms.models import MenuItem

    district = builder.district
    if MenuItem.objects.filter(district=district, year=YEAR).exists():
        return
    _projects(builder, district)
    _current_year(builder, district)
    _first_secretaries(builder, district)
    _frontline(builder, district)
    _centres(builder, district)
    _funds(builder, district)
    _cobuilding(builder, district)


def _secretary(builder: Any, key: str, name: str) -> Any:
    user = builder.user(f"usec_{key}", name, can_login=False)
    builder.grant(user, Role.UNIT_SECRETARY, builder.district)
    return user


def _units(builder: Any, district: Region) -> list[Any]:
    """46 units: 划船社区 (secretary_huachuan), the organisation of unit_secretary_demo, and
    communities, cooperatives, departments and organisations with secretaries of their own."""
    from community365.mechanisms import services
    from community365.people.models import User

    units = [
        services.units_for_applying(User.objects.get(username="secretary_huachuan"))[0],
        services.unit_assign(
            actor=SYSTEM,
            secretary=User.objects.get(username="unit_secretary_demo"),
            organisation=Organisation.objects.get(district=district, name="和丰创意广场企业联合党委"),
        ),
    ]
    for dept in Department.objects.filter(district=district).order_by("id")[:6]:
        units.append(
            services.unit_assign(
                actor=SYSTEM, secretary=_secretary(builder, f"d{dept.pk}", builder.name()), department=dept
            )
        )
    for org in (
        Organisation.objects.filter(district=district)
        .exclude(name="和丰创意广场企业联合党委")
        .order_by("id")[:3]
    ):
        units.append(
            services.unit_assign(
                actor=SYSTEM, secretary=_secretary(builder, f"o{org.pk}", builder.name()), organisation=org
            )
        )
    places = (
        Region.objects.filter(
            path__startswith=district.path, kind__in=[RegionKind.COMMUNITY, RegionKind.COOPERATIVE]
        )
        .exclude(name="划船社区")
        .order_by("path")
    )
    for place in places:
        if len(units) >= UNITS_APPLYING:
            break
        units.append(
            services.unit_assign(
                actor=SYSTEM, secretary=_secretary(builder, f"c{place.pk}", builder.name()), community=place
            )
        )
    return units


def _milestones(rng: Any, year: int, owner: str) -> list[tuple[str, str, datetime.date]]:
    return [
        ("入户调研，形成问题清单", owner, datetime.date(year, 3, rng.randint(10, 31))),
        ("制定方案并召开推进会", owner, datetime.date(year, 5, rng.randint(1, 31))),
        ("落实主要措施", owner, datetime.date(year, 9, rng.randint(1, 30))),
        ("总结评估，形成台账", owner, datetime.date(year, 12, rng.randint(1, 20))),
    ]


def _projects(builder: Any, district: Region) -> None:
    from community365.mechanisms import services
    from community365.mechanisms.models import ProjectTheme

    rng = builder.rng
    menu = [
        services.menu_item_add(
            actor=SYSTEM,
            district=district,
            year=YEAR,
            title=title,
            theme=theme,
            aim="形成可复制的做法，群众看得见、摸得着",
        )
        for theme, title in MENU
    ]
    services.rubric_set(actor=SYSTEM, district=district, year=YEAR)
    units = _units(builder, district)
    # 71 projects from 46 units: every unit one, 25 of them a second; 划船社区 two.
    plan = [*list(units), units[0], *units[2 : 2 + PROJECTS_LISTED - len(units) - 1]]
    for n, unit in enumerate(plan):
        from_menu = n % 5 != 4
        item = menu[n % len(menu)] if from_menu else None
        title = item.title if item else f"{unit.name}特色项目"
        if n >= len(units):
            title = f"{title}（二期）"
        secretary = unit.secretary
        project = services.project_apply(
            actor=secretary,
            unit=unit,
            year=YEAR,
            title=title[:80],
            problem="走访居民和党员，发现服务覆盖不全、居民参与不足",
            goal="年底前覆盖全部小区，居民满意度明显提升",
            measures="建立工作小组，分解任务到人，每月推进一次，年底总结评估",
            milestones=_milestones(rng, YEAR, secretary.display_name or "书记"),
            menu_item=item,
            theme="" if item else rng.choice(ProjectTheme.values),
            budget_yuan=rng.choice((0, 5000, 10000, 20000, 30000)),
            partners=rng.choice(("", "驻区单位", "社会组织", "物业公司")),
        )
        services.project_review(actor=SYSTEM, project=project, decision="approve", reason="")
        tasks = list(project.tasks.order_by("due"))
        done = rng.choice((1, 2, 3, 3, 3, 4))
        for task in tasks[:done]:
            services.task_done(actor=SYSTEM, task=task)
        percent = min(95, done * 25 - rng.choice((0, 5, 10)))
        services.progress_report(
            actor=SYSTEM, project=project, note="按计划推进，已完成阶段任务", percent=max(percent, 10)
        )
        if n % 3 == 0:
            services.mid_year_check(
                actor=SYSTEM,
                project=project,
                on_track=done >= 2,
                note="已检查台账和现场" if done >= 2 else "进度滞后，请加快推进",
            )
    builder.report.add("secretary_project", len(plan))


def _current_year(builder: Any, district: Region) -> None:
    """This year's menu and a few applications waiting for the organisation department."""
    import django.utils.timezone as tz

    from community365.mechanisms import services
    from community365.mechanisms.models import SecretaryUnit

    year = tz.localdate().year
    if year == YEAR:
        return
    items = [
        services.menu_item_add(actor=SYSTEM, district=district, year=year, title=title, theme=theme)
        for theme, title in MENU[:12]
    ]
    units = list(SecretaryUnit.objects.filter(district=district).order_by("id")[:5])
    for n, unit in enumerate(units):
        project = services.project_apply(
            actor=unit.secretary,
            unit=unit,
            year=year,
            title=items[n].title,
            problem="居民反映的问题集中在养老和停车",
            goal="一年内解决居民反映最集中的三个问题",
            measures="召开议事会，分解任务，按月推进",
            milestones=_milestones(builder.rng, year, "书记"),
            menu_item=items[n],
        )
        if n == 1:
            services.project_review(
                actor=SYSTEM, project=project, decision="return", reason="请写清楚每个节点的责任人"
            )


def _first_secretaries(builder: Any, district: Region) -> None:
    from community365.mechanisms import services
    from community365.mechanisms.models import ResultCategory
    from community365.people.models import User

    rng = builder.rng
    departments = list(Department.objects.filter(district=district).order_by("id"))
    housing = Department.objects.get(district=district, name="区住建局")
    places = list(
        Region.objects.filter(
            path__startswith=district.path, kind__in=[RegionKind.COMMUNITY, RegionKind.COOPERATIVE]
        )
        .exclude(name__in=["黄鹂社区", FENG_COMMUNITY])
        .order_by("path")
    )
    postings = []
    feng = services.posting_create(
        actor=SYSTEM,
        region=Region.objects.get(path__startswith=district.path, name=FENG_COMMUNITY),
        cadre_name="冯培荣",
        home_department=housing,
        starts_on=datetime.date(2013, 3, 1),
        ends_on=datetime.date(2014, 2, 28),
    )
    services.posting_extend(
        actor=SYSTEM,
        posting=feng,
        new_end=datetime.date(2015, 2, 28),
        reason="宜居示范小区改造正在推进，居民挽留",
        petition="老冯帮我们改造小区、建公益街区、改停车位，请组织上让他留下来。",
    )
    last = services.posting_extend(
        actor=SYSTEM,
        posting=feng,
        new_end=datetime.date(2016, 12, 31),
        reason="公益街区筹建未完成，居民再三挽留",
        petition="公益街区还没建好，我们联名请求冯书记再留一年。",
    )
    residents = User.objects.filter(
        username__startswith="resident_0", person__community__name=FENG_COMMUNITY
    ).order_by("username")[:12]
    for user in residents:
        services.petition_sign(actor=user, extension=last)
    postings.append(feng)
    firstsec = User.objects.get(username="firstsec_demo")
    current_term_end = running_term_end(timezone.localdate())
    postings.append(
        services.posting_create(
            actor=SYSTEM,
            region=Region.objects.get(path__startswith=district.path, name="黄鹂社区"),
            cadre=firstsec,
            cadre_name=firstsec.display_name or "第一书记",
            home_department=departments[1],
            starts_on=datetime.date(2016, 3, 1),
            ends_on=current_term_end,
        )
    )
    for n, place in enumerate(places[: 24 if not builder.full else 60]):
        postings.append(
            services.posting_create(
                actor=SYSTEM,
                region=place,
                cadre_name=builder.name(),
                home_department=departments[n % len(departments)],
                from_reserve=n % 3 == 0,
                role="deputy" if n % 7 == 6 else "first",
                starts_on=datetime.date(2013 + n % 4, 3, 1),
                ends_on=current_term_end if n % 4 == 3 else datetime.date(2014 + n % 4, 2, 28),
            )
        )
    # The ledger: the article's totals, spread over the postings, each confirmed by the community.
    titles = {
        "spirit": "提炼社区精神",
        "brand": "培育服务品牌",
        "social_org": "组建社会组织",
        "event": "策划党日活动",
        "problem": "破解小区难题",
    }
    for category, total in LEDGER.items():
        left, i = total, 0
        while left > 0:
            posting = postings[i % len(postings)]
            quantity = 1 if category == "spirit" else min(left, rng.randint(1, 4))
            result = services.result_log(
                actor=SYSTEM,
                posting=posting,
                category=category,
                title=f"{posting.region.name}{titles[category]}",
                evidence="社区党组织会议记录和照片存档",
                quantity=quantity,
            )
            services.result_confirm(actor=SYSTEM, result=result)
            left -= quantity
            i += 1
    # Terms that are over end with their report (冯培荣's after his second extension).
    today = timezone.localdate()
    for posting in postings:
        if posting.ends_on < today:
            services.posting_end(
                actor=SYSTEM, posting=posting, report="任期内完成了派驻时商定的各项任务，成绩单经社区确认。"
            )
    # Waiting for the community: one in 黄鹂 and one from 划船's deputy first secretary.
    services.result_log(
        actor=firstsec,
        posting=postings[1],
        category=ResultCategory.PROBLEM,
        title="协调解决黄鹂新村楼道照明",
        evidence="楼道灯已全部更换，居民签字确认单",
    )
    huachuan = services.posting_create(
        actor=SYSTEM,
        region=Region.objects.get(path__startswith=district.path, name="划船社区"),
        cadre_name=builder.name(),
        home_department=departments[2],
        role="deputy",
        starts_on=datetime.date(2016, 3, 1),
        ends_on=current_term_end,
    )
    services.result_log(
        actor=SYSTEM,
        posting=huachuan,
        category=ResultCategory.EVENT,
        title="组织“党章学堂”进小区",
        evidence="活动签到表和照片",
    )
    builder.report.add("first_secretary_posting", len(postings) + 1)


def running_term_end(today: datetime.date) -> datetime.date:
    """The end of the terms still running: next February, whenever the demo is seeded (a fixed
    date made the demo refuse to seed once it had passed: no result is logged on an ended term)."""
    return datetime.date(today.year + 1, 2, 28)


def _frontline(builder: Any, district: Region) -> None:
    from community365.mechanisms import services
    from community365.mechanisms.models import FrontlineTask

    departments = list(Department.objects.filter(district=district).order_by("id"))
    subs = list(
        Region.objects.filter(path__startswith=district.path, kind=RegionKind.SUBDISTRICT).order_by("path")
    )
    tasks = [
        (FrontlineTask.FLOOD, "“菲特”台风抗洪救灾"),
        (FrontlineTask.CLEARANCE, "东部新城征地拆迁"),
        (FrontlineTask.PROJECT, "重点工程项目推进"),
    ]
    per_batch = FRONTLINE_PER_BATCH if builder.full else FRONTLINE_PER_BATCH_SMALL
    for batch in range(1, FRONTLINE_BATCHES + 1):
        task, assignment = tasks[batch % 3]
        start = datetime.date(2013 + batch // 5, 1 + batch % 12, 1)
        for n in range(per_batch):
            services.frontline_record(
                actor=SYSTEM,
                region=subs[(batch + n) % len(subs)],
                batch=batch,
                task=task,
                assignment=assignment,
                cadre_name=builder.name(),
                home_department=departments[n % len(departments)],
                starts_on=start,
            )
    builder.report.add("frontline_posting", FRONTLINE_BATCHES * per_batch)


LECTURE_TOPICS = [
    "学党章、守党规",
    "党的光辉历程",
    "新时代党员的初心使命",
    "基层党组织建设",
    "党员志愿服务怎么做",
    "社区治理中的党员作用",
    "廉洁自律准则解读",
    "红色家风故事",
    "“两学一做”专题",
    "党员先锋模范作用",
]
SPEAKERS = ["俞复玲", "区委党校 王老师", "区委组织部 陈处长", "宁波大学 李教授", "老党员 张师傅"]


def _centres(builder: Any, district: Region) -> None:
    """Rooms in every centre, a year of 党章学堂 (120+ lectures, and the coming weeks'), bookings
    and a steady stream of delegations."""
    from django.utils import timezone

    from community365.mechanisms import services
    from community365.people.models import User
    from community365.regions.models import ServiceCentre

    rng = builder.rng
    centres = list(ServiceCentre.objects.filter(district=district).order_by("id"))
    rooms = []
    for centre in centres:
        for name, capacity in (("多功能厅", 120), ("会议室", 30), ("党员活动室", 40)):
            rooms.append(services.room_add(actor=SYSTEM, centre=centre, name=name, capacity=capacity))
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    # a year of lectures: Tuesday, Thursday and Saturday evenings, rotating over the centres
    start = now - datetime.timedelta(days=365)
    lectures = []
    day, n = start, 0
    while day < now + datetime.timedelta(days=28):
        if day.weekday() in (1, 3, 5):
            lectures.append(
                services.lecture_schedule(
                    actor=SYSTEM,
                    centre=centres[n % len(centres)],
                    title=LECTURE_TOPICS[n % len(LECTURE_TOPICS)],
                    speaker=SPEAKERS[n % len(SPEAKERS)],
                    starts_at=day.replace(hour=19),
                    capacity=rng.choice((40, 60, 100)),
                )
            )
            n += 1
        day += datetime.timedelta(days=1)
    listeners = list(User.objects.filter(username__startswith="member_").order_by("username")[:20])
    for lecture in [lec for lec in lectures if lec.starts_at > now][:4]:
        for user in listeners[: rng.randint(5, 15)]:
            services.lecture_register(actor=user, lecture=lecture)
    booker = User.objects.get(username="secretary_huachuan")
    for i in range(10):
        begin = (now + datetime.timedelta(days=1 + i)).replace(hour=9 + (i % 3) * 3)
        services.room_book(
            actor=booker,
            room=rooms[(i * 2) % len(rooms)],
            starts_at=begin,
            ends_at=begin + datetime.timedelta(hours=2),
            booker_kind="community",
            booker_name="划船社区",
            purpose=rng.choice(("党员议事会", "居民恳谈会", "志愿者培训")),
        )
    today = timezone.localdate()
    for i in range(40):
        services.visit_log(
            actor=SYSTEM,
            centre=centres[i % len(centres)],
            visited_on=today - datetime.timedelta(days=3 + i * 8),
            delegation=rng.choice(
                ("兄弟县区组织部考察团", "省内街道书记培训班", "高校党建研究团队", "外省社区工作者学习团")
            ),
            visitors=rng.randint(10, 60),
        )
    builder.report.add("lecture", len(lectures))
    builder.report.add("room", len(rooms))


def _funds(builder: Any, district: Region) -> None:
    """2016's and this year's funds for every community (district finance and party-fee returns),
    a few spending entries each, and one correction in 划船社区."""
    from decimal import Decimal

    from community365.mechanisms import services
    from community365.people.models import User

    rng = builder.rng
    worker = User.objects.get(username="worker_huachuan")
    today = timezone.localdate()
    places = Region.objects.filter(
        path__startswith=district.path, kind__in=[RegionKind.COMMUNITY, RegionKind.COOPERATIVE]
    ).order_by("path")
    for year in (YEAR, today.year):
        for place in places:
            services.fund_allocate(
                actor=SYSTEM,
                region=place,
                year=year,
                source="district",
                kind="party_building",
                amount=rng.choice((50000, 60000, 80000)),
            )
            services.fund_allocate(
                actor=SYSTEM,
                region=place,
                year=year,
                source="party_fee",
                kind="service",
                amount=rng.choice((20000, 30000)),
            )
            last_day = datetime.date(year, 12, 20) if year < today.year else today
            for n in range(2 if place.name != "划船社区" else 6):
                day = datetime.date(year, 1 + (n * 2) % 12, 10)
                if day > last_day:
                    break
                services.fund_spend(
                    actor=SYSTEM,
                    region=place,
                    year=year,
                    kind="party_building",
                    category=rng.choice(("activities", "training", "service", "venue")),
                    spent_on=day,
                    amount=Decimal(rng.randint(800, 6000)),
                    description=rng.choice(("主题党日活动", "党员培训教材", "为老服务", "活动室修缮")),
                )
    from community365.mechanisms.models import FundEntry

    # the first of this year's entries, or of the article's year in early January (none of
    # this year's is dated yet): the ledger always shows one reversal
    mistake = FundEntry.objects.filter(region__name="划船社区").order_by("-year", "id").first()
    if mistake is not None:
        services.fund_reverse(actor=worker, row=mistake, reason="金额录错，重新登记")


OFFERS = [
    ("room", "会议室每周开放两个半天"),
    ("volunteers", "职工志愿者每月服务一次"),
    ("expertise", "法律咨询进社区"),
    ("funds", "年度共建资金"),
    ("expertise", "健康义诊"),
    ("volunteers", "青年突击队"),
    ("room", "职工食堂为老助餐"),
]
NEEDS = [
    ("room", "居民议事需要固定场地"),
    ("volunteers", "独居老人每周探访人手不足"),
    ("expertise", "邻里纠纷需要法律指导"),
    ("funds", "楼道微改造缺少资金"),
    ("expertise", "老年人慢病管理"),
]
ESTATES = {
    "划船社区": [("华光城物业服务有限公司", ["划船新村", "曙光小区"])],
    "黄鹂社区": [("黄鹂物业", ["黄鹂新村"])],
}


def _cobuilding(builder: Any, district: Region) -> None:
    """The three lists with matches, agreements, every community's model and property
    co-building whose fee collection rate rose from under half to over 90%."""
    from decimal import Decimal

    from community365.mechanisms import services
    from community365.mechanisms.models import CoBuildingModel

    rng = builder.rng
    units = [("o", o) for o in Organisation.objects.filter(district=district).order_by("id")] + [
        ("d", d) for d in Department.objects.filter(district=district).order_by("id")
    ]
    for n, (kind_key, unit) in enumerate(units):
        for kind, title in (OFFERS[n % len(OFFERS)], OFFERS[(n + 3) % len(OFFERS)]):
            if kind_key == "o":
                services.offer_add(actor=SYSTEM, kind=kind, title=title, organisation=unit)  # type: ignore[arg-type]
            else:
                services.offer_add(actor=SYSTEM, kind=kind, title=title, department=unit)  # type: ignore[arg-type]
    models = CoBuildingModel.values
    places = list(
        Region.objects.filter(
            path__startswith=district.path, kind__in=[RegionKind.COMMUNITY, RegionKind.COOPERATIVE]
        ).order_by("path")
    )
    for n, place in enumerate(places):
        services.cobuilding_model_set(actor=SYSTEM, region=place, model=models[n % len(models)])
    for n, place in enumerate(places[:16]):
        for k in range(2):
            kind, title = NEEDS[(n + k) % len(NEEDS)]
            need = services.need_add(actor=SYSTEM, region=place, kind=kind, title=title)
            if (n + k) % 3 != 2:
                offer = services.suggestions(need).first()
                if offer is not None:
                    services.coproject_agree(actor=SYSTEM, need=need, offer=offer)
    today = timezone.localdate()
    huachuan = Region.objects.get(path__startswith=district.path, name="划船社区")
    for year in (YEAR, today.year):
        for partner in ("区住建局", "华光城物业服务有限公司", "江东区党员律师公益服务团"):
            agreement = services.agreement_sign(
                actor=SYSTEM,
                region=huachuan,
                partner=partner,
                year=year,
                plan="每季度共商一次，共办两件实事，年底共同回顾",
            )
            if year == YEAR:
                services.agreement_review(actor=SYSTEM, agreement=agreement, review="计划全部完成，居民满意")
    for name, companies in ESTATES.items():
        place = Region.objects.get(path__startswith=district.path, name=name)
        for company, estates in companies:
            manager = services.property_manager_add(
                actor=SYSTEM, region=place, name=company, has_party_branch=True
            )
            for quarter in range(4):
                services.property_meeting_log(
                    actor=SYSTEM,
                    manager=manager,
                    held_on=datetime.date(YEAR, 3 * quarter + 1, 15),
                    topic=rng.choice(("停车难", "楼道堆物清理", "物业费收缴", "绿化补种")),
                    outcome="形成共识，分工落实",
                )
            for estate in estates:
                # the article's story whatever the random draws: under half in 2012, over 90% by
                # 2016, rising every year in between (steps that merely drifted upwards ended
                # below 90 when earlier stages had drawn more numbers, e.g. in January)
                first, last = rng.randint(42, 49), rng.randint(91, 96)
                span = YEAR - 2012
                for year in range(2012, YEAR + 1):
                    share = Decimal(year - 2012) / span
                    jitter = rng.randint(-2, 2) if 2012 < year < YEAR else 0
                    rate = (first + (last - first) * share + jitter).quantize(Decimal("1"))
                    services.fee_rate_record(
                        actor=SYSTEM, manager=manager, estate=estate, year=year, rate=rate
                    )

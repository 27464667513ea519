"""The three linkages in the demo district, built through the services by the system actor:
a year of duty rotas for 百丈街道's communities (with a few deliberate gaps), party members
reporting to their communities, the seven colour teams of 划船社区 with a year of activities and
verified hours, and the volunteer logins volunteer_001 … volunteer_030 in the red team."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from community365.core.roles import Role
from community365.people.models import User
from community365.regions import services as regions
from community365.regions.models import Organisation, Region

from . import services
from .models import (
    Colour,
    DutyRoster,
    MemberRole,
    PartyMember,
    ServiceKind,
    Shift,
    ShiftKind,
    Slot,
    Team,
    TeamKind,
    TeamMembership,
)

if TYPE_CHECKING:
    from community365.demo.generator import DemoBuilder

MODEL = "划船社区"
ROTA_SUBDISTRICT = "百丈街道"
VOLUNTEERS = 30

# (colour, code, kind name, what the team does)
COLOUR_KINDS = [
    (Colour.RED, "red", "红色先锋", "政策宣讲、党员先锋岗"),
    (Colour.ORANGE, "orange", "橙色助老", "助老助残、陪护探访"),
    (Colour.YELLOW, "yellow", "黄色环卫", "楼道清洁、垃圾分类"),
    (Colour.GREEN, "green", "绿色平安", "平安巡防、消防检查"),
    (Colour.CYAN, "cyan", "青色关爱", "青少年课后托管、四点半课堂"),
    (Colour.BLUE, "blue", "蓝色便民", "家电维修、理发、磨刀"),
    (Colour.PURPLE, "purple", "紫色文化", "文艺演出、书画教学"),
]
OTHER_KINDS = [
    ("mediation", "调解", "老娘舅调解邻里纠纷"),
    ("legal", "法律服务", "每月 8 日免费法律咨询"),
    ("emergency", "应急救援", "台风、内涝时转移群众、送餐送蜡烛"),
    ("culture_club", "兴趣社团", "太极、合唱、摄影"),
]
ACTIVITY_TITLES = {
    "red": ["党章学堂宣讲", "党员先锋岗值守", "政策进楼道"],
    "orange": ["高龄老人上门探访", "助老理发", "陪老人看病"],
    "yellow": ["楼道大扫除", "垃圾分类宣传", "小区绿化养护"],
    "green": ["夜间平安巡逻", "消防隐患排查", "防诈骗宣传"],
    "cyan": ["四点半课堂", "暑期托管", "青少年读书会"],
    "blue": ["家电义务维修", "便民磨刀修伞", "手机使用教学"],
    "purple": ["社区文艺汇演", "书画进家庭", "合唱排练"],
}
UNITS = [
    ("江东区人民医院", "BZ"),
    ("江东区实验小学", "DS"),
    ("宁波银行江东支行", "ML"),
]


class TeamsDemo:
    def __init__(self, builder: DemoBuilder) -> None:
        self.b = builder
        self.system = builder_system()
        assert builder.district is not None
        self.district: Region = builder.district
        self.today = timezone.localdate()
        self.tz = timezone.get_current_timezone()

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    def build(self) -> None:
        kinds = self.build_kinds()
        self.build_rotas()
        self.build_party(kinds)
        if not Team.objects.filter(district=self.district).exists():
            self.build_teams(kinds)

    # --- service kinds ----------------------------------------------------------------------
    def build_kinds(self) -> dict[str, ServiceKind]:
        kinds = {k.code: k for k in ServiceKind.objects.filter(district=self.district)}
        for colour, code, name, description in COLOUR_KINDS:
            if code not in kinds:
                kinds[code] = services.service_kind_define(
                    actor=self.system,
                    district=self.district,
                    code=code,
                    name=name,
                    colour=colour,
                    description=description,
                )
        for code, name, description in OTHER_KINDS:
            if code not in kinds:
                kinds[code] = services.service_kind_define(
                    actor=self.system, district=self.district, code=code, name=name, description=description
                )
        return kinds

    # --- 社工联勤 ----------------------------------------------------------------------------
    def build_rotas(self, subdistrict: str = ROTA_SUBDISTRICT) -> None:
        from .selectors import community_workers

        sub = self.b.places[subdistrict]
        year_start = datetime.date(self.today.year, 1, 1)
        year_end = datetime.date(self.today.year, 12, 31)
        for community in Region.objects.filter(path__startswith=sub.path, kind="community").order_by("path"):
            if DutyRoster.objects.filter(region=community).exists():
                continue
            roster = services.roster_open(actor=self.system, community=community)
            workers = [w.pk for w in community_workers(community)]
            if not workers:
                continue
            pattern = []
            slots = [
                (Slot.MORNING, ShiftKind.DESK),
                (Slot.AFTERNOON, ShiftKind.DESK),
                (Slot.EVENING, ShiftKind.ON_CALL),
            ]
            for weekday in range(7):
                for i, (slot, kind) in enumerate(slots):
                    worker = workers[(weekday * 3 + i) % len(workers)]
                    pattern.append(services.PatternEntry(weekday, slot, kind, worker))
            # The calendar year, and into the next one late in December, so the published
            # window (60 days) is always staffed.
            horizon = self.today + datetime.timedelta(days=60)
            for start, end in ((year_start, year_end), (year_end + datetime.timedelta(days=1), horizon)):
                if start <= end:
                    services.roster_fill_pattern(
                        actor=self.system, roster=roster, start=start, end=end, pattern=pattern
                    )
            # Deliberate gaps: 划船 has three unstaffed evenings next week, 华严 a morning in
            # two weeks; the coverage check must find exactly these.
            gaps: list[tuple[datetime.date, str]] = []
            if community.name == MODEL:
                gaps = [(self.today + datetime.timedelta(days=d), Slot.EVENING.value) for d in (7, 8, 9)]
            elif community.name == "华严社区":
                gaps = [(self.today + datetime.timedelta(days=14), Slot.MORNING.value)]
            for day, gap_slot in gaps:
                for shift in Shift.objects.filter(roster=roster, date=day, slot=gap_slot):
                    services.shift_remove(actor=self.system, shift=shift)
            services.roster_publish(
                actor=self.system,
                roster=roster,
                through=horizon,
                accept_gaps=True,
            )

    # --- 党员联动 ----------------------------------------------------------------------------
    def build_party(self, kinds: dict[str, ServiceKind]) -> None:
        if PartyMember.objects.filter(district=self.district).exists():
            return
        units = []
        for name, sub_code in UNITS:
            unit = Organisation.objects.filter(district=self.district, name=name).first()
            if unit is None:
                sub = next(p for p in self.b.places.values() if p.code.endswith(f"-{sub_code}"))
                unit = regions.organisation_create(actor=self.system, region=sub, name=name, kind="unit")
            units.append(unit)
        huachuan = self.b.places[MODEL]
        member_demo = User.objects.get(username="member_demo")
        demo = services.party_member_register(
            actor=self.system,
            user=member_demo,
            community=huachuan,
            party_organisation="江东区人民医院党委第二支部",
            unit=units[0],
            posts=[kinds["red"], kinds["orange"]],
        )
        services.party_member_decide(actor=self.system, member=demo, confirm=True)
        for community_name, count in ((MODEL, 16), ("华严社区", 4), ("黄鹂社区", 4), ("明楼社区", 4)):
            community = self.b.places[community_name]
            for n in range(1, count + 1):
                user = self.b.user(
                    f"pm_{community.code.lower().replace('-', '_')}_{n}", self.b.name(), can_login=False
                )
                in_service = n % 4 != 0
                unit = units[n % len(units)] if in_service else None
                member = services.party_member_register(
                    actor=self.system,
                    user=user,
                    community=community,
                    party_organisation=f"{unit.name}党支部" if unit else f"{community.name}退休党员支部",
                    unit=unit,
                    in_service=in_service,
                    posts=[kinds[COLOUR_KINDS[n % 7][1]]],
                )
                # The model community confirms its party members as they report: only the
                # latest registration of 划船 waits for the secretary (secretary_huachuan's to-do).
                if not (community_name == MODEL and n == count):
                    services.party_member_decide(actor=self.system, member=member, confirm=True)
        for unit in units[:2]:
            report = services.unit_report_register(
                actor=self.system, organisation=unit, community=huachuan, note="结对共建：助老、义诊"
            )
            services.unit_report_decide(actor=self.system, report=report, confirm=True)
        services.unit_report_register(
            actor=self.system, organisation=units[2], community=huachuan, note="金融知识进社区"
        )

    # --- 志愿联盟 ----------------------------------------------------------------------------
    def build_teams(self, kinds: dict[str, ServiceKind]) -> None:
        b = self.b
        huachuan = b.places[MODEL]
        leader = User.objects.get(username="volunteer_demo")
        volunteers = []
        for n in range(1, VOLUNTEERS + 1):
            user = b.user(f"volunteer_{n:03d}", f"志愿者{n:03d}")
            b.grant(user, Role.VOLUNTEER, huachuan)
            volunteers.append(user)
        colour_teams: dict[str, Team] = {}
        for colour, code, name, description in COLOUR_KINDS:
            colour_teams[code] = services.team_create(
                actor=self.system,
                region=huachuan,
                name=f"阳光8号·{colour.label}色{name[2:]}服务队",
                kind=TeamKind.COLOUR,
                colour=colour,
                service_kind=kinds[code],
                description=description,
            )
        red = colour_teams["red"]
        services.team_add_member(actor=self.system, team=red, user=leader, role=MemberRole.LEADER)
        for user in volunteers:
            services.team_add_member(actor=self.system, team=red, user=user)
        # The other colour teams: a leader and members drawn from the volunteers (a person may
        # serve in several teams) and from the reported party members.
        members = list(
            User.objects.filter(party_member__region=huachuan)
            .exclude(username="member_demo")
            .order_by("username")
        )
        for i, code in enumerate(["orange", "yellow", "green", "cyan", "blue", "purple"]):
            team = colour_teams[code]
            crew = volunteers[i * 4 : i * 4 + 6] + members[i * 2 : i * 2 + 3]
            services.team_add_member(actor=self.system, team=team, user=crew[0], role=MemberRole.LEADER)
            for user in crew[1:]:
                services.team_add_member(actor=self.system, team=team, user=user)
        member_demo = User.objects.get(username="member_demo")
        services.team_add_member(actor=self.system, team=colour_teams["orange"], user=member_demo)
        others = [
            (b.places[ROTA_SUBDISTRICT], "百丈街道老娘舅协会", TeamKind.MEDIATORS, kinds["mediation"]),
            (b.places[ROTA_SUBDISTRICT], "百丈街道党员律师服务团", TeamKind.LAWYERS, kinds["legal"]),
            (b.places["黄鹂社区"], "黄鹂社区防汛应急队", TeamKind.EMERGENCY, kinds["emergency"]),
            (huachuan, "划船社区太极拳社", TeamKind.INTEREST, kinds["culture_club"]),
        ]
        for place, name, kind, service_kind in others:
            services.team_create(
                actor=self.system, region=place, name=name, kind=kind, service_kind=service_kind
            )
        for name in ("华严社区", "黄鹂社区", "明楼社区"):
            for colour, code, kind_name, _d in COLOUR_KINDS[:2]:
                services.team_create(
                    actor=self.system,
                    region=b.places[name],
                    name=f"{name}{colour.label}色{kind_name[2:]}服务队",
                    kind=TeamKind.COLOUR,
                    colour=colour,
                    service_kind=kinds[code],
                )
        self.build_activities(colour_teams, volunteers, leader)

    def build_activities(self, teams: dict[str, Team], volunteers: list[User], leader: User) -> None:
        """A year of monthly activities per colour team, with sign-ups and verified hours;
        and a few coming ones for the red team to sign up for."""
        rng = self.b.rng
        for code, team in teams.items():
            crew = list(
                User.objects.filter(
                    team_memberships__team=team, team_memberships__left_at__isnull=True
                ).order_by("username")
            )
            organiser = (
                TeamMembership.objects.filter(team=team, role=MemberRole.LEADER)
                .select_related("user")
                .first()
            )
            assert organiser is not None
            helpers = [u for u in crew if u.pk != organiser.user_id]
            for months_back in range(12, 0, -1):
                day = self.today - datetime.timedelta(days=30 * months_back - rng.randrange(0, 10))
                start = self.at(day, rng.choice((9, 14)))
                end = start + datetime.timedelta(hours=rng.choice((2, 3)))
                activity = services.activity_create(
                    actor=self.system,
                    team=team,
                    title=rng.choice(ACTIVITY_TITLES[code]),
                    starts_at=start,
                    ends_at=end,
                    capacity=10,
                    place="划船社区党群服务中心",
                    organiser=organiser.user,
                    now=start - datetime.timedelta(days=7),
                )
                hours = (end - start).total_seconds() / 3600
                services.record_sheet(
                    actor=self.system,
                    activity=activity,
                    entries=[(v, hours) for v in rng.sample(helpers, min(len(helpers), rng.randint(4, 8)))],
                    residents_served=rng.randint(15, 60),
                    now=end + datetime.timedelta(days=1),
                )
        red = teams["red"]
        for days, title, capacity in (
            (2, "楼道党员先锋岗：帮老人拎菜", 10),
            (5, "党章学堂宣讲：新时代文明实践", 20),
        ):
            start = self.at(self.today + datetime.timedelta(days=days), 9)
            services.activity_create(
                actor=self.system,
                team=red,
                title=title,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=3),
                capacity=capacity,
                place="划船社区党群服务中心",
                needs="穿红马甲，带水杯",
                organiser=leader,
                now=timezone.now(),
            )


def builder_system():  # the generator's system actor, without a circular import at module load
    from community365.demo.generator import SYSTEM

    return SYSTEM


def build_teams(builder: DemoBuilder) -> None:
    TeamsDemo(builder).build()

"""Builds the demo district through the services (never raw inserts), in one transaction,
deterministically (a seeded random generator). Running it again adds nothing."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from community365.core.actors import SystemActor
from community365.core.roles import Role
from community365.people import services as people
from community365.people.models import Gender, Person, RoleAssignment, User
from community365.regions import services as regions
from community365.regions.models import Department, Region, RegionKind

from . import data, stages

SYSTEM = SystemActor("seed_demo")
SOCIAL_WORKERS_TOTAL = 500


def share_by_population(total: int, populations: list[int], *, minimum: int = 0) -> list[int]:
    """``total`` seats shared in proportion to ``populations`` by the largest remainder (Hamilton's
    method): each place gets the whole part of its share, then the seats left go one each to the
    largest fractional parts (ties to the earlier place, so the result is deterministic). A place
    whose share is below ``minimum`` gets the minimum and the others share the rest. Without any
    population the seats are shared evenly."""
    n = len(populations)
    if n == 0:
        return []
    if total < minimum * n:
        raise ValueError(f"{total} seats cannot give {n} places {minimum} each")
    weights = populations if sum(populations) > 0 else [1] * n
    fixed: dict[int, int] = {}
    while True:
        free = [i for i in range(n) if i not in fixed]
        left = total - sum(fixed.values())
        whole = sum(weights[i] for i in free)
        quotas = {i: Fraction(left * weights[i], whole) for i in free}
        low = [i for i in free if quotas[i] < minimum]
        if not low:
            break
        fixed.update(dict.fromkeys(low, minimum))
    seats = {i: int(q) for i, q in quotas.items()} | fixed
    spare = left - sum(int(q) for q in quotas.values())
    for i in sorted(quotas, key=lambda i: (-(quotas[i] - int(quotas[i])), i))[:spare]:
        seats[i] += 1
    return [seats[i] for i in range(n)]


@dataclass
class Persona:
    username: str
    display_name: str
    role: str
    place: str  # community name, subdistrict name, or "" for the district
    department: str = ""
    note: str = ""


PERSONAS = [
    Persona("admin_district", "区委组织部 管理员", Role.DISTRICT_ADMIN, "", note="全区：审计日志、后台"),
    Persona("staff_baizhang", "百丈街道 工作人员", Role.SUBDISTRICT_STAFF, "百丈街道"),
    Persona("secretary_huachuan", "俞书记", Role.COMMUNITY_SECRETARY, "划船社区"),
    Persona("worker_huachuan", "划船社区 社工", Role.SOCIAL_WORKER, "划船社区"),
    Persona("worker_huangli", "黄鹂社区 社工", Role.SOCIAL_WORKER, "黄鹂社区"),
    Persona("liaison_housing", "区住建局 联络员", Role.DEPARTMENT_LIAISON, "", department="区住建局"),
    Persona("leader_demo", "区领导", Role.DISTRICT_LEADER, ""),
    Persona("member_demo", "在职党员", Role.PARTY_MEMBER, "划船社区"),
    Persona("volunteer_demo", "红队队长", Role.VOLUNTEER, "划船社区"),
    Persona("resident_huachuan", "划船居民", Role.RESIDENT, "划船社区"),
    Persona("mediator_demo", "老娘舅 调解员", Role.MEDIATOR, "划船社区"),
    Persona("lawyer_demo", "党员律师", Role.LAWYER, "福明家园社区"),
    Persona("justice_demo", "区司法局 工作人员", Role.JUSTICE_OFFICER, ""),
    Persona("emergency_demo", "黄鹂社区 应急队员", Role.VOLUNTEER, "黄鹂社区"),
    Persona("firstsec_demo", "黄鹂社区 第一书记", Role.FIRST_SECRETARY, "黄鹂社区"),
    Persona("unit_secretary_demo", "单位党支部书记", Role.UNIT_SECRETARY, ""),
]


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


class DemoBuilder:
    def __init__(
        self,
        *,
        scale: int = 1,
        seed: int = 365,
        full: bool = False,
        full_fraction: float = 1.0,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.scale = max(1, scale)
        # The full-size district (seed_demo --full): the article's figures; see demo/stages.py.
        self.full = full
        # Scales the full-size counts down (for trying ``--full`` quickly); 1.0 is the article.
        self.full_fraction = full_fraction
        self.rng = random.Random(seed)
        self.log = log or (lambda _msg: None)
        self.report = SeedReport()
        self.password_hash = make_password(settings.DEMO_PASSWORD)
        self.district: Region | None = None
        self.places: dict[str, Region] = {}

    # --- helpers ------------------------------------------------------------------------------
    def name(self) -> str:
        given = "".join(self.rng.choice(data.GIVEN) for _ in range(self.rng.choice((1, 2))))
        return self.rng.choice(data.SURNAMES) + given

    def phone(self) -> str:
        return "1" + self.rng.choice("3589") + "".join(self.rng.choice("0123456789") for _ in range(9))

    def region(self, parent: Region | None, kind: str, name: str, code: str, **extra: Any) -> Region:
        existing = Region.objects.filter(code=code).first()
        if existing is not None:
            return existing
        self.report.add(kind)
        return regions.region_create(actor=SYSTEM, parent=parent, kind=kind, name=name, code=code, **extra)

    def user(self, username: str, display_name: str, *, can_login: bool = True) -> User:
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            return existing
        self.report.add("user")
        return people.user_create(
            actor=SYSTEM,
            username=username,
            password=None,
            display_name=display_name,
            district=self.district,
            password_hash=self.password_hash if can_login else None,
        )

    def grant(self, user: User, role: str, region: Region, department: Department | None = None) -> None:
        if RoleAssignment.objects.filter(
            user=user, role=role, region=region, revoked_at__isnull=True
        ).exists():
            return
        self.report.add("role")
        people.role_grant(actor=SYSTEM, user=user, role=role, region=region, department=department)

    # --- the district -------------------------------------------------------------------------
    def build(self) -> SeedReport:
        with transaction.atomic():
            self.build_places()
            self.build_organisations()
            self.build_residents()
            if self.full:
                self.fullsize().residents()
            self.build_social_workers()
            self.build_personas()
            self.build_wishes()
            self.build_teams()
            self.build_resident_logins()
            self.build_talks()
            if self.full:
                full = self.fullsize()
                full.party_and_teams()
                full.rotas()
                full.wishes()
            stages.run(self)
        return self.report

    def fullsize(self) -> Any:
        from .fullsize import FullSize

        return FullSize(self, self.full_fraction)

    def build_places(self) -> None:
        name, code = data.DISTRICT
        self.district = self.region(None, RegionKind.DISTRICT, name, code)
        for sub_name, sub_code, communities, cooperatives in data.SUBDISTRICTS:
            sub = self.region(self.district, RegionKind.SUBDISTRICT, sub_name, f"{code}-{sub_code}")
            self.places[sub_name] = sub
            units = [(c, RegionKind.COMMUNITY) for c in communities] + [
                (c, RegionKind.COOPERATIVE) for c in cooperatives
            ]
            for i, (unit_name, kind) in enumerate(units, start=1):
                extra: dict[str, Any] = {}
                if unit_name == data.MODEL_COMMUNITY:
                    extra = {
                        "is_model": True,
                        "reported_households": data.MODEL_REPORTED[0],
                        "reported_population": data.MODEL_REPORTED[1],
                    }
                elif kind == RegionKind.COMMUNITY:
                    households = self.rng.randrange(1800, 5200, 100)
                    extra = {"reported_households": households, "reported_population": int(households * 2.6)}
                unit = self.region(sub, kind, unit_name, f"{sub.code}-{i:02d}", **extra)
                self.places[unit_name] = unit
        self.log(f"places: 1 district, {len(data.SUBDISTRICTS)} subdistricts")

    def build_organisations(self) -> None:
        assert self.district is not None
        for full, short, slug in data.DEPARTMENTS:
            if not Department.objects.filter(district=self.district, code=slug).exists():
                regions.department_create(
                    actor=SYSTEM, district=self.district, name=full, short_name=short, code=slug
                )
                self.report.add("department")
        subs = {code: self.places[name] for name, code, _c, _o in data.SUBDISTRICTS}
        from community365.regions.models import Organisation, ServiceCentre

        for name, sub_code, address in data.SERVICE_CENTRES:
            if not ServiceCentre.objects.filter(district=self.district, name=name).exists():
                regions.service_centre_create(actor=SYSTEM, region=subs[sub_code], name=name, address=address)
                self.report.add("service_centre")
        for name, sub_code, kind in data.ORGANISATIONS:
            if not Organisation.objects.filter(district=self.district, name=name).exists():
                regions.organisation_create(actor=SYSTEM, region=subs[sub_code], name=name, kind=kind)
                self.report.add("organisation")

    def _layout(self, community: Region) -> tuple[int, int, int, int]:
        """grids, buildings per grid, stairwells per building, households per stairwell."""
        if community.name == data.MODEL_COMMUNITY:
            return 4, 2, 2, 5 * self.scale
        if community.kind == RegionKind.COOPERATIVE:
            return 1, 1, 2, 2 * self.scale
        return 2, 1, 2, 3 * self.scale

    def build_residents(self) -> None:
        from community365.regions.models import Household

        year = timezone.localdate().year
        for community in [
            p for p in self.places.values() if p.kind in (RegionKind.COMMUNITY, RegionKind.COOPERATIVE)
        ]:
            if Household.objects.filter(region__path__startswith=community.path).exists():
                continue
            grids, buildings, stairwells, households = self._layout(community)
            elderly_share = 0.25 if community.name == data.MODEL_COMMUNITY else 0.2
            for g in range(1, grids + 1):
                grid = self.region(community, RegionKind.GRID, f"第{g}网格", f"{community.code}-G{g}")
                for b in range(1, buildings + 1):
                    number = g * 10 + b
                    building = self.region(grid, RegionKind.BUILDING, f"{number}幢", f"{grid.code}-B{b}")
                    for s in range(1, stairwells + 1):
                        stair = self.region(
                            building, RegionKind.STAIRWELL, f"{number}幢{s}单元", f"{building.code}-S{s}"
                        )
                        for h in range(1, households + 1):
                            household = regions.household_create(
                                actor=SYSTEM,
                                stairwell=stair,
                                number=f"{number}-{s}-{(h // 2) + 1}0{h % 2 + 1}",
                            )
                            self.report.add("household")
                            size = self.rng.choice((1, 2, 2, 3, 3, 4))
                            for _ in range(size):
                                elderly = self.rng.random() < elderly_share
                                birth = year - (
                                    self.rng.randint(61, 95) if elderly else self.rng.randint(1, 59)
                                )
                                person = people.person_register(
                                    actor=SYSTEM,
                                    household=household,
                                    name=self.name(),
                                    gender=self.rng.choice((Gender.MALE, Gender.FEMALE)),
                                    birth_year=birth,
                                    phone=self.phone() if self.rng.random() < 0.85 else "",
                                    is_elderly=elderly,
                                    is_disabled=self.rng.random() < 0.03,
                                    is_migrant_worker=community.name == "福明家园社区"
                                    and self.rng.random() < 0.3,
                                    in_difficulty=self.rng.random() < 0.05,
                                    lives_alone=elderly and size == 1,
                                )
                                self.report.add("person")
                                # Most residents have been verified by their social worker.
                                if self.rng.random() < 0.6:
                                    people.person_verify_residence(actor=SYSTEM, person=person)
        self.log(f"residents: {self.report.created.get('person', 0)} new")

    def build_social_workers(self) -> None:
        """SOCIAL_WORKERS_TOTAL workers shared by the communities in proportion to the population
        each reports (the census figure that residents per worker is measured against), at least
        one each: ``sw_<community code>_<n>``."""
        communities = [p for p in self.places.values() if p.kind == RegionKind.COMMUNITY]
        seats = share_by_population(
            SOCIAL_WORKERS_TOTAL, [c.reported_population or 0 for c in communities], minimum=1
        )
        for community, count in zip(communities, seats, strict=True):
            for n in range(1, count + 1):
                user = self.user(
                    f"sw_{community.code.lower().replace('-', '_')}_{n}", self.name(), can_login=False
                )
                self.grant(user, Role.SOCIAL_WORKER, community)

    def build_personas(self) -> None:
        assert self.district is not None
        for persona in PERSONAS:
            user = self.user(persona.username, persona.display_name)
            place = self.places[persona.place] if persona.place else self.district
            department = (
                Department.objects.get(district=self.district, name=persona.department)
                if persona.department
                else None
            )
            self.grant(user, persona.role, place, department)
        resident = User.objects.get(username="resident_huachuan")
        if not Person.objects.filter(user=resident).exists():
            huachuan = self.places[data.MODEL_COMMUNITY]
            person = (
                Person.objects.filter(community=huachuan, user__isnull=True, verified_at__isnull=True)
                .order_by("id")
                .first()
            )
            assert person is not None
            people.person_link_user(actor=SYSTEM, person=person, user=resident)
            people.person_verify_residence(actor=SYSTEM, person=person)

    def build_wishes(self) -> None:
        from .wishes import build_wishes

        build_wishes(self)

    def build_teams(self) -> None:
        """The three linkages: rotas, party members, volunteer teams (community365.teams)."""
        from community365.teams.demo import build_teams

        build_teams(self)
        self.log("three linkages: rotas, party members, volunteer teams")

    def build_resident_logins(self) -> None:
        """Verified residents who can sign in: resident_001…030 of 划船社区 and
        resident_101…105 of 黄鹂社区 (the demo password, role resident)."""
        for community_name, numbers in ((data.MODEL_COMMUNITY, range(1, 31)), ("黄鹂社区", range(101, 106))):
            community = self.places[community_name]
            for n in numbers:
                username = f"resident_{n:03d}"
                if User.objects.filter(username=username).exists():
                    continue
                person = (
                    Person.objects.filter(community=community, user__isnull=True, verified_at__isnull=False)
                    .order_by("id")
                    .first()
                )
                assert person is not None, f"no verified resident left in {community_name}"
                user = self.user(username, person.name)
                self.grant(user, Role.RESIDENT, community)
                people.person_link_user(actor=SYSTEM, person=person, user=user)

    def build_talks(self) -> None:
        from .talks_history import build_talk_history

        assert self.district is not None
        build_talk_history(self, self.district)


def build_demo(
    *,
    scale: int = 1,
    full: bool = False,
    full_fraction: float = 1.0,
    log: Callable[[str], None] | None = None,
) -> SeedReport:
    return DemoBuilder(scale=scale, full=full, full_fraction=full_fraction, log=log).build()

"""The full-size district (``seed_demo --full``, ``make demo-full``): Jiangdong at the article's
figures, added on top of the quick demo (which stays exactly as ``make demo`` builds it).

- 360,000 residents in households down to the stairwells: the places (grids, buildings,
  stairwells) through ``region_create``; households and residents through the documented bulk
  paths ``households_create_bulk`` and ``persons_register_bulk``, which validate every record
  with the same functions as ``household_create`` / ``person_register`` and write the same audit
  rows, inserting them in batches (one service call per community);
- ~500 social workers (the quick demo already has them);
- 3,000+ party members reporting to their communities, in the seven colour teams of every
  community, with 1,500+ activities whose sign-in sheets serve 50,000+ residents;
- a year of duty rotas for every community;
- three years of micro-wishes, 11,000+ claimed by cadres, party members and organisations,
  and a charity market each year;
- the talks history of the quick demo already holds the article's 193 talk requests.

Everything but the residents goes through the apps' services with their clocks set to each
step's moment. ``fraction`` scales every count down (for trying the build quickly); the
measured time and disk are in docs/demo.md.
"""

from __future__ import annotations

import datetime
import random
import time
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from community365.core.roles import Role
from community365.people import services as people
from community365.people.models import Gender, Person, User
from community365.regions import services as regions
from community365.regions.models import Household, Organisation, Region, RegionKind

from . import data

if TYPE_CHECKING:
    from .generator import DemoBuilder

RESIDENTS = 360_000
PARTY_MEMBERS = 3_100
ACTIVITIES = 1_560  # 20 per community
CLAIMED_WISHES = 11_200
MARKET_WISHES = 150  # per yearly market (part of the claimed wishes)
CADRES_PER_SUBDISTRICT = 6
BUILDINGS_PER_GRID = 8
STAIRWELLS_PER_BUILDING = 4
FLOORS, DOORS = 6, 2  # households per stairwell: FLOORS * DOORS


class FullSize:
    def __init__(self, builder: DemoBuilder, fraction: float = 1.0) -> None:
        self.b = builder
        assert builder.district is not None
        self.district: Region = builder.district
        self.fraction = fraction
        self.rng = random.Random(3650)
        self.system = builder_system()
        self.communities = [p for p in builder.places.values() if p.kind == RegionKind.COMMUNITY]
        self.started = time.monotonic()

    def n(self, count: int) -> int:
        return max(1, round(count * self.fraction))

    def log(self, what: str) -> None:
        self.b.log(f"full size: {what} ({time.monotonic() - self.started:.0f} s)")

    # --- residents ------------------------------------------------------------------------------
    def residents(self) -> None:
        target = self.n(RESIDENTS)
        have = Person.objects.filter(district=self.district).count()
        units = [
            p for p in self.b.places.values() if p.kind in (RegionKind.COMMUNITY, RegionKind.COOPERATIVE)
        ]
        weights = {u.pk: u.reported_population or 1200 for u in units}
        total_weight = sum(weights.values())
        missing = max(0, target - have)
        year = timezone.localdate().year
        added = 0
        assigned = 0
        for i, unit in enumerate(units):
            # each unit's share by its reported population; the last one takes what rounding left
            want = (
                missing - assigned
                if i == len(units) - 1
                else round(missing * weights[unit.pk] / total_weight)
            )
            assigned += want
            if Region.objects.filter(code=f"{unit.code}-F1").exists():
                continue  # built by an earlier run
            if want <= 0:
                continue
            added += self.fill_community(unit, want, year)
        self.log(f"{added} residents added, {Person.objects.filter(district=self.district).count()} in all")

    def stairwells(self, community: Region, households: int) -> list[Region]:
        """Enough new grids, buildings and stairwells for ``households`` (bulk, level by level)."""
        per_stair = FLOORS * DOORS
        stairs = -(-households // per_stair)
        buildings = -(-stairs // STAIRWELLS_PER_BUILDING)
        grids = -(-buildings // BUILDINGS_PER_GRID)
        grid_rows = regions.regions_create_bulk(
            actor=self.system,
            entries=[
                (community, RegionKind.GRID, f"第{g + 10}网格", f"{community.code}-F{g}")
                for g in range(1, grids + 1)
            ],
        )
        building_entries: list[tuple[Region, str, str, str]] = []
        for g, grid in enumerate(grid_rows, start=1):
            for b in range(1, BUILDINGS_PER_GRID + 1):
                if len(building_entries) < buildings:
                    building_entries.append(
                        (grid, RegionKind.BUILDING, f"{100 + g * 10 + b}幢", f"{grid.code}-B{b}")
                    )
        building_rows = regions.regions_create_bulk(actor=self.system, entries=building_entries)
        stair_entries: list[tuple[Region, str, str, str]] = []
        for building in building_rows:
            for s in range(1, STAIRWELLS_PER_BUILDING + 1):
                if len(stair_entries) < stairs:
                    stair_entries.append(
                        (building, RegionKind.STAIRWELL, f"{building.name}{s}单元", f"{building.code}-S{s}")
                    )
        rows = regions.regions_create_bulk(actor=self.system, entries=stair_entries)
        self.b.report.add("grid", len(grid_rows))
        self.b.report.add("building", len(building_rows))
        self.b.report.add("stairwell", len(rows))
        return rows

    def fill_community(self, community: Region, want: int, year: int) -> int:
        rng = self.rng
        elderly_share = 0.2
        sizes: list[int] = []
        count = 0
        while count < want:
            size = min(rng.choice((1, 2, 2, 3, 3, 4)), want - count)
            sizes.append(size)
            count += size
        stairs = self.stairwells(community, len(sizes))
        per_stair = FLOORS * DOORS
        households: list[tuple[Region, str]] = [
            (stairs[i // per_stair], f"{(i % per_stair) // DOORS + 1}0{i % DOORS + 1}")
            for i in range(len(sizes))
        ]
        made: list[Household] = regions.households_create_bulk(actor=self.system, entries=households)
        records: list[dict[str, Any]] = []
        verify: list[bool] = []
        migrant = community.name == "福明家园社区"
        for household, size in zip(made, sizes, strict=True):
            for _ in range(size):
                elderly = rng.random() < elderly_share
                records.append(
                    {
                        "household": household,
                        "name": self.b.name(),
                        "gender": rng.choice((Gender.MALE, Gender.FEMALE)),
                        "birth_year": year - (rng.randint(61, 95) if elderly else rng.randint(1, 59)),
                        "phone": self.b.phone() if rng.random() < 0.85 else "",
                        "is_elderly": elderly,
                        "is_disabled": rng.random() < 0.03,
                        "is_migrant_worker": migrant and rng.random() < 0.3,
                        "in_difficulty": rng.random() < 0.05,
                        "lives_alone": elderly and size == 1,
                    }
                )
                verify.append(rng.random() < 0.6)
        people.persons_register_bulk(actor=self.system, records=records, verify=verify)
        self.b.report.add("household", len(made))
        self.b.report.add("person", len(records))
        return len(records)

    # --- party members, colour teams, activities -------------------------------------------------
    def party_and_teams(self) -> None:
        from community365.teams import services as teams
        from community365.teams.demo import ACTIVITY_TITLES, COLOUR_KINDS
        from community365.teams.models import MemberRole, PartyMember, ServiceKind, Team, TeamKind

        if PartyMember.objects.filter(district=self.district, user__username__startswith="fpm_").exists():
            return
        kinds = {k.code: k for k in ServiceKind.objects.filter(district=self.district)}
        units = list(Organisation.objects.filter(district=self.district, kind="unit").order_by("id"))
        per_community = -(-self.n(PARTY_MEMBERS) // len(self.communities))
        activities_per_community = -(-self.n(ACTIVITIES) // len(self.communities))
        today = timezone.localdate()
        tz = timezone.get_current_timezone()
        served = 0
        for ci, community in enumerate(self.communities):
            slug = community.code.lower().replace("-", "_")
            # the community's seven colour teams (划船社区 and three others have some already)
            existing = {t.colour: t for t in Team.objects.filter(region=community, kind=TeamKind.COLOUR)}
            colour_teams: list[Team] = []
            for colour, code, name, description in COLOUR_KINDS:
                team = existing.get(colour)
                if team is None:
                    team = teams.team_create(
                        actor=self.system,
                        region=community,
                        name=f"{community.name}{colour.label}色{name[2:]}服务队",
                        kind=TeamKind.COLOUR,
                        colour=colour,
                        service_kind=kinds[code],
                        description=description,
                    )
                colour_teams.append(team)
            crews: list[list[User]] = [[] for _ in colour_teams]
            for n in range(1, per_community + 1):
                user = self.b.user(f"fpm_{slug}_{n}", self.b.name(), can_login=False)
                self.b.grant(user, Role.PARTY_MEMBER, community)
                t = n % 7
                in_service = n % 4 != 0
                unit = units[n % len(units)] if in_service and units else None
                member = teams.party_member_register(
                    actor=self.system,
                    user=user,
                    community=community,
                    party_organisation=f"{unit.name}党支部" if unit else f"{community.name}退休党员支部",
                    unit=unit,
                    in_service=unit is not None,
                    posts=[kinds[COLOUR_KINDS[t][1]]],
                )
                teams.party_member_decide(actor=self.system, member=member, confirm=True)
                team = colour_teams[t]
                first = not crews[t] and not team.memberships.filter(role=MemberRole.LEADER).exists()
                teams.team_add_member(
                    actor=self.system,
                    team=team,
                    user=user,
                    role=MemberRole.LEADER if first else MemberRole.MEMBER,
                )
                crews[t].append(user)
            # a year of activities, spread over the colour teams, each with its sign-in sheet
            for a in range(activities_per_community):
                t = a % 7
                team, crew = colour_teams[t], crews[t]
                if len(crew) < 2:
                    continue
                code = COLOUR_KINDS[t][1]
                day = today - datetime.timedelta(days=self.rng.randint(8, 365))
                start = datetime.datetime.combine(day, datetime.time(self.rng.choice((9, 14))), tzinfo=tz)
                end = start + datetime.timedelta(hours=self.rng.choice((2, 3)))
                activity = teams.activity_create(
                    actor=self.system,
                    team=team,
                    title=self.rng.choice(ACTIVITY_TITLES[code]),
                    starts_at=start,
                    ends_at=end,
                    capacity=12,
                    place=f"{community.name}党群服务中心",
                    organiser=crew[0],
                    now=start - datetime.timedelta(days=7),
                )
                hours = (end - start).total_seconds() / 3600
                helpers = crew[1:]
                residents_served = self.rng.randint(15, 55)
                served += residents_served
                teams.record_sheet(
                    actor=self.system,
                    activity=activity,
                    entries=[
                        (v, hours)
                        for v in self.rng.sample(helpers, min(len(helpers), self.rng.randint(3, 8)))
                    ],
                    residents_served=residents_served,
                    now=end + datetime.timedelta(days=1),
                )
            if ci % 10 == 9:
                self.log(f"party members and teams: {ci + 1} communities")
        self.log(f"party members {per_community * len(self.communities)}, residents served {served}")

    # --- rotas ---------------------------------------------------------------------------------------
    def rotas(self) -> None:
        from community365.teams.demo import TeamsDemo

        demo = TeamsDemo(self.b)
        for sub_name, _code, _c, _o in data.SUBDISTRICTS:
            demo.build_rotas(sub_name)
        self.log("rotas for every community")

    # --- three years of wishes ------------------------------------------------------------------
    def wishes(self) -> None:
        from community365.wishes import services
        from community365.wishes.models import CharityMarket, OrganisationAccount, Wish

        from .wishes import IDEAS

        if (
            CharityMarket.objects.filter(district=self.district, name__startswith="江东区公益集市（")
            .filter(name__endswith="年度）")
            .exists()
        ):
            return
        rng = self.rng
        now = timezone.now()
        # claimants: the party members, the cadres of each subdistrict, the organisations
        claimants = list(User.objects.filter(username__startswith="fpm_").order_by("id"))
        for sub_name, code, _c, _o in data.SUBDISTRICTS:
            sub = self.b.places[sub_name]
            for n in range(1, CADRES_PER_SUBDISTRICT + 1):
                cadre = self.b.user(f"cadre_{code.lower()}_{n}", self.b.name(), can_login=False)
                self.b.grant(cadre, Role.SUBDISTRICT_STAFF, sub)
                claimants.append(cadre)
        org_users = list(
            User.objects.filter(
                pk__in=OrganisationAccount.objects.filter(organisation__district=self.district).values(
                    "user_id"
                )
            ).order_by("id")
        )
        claimants += org_users
        wishers = list(
            Person.objects.filter(
                district=self.district, user__isnull=True, community__kind=RegionKind.COMMUNITY
            )
            .filter(is_elderly=True)
            .values_list("id", flat=True)
        )
        rng.shuffle(wishers)
        pool = iter(wishers)
        total = self.n(CLAIMED_WISHES)
        markets = 3
        ordinary = total - markets * self.n(MARKET_WISHES)
        span = datetime.timedelta(days=3 * 365 - 30)
        first = now - datetime.timedelta(days=3 * 365)

        def wisher() -> Person:
            return Person.objects.select_related("region", "community").get(pk=next(pool))

        for i in range(ordinary):
            start = first + span * i / ordinary
            title, reason, category, value = IDEAS[i % len(IDEAS)]
            with services.clock_at(start):
                wish = services.wish_create(
                    actor=self.system,
                    wisher=wisher(),
                    title=title,
                    reason=reason,
                    category=category,
                    value_yuan=value,
                )
            at = start + datetime.timedelta(hours=rng.randint(2, 40))
            with services.clock_at(at):
                services.wish_approve(actor=self.system, wish=wish)
                services.wish_publish(actor=self.system, wish=wish)
            self.claim_to_end(wish, claimants[rng.randrange(len(claimants))], at)
            if i % 1000 == 999:
                self.log(f"wishes: {i + 1} of {ordinary}")
        # a charity market each year
        organisations = list(Organisation.objects.filter(district=self.district))
        for year_back in (3, 2, 1):
            opens = now - datetime.timedelta(days=365 * year_back - 100)
            with services.clock_at(opens - datetime.timedelta(days=10)):
                market = services.market_create(
                    actor=self.system,
                    region=self.district,
                    name=f"江东区公益集市（{timezone.localtime(opens).year}年度）",
                    opens_at=opens,
                )
            batch: list[Wish] = []
            with services.clock_at(opens - datetime.timedelta(days=9)):
                for j in range(self.n(MARKET_WISHES)):
                    title, reason, category, value = IDEAS[(j * 7) % len(IDEAS)]
                    wish = services.wish_create(
                        actor=self.system,
                        wisher=wisher(),
                        title=title,
                        reason=reason,
                        category=category,
                        value_yuan=value,
                    )
                    services.wish_approve(actor=self.system, wish=wish)
                    batch.append(wish)
            with services.clock_at(opens - datetime.timedelta(days=8)):
                services.market_add_wishes(actor=self.system, market=market, wishes=batch)
                services.market_invite(
                    actor=self.system, market=market, organisations=organisations, users=claimants[:200]
                )
            with services.clock_at(opens):
                services.market_open(actor=self.system, market=market)
            for j, wish in enumerate(batch):
                wish.refresh_from_db()
                user = org_users[j % len(org_users)] if j % 3 and org_users else claimants[j]
                self.claim_to_end(wish, user, opens + datetime.timedelta(seconds=5 + j * 7))
            with services.clock_at(opens + datetime.timedelta(hours=3)):
                services.market_close(actor=self.system, market=market)
        claimed = Wish.objects.filter(district=self.district, first_claimed_at__isnull=False).count()
        self.log(f"wishes: {Wish.objects.filter(district=self.district).count()} in all, {claimed} claimed")

    def claim_to_end(self, wish: Any, user: User, at: datetime.datetime) -> None:
        from community365.wishes import services

        rng = self.rng
        at += datetime.timedelta(minutes=rng.choice([3, 10, 30, 90, 240, 600]))
        with services.clock_at(at):
            outcome = services.wish_claim(actor=user, wish=wish)
        assert outcome.won, "a full-size wish was not claimed"
        at += datetime.timedelta(hours=rng.randint(2, 48))
        with services.clock_at(at):
            services.wish_mark_contacted(actor=user, wish=wish)
        at += datetime.timedelta(days=rng.randint(1, 6))
        with services.clock_at(at):
            services.wish_fulfil(actor=user, wish=wish, note="已上门送到，老人很高兴")
        at += datetime.timedelta(days=rng.randint(0, 3))
        with services.clock_at(at):
            services.wish_confirm(
                actor=self.system,
                wish=wish,
                thanks=rng.choice(["谢谢党员同志！", "感谢社区", "非常满意，谢谢"]),
                rating=rng.choice([5, 5, 5, 4, 4, 3]),
            )


def builder_system() -> Any:
    from .generator import SYSTEM

    return SYSTEM

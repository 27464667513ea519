"""Reads of the three linkages: rota coverage and grids, workload, figures, hours summaries."""

from __future__ import annotations

import datetime
import os
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from community365.core import permissions
from community365.core.charts import Period, month_axis, month_key
from community365.core.roles import Role
from community365.people.models import RoleAssignment, User
from community365.regions.models import COMMUNITY_KINDS, Region

from . import policies, rules
from .models import (
    Activity,
    ActivityStatus,
    DutyRoster,
    HoursStatus,
    PartyMember,
    ReportingStatus,
    ServiceRecord,
    Shift,
    Signup,
    SignupStatus,
    Slot,
    Team,
    TeamMembership,
)

# --- 社工联勤 --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hole:
    date: datetime.date
    slot: str

    @property
    def slot_label(self) -> str:
        return str(Slot(self.slot).label)

    @property
    def monday(self) -> datetime.date:
        """The week the rota editor opens to fill this hole."""
        return self.date - datetime.timedelta(days=self.date.weekday())


def coverage_holes(roster: DutyRoster, start: datetime.date, end: datetime.date) -> list[Hole]:
    """Every day and required slot from start to end (inclusive) with nobody on duty."""
    staffed = set(
        Shift.objects.filter(roster=roster, date__range=(start, end), slot__in=roster.required_slots)
        .values_list("date", "slot")
        .distinct()
    )
    holes = []
    day = start
    while day <= end:
        for slot in roster.required_slots:
            if (day, slot) not in staffed:
                holes.append(Hole(day, slot))
        day += datetime.timedelta(days=1)
    return holes


def roster_days(roster: DutyRoster, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """Day rows for the week/month views: for each slot the shifts on it (workers masked
    nowhere: these are colleagues' names)."""
    shifts = (
        Shift.objects.filter(roster=roster, date__range=(start, end))
        .select_related("worker")
        .order_by("date", "slot", "worker__display_name")
    )
    by_day: dict[datetime.date, dict[str, list[Shift]]] = defaultdict(lambda: defaultdict(list))
    for shift in shifts:
        by_day[shift.date][shift.slot].append(shift)
    # Slots beyond the required ones get a column only when someone is on them this period.
    used = {shift.slot for shift in shifts}
    slots = [
        *roster.required_slots,
        *[s for s in Slot.values if s not in roster.required_slots and s in used],
    ]
    rows = []
    day = start
    while day <= end:
        cells = [
            {
                "slot": s,
                "label": Slot(s).label,
                "shifts": by_day[day][s],
                "required": s in roster.required_slots,
            }
            for s in slots
        ]
        rows.append(
            {
                "date": day,
                "cells": cells,
                # the required slots nobody staffs: listed first on a phone's day card
                "holes": [c for c in cells if c["required"] and not c["shifts"]],
                "staffed": [c for c in cells if c["shifts"]],
            }
        )
        day += datetime.timedelta(days=1)
    return rows


def community_workers(community: Region) -> QuerySet[User]:
    ids = RoleAssignment.objects.filter(
        role=Role.SOCIAL_WORKER, region=community, revoked_at__isnull=True
    ).values("user_id")
    return User.objects.filter(pk__in=ids).order_by("display_name", "username")


def subdistrict_coverage(
    user: Any, subdistrict: Region, start: datetime.date, end: datetime.date
) -> list[dict]:
    """For each community under the subdistrict: rota or none, holes in the period."""
    communities = list(
        Region.objects.filter(path__startswith=subdistrict.path, kind__in=COMMUNITY_KINDS)
        .filter(permissions.path_q(permissions.scope_paths(user, policies.ROTA_VIEW.name), "path"))
        .order_by("path")
    )
    rosters = {r.region_id: r for r in DutyRoster.objects.filter(region__in=communities)}
    rows = []
    for community in communities:
        roster = rosters.get(community.pk)
        holes = coverage_holes(roster, start, end) if roster else None
        slots = ((end - start).days + 1) * len(roster.required_slots) if roster else 0
        rows.append(
            {
                "community": community,
                "roster": roster,
                "holes": holes,
                "hole_count": len(holes) if holes is not None else None,
                "covered_share": (1 - len(holes) / slots) if holes is not None and slots else None,
            }
        )
    return rows


@dataclass
class WorkloadRow:
    region: Region
    population: int
    workers: int

    @property
    def residents_per_worker(self) -> int | None:
        return round(self.population / self.workers) if self.workers else None


def workload(regions: list[Region]) -> tuple[list[WorkloadRow], WorkloadRow | None]:
    """Residents per social worker: reported population of the communities under each region
    divided by the active social-worker role assignments there. The total row sums both.

    Two grouped queries per distinct path length among ``regions`` (siblings: one length), so
    the cost does not grow with the number of regions."""
    if not regions:
        return [], None
    # a narrowing filter only (grouping picks the exact paths), so a character-wise prefix is fine
    common = os.path.commonprefix([r.path for r in regions])  # noqa: RUF071
    population: dict[str, int] = {}
    workers: dict[str, int] = {}
    for length in {len(r.path) for r in regions}:
        for prefix, n in (
            Region.objects.filter(path__startswith=common, kind__in=COMMUNITY_KINDS)
            .values(prefix=Substr("path", 1, length))
            .annotate(n=Sum("reported_population"))
            .order_by()
            .values_list("prefix", "n")
        ):
            population[prefix] = n or 0
        for prefix, n in (
            RoleAssignment.objects.filter(
                role=Role.SOCIAL_WORKER, revoked_at__isnull=True, region__path__startswith=common
            )
            .values(prefix=Substr("region__path", 1, length))
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("prefix", "n")
        ):
            workers[prefix] = n
    rows = [WorkloadRow(r, population.get(r.path, 0), workers.get(r.path, 0)) for r in regions]
    total = WorkloadRow(rows[0].region, sum(r.population for r in rows), sum(r.workers for r in rows))
    return rows, total


@dataclass
class MonthLoad:
    worker: User
    shifts: int
    outlier: str = ""  # "high", "low" or ""


def shifts_per_person(community: Region, year: int, month: int) -> tuple[list[MonthLoad], float]:
    """Shifts per social worker in a month. An outlier is more than 50% above or below the
    community's median (workers without a shift count as 0)."""
    start = datetime.date(year, month, 1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    counts = dict(
        Shift.objects.filter(region=community, date__range=(start, end))
        .values("worker_id")
        .annotate(n=Count("id"))
        .values_list("worker_id", "n")
    )
    workers = list(community_workers(community))
    extra = set(counts) - {w.pk for w in workers}
    workers += list(User.objects.filter(pk__in=extra))
    rows = [MonthLoad(w, counts.get(w.pk, 0)) for w in workers]
    median = statistics.median([r.shifts for r in rows]) if rows else 0.0
    for row in rows:
        if median and row.shifts > median * 1.5:
            row.outlier = "high"
        elif median and row.shifts < median * 0.5:
            row.outlier = "low"
    rows.sort(key=lambda r: (-r.shifts, r.worker.username))
    return rows, float(median)


def my_shifts(user: User, start: datetime.date, end: datetime.date) -> QuerySet[Shift]:
    """A social worker's own schedule: their shifts on the published part of each rota."""
    return (
        Shift.objects.filter(worker=user, date__range=(start, end), date__lte=F("roster__published_through"))
        .select_related("region", "roster")
        .order_by("date", "slot")
    )


# --- 志愿联盟 figures -------------------------------------------------------------------------------


@dataclass
class Figures:
    members: int = 0
    activities: int = 0
    verified_hours: Decimal = Decimal(0)
    residents_served: int = 0
    teams: int = 0


def figures_for(teams: QuerySet[Team]) -> Figures:
    """Members = active memberships (a person in two teams counts twice: each team's member);
    activities = not cancelled; verified hours = sum of verified records; residents served =
    sum of what organisers entered for their activities."""
    team_ids = teams.values("id")
    activities = Activity.objects.filter(team_id__in=team_ids).exclude(status=ActivityStatus.CANCELLED)
    return Figures(
        members=TeamMembership.objects.filter(team_id__in=team_ids, left_at__isnull=True).count(),
        activities=activities.count(),
        verified_hours=ServiceRecord.objects.filter(
            activity__team_id__in=team_ids, status=HoursStatus.VERIFIED
        ).aggregate(h=Sum("hours"))["h"]
        or Decimal(0),
        residents_served=activities.aggregate(n=Sum("residents_served"))["n"] or 0,
        teams=teams.count(),
    )


def figures_by_team(teams: QuerySet[Team], period: Period | None = None) -> list[tuple[Team, Figures]]:
    """One grouped query per figure for a list of teams (no N+1); activities and hours in
    ``period`` when one is given."""
    team_list = list(teams.select_related("region").order_by("region__path", "colour", "name"))
    ids = [t.pk for t in team_list]
    members = dict(
        TeamMembership.objects.filter(team_id__in=ids, left_at__isnull=True)
        .values("team_id")
        .annotate(n=Count("id"))
        .values_list("team_id", "n")
    )
    acts = {
        row["team_id"]: row
        for row in Activity.objects.filter(_activities_in(period), team_id__in=ids)
        .values("team_id")
        .annotate(n=Count("id"), served=Sum("residents_served"))
    }
    hours = dict(
        ServiceRecord.objects.filter(
            _started_in(period, "activity__"), activity__team_id__in=ids, status=HoursStatus.VERIFIED
        )
        .values("activity__team_id")
        .annotate(h=Sum("hours"))
        .values_list("activity__team_id", "h")
    )
    return [
        (
            t,
            Figures(
                members=members.get(t.pk, 0),
                activities=acts.get(t.pk, {}).get("n", 0),
                verified_hours=hours.get(t.pk) or Decimal(0),
                residents_served=acts.get(t.pk, {}).get("served") or 0,
                teams=1,
            ),
        )
        for t in team_list
    ]


def _started_in(period: Period | None, prefix: str = "") -> Q:
    """Activities (or their records, through ``prefix``) that start in the period."""
    return period.q(f"{prefix}starts_at") if period is not None and period.is_set else Q()


def _activities_in(period: Period | None) -> Q:
    """Activities the figures count: not cancelled, starting in the period."""
    return ~Q(status=ActivityStatus.CANCELLED) & _started_in(period)


def figures_drill(user: Any, region: Region, period: Period | None = None) -> dict[str, Any]:
    """Figures at a region, per child region, and per colour, over the teams the user sees;
    activities, hours and residents served count activities that start in ``period`` (members
    and teams are as of today).

    Four queries grouped by (child region, colour) — teams, members, activities, hours — rolled
    up into the total, the children and the colours, plus the teams at this level; the cost does
    not grow with the number of teams, members, activities or records."""
    from .models import Colour

    visible = policies.teams_visible_to(user).filter(region__path__startswith=region.path)
    children = list(
        Region.objects.filter(
            path__startswith=region.path, depth=region.depth + 1, kind__in=["subdistrict", *COMMUNITY_KINDS]
        ).order_by("path")
    )
    length = len(children[0].path) if children else len(region.path) + Region.steplen
    team_ids = visible.values("id")

    def grouped(qs: QuerySet[Any], team: str, **measures: Any) -> list[dict[str, Any]]:
        return list(
            qs.values(under=Substr(f"{team}region__path", 1, length), hue=F(f"{team}colour"))
            .annotate(**measures)
            .order_by()
        )

    cells: dict[tuple[str, str], Figures] = defaultdict(Figures)
    for row in grouped(visible, "", n=Count("id")):
        cells[row["under"], row["hue"]].teams = row["n"]
    for row in grouped(
        TeamMembership.objects.filter(team_id__in=team_ids, left_at__isnull=True), "team__", n=Count("id")
    ):
        cells[row["under"], row["hue"]].members = row["n"]
    for row in grouped(
        Activity.objects.filter(_activities_in(period), team_id__in=team_ids),
        "team__",
        n=Count("id"),
        served=Sum("residents_served"),
    ):
        cell = cells[row["under"], row["hue"]]
        cell.activities, cell.residents_served = row["n"], row["served"] or 0
    for row in grouped(
        ServiceRecord.objects.filter(
            _started_in(period, "activity__"), activity__team_id__in=team_ids, status=HoursStatus.VERIFIED
        ),
        "activity__team__",
        h=Sum("hours"),
    ):
        cells[row["under"], row["hue"]].verified_hours = row["h"] or Decimal(0)

    def rollup(keep: Any) -> Figures:
        out = Figures()
        for (place, colour), cell in cells.items():
            if keep(place, colour):
                out.teams += cell.teams
                out.members += cell.members
                out.activities += cell.activities
                out.verified_hours += cell.verified_hours
                out.residents_served += cell.residents_served
        return out

    by_child = [(child, rollup(lambda place, colour, c=child: place == c.path)) for child in children]
    by_colour = [
        (label, rollup(lambda place, colour, v=value: colour == v)) for value, label in Colour.choices
    ]
    colour_keys = [value for value, _label in Colour.choices]
    return {
        "total": rollup(lambda place, colour: True),
        "children": [(c, f) for c, f in by_child if f.teams],
        "colours": by_colour,
        "colour_keys": colour_keys,
        "teams": figures_by_team(visible.filter(region=region), period),
    }


@dataclass(frozen=True)
class TrendPoint:
    month: str
    activities: int
    verified_hours: Decimal


def figures_trend(user: Any, region: Region, period: Period | None = None) -> list[TrendPoint]:
    """Activities per month of their start, and the verified hours of those activities: two
    grouped queries."""
    team_ids = policies.teams_visible_to(user).filter(region__path__startswith=region.path).values("id")
    tz = timezone.get_current_timezone()
    activities = list(
        Activity.objects.filter(_activities_in(period), team_id__in=team_ids)
        .annotate(month=TruncMonth("starts_at", tzinfo=tz))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    hours = {
        month_key(row["month"]): row["h"]
        for row in ServiceRecord.objects.filter(
            _started_in(period, "activity__"), activity__team_id__in=team_ids, status=HoursStatus.VERIFIED
        )
        .annotate(month=TruncMonth("activity__starts_at", tzinfo=tz))
        .values("month")
        .annotate(h=Sum("hours"))
        .order_by("month")
    }
    counts = {month_key(row["month"]): row["n"] for row in activities}
    return [
        TrendPoint(month=m, activities=counts.get(m, 0), verified_hours=hours.get(m) or Decimal(0))
        for m in month_axis(activities, period or Period())
    ]


# --- hours of one volunteer -----------------------------------------------------------------------


@dataclass
class HoursSummary:
    verified: Decimal
    pending: Decimal
    stars: int
    next_star: int | None
    records: list[ServiceRecord] = field(default_factory=list)

    @property
    def star_marks(self) -> str:
        return "★" * self.stars


def hours_of(volunteer: User) -> HoursSummary:
    records = list(
        ServiceRecord.objects.filter(volunteer=volunteer)
        .select_related("activity", "activity__team", "verified_by")
        .prefetch_related("corrections")
        .order_by("-activity__starts_at")
    )
    verified = sum((r.hours for r in records if r.status == HoursStatus.VERIFIED), Decimal(0))
    pending = sum((r.hours for r in records if r.status == HoursStatus.PENDING), Decimal(0))
    return HoursSummary(verified, pending, rules.star_level(verified), rules.next_star(verified), records)


# --- 党员联动 ----------------------------------------------------------------------------------------


def eligible_party_members(community: Region, service_kind_code: str | None = None) -> QuerySet[PartyMember]:
    """Party members confirmed by the community (双报到), optionally holding a post: the
    eligible claimants of its wishes and volunteers for its activities."""
    qs = PartyMember.objects.filter(region=community, status=ReportingStatus.CONFIRMED)
    if service_kind_code:
        qs = qs.filter(posts__code=service_kind_code)
    return qs.select_related("user", "unit")


@dataclass
class MemberRecord:
    member: PartyMember
    activities: int
    hours: Decimal
    wishes_fulfilled: int


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.date(year, 3 * (quarter - 1) + 1, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end, datetime.time.min, tzinfo=tz),
    )


def member_records(members: list[PartyMember], year: int, quarter: int) -> list[MemberRecord]:
    """Each member's service in a quarter: activities attended (checked in), verified hours,
    micro-wishes fulfilled."""
    start, end = quarter_bounds(year, quarter)
    user_ids = [m.user_id for m in members]
    attended = dict(
        Signup.objects.filter(
            volunteer_id__in=user_ids,
            status=SignupStatus.SIGNED_UP,
            checked_in_at__isnull=False,
            activity__starts_at__gte=start,
            activity__starts_at__lt=end,
        )
        .values("volunteer_id")
        .annotate(n=Count("id"))
        .values_list("volunteer_id", "n")
    )
    hours = dict(
        ServiceRecord.objects.filter(
            volunteer_id__in=user_ids,
            status=HoursStatus.VERIFIED,
            activity__starts_at__gte=start,
            activity__starts_at__lt=end,
        )
        .values("volunteer_id")
        .annotate(h=Sum("hours"))
        .values_list("volunteer_id", "h")
    )
    wishes = _wishes_fulfilled(user_ids, start, end)
    return [
        MemberRecord(
            m,
            attended.get(m.user_id, 0),
            hours.get(m.user_id) or Decimal(0),
            wishes.get(m.user_id, 0),
        )
        for m in members
    ]


def _wishes_fulfilled(
    user_ids: list[int], start: datetime.datetime, end: datetime.datetime
) -> dict[int, int]:
    """Micro-wishes each member fulfilled (the claim ended as fulfilled) within the period."""
    from community365.wishes.models import Claim

    return dict(
        Claim.objects.filter(
            claimant_id__in=user_ids,
            status=Claim.Status.FULFILLED,
            ended_at__gte=start,
            ended_at__lt=end,
        )
        .values("claimant_id")
        .annotate(n=Count("id"))
        .values_list("claimant_id", "n")
    )


def today() -> datetime.date:
    return timezone.localdate()


def my_signups(user: Any) -> QuerySet[Signup]:
    """The user's live sign-ups (signed up or waiting), for "my next activities"."""
    return Signup.objects.filter(
        volunteer_id=user.pk, status__in=[SignupStatus.SIGNED_UP, SignupStatus.WAITLISTED]
    )

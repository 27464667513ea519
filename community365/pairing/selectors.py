"""Reads of pairing: the "to pair" list, the cadres offered, and the figures — grouped queries
whose number never grows with the history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from community365.core import permissions
from community365.core.charts import Period
from community365.people.models import Person, RoleAssignment, User
from community365.regions.models import COMMUNITY_KINDS, Household, Region

from . import policies
from .models import Pairing, PairingVisit, TurnedTo, VisitNeed
from .services import VISIT_INTERVAL_DAYS


def due_q(today: datetime.date | None = None) -> Q:
    """Live pairings due a visit: never visited, or the last visit ``VISIT_INTERVAL_DAYS`` old."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=VISIT_INTERVAL_DAYS)
    return Q(ended_on__isnull=True) & (Q(last_visit_on__isnull=True) | Q(last_visit_on__lte=cutoff))


def due_on(pairing: Pairing) -> datetime.date:
    if pairing.last_visit_on is None:
        return pairing.since
    return pairing.last_visit_on + datetime.timedelta(days=VISIT_INTERVAL_DAYS)


def communities_of(paths: list[str] | None) -> QuerySet[Region]:
    return Region.objects.filter(permissions.path_q(paths, "path"), kind__in=COMMUNITY_KINDS).order_by("path")


def attention_households(paths: list[str] | None, *, only_difficulty: bool = False) -> QuerySet[Household]:
    """Households under ``paths`` with a member in difficulty, living alone or disabled and no
    live pairing — in difficulty first (the "to pair" list)."""
    members = Person.objects.filter(household=OuterRef("pk"))
    # Start from the residents who need attention (a few in a hundred), found by their own
    # community column, not from every household of the place with four EXISTS each: at full
    # size that walked 1,850 households a community for a page (130 ms; 12 ms this way).
    # Roles are held at a community or above, so the households under ``paths`` are those of
    # the communities there.
    communities = communities_of(paths).order_by().values("pk")
    needing = (
        Person.objects.filter(community_id__in=communities, household__isnull=False)
        .filter(Q(in_difficulty=True) | Q(lives_alone=True) | Q(is_disabled=True))
        .values("household_id")
    )
    qs = Household.objects.filter(community_id__in=communities, pk__in=needing).annotate(
        difficulty=Exists(members.filter(in_difficulty=True)),
        alone=Exists(members.filter(lives_alone=True)),
        disabled=Exists(members.filter(is_disabled=True)),
        paired=Exists(Pairing.objects.filter(household=OuterRef("pk"), ended_on__isnull=True)),
    )
    qs = qs.filter(paired=False)
    if only_difficulty:
        qs = qs.filter(difficulty=True)
    else:
        qs = qs.filter(Q(difficulty=True) | Q(alone=True) | Q(disabled=True))
    return qs.select_related("region").order_by(
        "-difficulty", "-alone", "-disabled", "region__path", "number", "pk"
    )


def unpaired_difficulty_count(paths: list[str] | None) -> int:
    return attention_households(paths, only_difficulty=True).count()


def members_of(household_ids: list[int]) -> dict[int, list[Person]]:
    found: dict[int, list[Person]] = {h: [] for h in household_ids}
    # Always one query (an empty page asks too), so a page reads the same whatever the history.
    rows = Person.objects.filter(household_id__in=household_ids or [0]).order_by("household_id", "pk")[:2000]
    for person in rows:
        if person.household_id is not None:
            found[person.household_id].append(person)
    return found


def cadres_for(community: Region, limit: int = 300) -> list[User]:
    """The users who may be paired with households of ``community``: holders of a cadre role at
    the community or a place above it (one query)."""
    path = community.path
    above = [path[:i] for i in range(Region.steplen, len(path) + 1, Region.steplen)]
    ids = RoleAssignment.objects.filter(
        revoked_at__isnull=True,
        role__in=policies.CADRE.roles,
        region__path__in=above,
        user__is_active=True,
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids).order_by("display_name", "username")[:limit])


# === figures ==================================================================================


@dataclass
class CommunityRow:
    region: Region
    difficulty: int = 0
    difficulty_paired: int = 0
    pairings: int = 0
    visits: int = 0
    needs: int = 0
    turned: dict[str, int] = field(default_factory=dict)

    @property
    def paired_percent(self) -> float | None:
        return round(self.difficulty_paired * 100 / self.difficulty, 1) if self.difficulty else None


@dataclass
class Figures:
    communities: list[CommunityRow]
    cadres: list[dict[str, Any]]
    units: list[dict[str, Any]]
    kinds: dict[str, int]
    totals: CommunityRow


def figures(user: Any, period: Period, *, cadre_limit: int | None = 50) -> Figures:
    paths = policies.view_paths(user)
    scope = permissions.path_q(paths)
    places = list(communities_of(paths))
    rows = {r.pk: CommunityRow(region=r) for r in places}
    # By the person row's own community column (and its partial index person_attention), not a
    # join to every resident's community path: 52 ms at full size for one community.
    difficulty = Person.objects.filter(
        community_id__in=list(rows), in_difficulty=True, household__isnull=False
    )
    for r in difficulty.values("community_id").annotate(n=Count("household_id", distinct=True)):
        if r["community_id"] in rows:
            rows[r["community_id"]].difficulty = r["n"]
    paired = difficulty.filter(
        Exists(Pairing.objects.filter(household_id=OuterRef("household_id"), ended_on__isnull=True))
    )
    for r in paired.values("community_id").annotate(n=Count("household_id", distinct=True)):
        if r["community_id"] in rows:
            rows[r["community_id"]].difficulty_paired = r["n"]
    for r in Pairing.objects.filter(scope, ended_on__isnull=True).values("region_id").annotate(n=Count("id")):
        if r["region_id"] in rows:
            rows[r["region_id"]].pairings = r["n"]
    visits = PairingVisit.objects.filter(scope, period.q_date("visited_on"))
    for r in visits.values("region_id").annotate(n=Count("id")):
        if r["region_id"] in rows:
            rows[r["region_id"]].visits = r["n"]
    needs = VisitNeed.objects.filter(scope, period.q_date("visit__visited_on"))
    kinds = dict.fromkeys(["", *TurnedTo.values], 0)
    for r in needs.values("region_id", "turned_to").annotate(n=Count("id")):
        row = rows.get(r["region_id"])
        if row is not None:
            row.needs += r["n"]
            row.turned[r["turned_to"]] = r["n"]
            kinds[r["turned_to"]] += r["n"]
    live_by_cadre = {
        r["cadre_id"]: r["n"]
        for r in Pairing.objects.filter(scope, ended_on__isnull=True)
        .values("cadre_id")
        .annotate(n=Count("id"))
    }
    cadre_rows = list(
        visits.values("cadre_id", "cadre__display_name", "cadre__username", "pairing__unit_name")
        .annotate(visits=Count("id"), households=Count("household_id", distinct=True))
        .order_by("-visits", "cadre_id")
    )
    cadres = [
        {
            "cadre_id": r["cadre_id"],
            "name": r["cadre__display_name"] or r["cadre__username"],
            "unit": r["pairing__unit_name"],
            "visits": r["visits"],
            "households": r["households"],
            "pairings": live_by_cadre.get(r["cadre_id"], 0),
        }
        for r in cadre_rows
    ]
    # A cadre with two units over time shows once per unit: merge by cadre for the table.
    merged: dict[int, dict[str, Any]] = {}
    for c in cadres:
        kept = merged.get(c["cadre_id"])
        if kept is None:
            merged[c["cadre_id"]] = c
        else:
            kept["visits"] += c["visits"]
            kept["households"] += c["households"]
    cadres = sorted(merged.values(), key=lambda c: (-c["visits"], c["cadre_id"]))
    if cadre_limit is not None:
        cadres = cadres[:cadre_limit]
    live_by_unit = {
        r["unit_key"]: r["n"]
        for r in Pairing.objects.filter(scope, ended_on__isnull=True)
        .values("unit_key")
        .annotate(n=Count("id"))
    }
    units = [
        {
            "key": r["pairing__unit_key"],
            "name": r["pairing__unit_name"],
            "visits": r["visits"],
            "cadres": r["cadres"],
            "pairings": live_by_unit.get(r["pairing__unit_key"], 0),
        }
        for r in visits.values("pairing__unit_key", "pairing__unit_name")
        .annotate(visits=Count("id"), cadres=Count("cadre_id", distinct=True))
        .order_by("-visits", "pairing__unit_key")
    ]
    communities = [rows[r.pk] for r in places]
    totals = CommunityRow(region=Region(name=""))
    for row in communities:
        totals.difficulty += row.difficulty
        totals.difficulty_paired += row.difficulty_paired
        totals.pairings += row.pairings
        totals.visits += row.visits
        totals.needs += row.needs
    totals.turned = kinds
    return Figures(communities=communities, cadres=cadres, units=units, kinds=kinds, totals=totals)

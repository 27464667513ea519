"""Reads: the ``vulnerable`` list of an event's communities, the boards (grouped counts), the
checklist of one person, the after-action report's figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from community365.core import permissions
from community365.people.models import Person
from community365.regions.models import Household, Region, RegionKind

from .models import (
    CheckAssignment,
    CheckStatus,
    EmergencyEvent,
    EmergencyTask,
    HouseholdCheck,
    Reason,
    SupplyIssue,
    TaskStatus,
)

STEP = Region.steplen


@dataclass
class Vulnerable:
    household_id: int
    community_id: int
    building_id: int
    reasons: list[str] = field(default_factory=list)


def vulnerable(communities: list[Region]) -> list[Vulnerable]:
    """重点关注人群: the households of ``communities`` with an elderly person living alone, a
    disabled person or one in difficulty, and every household of a low-lying building. A fixed
    four queries, whatever the number of communities."""
    if not communities:
        return []
    under = permissions.path_q([c.path for c in communities], "path")
    reasons: dict[int, set[str]] = defaultdict(set)
    flagged = (
        Person.objects.filter(permissions.path_q([c.path for c in communities], "household__region__path"))
        .filter(Q(is_elderly=True, lives_alone=True) | Q(is_disabled=True) | Q(in_difficulty=True))
        .values_list("household_id", "is_elderly", "lives_alone", "is_disabled", "in_difficulty")
    )
    for household_id, elderly, alone, disabled, difficulty in flagged:
        if elderly and alone:
            reasons[household_id].add(Reason.ALONE)
        if disabled:
            reasons[household_id].add(Reason.DISABLED)
        if difficulty:
            reasons[household_id].add(Reason.DIFFICULTY)
    low_paths = list(
        Region.objects.filter(under, kind=RegionKind.BUILDING, low_lying=True).values_list("path", flat=True)
    )
    if low_paths:
        for household_id in Household.objects.filter(
            permissions.path_q(low_paths, "region__path")
        ).values_list("pk", flat=True):
            reasons[household_id].add(Reason.LOW_LYING)
    rows = Household.objects.filter(pk__in=list(reasons)).values_list("pk", "region__path")
    building_paths = {pk: path[:-STEP] for pk, path in rows}
    buildings = dict(
        Region.objects.filter(path__in=set(building_paths.values()), kind=RegionKind.BUILDING).values_list(
            "path", "pk"
        )
    )
    community_of = {c.path: c.pk for c in communities}
    result = []
    for pk, bpath in sorted(building_paths.items(), key=lambda item: (item[1], item[0])):
        if bpath not in buildings:
            continue  # a household hung directly under a grid or community: no building to visit
        community_id = next((cid for cpath, cid in community_of.items() if bpath.startswith(cpath)), None)
        if community_id is None:
            continue
        order = [r for r in Reason.values if r in reasons[pk]]
        result.append(Vulnerable(pk, community_id, buildings[bpath], order))
    return result


def counts(qs: QuerySet[CheckAssignment]) -> dict[str, int]:
    """checked / to check / needing help, in one query."""
    row = qs.aggregate(
        total=Count("id"),
        checked=Count("id", filter=~Q(status="")),
        needs_help=Count("id", filter=Q(status=CheckStatus.NEEDS_HELP)),
    )
    return {
        "total": row["total"],
        "checked": row["checked"],
        "to_check": row["total"] - row["checked"],
        "needs_help": row["needs_help"],
    }


@dataclass
class BoardRow:
    region_id: int
    name: str
    community: str
    total: int
    checked: int
    needs_help: int

    @property
    def to_check(self) -> int:
        return self.total - self.checked


def board(qs: QuerySet[CheckAssignment], by: str = "building") -> list[BoardRow]:
    """The board by building (or by community): one grouped query."""
    key = "building" if by == "building" else "region"
    rows = (
        qs.values(f"{key}_id", f"{key}__name", "region__name")
        .annotate(
            total=Count("id"),
            checked=Count("id", filter=~Q(status="")),
            needs_help=Count("id", filter=Q(status=CheckStatus.NEEDS_HELP)),
        )
        .order_by("region__name", f"{key}__name")
    )
    return [
        BoardRow(
            r[f"{key}_id"], r[f"{key}__name"], r["region__name"], r["total"], r["checked"], r["needs_help"]
        )
        for r in rows
    ]


def checklist(user: Any, event: EmergencyEvent) -> QuerySet[CheckAssignment]:
    """The households assigned to ``user`` in ``event``, by building and door."""
    return (
        CheckAssignment.objects.filter(event=event, assignee_id=user.pk)
        .select_related("household", "building")
        .order_by("building__path", "household__number", "pk")
    )


def open_tasks(qs_tasks: QuerySet[EmergencyTask]) -> QuerySet[EmergencyTask]:
    return (
        qs_tasks.filter(status=TaskStatus.OPEN)
        .select_related("assignment__household", "assignment__building", "region")
        .order_by("raised_at", "pk")
    )


def supplies_by_item(event: EmergencyEvent) -> dict[str, int]:
    return dict(
        SupplyIssue.objects.filter(event=event)
        .values("item")
        .annotate(n=Sum("quantity"))
        .values_list("item", "n")
    )


def helpers(event: EmergencyEvent) -> list[dict[str, Any]]:
    """Who checked how many households, and when they started and finished (one grouped query)."""
    from django.db.models import Max, Min

    return list(
        HouseholdCheck.objects.filter(event=event)
        .values("checked_by_id", "checked_by__display_name", "checked_by__username")
        .annotate(
            checks=Count("id"),
            households=Count("assignment_id", distinct=True),
            first=Min("checked_at"),
            last=Max("checked_at"),
        )
        .order_by("-checks", "checked_by_id")
    )

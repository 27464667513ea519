"""Reads of the region tree: what a user holds, and counts per subtree in one query each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from community365.core import permissions

from . import policies
from .models import COMMUNITY_KINDS, Household, Region


@dataclass
class RegionCounts:
    communities: int = 0
    households: int = 0
    residents: int = 0


def _counts_by_prefix(qs: QuerySet[Any], field: str, length: int) -> dict[str, int]:
    # order_by(): a default ordering would join the GROUP BY and split the groups.
    rows = qs.order_by().annotate(prefix=Substr(field, 1, length)).values("prefix").annotate(n=Count("pk"))
    return {row["prefix"]: row["n"] for row in rows}


def counts_under(user: Any, nodes: list[Region]) -> dict[int, RegionCounts]:
    """Communities, households and residents under each of ``nodes`` (siblings of one depth),
    counting only what ``user`` may count; a fixed handful of grouped queries (communities, the
    community list, households, residents) whatever the number of nodes."""
    from community365.people import policies as people_policies

    result = {node.pk: RegionCounts() for node in nodes}
    if not nodes:
        return result
    depth = nodes[0].depth
    length = depth * Region.steplen
    by_prefix = {node.path: node.pk for node in nodes}
    parent_prefix = nodes[0].path[: (depth - 1) * Region.steplen]

    communities = policies.regions_visible_to(user).filter(
        kind__in=COMMUNITY_KINDS, path__startswith=parent_prefix, depth__gte=depth
    )
    for prefix, n in _counts_by_prefix(communities, "path", length).items():
        if prefix in by_prefix:
            result[by_prefix[prefix]].communities = n

    from community365.people.models import Person

    count_paths = permissions.scope_paths(user, people_policies.COUNT.name)
    ancestors = [parent_prefix[:i] for i in range(Region.steplen, len(parent_prefix) + 1, Region.steplen)]
    places = list(
        Region.objects.filter(
            Q(path__startswith=parent_prefix) | Q(path__in=ancestors), kind__in=COMMUNITY_KINDS
        ).values_list("id", "path", "depth")
    )
    for prefix, n in _by_prefix(Household, places, count_paths, parent_prefix, depth, length).items():
        if prefix in by_prefix:
            result[by_prefix[prefix]].households = n

    for prefix, n in _by_prefix(Person, places, count_paths, parent_prefix, depth, length).items():
        if prefix in by_prefix:
            result[by_prefix[prefix]].residents = n
    return result


def _by_prefix(
    model: Any,
    communities: list[tuple[int, str, int]],
    count_paths: list[str] | None,
    parent_prefix: str,
    depth: int,
    length: int,
) -> dict[str, int]:
    """Households or residents per path prefix of ``length``. These are the largest tables of a
    district: they are grouped by their own indexed ``community`` column (no join to the places
    for every row), the communities' paths come from the small region table and the counts are
    rolled up to the prefixes in Python. Exact whenever the counting scope is made of whole
    communities (grants at a community or above) and the prefixes are not below a community;
    otherwise (a grant on a grid, counts under a building) the grouped join over paths.
    ``communities``: (id, path, depth) of the communities under ``parent_prefix`` and above it,
    read once by the caller for both tables."""
    below_a_community = any(d < depth for _id, _path, d in communities) or any(
        p != path and p.startswith(path) for p in (count_paths or []) for _id, path, _d in communities
    )
    if below_a_community:
        rows_below = model.objects.filter(
            permissions.path_q(count_paths), region__path__startswith=parent_prefix
        )
        return _counts_by_prefix(rows_below, "region__path", length)
    path_of = {
        pk: path
        for pk, path, _d in communities
        if path.startswith(parent_prefix)
        and (count_paths is None or any(path.startswith(p) for p in count_paths))
    }
    totals: dict[str, int] = {}
    rows = (
        model.objects.filter(community_id__in=list(path_of))
        .order_by()
        .values("community_id")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        prefix = path_of[row["community_id"]][:length]
        totals[prefix] = totals.get(prefix, 0) + row["n"]
    return totals


def community_of(region: Region, known: dict[str, Region] | None = None) -> Region | None:
    """The community (or village) a place lies in — itself when it is one — or None above the
    communities. ``known`` (path → community, e.g. ``communities_by_path(district)``) answers
    without a query, for bulk paths."""
    if region.kind in COMMUNITY_KINDS:
        return region
    prefixes = [region.path[: i * Region.steplen] for i in range(1, region.depth)]
    if known is not None:
        return next((known[p] for p in prefixes if p in known), None)
    return Region.objects.filter(kind__in=COMMUNITY_KINDS, path__in=prefixes).first()


def communities_by_path(district: Region) -> dict[str, Region]:
    return {
        r.path: r for r in Region.objects.filter(kind__in=COMMUNITY_KINDS, path__startswith=district.path)
    }


def top_regions_of(user: Any) -> list[Region]:
    """The highest places the user can see: the roots of their visible subtrees."""
    paths = permissions.scope_paths(user, policies.VIEW.name)
    if paths is None:
        return list(Region.get_root_nodes())
    return list(Region.objects.filter(path__in=paths).order_by("path"))


def children_of(user: Any, region: Region) -> list[Region]:
    return list(
        policies.regions_visible_to(user)
        .filter(path__startswith=region.path, depth=region.depth + 1)
        .order_by("path")
    )


def ancestors_of(region: Region) -> list[Region]:
    """Breadcrumbs: ancestors are shown by name for orientation, not opened."""
    if region.depth <= 1:
        return []
    paths = [region.path[: i * Region.steplen] for i in range(1, region.depth)]
    return list(Region.objects.filter(path__in=paths).order_by("depth"))


def may_count(user: Any, region: Region) -> bool:
    from community365.people import policies as people_policies

    return permissions.has_perm_at(user, people_policies.COUNT.name, region.path)


def user_places_summary(user: Any) -> list[tuple[Region, RegionCounts | None]]:
    """The user's top places with their counts (None where the user's roles may not count
    residents there, e.g. a resident: no figures rather than misleading zeros)."""
    summary: list[tuple[Region, RegionCounts | None]] = []
    for region in top_regions_of(user):
        # One node at a time: tops may sit at different depths.
        counts = counts_under(user, [region])[region.pk] if may_count(user, region) else None
        summary.append((region, counts))
    return summary

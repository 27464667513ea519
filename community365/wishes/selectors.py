"""Reads about wishes: the board, lists, one wish's history, figures and market summaries.
What leaves here about a wisher is masked (王*) unless the reader reviews that community."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from community365.core.masking import mask_name
from community365.regions.models import Region

from . import policies
from .models import CharityMarket, Claim, Wish, WishEvent, WishStatus
from .states import PUBLIC_STATES, allowed_actions

# Milestones the figures count and a list can be drilled to (?reached=claimed).
MILESTONES = {
    "published": "published_at",
    "claimed": "first_claimed_at",
    "fulfilled": "delivered_at",
    "confirmed": "confirmed_at",
}


def wish_search(
    user: Any,
    *,
    q: str = "",
    community: int | None = None,
    region: Region | None = None,
    category: str = "",
    status: str = "",
    reached: str = "",
    public_only: bool = False,
) -> QuerySet[Wish]:
    qs = policies.wishes_visible_to(user).select_related("region", "wisher", "claimed_by")
    if public_only:
        qs = qs.filter(status__in=PUBLIC_STATES)
    q = (q or "").strip()[:40]
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(reason__icontains=q) | Q(region__name__icontains=q))
    if community:
        qs = qs.filter(region_id=community)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if category:
        qs = qs.filter(category=category)
    if status:
        qs = qs.filter(status=status)
    if reached in MILESTONES:
        qs = qs.filter(**{f"{MILESTONES[reached]}__isnull": False})
    return qs.order_by("-published_at", "-created_at", "-id")


def claimant_label(user: Any, organisation: Any = None) -> str:
    if organisation is not None:
        return organisation.name
    if user is None:
        return ""
    return mask_name(user.display_name) if user.display_name else user.username


@dataclass(frozen=True)
class WishRow:
    id: int
    title: str
    reason: str
    category: str
    category_label: str
    status: str
    status_label: str
    status_reason: str
    community: str
    community_id: int
    wisher: str
    value_yuan: int
    wanted_by: Any
    published_at: Any
    claimed_at: Any
    claimed_by: str
    claimed_by_me: bool
    thanks: str
    rating: int | None
    market_id: int | None
    actions: list[str] = field(default_factory=list)


def wish_rows(user: Any, wishes: list[Wish]) -> list[WishRow]:
    from community365.core import permissions

    full_paths = permissions.scope_paths(user, policies.REVIEW.name)
    orgs = {
        c.wish_id: c.organisation
        for c in Claim.objects.filter(
            wish_id__in=[w.pk for w in wishes if w.claimed_by_id], organisation__isnull=False
        ).select_related("organisation")
    }
    rows = []
    for wish in wishes:
        full = (
            full_paths is None
            or any(wish.region.path.startswith(p) for p in full_paths)
            or wish.wisher.user_id == getattr(user, "pk", None)
        )
        rows.append(
            WishRow(
                id=wish.pk,
                title=wish.title,
                reason=wish.reason,
                category=wish.category,
                category_label=wish.get_category_display(),
                status=wish.status,
                status_label=wish.get_status_display(),
                status_reason=wish.status_reason,
                community=wish.region.name,
                community_id=wish.region_id,
                wisher=wish.wisher.name if full else mask_name(wish.wisher.name),
                value_yuan=wish.value_yuan,
                wanted_by=wish.wanted_by,
                published_at=wish.published_at,
                claimed_at=wish.claimed_at,
                claimed_by=claimant_label(wish.claimed_by, orgs.get(wish.pk)),
                claimed_by_me=wish.claimed_by_id is not None
                and wish.claimed_by_id == getattr(user, "pk", None),
                thanks=wish.thanks,
                rating=wish.rating,
                market_id=wish.market_id,
                actions=allowed_actions(wish.status),
            )
        )
    return rows


def wish_history(wish: Wish) -> list[WishEvent]:
    return list(wish.events.select_related("actor").order_by("at", "id"))


def my_wishes(user: Any) -> QuerySet[Wish]:
    return (
        Wish.objects.filter(Q(wisher__user_id=user.pk) | Q(entered_by_id=user.pk))
        .select_related("region", "wisher", "claimed_by")
        .order_by("-created_at")
    )


def my_claims(user: Any) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(claimant_id=user.pk)
        .select_related("wish", "wish__region")
        .order_by("-claimed_at")
    )


def review_queue(user: Any) -> QuerySet[Wish]:
    from community365.core import permissions

    paths = permissions.scope_paths(user, policies.VIEW_ALL.name)
    return (
        Wish.objects.filter(permissions.path_q(paths), status__in=[WishStatus.SUBMITTED, WishStatus.APPROVED])
        .select_related("region", "wisher")
        .order_by("submitted_at", "id")
    )


# --- figures --------------------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Figures:
    region: Region
    published: int = 0
    claimed: int = 0
    fulfilled: int = 0
    confirmed: int = 0
    median_hours_to_claim: float | None = None
    fulfilment_rate: float | None = None
    satisfaction: float | None = None
    ratings: int = 0


def figures_for(user: Any, regions: list[Region]) -> list[Figures]:
    """Per place: counts of wishes that reached each milestone, median hours from publication
    to first claim, fulfilment rate = fulfilled / claimed, satisfaction = mean rating (1–5).
    Counted over the wishes the user may see (staff: all of their places)."""
    base = policies.wishes_visible_to(user)
    result = []
    for region in regions:
        qs = base.filter(region__path__startswith=region.path)
        agg = qs.aggregate(
            published=Count("pk", filter=Q(published_at__isnull=False)),
            claimed=Count("pk", filter=Q(first_claimed_at__isnull=False)),
            fulfilled=Count("pk", filter=Q(delivered_at__isnull=False)),
            confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        )
        fig = Figures(region=region, **agg)
        pairs = qs.filter(published_at__isnull=False, first_claimed_at__isnull=False).values_list(
            "published_at", "first_claimed_at"
        )
        hours = [
            (claimed - published).total_seconds() / 3600
            for published, claimed in pairs
            if published and claimed
        ]
        if hours:
            fig.median_hours_to_claim = round(statistics.median(hours), 1)
        if fig.claimed:
            fig.fulfilment_rate = round(fig.fulfilled / fig.claimed, 3)
        ratings = [
            r for r in qs.filter(rating__isnull=False).values_list("rating", flat=True) if r is not None
        ]
        if ratings:
            fig.satisfaction = round(statistics.mean(ratings), 2)
            fig.ratings = len(ratings)
        result.append(fig)
    return result


# --- charity market -------------------------------------------------------------------------------


@dataclass
class MarketSummary:
    wishes: int
    claimed: int
    median_seconds_to_claim: float | None
    p90_seconds_to_claim: float | None
    per_claimant: list[tuple[str, int]]


def market_board(user: Any, market: CharityMarket) -> list[WishRow]:
    wishes = list(market.wishes.select_related("region", "wisher", "claimed_by").order_by("id"))
    return wish_rows(user, wishes)


def market_summary(market: CharityMarket) -> MarketSummary:
    wishes = list(market.wishes.all())
    opened = market.opened_at
    seconds = [
        (w.first_claimed_at - opened).total_seconds()
        for w in wishes
        if opened is not None and w.first_claimed_at is not None and w.first_claimed_at >= opened
    ]
    counts: dict[str, int] = {}
    first_claims = (
        Claim.objects.filter(wish__market=market)
        .select_related("claimant", "organisation")
        .order_by("wish_id", "claimed_at", "id")
    )
    seen: set[int] = set()
    for claim in first_claims:
        if claim.wish_id in seen:
            continue
        seen.add(claim.wish_id)
        label = claimant_label(claim.claimant, claim.organisation)
        counts[label] = counts.get(label, 0) + 1
    return MarketSummary(
        wishes=len(wishes),
        claimed=len(seen),
        median_seconds_to_claim=round(statistics.median(seconds), 1) if seconds else None,
        p90_seconds_to_claim=_percentile(seconds, 0.9),
        per_claimant=sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
    )

"""Reads about wishes: the board, lists, one wish's history, figures and market summaries.
What leaves here about a wisher is masked (王*) unless the reader reviews that community."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber, Substr, TruncMonth
from django.utils import timezone

from community365.core import permissions
from community365.core.charts import Period, month_axis, month_key
from community365.core.choices import display
from community365.core.masking import mask_name
from community365.core.phrases import phrase_param
from community365.core.roles import Role
from community365.people.models import Person
from community365.regions.models import COMMUNITY_KINDS, Region, RegionKind

from . import phrases, policies
from .models import CharityMarket, Claim, Wish, WishEvent, WishStatus
from .states import PUBLIC_STATES

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
    title_only: bool = False,
) -> QuerySet[Wish]:
    qs = policies.wishes_visible_to(user).select_related("region", "wisher", "claimed_by")
    if public_only:
        qs = qs.filter(status__in=PUBLIC_STATES)
    q = (q or "").strip()[:40]
    if q and title_only:
        qs = qs.filter(title__icontains=q)
    elif q:
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


def claimant_label(user: Any, organisation_name: str | None = None) -> str:
    """Who claimed: the organisation's name if claimed for one, else the claimant's masked name."""
    if organisation_name is not None:
        return organisation_name
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
    # What this user may do with the wish (``policies.actions_for``); pages and API list these.
    actions: list[str] = field(default_factory=list)
    # A "没收到 / 有问题" report awaiting the social worker; shown only to the wisher's side.
    problem_reported: bool = False


# What ``wish_rows`` (and ``policies.actions_for``, which it calls) read of a wish and of the
# records selected with it: a list of rows loads only these columns (a test lists a page
# through it and fails on any further query).
ROW_FIELDS = (
    "id",
    "district_id",
    "title",
    "reason",
    "category",
    "status",
    "status_reason",
    "value_yuan",
    "wanted_by",
    "published_at",
    "created_at",
    "claimed_at",
    "claimed_by_id",
    "thanks",
    "rating",
    "market_id",
    "problem_reported_at",
    "region__id",
    "region__name",
    "region__path",
    "wisher__id",
    "wisher__name",
    "wisher__user_id",
    "claimed_by__id",
    "claimed_by__username",
    "claimed_by__display_name",
)


def for_rows(qs: QuerySet[Wish]) -> QuerySet[Wish]:
    """A list of wishes to show as ``wish_rows``: the records it reads, only the columns it reads."""
    return qs.select_related("region", "wisher", "claimed_by").only(*ROW_FIELDS)


def wish_rows(user: Any, wishes: list[Wish]) -> list[WishRow]:
    full_paths = permissions.scope_paths(user, policies.REVIEW.name)
    claimed = [w.pk for w in wishes if w.claimed_by_id]
    orgs = (
        dict(
            Claim.objects.filter(wish_id__in=claimed, organisation__isnull=False).values_list(
                "wish_id", "organisation__name"
            )
        )
        if claimed
        else {}
    )
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
                category_label=display(wish, "category"),
                status=wish.status,
                status_label=display(wish, "status"),
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
                actions=policies.actions_for(user, wish),
                problem_reported=wish.status == WishStatus.DELIVERED
                and wish.problem_reported_at is not None
                and (policies.is_wisher(user, wish) or policies.may_review(user, wish)),
            )
        )
    return rows


def wish_history(wish: Wish) -> list[WishEvent]:
    return list(wish.events.select_related("actor").order_by("at", "id"))


def my_wishes(user: Any) -> QuerySet[Wish]:
    return (
        # The wisher as a subquery, not a join: OR-ed with a column of the wish, a join made
        # PostgreSQL hash every resident of the district (100 ms at 360,000).
        Wish.objects.filter(
            Q(wisher_id__in=Person.objects.filter(user_id=user.pk).values("pk")) | Q(entered_by_id=user.pk)
        )
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
    """Wishes awaiting the community: to review, to publish, and deliveries the wisher says did
    not arrive or are not right."""
    paths = permissions.scope_paths(user, policies.VIEW_ALL.name)
    waiting = Q(status__in=[WishStatus.SUBMITTED, WishStatus.APPROVED])
    waiting |= Q(status=WishStatus.DELIVERED, problem_reported_at__isnull=False)
    return (
        Wish.objects.filter(permissions.path_q(paths), waiting)
        .select_related("region", "wisher")
        .order_by("submitted_at", "id")
    )


def community_worker_ids(region_id: int) -> list[int]:
    """Who a community's contact requests and problem reports go to: its social workers, or
    its secretary when it has none."""
    from community365.people.models import RoleAssignment

    rows = RoleAssignment.objects.filter(
        region_id=region_id,
        role__in=[Role.SOCIAL_WORKER, Role.COMMUNITY_SECRETARY],
        revoked_at__isnull=True,
        user__is_active=True,
    ).values_list("user_id", "role")
    workers = sorted({u for u, r in rows if r == Role.SOCIAL_WORKER})
    return workers or sorted({u for u, _r in rows})


@dataclass(frozen=True)
class ClaimantInfo:
    """How a claimant is introduced to the wisher: a name and a unit, never a phone."""

    name: str
    unit: str
    # The unit as a phrase parameter (core.phrases), for what is stored and read later.
    unit_param: dict[str, Any] | str = ""


def claimant_of(claim: Claim) -> ClaimantInfo:
    """The claimant's display name and unit: the organisation they claim for, or the role and
    the place they hold it at."""
    from community365.people.models import RoleAssignment

    user = claim.claimant
    name = user.display_name or user.username
    if claim.organisation is not None:
        organisation = claim.organisation
        kind = phrases.ORGANISATION_KINDS.get(organisation.kind)
        return ClaimantInfo(
            name=organisation.name,
            unit=str(organisation.get_kind_display()),
            unit_param=phrase_param(kind) if kind else organisation.name,
        )
    grant = (
        RoleAssignment.objects.filter(user_id=user.pk, role=claim.claimant_role, revoked_at__isnull=True)
        .select_related("region")
        .order_by("id")
        .first()
    )
    if claim.claimant_role not in Role.values:
        return ClaimantInfo(name=name, unit="")
    role = Role(claim.claimant_role).label
    place = grant.region.name if grant is not None else ""
    param = phrase_param(
        phrases.CLAIMANT_UNIT, {"role": phrase_param(f"core.role.{claim.claimant_role}"), "place": place}
    )
    return ClaimantInfo(name=name, unit=f"{role} · {place}" if place else str(role), unit_param=param)


@dataclass(frozen=True)
class ContactView:
    """What one user sees of the contact between claimant and wisher (docs/wishes.md).

    ``side``: "claimant" (the holder of the active claim), "wisher" (the wisher or the worker
    who entered the wish) or "worker" (a reviewer of the community). Anyone else gets None."""

    side: str
    place: str = ""
    wisher_phone: str = ""
    claimant_name: str = ""
    claimant_unit: str = ""
    claimant_phone: str = ""
    community: str = ""
    contacted_at: Any = None
    contact_requested_at: Any = None
    phone_shared_at: Any = None
    wisher_has_phone: bool = False


def _place_of_home(wish: Wish) -> str:
    """The building and stairwell of the wisher's home (楼栋 · 楼道), never the door number."""
    region = wish.wisher.region
    if region.kind not in (RegionKind.STAIRWELL, RegionKind.BUILDING):
        return wish.region.name
    if region.kind == RegionKind.BUILDING:
        return f"{wish.region.name} · {region.name}"
    building = (
        Region.objects.filter(path=region.path[: -Region.steplen]).values_list("name", flat=True).first()
    )
    if building and region.name.startswith(building):
        building = None  # "11幢1单元" already names its building
    return " · ".join(n for n in (wish.region.name, building, region.name) if n)


def contact_for(user: Any, wish: Wish) -> ContactView | None:
    """The contact details this user may see while the wish is claimed; None for everyone
    else, and for everyone once the claim has ended (released, lapsed or fulfilled)."""
    if wish.status != WishStatus.CLAIMED or getattr(user, "pk", None) is None:
        return None
    claim = (
        Claim.objects.filter(wish_id=wish.pk, status=Claim.Status.ACTIVE)
        .select_related("claimant", "organisation")
        .first()
    )
    if claim is None:
        return None
    common = {
        "contacted_at": claim.contacted_at,
        "contact_requested_at": claim.contact_requested_at,
        "phone_shared_at": claim.phone_shared_at,
        "community": wish.region.name,
        "wisher_has_phone": bool(wish.wisher.phone),
    }
    if claim.claimant_id == user.pk:
        return ContactView(
            side="claimant",
            place=_place_of_home(wish),
            wisher_phone=wish.wisher.phone if claim.phone_shared_at is not None else "",
            **common,
        )
    who = claimant_of(claim)
    if policies.may_review(user, wish):
        return ContactView(
            side="worker",
            claimant_name=who.name,
            claimant_unit=who.unit,
            claimant_phone=claim.claimant.phone,
            **common,
        )
    if policies.is_wisher(user, wish) or (wish.entered_by_id is not None and wish.entered_by_id == user.pk):
        return ContactView(side="wisher", claimant_name=who.name, claimant_unit=who.unit, **common)
    return None


# --- the board ------------------------------------------------------------------------------------


def board_communities(user: Any) -> list[Region]:
    """The communities whose public wishes the user may see (the board's community filter)."""
    ids = permissions.district_ids(user)
    qs = Region.objects.filter(kind__in=[RegionKind.COMMUNITY, RegionKind.COOPERATIVE])
    if ids is not None:
        qs = qs.filter(district_id__in=ids)
    return list(qs.order_by("path"))


def home_community_id(user: Any) -> int | None:
    """The board opens on the user's own community: their resident record's, else the first
    community where they hold a role; None (the whole district) for district-level staff."""
    person = getattr(user, "person", None) if getattr(user, "pk", None) else None
    if person is not None:
        return int(person.community_id)
    for grant in permissions.grants_of(user):
        depth = len(grant.path) // Region.steplen
        if depth == 3:  # district / subdistrict / community
            return grant.region_id
    return None


def figure_regions(user: Any) -> list[Region]:
    """The places whose figures the user may read, then the communities under them."""
    paths = permissions.scope_paths(user, policies.FIGURES.name)
    if paths is None:
        tops = list(Region.objects.filter(kind=RegionKind.DISTRICT).order_by("path"))
    else:
        tops = list(Region.objects.filter(path__in=paths).order_by("path"))
    regions: list[Region] = []
    for top in tops:
        regions.append(top)
        if top.kind not in (RegionKind.COMMUNITY, RegionKind.COOPERATIVE):
            regions += list(
                Region.objects.filter(path__startswith=top.path, kind=RegionKind.COMMUNITY).order_by("path")
            )
    return regions


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

    @property
    def fulfilment_percent(self) -> float | None:
        """The rate as the page and its chart show it (one rounding for both)."""
        return None if self.fulfilment_rate is None else round(100 * self.fulfilment_rate, 1)


def _in_period(qs: QuerySet[Wish], period: Period | None) -> QuerySet[Wish]:
    """A wish belongs to the period of its publication month (unpublished wishes to none)."""
    return qs.filter(period.q("published_at")) if period is not None and period.is_set else qs


def figures_for(user: Any, regions: list[Region], period: Period | None = None) -> list[Figures]:
    """Per place: counts of wishes that reached each milestone, median hours from publication
    to first claim, fulfilment rate = fulfilled / claimed, satisfaction = mean rating (1–5).
    Counted over the wishes the user may see (staff: all of their places), published in
    ``period`` when one is given.

    The cost does not grow with the number of places or wishes: one query grouped by the
    wish's place for the counts and ratings (rolled up to each listed place by path prefix,
    over at most one row per place), and one windowed query per path length for the medians
    (it returns only the middle one or two durations of each place)."""
    if not regions:
        return []
    # Only the wishes under the listed places count: read just those (the places' ids from the
    # small region table), not every wish the user may see — a community's worker sees the
    # district's public board, and its figures read all of it (255 ms under load at full size).
    # A wish is placed at its wisher's community (services.wish_create), so the communities under
    # the places, as a list of ids, let the database read those wishes by the region index.
    places = permissions.path_q([r.path for r in regions], "path")
    under = list(Region.objects.filter(places, kind__in=COMMUNITY_KINDS).values_list("pk", flat=True))
    base = _in_period(policies.wishes_visible_to(user), period).filter(region_id__in=under)
    # query 1: counts and ratings per place a wish names
    grouped = list(
        base.values("region__path").annotate(
            published=Count("pk", filter=Q(published_at__isnull=False)),
            claimed=Count("pk", filter=Q(first_claimed_at__isnull=False)),
            fulfilled=Count("pk", filter=Q(delivered_at__isnull=False)),
            confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
            ratings=Count("rating"),
            rating_sum=Sum("rating"),
        )
    )
    # queries 2…: the median per listed place, one query per distinct path length
    medians: dict[str, float] = {}
    for length in sorted({len(r.path) for r in regions}):
        medians.update(_median_hours_by_prefix(base, length))
    result = []
    for region in regions:
        fig = Figures(region=region)
        rating_sum = 0
        for row in grouped:
            if row["region__path"].startswith(region.path):
                fig.published += row["published"]
                fig.claimed += row["claimed"]
                fig.fulfilled += row["fulfilled"]
                fig.confirmed += row["confirmed"]
                fig.ratings += row["ratings"]
                rating_sum += row["rating_sum"] or 0
        fig.median_hours_to_claim = medians.get(region.path)
        if fig.claimed:
            fig.fulfilment_rate = round(fig.fulfilled / fig.claimed, 3)
        if fig.ratings:
            fig.satisfaction = round(rating_sum / fig.ratings, 2)
        result.append(fig)
    return result


def _median_hours_by_prefix(qs: QuerySet[Wish], length: int) -> dict[str, float]:
    """Median hours from publication to first claim per path prefix of ``length``: the rows are
    ranked inside each place by the database and only the middle one or two come back."""
    place = Substr("region__path", 1, length)
    durations = (
        qs.filter(published_at__isnull=False, first_claimed_at__isnull=False)
        .annotate(
            place=place,
            wait=ExpressionWrapper(F("first_claimed_at") - F("published_at"), output_field=DurationField()),
        )
        .annotate(
            rank=Window(RowNumber(), partition_by=[place], order_by=[F("wait").asc(), F("pk").asc()]),
            n=Window(Count("pk"), partition_by=[place]),
        )
        .filter(rank__gte=F("n") / 2.0, rank__lte=F("n") / 2.0 + 1)
        .values_list("place", "wait")
    )
    middle: dict[str, list[float]] = {}
    for path, wait in durations:
        # odd n: rank (n+1)/2 only; even n: ranks n/2 and n/2+1, averaged (statistics.median)
        middle.setdefault(path, []).append(wait.total_seconds() / 3600)
    return {path: round(statistics.mean(values), 1) for path, values in middle.items()}


@dataclass(frozen=True)
class TrendPoint:
    month: str
    published: int
    claimed: int
    fulfilled: int


def figures_trend(user: Any, region: Region, period: Period | None = None) -> list[TrendPoint]:
    """Wishes published under ``region`` per month of publication, and how many of those were
    claimed and fulfilled since: one query grouped by month."""
    rows = list(
        _in_period(policies.wishes_visible_to(user), period)
        .filter(region__path__startswith=region.path, published_at__isnull=False)
        .annotate(month=TruncMonth("published_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(
            published=Count("pk"),
            claimed=Count("pk", filter=Q(first_claimed_at__isnull=False)),
            fulfilled=Count("pk", filter=Q(delivered_at__isnull=False)),
        )
        .order_by("month")
    )
    by_month = {month_key(r["month"]): r for r in rows}
    return [
        TrendPoint(
            month=m,
            published=by_month.get(m, {}).get("published", 0),
            claimed=by_month.get(m, {}).get("claimed", 0),
            fulfilled=by_month.get(m, {}).get("fulfilled", 0),
        )
        for m in month_axis(rows, period or Period())
    ]


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
        label = claimant_label(claim.claimant, claim.organisation.name if claim.organisation else None)
        counts[label] = counts.get(label, 0) + 1
    return MarketSummary(
        wishes=len(wishes),
        claimed=len(seen),
        median_seconds_to_claim=round(statistics.median(seconds), 1) if seconds else None,
        p90_seconds_to_claim=_percentile(seconds, 0.9),
        per_claimant=sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
    )

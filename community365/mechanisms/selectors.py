"""Reads: lists filtered and paginated in SQL, and the figures as grouped queries (one query per
metric, never one per region)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from . import policies
from .models import (
    FirstSecretaryResult,
    MenuItem,
    ProjectStatus,
    ProjectTask,
    ProjectTheme,
    ResultCategory,
    ResultStatus,
    SecretaryProject,
    UnitKind,
)


def project_list(
    user: Any,
    *,
    year: int | None = None,
    status: str = "",
    theme: str = "",
    unit_kind: str = "",
    subdistrict: int | None = None,
    overdue: bool = False,
    mine: bool = False,
    q: str = "",
) -> QuerySet[SecretaryProject]:
    qs = policies.projects_visible_to(user)
    if year:
        qs = qs.filter(year=year)
    if status in ProjectStatus.values:
        qs = qs.filter(status=status)
    if theme in ProjectTheme.values:
        qs = qs.filter(theme=theme)
    if unit_kind in UnitKind.values:
        qs = qs.filter(unit_kind=unit_kind)
    if subdistrict:
        qs = qs.filter(subdistrict_id=subdistrict)
    if overdue:
        qs = qs.filter(Exists(overdue_tasks().filter(project_id=OuterRef("pk"))))
    if mine:
        qs = qs.filter(secretary_id=getattr(user, "pk", None))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(unit__name__icontains=q))
    return qs.select_related("unit", "menu_item", "subdistrict").order_by("-year", "id")


def overdue_tasks() -> QuerySet[ProjectTask]:
    return ProjectTask.objects.filter(
        done_at__isnull=True, due__lt=timezone.localdate(), project__status=ProjectStatus.APPROVED
    )


def review_queue(user: Any) -> QuerySet[SecretaryProject]:
    if not policies.may_manage(user):
        return SecretaryProject.objects.none()
    return policies.projects_visible_to(user).filter(status=ProjectStatus.SUBMITTED)


def supervision_count(user: Any) -> int:
    if not policies.may_manage(user):
        return 0
    return project_list(user, overdue=True).count()


@dataclass
class Figure:
    key: str
    label: Any
    count: int


@dataclass
class ProjectFigures:
    year: int
    total: int
    applied: int
    units_applying: int
    on_schedule: int
    on_schedule_percent: float | None
    average_score: float | None
    menu_size: int
    menu_taken: int
    by_theme: list[Figure]
    by_unit_kind: list[Figure]
    by_subdistrict: list[Figure]


def project_figures(user: Any, year: int) -> ProjectFigures:
    """Approved projects of the year (the published list) as the user may see them."""
    scope = policies.projects_visible_to(user).filter(year=year)
    listed = scope.filter(status__in=policies.PUBLISHED)
    totals = listed.aggregate(
        total=Count("id"),
        late=Count("id", filter=Q(Exists(overdue_tasks().filter(project_id=OuterRef("pk"))))),
        score=Avg("score"),
    )
    applied = scope.aggregate(n=Count("id"), units=Count("unit", distinct=True))
    menu = MenuItem.objects.filter(year=year, district_id__in=scope.values("district_id"))
    menu_counts = menu.aggregate(
        size=Count("id", distinct=True),
        taken=Count("id", distinct=True, filter=Q(projects__status__in=policies.PUBLISHED)),
    )

    def grouped(field: str, labels: dict[str, Any]) -> list[Figure]:
        rows = listed.values(field).annotate(n=Count("id")).order_by("-n", field)
        return [Figure(str(r[field] or ""), labels.get(r[field], "—"), r["n"]) for r in rows]

    subs = listed.values("subdistrict_id", "subdistrict__name").annotate(n=Count("id")).order_by("-n")
    total = totals["total"]
    on_schedule = total - totals["late"]
    return ProjectFigures(
        year=year,
        total=total,
        applied=applied["n"],
        units_applying=applied["units"],
        on_schedule=on_schedule,
        on_schedule_percent=round(on_schedule * 100 / total, 1) if total else None,
        average_score=round(float(totals["score"]), 1) if totals["score"] is not None else None,
        menu_size=menu_counts["size"],
        menu_taken=menu_counts["taken"],
        by_theme=grouped("theme", dict(ProjectTheme.choices)),
        by_unit_kind=grouped("unit_kind", dict(UnitKind.choices)),
        by_subdistrict=[
            Figure(str(r["subdistrict_id"] or ""), r["subdistrict__name"] or "区级部门", r["n"]) for r in subs
        ],
    )


def result_totals(user: Any = None, *, district_ids: list[int] | None = None) -> dict[str, int]:
    """Confirmed results by the article's five categories (one grouped query)."""
    qs = FirstSecretaryResult.objects.filter(status=ResultStatus.CONFIRMED)
    if user is not None:
        qs = qs.filter(district_id__in=_districts(user)) if _districts(user) is not None else qs
    if district_ids is not None:
        qs = qs.filter(district_id__in=district_ids)
    rows = dict(qs.values("category").annotate(n=Sum("quantity")).values_list("category", "n"))
    return {c: int(rows.get(c) or 0) for c in ResultCategory.values}


def _districts(user: Any) -> set[int] | None:
    from community365.core import permissions

    return permissions.district_ids(user)


def frontline_batches(user: Any) -> list[dict[str, Any]]:
    return list(
        policies.frontline_visible_to(user)
        .values("batch", "task")
        .annotate(cadres=Count("id"))
        .order_by("-batch", "task")
    )


def frontline_totals(user: Any) -> dict[str, int]:
    return policies.frontline_visible_to(user).aggregate(
        batches=Count("batch", distinct=True), cadres=Count("id")
    )


def pending_results(user: Any) -> QuerySet[FirstSecretaryResult]:
    from community365.core import permissions

    paths = permissions.scope_paths(user, policies.CONFIRM_RESULT.name)
    if paths is not None and not paths:
        return FirstSecretaryResult.objects.none()
    return FirstSecretaryResult.objects.filter(permissions.path_q(paths), status=ResultStatus.PENDING)


# --- service centres ------------------------------------------------------------------------------
def centres_for(user: Any) -> QuerySet[Any]:
    from community365.core import permissions
    from community365.regions.models import ServiceCentre

    districts = permissions.district_ids(user)
    qs = ServiceCentre.objects.select_related("region").order_by("id")
    return qs if districts is None else qs.filter(district_id__in=districts)


def centre_rows(user: Any) -> list[dict[str, Any]]:
    """Each centre with its rooms, lectures held this year and visitors (three grouped queries)."""
    from .models import DelegationVisit, Lecture, Room

    centres = list(centres_for(user))
    ids = [c.pk for c in centres]
    year = timezone.localdate().year
    rooms = dict(
        Room.objects.filter(centre_id__in=ids)
        .values("centre_id")
        .annotate(n=Count("id"))
        .values_list("centre_id", "n")
    )
    lectures = dict(
        Lecture.objects.filter(centre_id__in=ids, starts_at__year=year, status=Lecture.Status.SCHEDULED)
        .values("centre_id")
        .annotate(n=Count("id"))
        .values_list("centre_id", "n")
    )
    visits = {
        r["centre_id"]: r
        for r in DelegationVisit.objects.filter(centre_id__in=ids, visited_on__year=year)
        .values("centre_id")
        .annotate(n=Count("id"), people=Sum("visitors"))
    }
    return [
        {
            "centre": c,
            "rooms": rooms.get(c.pk, 0),
            "lectures": lectures.get(c.pk, 0),
            "visits": visits.get(c.pk, {}).get("n", 0),
            "visitors": visits.get(c.pk, {}).get("people", 0),
        }
        for c in centres
    ]


def lectures_held(user: Any, year: int) -> int:
    from .models import Lecture

    return Lecture.objects.filter(
        centre__in=centres_for(user),
        starts_at__year=year,
        starts_at__lt=timezone.now(),
        status=Lecture.Status.SCHEDULED,
    ).count()


# --- funding --------------------------------------------------------------------------------------
@dataclass
class FundRow:
    region: Any
    allocated: Any
    spent: Any

    @property
    def balance(self) -> Any:
        return self.allocated - self.spent

    @property
    def spent_percent(self) -> float | None:
        return round(float(self.spent) * 100 / float(self.allocated), 1) if self.allocated else None


def fund_rows(user: Any, year: int) -> list[FundRow]:
    """Allocated, spent and balance per community the user may read (two grouped queries and
    the list of communities)."""
    from decimal import Decimal

    from community365.core import permissions
    from community365.regions.models import COMMUNITY_KINDS, Region

    from .models import FundAllocation, FundEntry

    paths = policies.fund_paths(user)
    places = Region.objects.filter(permissions.path_q(paths, field="path"), kind__in=COMMUNITY_KINDS)
    districts = permissions.district_ids(user)
    if districts is not None:
        places = places.filter(district_id__in=districts)
    scope = permissions.path_q(paths)
    allocated = dict(
        FundAllocation.objects.filter(scope, year=year)
        .values("region_id")
        .annotate(s=Sum("amount"))
        .values_list("region_id", "s")
    )
    spent = dict(
        FundEntry.objects.filter(scope, year=year)
        .values("region_id")
        .annotate(s=Sum("amount"))
        .values_list("region_id", "s")
    )
    zero = Decimal("0.00")
    return [
        FundRow(place, allocated.get(place.pk) or zero, spent.get(place.pk) or zero)
        for place in places.order_by("path")
        if place.pk in allocated or place.pk in spent
    ]


def fund_region(user: Any, region_id: int) -> Any:
    from community365.core import permissions
    from community365.regions.models import COMMUNITY_KINDS, Region

    return Region.objects.filter(
        permissions.path_q(policies.fund_paths(user), field="path"), kind__in=COMMUNITY_KINDS, pk=region_id
    ).first()


# --- area-wide co-building ----------------------------------------------------------------------------
def community_choices(user: Any, permission: str) -> QuerySet[Any]:
    """The communities where ``user`` holds ``permission`` (for a form's choice list)."""
    from community365.core import permissions
    from community365.regions.models import COMMUNITY_KINDS, Region

    paths = permissions.scope_paths(user, permission)
    if paths is not None and not paths:
        return Region.objects.none()
    return Region.objects.filter(permissions.path_q(paths, field="path"), kind__in=COMMUNITY_KINDS).order_by(
        "path"
    )


def model_counts(user: Any) -> list[dict[str, Any]]:
    from community365.core import permissions

    from .models import CommunityCoBuilding

    districts = permissions.district_ids(user)
    qs = (
        CommunityCoBuilding.objects.all()
        if districts is None
        else CommunityCoBuilding.objects.filter(district_id__in=districts)
    )
    return list(qs.values("model").annotate(n=Count("id")).order_by("model"))


def fee_trend(region: Any) -> tuple[list[str], dict[str, list[Any]]]:
    """Years and, per estate, the collection rate of each year (one query)."""
    from .models import EstateFeeRate

    rows = list(
        EstateFeeRate.objects.filter(manager__region=region)
        .values("estate", "year", "rate")
        .order_by("estate", "year")
    )
    years = sorted({r["year"] for r in rows})
    trend: dict[str, list[Any]] = {}
    for r in rows:
        trend.setdefault(r["estate"], [None] * len(years))[years.index(r["year"])] = r["rate"]
    return [str(y) for y in years], trend

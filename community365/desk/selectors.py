"""Reads of the service desk: lists filtered and paged in the database, a request's detail with
what this user may do with it, and the masked view of personal data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from community365.core.masking import mask_name, mask_phone
from community365.core.phrases import render

from . import policies
from .models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    LightingFile,
    LightingLog,
    LightState,
    RequestStatus,
    ServiceRequest,
)
from .services import TRANSITIONS, can_reopen

STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": tuple(OPEN_STATUSES),
    "done": tuple(DONE_STATUSES),
    "resolved": (RequestStatus.CLOSED, RequestStatus.CONFIRMED),  # deskflow: closed, rated or not
}


@dataclass(frozen=True)
class RequestFilter:
    status: str = ""
    community: int | None = None
    category: str = ""
    mine: bool = False
    overdue: bool = False
    department: bool = False
    # deskflow: the hot spots' and the workload's drill-downs
    place: str = ""  # a region path: the place and everything under it
    holder: int | None = None  # the social worker holding the request
    period: Any = None  # a core.charts.Period on created_at
    closed_in: Any = None  # a core.charts.Period on closed_at (resolved in the period)
    my_tasks: bool = False  # requests with a task given to the user and still open


def requests_for(user: Any, f: RequestFilter) -> QuerySet[ServiceRequest]:
    qs = policies.requests_visible_to(user).select_related(
        "item", "community", "region", "assignee", "department", "team", "organisation", "person"
    )
    if f.status in STATUS_GROUPS:
        qs = qs.filter(status__in=STATUS_GROUPS[f.status])
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.community:
        qs = qs.filter(community_id=f.community)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.mine:
        qs = qs.filter(Q(assignee_id=user.pk) | Q(author_id=user.pk) | Q(person__user_id=user.pk))
    if f.department:
        qs = qs.filter(department_id__in=policies.liaison_departments(user))
    if f.overdue:
        qs = qs.filter(
            status__in=[RequestStatus.SUBMITTED, RequestStatus.ACCEPTED], resolution_due__lt=timezone.now()
        )
    if f.my_tasks:
        qs = qs.filter(pk__in=my_open_task_requests(user))
    if f.place:
        qs = qs.filter(region__path__startswith=f.place)
    if f.holder:
        qs = qs.filter(assignee_id=f.holder)
    if f.period is not None:
        qs = qs.filter(f.period.q("created_at"))
    if f.closed_in is not None:
        qs = qs.filter(f.closed_in.q("closed_at"))
    return qs.order_by("-created_at", "-id")


def actions_for(user: Any, req: ServiceRequest, now: datetime.datetime | None = None) -> list[str]:
    """What this user may do with the request now (the pages and the API show exactly these)."""
    now = now or timezone.now()
    actions: list[str] = []
    if policies.can_handle(user, req):
        for action in ("accept", "transfer", "merge", "escalate", "pause", "resume", "close", "callback"):
            if req.status in TRANSITIONS[action][0]:
                actions.append(action)
    if policies.is_requester(user, req):
        if req.status == RequestStatus.CLOSED:
            actions.append("rate")
        if can_reopen(req, now):
            actions.append("reopen")
        if req.status == RequestStatus.WAITING and "resume" not in actions:
            actions.append("resume")
    return actions


def holder_of(req: ServiceRequest) -> str:
    for thing in (req.department, req.team, req.organisation):
        if thing is not None:
            return thing.name
    if req.assignee is not None:
        return req.assignee.display_name or req.assignee.username
    return ""


def contact_of(user: Any, req: ServiceRequest) -> str:
    """Handlers and the requester see the phone; everyone else a masked one."""
    if policies.is_requester(user, req) or policies.can_handle(user, req):
        return req.contact_phone
    return mask_phone(req.contact_phone) if req.contact_phone else ""


def overdue(req: ServiceRequest, now: datetime.datetime) -> bool:
    if req.status in (RequestStatus.SUBMITTED, RequestStatus.ACCEPTED):
        return req.resolution_due < now
    if req.closed_at is not None and req.status != RequestStatus.MERGED:
        return req.closed_at > req.resolution_due
    return False


def events_of(req: ServiceRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": e.code,
            "params": e.params,
            "text": render(e.code, e.params),
            "actor": mask_name(e.actor.display_name) if e.actor and e.actor.display_name else "",
            "at": e.at,
        }
        for e in req.events.select_related("actor").all()
    ]


def department_open_requests(user: Any, limit: int = 50) -> tuple[list[ServiceRequest], int]:
    """The open requests routed to the user's departments, for the departments' inbox (the talks'
    task inbox shows them beside the tasks): the first ``limit`` by deadline, and how many."""
    departments = policies.liaison_departments(user)
    if not departments:
        return [], 0
    qs = (
        ServiceRequest.objects.filter(department_id__in=departments, status__in=list(OPEN_STATUSES))
        .select_related("item", "community", "region")
        .order_by("resolution_due", "id")
    )
    return list(qs[:limit]), qs.count()


# --- stairwell lighting files ------------------------------------------------------------------


def lighting_files_for(user: Any, *, place: Any = None, state: str = "") -> QuerySet[LightingFile]:
    """The files the user sees, under ``place`` (a subdistrict or community) when given; with
    ``state`` ``dark`` or ``faulty`` (or ``unlit`` for both), the oldest first — the list of dark
    stairwells with their age."""
    qs = policies.lighting_files_visible_to(user).select_related("stairwell", "community")
    if place is not None:
        qs = qs.filter(Q(community__path__startswith=place.path))
    if state == "unlit":
        return qs.exclude(state=LightState.LIT).order_by("state_since", "id")
    if state in LightState.values:
        return qs.filter(state=state).order_by("state_since", "id")
    return qs.order_by("community__path", "stairwell__path")


def lighting_counts(user: Any, *, place: Any = None) -> dict[str, int]:
    """How many stairwells are lit, faulty, dark: one grouped query."""
    qs = policies.lighting_files_visible_to(user)
    if place is not None:
        qs = qs.filter(community__path__startswith=place.path)
    counts = dict.fromkeys(LightState.values, 0)
    for row in qs.values("state").annotate(n=Count("id")).order_by():
        counts[row["state"]] = row["n"]
    return counts


def lighting_dark_by_community(user: Any, *, place: Any = None) -> list[dict[str, Any]]:
    """Dark (or faulty) stairwells per community with the oldest date: one grouped query."""
    qs = policies.lighting_files_visible_to(user).exclude(state=LightState.LIT)
    if place is not None:
        qs = qs.filter(community__path__startswith=place.path)
    return list(
        qs.values("community_id", "community__name")
        .annotate(n=Count("id"), oldest=Min("state_since"))
        .order_by("-n", "community__name")[:200]
    )


def age_days(file: LightingFile, now: datetime.datetime | None = None) -> int:
    return max(((now or timezone.now()) - file.state_since).days, 0)


def lighting_log(file: LightingFile, limit: int = 50) -> list[LightingLog]:
    return list(file.log.select_related("actor", "request")[:limit])


# --- hot spots (deskflow) ------------------------------------------------------------------------
# A hot spot: the same category recurring at the same grid, building or stairwell in a period —
# at least ``HOT_SPOT_MIN`` requests made at the place or under it (a building counts its
# stairwells). A place whose requests all lie at one hot child is not listed again: the child
# says it more precisely. One grouped query per level (grid, building, stairwell), one for the
# names, one for the proposals: the count never grows with the history.

HOT_SPOT_MIN = 3
HOT_SPOT_DEPTHS = (4, 5, 6)  # grid, building, stairwell (district 1, subdistrict 2, community 3)


@dataclass
class HotSpot:
    place_id: int
    place_path: str
    place_label: str
    community_id: int
    community_name: str
    category: str
    n: int
    proposals: list[Any]

    @property
    def category_label(self) -> str:
        from community365.wishes.models import ServiceCategory

        return str(dict(ServiceCategory.choices).get(self.category, self.category))

    def kinds_started(self) -> set[str]:
        return {p.kind for p in self.proposals}


def hot_spot_period(params: Any) -> Any:
    """The period of the hot-spot page, in whole months with both ends: ``?from=&to=`` or
    ``?year=``; by default this month and the two before. A proposal records it, so the same
    hot spot in the same period is proposed once per kind."""
    import datetime as _dt

    from community365.core import charts

    asked = charts.period_from(params)
    today = timezone.localdate()
    month = today.month - 2
    default_start = _dt.date(today.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    this_month_end = charts.next_month(today.replace(day=1))
    start = asked.start or default_start
    end = asked.end or max(this_month_end, charts.next_month(start))
    return charts.Period(start, end, asked.error)


def hot_spot_requests(qs: QuerySet[ServiceRequest], period: Any) -> QuerySet[ServiceRequest]:
    return qs.exclude(status=RequestStatus.MERGED).filter(period.q("created_at"))


def find_hot_spots(qs: QuerySet[ServiceRequest], *, minimum: int = HOT_SPOT_MIN) -> list[HotSpot]:
    """The hot spots among ``qs`` (already scoped and limited to a period), most requests first."""
    from django.db.models.functions import Substr

    from community365.regions.models import Region

    step = Region.steplen
    found: dict[tuple[str, str], tuple[int, int]] = {}
    for depth in HOT_SPOT_DEPTHS:
        rows = (
            qs.filter(region__depth__gte=depth)
            .annotate(spot=Substr("region__path", 1, step * depth))
            .values("spot", "category", "community_id")
            .annotate(n=Count("id"))
            .filter(n__gte=minimum)
            .order_by()
        )
        for row in rows:
            found[(row["spot"], row["category"])] = (row["n"], row["community_id"])
    # a place whose every request lies at one hot child is said by the child
    kept = {
        key: value
        for key, value in found.items()
        if not any(
            other[0] != key[0] and other[0].startswith(key[0]) and other[1] == key[1] and n == value[0]
            for other, (n, _c) in found.items()
        )
    }
    if not kept:
        return []
    wanted = {path[: step * d] for path, _cat in kept for d in range(3, len(path) // step + 1)}
    places = {
        r["path"]: r for r in Region.objects.filter(path__in=wanted).values("pk", "path", "name", "kind")
    }
    spots = []
    for (path, category), (n, community_id) in kept.items():
        if path not in places:
            continue
        parts: list[str] = []  # grid, building, stairwell; "11幢1单元" under "11幢" replaces it
        for d in range(4, len(path) // step + 1):
            name = places[path[: step * d]]["name"] if path[: step * d] in places else ""
            if parts and name.startswith(parts[-1]):
                parts[-1] = name
            elif name:
                parts.append(name)
        label = " ".join(parts)
        community = places.get(path[: step * 3], {})
        spots.append(
            HotSpot(
                place_id=places[path]["pk"],
                place_path=path,
                place_label=label,
                community_id=community_id,
                community_name=community.get("name", ""),
                category=category,
                n=n,
                proposals=[],
            )
        )
    spots.sort(key=lambda s: (-s.n, s.place_path, s.category))
    return spots


def hot_spots_of(community: Any, period: Any) -> list[HotSpot]:
    """A community's hot spots in ``period`` with what was started from each (a proposal of the
    same place and category whose period overlaps this one)."""
    from .models import HotSpotProposal

    qs = hot_spot_requests(ServiceRequest.objects.filter(community=community), period)
    spots = find_hot_spots(qs)
    if not spots:
        return spots
    proposals = (
        HotSpotProposal.objects.filter(
            district_id=community.district_id,
            community=community,
            period_start__lt=period.end,
            period_end__gt=period.start,
        )
        .select_related("created_by")
        .order_by("created_at", "id")
    )
    by_key: dict[tuple[int, str], list[Any]] = {}
    for proposal in proposals:
        by_key.setdefault((proposal.place_id, proposal.category), []).append(proposal)
    for spot in spots:
        spot.proposals = by_key.get((spot.place_id, spot.category), [])
    return spots


def proposal_url(proposal: Any) -> str:
    from django.urls import reverse

    if proposal.wish_id:
        return reverse("wish_detail", args=[proposal.wish_id])
    if proposal.project_id:
        return reverse("mech_project", args=[proposal.project_id])
    return reverse("talk_detail", args=[proposal.topic_id])


def residents_for(community: Any, place: Any, request_ids: list[int] | None = None) -> list[Any]:
    """Residents a wish or a topic may be made for: those behind the hot spot's requests, then
    those living at the place (one query, at most 30)."""
    from community365.people.models import Person

    behind = Q(pk__in=ServiceRequest.objects.filter(pk__in=request_ids or []).values("person_id"))
    return list(
        Person.objects.filter(community=community)
        .filter(behind | Q(region__path__startswith=place.path))
        .order_by("name", "id")[:30]
    )


# --- a request's tasks (deskflow) ------------------------------------------------------------------


def tasks_of(user: Any, req: ServiceRequest, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """The request's tasks, each with whether this user may mark it done and whether it is late."""
    now = now or timezone.now()
    out = []
    for task in req.tasks.select_related("worker", "team", "department", "done_by").order_by(
        "created_at", "id"
    ):
        task.request = req
        out.append(
            {
                "task": task,
                "to": task_assignee_label(task),
                "late": task.state == "open" and task.due_at < now,
                "can_finish": task.state == "open" and policies.can_finish_task(user, task),
            }
        )
    return out


def task_assignee_label(task: Any) -> str:
    if task.department is not None:
        return task.department.name
    if task.team is not None:
        return task.team.name
    if task.worker is not None:
        return task.worker.display_name or task.worker.username
    return ""


def my_open_task_requests(user: Any) -> Any:
    """The ids of the requests with an open task given to ``user`` (a subquery)."""
    from .models import RequestTask, TaskState

    return RequestTask.objects.filter(worker_id=getattr(user, "pk", None) or 0, state=TaskState.OPEN).values(
        "request_id"
    )


def department_open_tasks(user: Any, limit: int = 50) -> tuple[list[Any], int]:
    """The open tasks given to the user's departments, for the departments' inbox: the first
    ``limit`` by due time, and how many."""
    from .models import RequestTask, TaskState

    departments = policies.liaison_departments(user)
    if not departments:
        return [], 0
    qs = (
        RequestTask.objects.filter(department_id__in=departments, state=TaskState.OPEN)
        .select_related("request", "request__item", "request__community", "department")
        .order_by("due_at", "id")
    )
    return list(qs[:limit]), qs.count()


# --- per social worker desk load, for the rota's workload section (deskflow) ------------------------


@dataclass
class WorkerLoad:
    worker: Any
    open: int = 0
    overdue: int = 0
    resolved: int = 0
    median_hours: int | None = None


def worker_loads(
    community: Any, workers: list[Any], start: datetime.datetime, end: datetime.datetime
) -> list[WorkerLoad]:
    """Each worker's load at the desk of ``community``: open requests held now, of which overdue,
    resolved (closed) in [start, end), and the median resolution time of those — one grouped query
    for all the workers (by holder and whole-hour bucket), whatever their number."""
    from django.db.models import F, IntegerField
    from django.db.models.functions import Cast

    ids = [w.pk for w in workers]
    now = timezone.now()
    if not ids:
        return []
    closed = Q(
        status__in=[RequestStatus.CLOSED, RequestStatus.CONFIRMED], closed_at__gte=start, closed_at__lt=end
    )
    rows = (
        ServiceRequest.objects.filter(community=community, assignee_id__in=ids)
        .filter(Q(status__in=list(OPEN_STATUSES)) | closed)
        .annotate(hour=Cast(F("resolution_seconds") / 3600, IntegerField()))
        .values("assignee_id", "hour")
        .annotate(
            open=Count("id", filter=Q(status__in=list(OPEN_STATUSES))),
            overdue=Count(
                "id",
                filter=Q(
                    status__in=[RequestStatus.SUBMITTED, RequestStatus.ACCEPTED], resolution_due__lt=now
                ),
            ),
            resolved=Count("id", filter=closed),
        )
        .order_by("assignee_id", "hour")
    )
    loads = {w.pk: WorkerLoad(w) for w in workers}
    buckets: dict[int, list[tuple[int, int]]] = {}
    for row in rows:
        load = loads[row["assignee_id"]]
        load.open += row["open"]
        load.overdue += row["overdue"]
        load.resolved += row["resolved"]
        if row["resolved"] and row["hour"] is not None:
            buckets.setdefault(row["assignee_id"], []).append((row["hour"], row["resolved"]))
    for pk, pairs in buckets.items():
        total = sum(n for _h, n in pairs)
        running = 0
        for hour, n in sorted(pairs):
            running += n
            if running >= total / 2:
                loads[pk].median_hours = hour + 1  # the bucket's upper bound: "within N hours"
                break
    return [loads[pk] for pk in ids]

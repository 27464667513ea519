"""/api/v1/services/… — the service desk: catalogue, requests and their handling. Thin: parse,
load through the policies (invisible ⇒ 404), call a service. A request's ``id`` here is its
Open311 ``service_request_id``."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from community365.core.api import MONTH_PATTERN, YEAR_PATTERN, ErrorOut, PageParams, paginate
from community365.core.choices import display
from community365.core.errors import InvalidInput, NotFound
from community365.people.models import User
from community365.people.policies import persons_visible_to
from community365.regions.models import Department, Region

from . import policies, selectors, services
from .models import CatalogueItem, ServiceRequest

router = Router(tags=["services"])

ERRORS: dict[int, Any] = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
READ_ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}
Id = Annotated[int, Field(ge=1, le=policies.MAX_ID)]
RequestId = Annotated[int, Path(ge=1, le=policies.MAX_ID, description="a request's id")]


class DeskItemOut(Schema):
    id: int
    code: str
    category: str
    category_label: str
    name: str
    description: str
    requirements: str
    deliverer: str
    response_hours: int
    resolution_days: int
    online: bool
    community_addition: bool


class DeskEventOut(Schema):
    code: str
    params: dict[str, Any] = Field(default_factory=dict)
    text: str
    actor: str
    at: datetime.datetime


class DeskRequestOut(Schema):
    id: int = Field(..., description="also the Open311 service_request_id")
    status: str
    status_label: str
    category: str
    item: str
    item_code: str
    community: str
    community_id: int
    place: str
    text: str
    channel: str
    holder: str
    contact_phone: str = Field(..., description="masked unless the user handles or made the request")
    created_at: datetime.datetime
    response_due: datetime.datetime
    resolution_due: datetime.datetime
    responded_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    resolution: str
    rating: int | None
    reopen_count: int
    overdue: bool
    hotline_ticket: str | None
    actions: list[str] = Field(..., description="what this user may do with it now")


class DeskRequestDetailOut(DeskRequestOut):
    events: list[DeskEventOut]


class DeskRequestPage(Schema):
    items: list[DeskRequestOut]
    count: int


def _out(user: Any, req: ServiceRequest, now: datetime.datetime) -> dict[str, Any]:
    return {
        "id": req.pk,
        "status": req.status,
        "status_label": display(req, "status"),
        "category": req.category,
        "item": req.item.name,
        "item_code": req.item.code,
        "community": req.community.name,
        "community_id": req.community_id,
        "place": req.region.name,
        "text": req.text,
        "channel": req.channel,
        "holder": selectors.holder_of(req),
        "contact_phone": selectors.contact_of(user, req),
        "created_at": req.created_at,
        "response_due": req.response_due,
        "resolution_due": req.resolution_due,
        "responded_at": req.responded_at,
        "closed_at": req.closed_at,
        "resolution": req.resolution,
        "rating": req.rating,
        "reopen_count": req.reopen_count,
        "overdue": selectors.overdue(req, now),
        "hotline_ticket": req.hotline_ticket,
        "actions": selectors.actions_for(user, req, now),
    }


def _detail(request: HttpRequest, request_id: int) -> dict[str, Any]:
    req = policies.get_visible_request(request.user, request_id)
    out = _out(request.user, req, timezone.now())
    out["events"] = selectors.events_of(req)
    return out


def _req(request: HttpRequest, request_id: int) -> ServiceRequest:
    return policies.get_visible_request(request.user, request_id)


@router.get("/catalogue", response={200: list[DeskItemOut], **READ_ERRORS})
def desk_catalogue(request: HttpRequest, community: Annotated[str, Query(max_length=40)]) -> Any:
    """The catalogue of a community (by its region code): the district's items and its own."""
    place = Region.objects.filter(code=community, kind__in=["community", "cooperative"]).first()
    if place is None:
        raise NotFound(_("没有找到该社区。"))
    return [
        {
            **{f: getattr(i, f) for f in ("id", "code", "category", "name", "description", "requirements")},
            "category_label": display(i, "category"),
            "deliverer": i.deliverer,
            "response_hours": i.response_hours,
            "resolution_days": i.resolution_days,
            "online": i.online,
            "community_addition": i.region_id is not None,
        }
        for i in services.items_for(place).order_by("category", "id")
    ]


class DeskListQuery(Schema):
    status: str = Field(
        "", max_length=20, description="open (not closed yet), done (closed, rated or merged), or one state"
    )
    community: Id | None = None
    category: str = Field("", max_length=20)
    mine: bool = False
    overdue: bool = False


@router.get("/requests", response={200: DeskRequestPage, 422: ErrorOut})
def desk_list_requests(request: HttpRequest, filters: Query[DeskListQuery], page: Query[PageParams]) -> Any:
    """Requests the user sees (their own as a resident; their places' as staff; their
    department's as a liaison), newest first, filtered and paged in the database."""
    qs = selectors.requests_for(request.user, selectors.RequestFilter(**filters.dict()))
    chunk, count = paginate(qs, page)
    now = timezone.now()
    return {"items": [_out(request.user, r, now) for r in chunk], "count": count}


class DeskRequestIn(Schema):
    item_id: Id
    region_id: Id = Field(..., description="the place: the community, a grid, building or stairwell")
    text: str = Field(..., min_length=1, max_length=2000)
    contact_way: str = Field("phone", max_length=10)
    contact_phone: str = Field("", max_length=20)
    person_id: Id | None = Field(None, description="social workers: the resident they take it in for")


@router.post("/requests", response={201: DeskRequestDetailOut, **ERRORS})
def desk_create_request(request: HttpRequest, payload: DeskRequestIn) -> Any:
    """A resident's request, or — when the user handles requests there — one taken in for a
    resident (recorded as assisted)."""
    item = CatalogueItem.objects.filter(pk=payload.item_id).first()
    place = Region.objects.filter(pk=payload.region_id).first()
    if item is None:
        raise InvalidInput(_("没有这项服务。"), field="item_id")
    if place is None:
        raise InvalidInput(_("没有这个地点。"), field="region_id")
    from community365.core import permissions

    if permissions.has_perm_at(request.user, policies.HANDLE.name, place.path):
        person = None
        if payload.person_id:
            person = persons_visible_to(request.user).filter(pk=payload.person_id).first()
            if person is None:
                raise InvalidInput(_("没有找到该居民。"), field="person_id")
        req = services.request_assist(
            actor=request.user,
            item=item,
            place=place,
            text=payload.text,
            person=person,
            contact_way=payload.contact_way,
            contact_phone=payload.contact_phone,
        )
    else:
        req = services.request_raise(
            actor=request.user,
            item=item,
            place=place,
            text=payload.text,
            contact_way=payload.contact_way,
            contact_phone=payload.contact_phone,
        )
    return Status(201, _detail(request, req.pk))


@router.get("/requests/{request_id}", response={200: DeskRequestDetailOut, **READ_ERRORS})
def desk_get_request(request: HttpRequest, request_id: RequestId) -> Any:
    return _detail(request, request_id)


class DeskReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=1000)


class DeskTransferIn(DeskReasonIn):
    worker_id: Id | None = None
    department_id: Id | None = None


class DeskEscalateIn(DeskReasonIn):
    department_id: Id | None = Field(None, description="a department; without it, the subdistrict")


class DeskMergeIn(Schema):
    into_id: Id


class DeskCloseIn(Schema):
    resolution: str = Field(..., min_length=1, max_length=2000)


class DeskRateIn(Schema):
    rating: int = Field(..., ge=1, le=5)


class DeskReopenIn(DeskReasonIn):
    rating: int | None = Field(None, ge=1, le=5)


class DeskCallBackIn(Schema):
    reached: bool = True
    satisfied: bool | None = None
    note: str = Field("", max_length=300)


def _department(pk: int | None) -> Department | None:
    if not pk:
        return None
    found = Department.objects.filter(pk=pk).first()
    if found is None:
        raise InvalidInput(_("没有这个部门。"), field="department_id")
    return found


@router.post("/requests/{request_id}/accept", response={200: DeskRequestDetailOut, **ERRORS})
def desk_accept(request: HttpRequest, request_id: RequestId) -> Any:
    services.request_accept(actor=request.user, req=_req(request, request_id))
    return _detail(request, request_id)


@router.post("/requests/{request_id}/transfer", response={200: DeskRequestDetailOut, **ERRORS})
def desk_transfer(request: HttpRequest, request_id: RequestId, payload: DeskTransferIn) -> Any:
    worker = User.objects.filter(pk=payload.worker_id).first() if payload.worker_id else None
    if payload.worker_id and worker is None:
        raise InvalidInput(_("没有这位社工。"), field="worker_id")
    services.request_transfer(
        actor=request.user,
        req=_req(request, request_id),
        reason=payload.reason,
        worker=worker,
        department=_department(payload.department_id),
    )
    return _detail(request, request_id)


@router.post("/requests/{request_id}/merge", response={200: DeskRequestDetailOut, **ERRORS})
def desk_merge(request: HttpRequest, request_id: RequestId, payload: DeskMergeIn) -> Any:
    into = policies.get_visible_request(request.user, payload.into_id)
    services.request_merge(actor=request.user, req=_req(request, request_id), into=into)
    return _detail(request, request_id)


@router.post("/requests/{request_id}/escalate", response={200: DeskRequestDetailOut, **ERRORS})
def desk_escalate(request: HttpRequest, request_id: RequestId, payload: DeskEscalateIn) -> Any:
    services.request_escalate(
        actor=request.user,
        req=_req(request, request_id),
        reason=payload.reason,
        department=_department(payload.department_id),
    )
    return _detail(request, request_id)


@router.post("/requests/{request_id}/pause", response={200: DeskRequestDetailOut, **ERRORS})
def desk_pause(request: HttpRequest, request_id: RequestId, payload: DeskReasonIn) -> Any:
    services.request_pause(actor=request.user, req=_req(request, request_id), reason=payload.reason)
    return _detail(request, request_id)


@router.post("/requests/{request_id}/resume", response={200: DeskRequestDetailOut, **ERRORS})
def desk_resume(request: HttpRequest, request_id: RequestId) -> Any:
    services.request_resume(actor=request.user, req=_req(request, request_id))
    return _detail(request, request_id)


@router.post("/requests/{request_id}/close", response={200: DeskRequestDetailOut, **ERRORS})
def desk_close(request: HttpRequest, request_id: RequestId, payload: DeskCloseIn) -> Any:
    services.request_close(actor=request.user, req=_req(request, request_id), resolution=payload.resolution)
    return _detail(request, request_id)


@router.post("/requests/{request_id}/rating", response={200: DeskRequestDetailOut, **ERRORS})
def desk_rate(request: HttpRequest, request_id: RequestId, payload: DeskRateIn) -> Any:
    services.request_rate(actor=request.user, req=_req(request, request_id), rating=payload.rating)
    return _detail(request, request_id)


@router.post("/requests/{request_id}/reopen", response={200: DeskRequestDetailOut, **ERRORS})
def desk_reopen(request: HttpRequest, request_id: RequestId, payload: DeskReopenIn) -> Any:
    services.request_reopen(
        actor=request.user, req=_req(request, request_id), reason=payload.reason, rating=payload.rating
    )
    return _detail(request, request_id)


@router.post("/requests/{request_id}/callbacks", response={201: DeskRequestDetailOut, **ERRORS})
def desk_callback(request: HttpRequest, request_id: RequestId, payload: DeskCallBackIn) -> Any:
    services.callback_record(
        actor=request.user,
        req=_req(request, request_id),
        reached=payload.reached,
        satisfied=payload.satisfied,
        note=payload.note,
    )
    return Status(201, _detail(request, request_id))


# --- stairwell lighting files (亮灯档案) -------------------------------------------------------


class LightingFileOut(Schema):
    id: int
    stairwell: str
    stairwell_id: int
    community: str
    community_id: int
    lamps: int
    lamp_type: str
    sensor: bool
    maintainer: str
    state: str
    state_label: str
    state_since: datetime.datetime
    age_days: int = Field(..., description="days in the present state")
    open_faults: int


class LightingLogOut(Schema):
    kind: str
    kind_label: str
    state: str
    request_id: int | None
    note: str
    at: datetime.datetime


class LightingFileDetailOut(LightingFileOut):
    log: list[LightingLogOut]


class LightingPage(Schema):
    items: list[LightingFileOut]
    count: int


class LightingCommunityOut(Schema):
    community_id: int
    community: str
    unlit: int
    oldest_since: datetime.datetime


class LightingQuery(Schema):
    place: Id | None = Field(None, description="a subdistrict or community: only the files under it")
    state: str = Field(
        "", pattern="^(|lit|faulty|dark|unlit)$", description="unlit: faulty or dark, oldest first"
    )


class LightingFileIn(Schema):
    stairwell_id: Id
    lamps: int = Field(..., ge=0, le=99)
    lamp_type: str = Field(..., pattern="^(led|fluorescent|incandescent)$")
    sensor: bool
    maintainer: str = Field(..., pattern="^(property|community|department)$")


class LightingCheckIn(Schema):
    state: str = Field(..., pattern="^(lit|faulty|dark)$")
    note: str = Field("", max_length=300)


def _lighting_out(file: Any, now: datetime.datetime) -> dict[str, Any]:
    return {
        "id": file.pk,
        "stairwell": file.stairwell.name,
        "stairwell_id": file.stairwell_id,
        "community": file.community.name,
        "community_id": file.community_id,
        "lamps": file.lamps,
        "lamp_type": file.lamp_type,
        "sensor": file.sensor,
        "maintainer": file.maintainer,
        "state": file.state,
        "state_label": display(file, "state"),
        "state_since": file.state_since,
        "age_days": selectors.age_days(file, now),
        "open_faults": file.open_faults,
    }


def _lighting_detail(user: Any, file_id: int) -> dict[str, Any]:
    file = policies.get_visible_lighting_file(user, file_id)
    out = _lighting_out(file, timezone.now())
    out["log"] = [
        {
            "kind": row.kind,
            "kind_label": display(row, "kind"),
            "state": row.state,
            "request_id": row.request_id,
            "note": row.note,
            "at": row.at,
        }
        for row in selectors.lighting_log(file)
    ]
    return out


def _place(user: Any, place_id: int | None) -> Region | None:
    if place_id is None:
        return None
    place = Region.objects.filter(pk=place_id).first()
    if place is None:
        raise InvalidInput(_("没有这个地点。"), field="place")
    return place


@router.get("/lighting", response={200: LightingPage, 422: ErrorOut})
def desk_lighting_files(request: HttpRequest, filters: Query[LightingQuery], page: Query[PageParams]) -> Any:
    """The stairwell lighting files the user sees; ``state=unlit`` is the list of dark stairwells,
    the longest dark first."""
    qs = selectors.lighting_files_for(
        request.user, place=_place(request.user, filters.place), state=filters.state
    )
    chunk, count = paginate(qs, page)
    now = timezone.now()
    return {"items": [_lighting_out(f, now) for f in chunk], "count": count}


@router.get("/lighting/by-community", response={200: list[LightingCommunityOut], 422: ErrorOut})
def desk_lighting_by_community(request: HttpRequest, filters: Query[LightingQuery]) -> Any:
    """Faulty or dark stairwells per community, with the oldest: one grouped query."""
    rows = selectors.lighting_dark_by_community(request.user, place=_place(request.user, filters.place))
    return [
        {
            "community_id": r["community_id"],
            "community": r["community__name"],
            "unlit": r["n"],
            "oldest_since": r["oldest"],
        }
        for r in rows
    ]


@router.post("/lighting", response={200: LightingFileDetailOut, **ERRORS})
def desk_lighting_save(request: HttpRequest, payload: LightingFileIn) -> Any:
    """File (or correct) a stairwell's lamps."""
    stairwell = Region.objects.filter(pk=payload.stairwell_id).first()
    if stairwell is None:
        raise InvalidInput(_("没有这个地点。"), field="stairwell_id")
    file = services.lighting_file_save(
        actor=request.user,
        stairwell=stairwell,
        lamps=payload.lamps,
        lamp_type=payload.lamp_type,
        sensor=payload.sensor,
        maintainer=payload.maintainer,
    )
    return _lighting_detail(request.user, file.pk)


LightingId = Annotated[int, Path(ge=1, le=policies.MAX_ID, description="a lighting file's id")]


@router.get("/lighting/{file_id}", response={200: LightingFileDetailOut, **READ_ERRORS})
def desk_lighting_file(request: HttpRequest, file_id: LightingId) -> Any:
    return _lighting_detail(request.user, file_id)


@router.post("/lighting/{file_id}/checks", response={200: LightingFileDetailOut, **ERRORS})
def desk_lighting_check(request: HttpRequest, file_id: LightingId, payload: LightingCheckIn) -> Any:
    """A check (巡查): what state the lamps were found in."""
    file = policies.get_visible_lighting_file(request.user, file_id)
    services.lighting_check(actor=request.user, file=file, state=payload.state, note=payload.note)
    return _lighting_detail(request.user, file_id)


# --- hot spots and their proposals; a request's tasks; per-worker load (deskflow) ----------------------


class DeskHotSpotProposalOut(Schema):
    id: int
    kind: str = Field(..., description="wish, project or topic")
    kind_label: str
    title: str
    target_id: int = Field(..., description="the wish's, project's or topic's id")
    url: str
    period_from: str
    period_to: str
    requests: int
    created_at: datetime.datetime


class DeskHotSpotOut(Schema):
    place_id: int
    place: str
    category: str
    category_label: str
    requests: int = Field(..., description="requests of the category at the place or under it, in the period")
    threshold: int
    requests_url: str = Field(..., description="the desk's list of exactly these requests")
    proposals: list[DeskHotSpotProposalOut]
    can_start: list[str] = Field(..., description="the kinds this user may still start from it")


MONTH = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"  # a month that must be given


def _proposal_out(p: Any) -> dict[str, Any]:
    last = p.period_end - datetime.timedelta(days=1)
    return {
        "id": p.pk,
        "kind": p.kind,
        "kind_label": display(p, "kind"),
        "title": p.title,
        "target_id": p.wish_id or p.project_id or p.topic_id,
        "url": selectors.proposal_url(p),
        "period_from": p.period_start.strftime("%Y-%m"),
        "period_to": last.strftime("%Y-%m"),
        "requests": p.requests,
        "created_at": p.created_at,
    }


@router.get("/hot-spots", response={200: list[DeskHotSpotOut], **READ_ERRORS})
def desk_hot_spots(
    request: HttpRequest,
    community: Annotated[int, Query(ge=1, le=policies.MAX_ID, description="the community's id")],
    month_from: str = Query(
        "", alias="from", pattern=MONTH_PATTERN, description="YYYY-MM (default: two months ago)"
    ),  # type: ignore[type-arg]
    month_to: str = Query("", alias="to", pattern=MONTH_PATTERN, description="YYYY-MM (default: this month)"),  # type: ignore[type-arg]
    year: str = Query("", pattern=YEAR_PATTERN, description="a whole year instead of from/to"),  # type: ignore[type-arg]
) -> Any:
    """A community's hot spots in a period (whole months): the same category recurring at a grid,
    building or stairwell, with what was started from each. Secretary and up."""
    from django.urls import reverse

    from community365.core import charts

    from .models import ProposalKind

    place = policies.get_hot_spot_community(request.user, community)
    charts.period_or_error(month_from=month_from, month_to=month_to, year=year)
    period = selectors.hot_spot_period({"from": month_from, "to": month_to, "year": year})
    may = policies.can_propose(request.user, place)
    base = reverse("services_home")
    return [
        {
            "place_id": s.place_id,
            "place": s.place_label,
            "category": s.category,
            "category_label": s.category_label,
            "requests": s.n,
            "threshold": selectors.HOT_SPOT_MIN,
            "requests_url": f"{base}?place={s.place_id}&category={s.category}&{period.querystring()}",
            "proposals": [_proposal_out(p) for p in s.proposals],
            "can_start": [k for k in ProposalKind.values if may and k not in s.kinds_started()],
        }
        for s in selectors.hot_spots_of(place, period)
    ]


class DeskHotSpotProposalIn(Schema):
    community_id: Id
    place_id: Id
    category: Literal[
        "party_building", "convenience", "smart_info", "public_welfare", "tailored_care", "shared_culture"
    ]
    kind: Literal["wish", "project", "topic"]
    month_from: str = Field(..., pattern=MONTH, description="YYYY-MM: the hot spot's first month")
    month_to: str = Field(..., pattern=MONTH, description="YYYY-MM: its last month")
    title: str = Field(..., min_length=4, max_length=80, description="a wish's: 60 at most")
    text: str = Field(
        ..., min_length=4, max_length=500, description="what the requests say (a wish's: 300 at most)"
    )
    person_id: Id | None = Field(None, description="wish and topic: the resident it is for")
    goal: str = Field("", max_length=300, description="project")
    measures: str = Field("", max_length=1000, description="project")
    ask: str = Field("", max_length=1000, description="topic: what is asked of the invitee")


@router.post("/hot-spots/proposals", response={201: DeskHotSpotProposalOut, **ERRORS})
def desk_hot_spot_propose(request: HttpRequest, payload: DeskHotSpotProposalIn) -> Any:
    """Start a micro-wish, a secretary project or a talk topic from a hot spot (the community's
    secretary); the same hot spot once per kind (409)."""
    from community365.core import charts

    community = policies.get_hot_spot_community(request.user, payload.community_id)
    period = charts.period_or_error(month_from=payload.month_from, month_to=payload.month_to)
    if period.start is None or period.end is None:
        raise InvalidInput(_("请给出起止月份。"), field="month_from")
    place = Region.objects.filter(pk=payload.place_id, path__startswith=community.path).first()
    if place is None:
        raise InvalidInput(_("没有这个地点。"), field="place_id")
    person = None
    if payload.person_id:
        person = persons_visible_to(request.user).filter(pk=payload.person_id).first()
        if person is None:
            raise InvalidInput(_("没有找到该居民。"), field="person_id")
    proposal = services.hot_spot_propose(
        actor=request.user,
        community=community,
        place=place,
        category=payload.category,
        period_start=period.start,
        period_end=period.end,
        kind=payload.kind,
        title=payload.title,
        text=payload.text,
        person=person,
        goal=payload.goal,
        measures=payload.measures,
        ask=payload.ask,
    )
    return Status(201, _proposal_out(proposal))


class DeskTaskOut(Schema):
    id: int
    request_id: int
    text: str
    assignee_kind: str = Field(..., description="worker, team or department")
    assignee: str
    due_days: int
    due_at: datetime.datetime
    state: str = Field(..., description="open or done")
    overdue: bool
    note: str
    done_at: datetime.datetime | None
    can_finish: bool


def _task_out(user: Any, task: Any, now: datetime.datetime) -> dict[str, Any]:
    return {
        "id": task.pk,
        "request_id": task.request_id,
        "text": task.text,
        "assignee_kind": "worker" if task.worker_id else ("team" if task.team_id else "department"),
        "assignee": selectors.task_assignee_label(task),
        "due_days": task.due_days,
        "due_at": task.due_at,
        "state": task.state,
        "overdue": task.state == "open" and task.due_at < now,
        "note": task.note,
        "done_at": task.done_at,
        "can_finish": task.state == "open" and policies.can_finish_task(user, task),
    }


@router.get("/requests/{request_id}/tasks", response={200: list[DeskTaskOut], **READ_ERRORS})
def desk_tasks(request: HttpRequest, request_id: RequestId) -> Any:
    req = _req(request, request_id)
    now = timezone.now()
    return [_task_out(request.user, row["task"], now) for row in selectors.tasks_of(request.user, req, now)]


class DeskTaskIn(Schema):
    text: str = Field(..., min_length=2, max_length=300)
    due_days: int = Field(..., ge=1, le=60, description="working days on the district's calendar")
    worker_id: Id | None = Field(None, description="a social worker of the request's community")
    team_id: Id | None = Field(None, description="a team of the volunteer alliance (the community or above)")
    department_id: Id | None = Field(None, description="a department: the task reaches its inbox")


@router.post("/requests/{request_id}/tasks", response={201: DeskTaskOut, **ERRORS})
def desk_task_add(request: HttpRequest, request_id: RequestId, payload: DeskTaskIn) -> Any:
    """Split the request: one task for exactly one of worker_id, team_id, department_id."""
    from community365.teams.models import Team

    req = _req(request, request_id)
    worker = User.objects.filter(pk=payload.worker_id).first() if payload.worker_id else None
    if payload.worker_id and worker is None:
        raise InvalidInput(_("没有这位社工。"), field="worker_id")
    team = (
        Team.objects.select_related("region").filter(pk=payload.team_id).first() if payload.team_id else None
    )
    if payload.team_id and team is None:
        raise InvalidInput(_("没有这支队伍。"), field="team_id")
    task = services.task_add(
        actor=request.user,
        req=req,
        text=payload.text,
        due_days=payload.due_days,
        worker=worker,
        team=team,
        department=_department(payload.department_id),
    )
    return Status(201, _task_out(request.user, task, timezone.now()))


TaskId = Annotated[int, Path(ge=1, le=policies.MAX_ID, description="a task's id")]


class DeskTaskDoneIn(Schema):
    note: str = Field(..., min_length=2, max_length=300)


@router.post("/tasks/{task_id}/done", response={200: DeskTaskOut, **ERRORS})
def desk_task_done(request: HttpRequest, task_id: TaskId, payload: DeskTaskDoneIn) -> Any:
    task = policies.get_visible_task(request.user, task_id)
    task = services.task_done(actor=request.user, task=task, note=payload.note)
    return _task_out(request.user, task, timezone.now())


class DeskWorkerLoadOut(Schema):
    worker_id: int
    worker: str
    open: int = Field(..., description="requests held now, not closed (waiting included)")
    overdue: int = Field(..., description="of those, past the resolution deadline")
    resolved: int = Field(..., description="closed this month")
    median_hours: int | None = Field(..., description="median resolution time of those, within N whole hours")
    open_url: str
    overdue_url: str
    resolved_url: str


@router.get("/workload", response={200: list[DeskWorkerLoadOut], **READ_ERRORS})
def desk_workload(request: HttpRequest, community: Annotated[int, Query(ge=1, le=policies.MAX_ID)]) -> Any:
    """Each social worker's desk load in a community this month (one grouped query)."""
    from community365.core import permissions
    from community365.regions.models import COMMUNITY_KINDS

    from .templatetags.desk_tags import load_rows

    place = Region.objects.filter(pk=community, kind__in=list(COMMUNITY_KINDS)).first()
    if place is None or not permissions.has_perm_at(request.user, policies.VIEW.name, place.path):
        raise NotFound(_("没有找到该社区。"))
    workers = list(
        User.objects.filter(
            role_assignments__role="social_worker",
            role_assignments__region=place,
            role_assignments__revoked_at__isnull=True,
        )
        .distinct()
        .order_by("id")
    )
    return [
        {
            "worker_id": r["load"].worker.pk,
            "worker": r["load"].worker.display_name or r["load"].worker.username,
            "open": r["load"].open,
            "overdue": r["load"].overdue,
            "resolved": r["load"].resolved,
            "median_hours": r["load"].median_hours,
            "open_url": r["open_url"],
            "overdue_url": r["overdue_url"],
            "resolved_url": r["resolved_url"],
        }
        for r in load_rows(request.user, place, workers)["rows"]
    ]

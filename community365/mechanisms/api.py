"""/api/v1/mechanisms — secretary projects (list, one, apply, review, progress, score) and the
first secretaries' postings and ledger totals."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from community365.core.api import ErrorOut, Id, PageParams, paginate
from community365.core.errors import InvalidInput, NotFound

from . import policies, selectors, services
from .models import MenuItem, ProjectStatus, ResultCategory

router = Router(tags=["mechanisms"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ProjectOut(Schema):
    id: int
    year: int
    title: str
    unit: str
    unit_kind: str
    menu_item: str | None = Field(
        None, description="the menu's candidate project, or null for the unit's own"
    )
    theme: str
    status: str
    status_label: str
    status_reason: str
    progress: int
    score: float | None
    subdistrict: str | None


class ProjectTaskOut(Schema):
    id: int
    title: str
    owner_name: str
    due: datetime.date
    done: bool
    overdue: bool


class ProjectDetailOut(ProjectOut):
    problem: str
    goal: str
    measures: str
    budget_yuan: int
    partners: str
    tasks: list[ProjectTaskOut]


class ProjectPage(Schema):
    items: list[ProjectOut]
    count: int


class ProjectFilter(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    status: str = ""
    theme: str = ""
    unit_kind: str = ""
    overdue: bool = False
    mine: bool = False


def _out(project: Any) -> dict[str, Any]:
    return {
        "id": project.pk,
        "year": project.year,
        "title": project.title,
        "unit": project.unit.name,
        "unit_kind": project.unit_kind,
        "menu_item": project.menu_item.title if project.menu_item_id else None,
        "theme": project.theme,
        "status": project.status,
        "status_label": str(ProjectStatus(project.status).label),
        "status_reason": project.status_reason,
        "progress": project.progress,
        "score": float(project.score) if project.score is not None else None,
        "subdistrict": project.subdistrict.name if project.subdistrict_id else None,
    }


def _detail(request: HttpRequest, project_id: int) -> dict[str, Any]:
    project = policies.get_visible_project(request.user, project_id)
    return {
        **_out(project),
        "problem": project.problem,
        "goal": project.goal,
        "measures": project.measures,
        "budget_yuan": project.budget_yuan,
        "partners": project.partners,
        "tasks": [
            {
                "id": t.pk,
                "title": t.title,
                "owner_name": t.owner_name,
                "due": t.due,
                "done": t.done_at is not None,
                "overdue": t.is_overdue,
            }
            for t in project.tasks.all()
        ],
    }


@router.get("/projects", response=ProjectPage)
def mech_list_projects(request: HttpRequest, filters: Query[ProjectFilter], page: Query[PageParams]) -> Any:
    """The published list of the district, every application under the places the user oversees,
    and the user's own applications."""
    qs = selectors.project_list(request.user, **filters.dict())
    items, count = paginate(qs, page)
    return {"items": [_out(p) for p in items], "count": count}


@router.get("/projects/{project_id}", response={200: ProjectDetailOut, 404: ErrorOut})
def mech_get_project(request: HttpRequest, project_id: Id) -> Any:
    return _detail(request, project_id)


class MilestoneIn(Schema):
    title: str
    owner_name: str
    due: datetime.date


class ApplyIn(Schema):
    unit_id: Id
    year: int
    title: str
    problem: str
    goal: str
    measures: str
    milestones: list[MilestoneIn]
    menu_item_id: Id | None = None
    theme: str = ""
    budget_yuan: int = 0
    partners: str = ""


@router.post("/projects", response={201: ProjectDetailOut, **ERRORS})
def mech_apply(request: HttpRequest, payload: ApplyIn) -> Any:
    unit = next((u for u in services.units_for_applying(request.user) if u.pk == payload.unit_id), None)
    if unit is None:
        raise InvalidInput(_("只能为自己担任书记的单位申报书记项目。"), field="unit_id")
    menu_item = None
    if payload.menu_item_id is not None:
        menu_item = MenuItem.objects.filter(pk=payload.menu_item_id, district_id=unit.district_id).first()
        if menu_item is None:
            raise InvalidInput(_("所选菜单项目不存在。"), field="menu_item_id")
    project = services.project_apply(
        actor=request.user,
        unit=unit,
        year=payload.year,
        title=payload.title,
        problem=payload.problem,
        goal=payload.goal,
        measures=payload.measures,
        milestones=[(m.title, m.owner_name, m.due) for m in payload.milestones],
        menu_item=menu_item,
        theme=payload.theme,
        budget_yuan=payload.budget_yuan,
        partners=payload.partners,
    )
    return Status(201, _detail(request, project.pk))


class ReviewIn(Schema):
    decision: str = Field(..., description="approve | return | decline")
    reason: str = ""


@router.post("/projects/{project_id}/review", response={200: ProjectDetailOut, **ERRORS})
def mech_review_project(request: HttpRequest, project_id: Id, payload: ReviewIn) -> Any:
    project = policies.get_visible_project(request.user, project_id)
    services.project_review(
        actor=request.user, project=project, decision=payload.decision, reason=payload.reason
    )
    return _detail(request, project_id)


class ProjectProgressIn(Schema):
    note: str
    percent: int
    task_id: Id | None = None
    link: str = ""


@router.post("/projects/{project_id}/progress", response={200: ProjectDetailOut, **ERRORS})
def mech_progress(request: HttpRequest, project_id: Id, payload: ProjectProgressIn) -> Any:
    project = policies.get_visible_project(request.user, project_id)
    task = None
    if payload.task_id is not None:
        task = project.tasks.filter(pk=payload.task_id).first()
        if task is None:
            raise InvalidInput(_("这个任务不属于本项目。"), field="task_id")
    services.progress_report(
        actor=request.user,
        project=project,
        note=payload.note,
        percent=payload.percent,
        task=task,
        link=payload.link,
    )
    return _detail(request, project_id)


class ScoreIn(Schema):
    goal: int
    benefit: int
    innovation: int
    documentation: int
    comment: str = ""


@router.post("/projects/{project_id}/score", response={200: ProjectDetailOut, **ERRORS})
def mech_score(request: HttpRequest, project_id: Id, payload: ScoreIn) -> Any:
    project = policies.get_visible_project(request.user, project_id)
    services.project_score(actor=request.user, project=project, **payload.dict())
    return _detail(request, project_id)


# --- first secretaries ----------------------------------------------------------------------------
class TotalOut(Schema):
    category: str
    label: str
    total: int


@router.get("/first-secretaries/results/totals", response=list[TotalOut])
def mech_result_totals(request: HttpRequest) -> Any:
    """Confirmed results of the district's first secretaries in the article's five categories."""
    totals = selectors.result_totals(request.user)
    return [{"category": c.value, "label": str(c.label), "total": totals[c.value]} for c in ResultCategory]


class PostingOut(Schema):
    id: int
    cadre_name: str
    place: str
    home_department: str | None
    role: str
    starts_on: datetime.date
    ends_on: datetime.date
    extensions: int
    status: str


class PostingPage(Schema):
    items: list[PostingOut]
    count: int


@router.get("/first-secretaries", response=PostingPage)
def mech_list_postings(request: HttpRequest, page: Query[PageParams]) -> Any:
    qs = (
        policies.postings_visible_to(request.user)
        .select_related("region", "home_department")
        .order_by("-starts_on", "id")
    )
    items, count = paginate(qs, page)
    return {
        "items": [
            {
                "id": p.pk,
                "cadre_name": p.cadre_name,
                "place": p.region.name,
                "home_department": p.home_department.name if p.home_department_id else None,
                "role": p.role,
                "starts_on": p.starts_on,
                "ends_on": p.ends_on,
                "extensions": p.extensions,
                "status": p.status,
            }
            for p in items
        ],
        "count": count,
    }


# --- service centres ------------------------------------------------------------------------------
class LectureOut(Schema):
    id: int
    title: str
    speaker: str
    centre: str
    starts_at: datetime.datetime
    capacity: int
    registered: int


class LecturePage(Schema):
    items: list[LectureOut]
    count: int


def _lecture_out(lecture: Any) -> dict[str, Any]:
    return {
        "id": lecture.pk,
        "title": lecture.title,
        "speaker": lecture.speaker,
        "centre": lecture.centre.name,
        "starts_at": lecture.starts_at,
        "capacity": lecture.capacity,
        "registered": lecture.registered,
    }


def _visible_lecture(request: HttpRequest, lecture_id: int) -> Any:
    from .models import Lecture

    lecture = (
        Lecture.objects.filter(centre__in=selectors.centres_for(request.user), pk=lecture_id)
        .select_related("centre")
        .first()
    )
    if lecture is None:
        raise NotFound(_("没有找到这一讲。"))
    return lecture


@router.get("/lectures", response=LecturePage)
def mech_list_lectures(request: HttpRequest, page: Query[PageParams]) -> Any:
    """Upcoming 党章学堂 lectures of the user's district, soonest first."""
    from django.utils import timezone

    from .models import Lecture

    qs = (
        Lecture.objects.filter(centre__in=selectors.centres_for(request.user), starts_at__gte=timezone.now())
        .select_related("centre")
        .order_by("starts_at", "id")
    )
    items, count = paginate(qs, page)
    return {"items": [_lecture_out(lec) for lec in items], "count": count}


@router.post("/lectures/{lecture_id}/register", response={201: LectureOut, **ERRORS})
def mech_register_lecture(request: HttpRequest, lecture_id: Id) -> Any:
    """201 with a seat; 409 ``full`` or ``already_registered``; 422 when closed."""
    lecture = _visible_lecture(request, lecture_id)
    services.lecture_register(actor=request.user, lecture=lecture)
    return Status(201, _lecture_out(_visible_lecture(request, lecture_id)))


class BookingIn(Schema):
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    booker_kind: str = Field(..., description="community | unit | team")
    booker_name: str
    purpose: str


class RoomBookingOut(Schema):
    id: int
    room: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    booker_name: str
    status: str


@router.post("/rooms/{room_id}/bookings", response={201: RoomBookingOut, **ERRORS})
def mech_book_room(request: HttpRequest, room_id: Id, payload: BookingIn) -> Any:
    """201 with the booking; 409 ``slot_taken`` when it overlaps another booking."""
    from .models import Room

    room = Room.objects.filter(centre__in=selectors.centres_for(request.user), pk=room_id).first()
    if room is None:
        raise NotFound(_("没有找到这个场地。"))
    booking = services.room_book(actor=request.user, room=room, **payload.dict())
    return Status(
        201,
        {
            "id": booking.pk,
            "room": room.name,
            "starts_at": booking.starts_at,
            "ends_at": booking.ends_at,
            "booker_name": booking.booker_name,
            "status": booking.status,
        },
    )


# --- co-building and funds --------------------------------------------------------------------------
class SuggestionOut(Schema):
    offer_id: int
    unit: str
    title: str
    kind: str
    distance: int = Field(..., description="0 the same community, 1 the same subdistrict, 2 the district")


@router.get("/cobuilding/needs/{need_id}/suggestions", response={200: list[SuggestionOut], 404: ErrorOut})
def mech_need_suggestions(request: HttpRequest, need_id: Id) -> Any:
    from community365.core import permissions

    from .models import NeedItem

    districts = permissions.district_ids(request.user)
    need = NeedItem.objects.filter(pk=need_id).select_related("region")
    if districts is not None:
        need = need.filter(district_id__in=districts)
    found = need.first()
    if found is None:
        raise NotFound(_("没有找到这项需求。"))
    return [
        {"offer_id": o.pk, "unit": o.unit_name, "title": o.title, "kind": o.kind, "distance": o.distance}
        for o in services.suggestions(found)
    ]


class FundRowOut(Schema):
    community_id: int
    community: str
    allocated: float
    spent: float
    balance: float


@router.get("/funds", response={200: list[FundRowOut], 404: ErrorOut})
def mech_funds(request: HttpRequest, year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> Any:
    """Allocated, spent and balance per community the user may read, for one year (this year
    unless ``?year=`` says otherwise)."""
    from django.utils import timezone

    if year is None:
        year = timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("年度须在 2000–2100 之间。"), field="year")
    if not policies.may_view_funds(request.user):
        raise NotFound(_("没有可查看的经费。"))
    return [
        {
            "community_id": r.region.pk,
            "community": r.region.name,
            "allocated": float(r.allocated),
            "spent": float(r.spent),
            "balance": float(r.balance),
        }
        for r in selectors.fund_rows(request.user, year)
    ]

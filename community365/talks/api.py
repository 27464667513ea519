"""/api/v1/talks/… — thin: parse, load through the policies (invisible ⇒ 404), call a service."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from community365.core.api import MONTH_PATTERN, YEAR_PATTERN, ErrorOut, PageParams, paginate, words
from community365.core.errors import InvalidInput, NotFound
from community365.people.models import User
from community365.people.policies import persons_visible_to
from community365.regions.models import Department

from . import policies, selectors, services
from .models import InviteeKind, TalkTask, TalkTopic, TaskStatus, TopicStatus

router = Router(tags=["talks"])

ERRORS: dict[int, Any] = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
READ_ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}

# Every id a request carries is range-checked at the edge (422), before any query: a 20-digit
# id would otherwise overflow in the database driver (a 500).
Id = Annotated[int, Field(ge=1, le=policies.MAX_ID)]
TopicId = Annotated[int, Path(ge=1, le=policies.MAX_ID, description="a topic's id")]
TaskId = Annotated[int, Path(ge=1, le=policies.MAX_ID, description="a task's id")]


class TopicIn(Schema):
    title: str = Field(..., max_length=80, pattern=words())
    description: str = Field(..., max_length=2000, pattern=words(), description="the problem")
    request: str = Field(..., max_length=1000, pattern=words(), description="what the residents ask for")
    invitee_kind: InviteeKind = Field(InviteeKind.UNDECIDED, description="leader, department or undecided")
    invited_leader_id: Id | None = None
    invited_department_id: Id | None = None


class TaskOut(Schema):
    id: int
    title: str
    deadline: datetime.date
    weight: int
    lead_department: str | None
    department: str | None
    status: str
    percent: int
    done_at: datetime.datetime | None
    overdue: bool


class TalkEventOut(Schema):
    kind: str
    code: str = Field(..., description="the event's phrase code (talks/phrases.py)")
    params: dict[str, Any] = Field(default_factory=dict, description="the phrase's parameters")
    actor: str = Field(..., description="who acted, in the reader's language")
    text: str = Field(..., description="the event in the reader's language")
    at: datetime.datetime


class TopicOut(Schema):
    id: int
    title: str
    description: str
    request: str
    community: str
    community_id: int
    status: str
    status_label: str
    invitee_kind: str
    invited_leader: str | None
    invited_department: str | None
    signature_count: int
    signature_threshold: int
    signing_deadline: datetime.datetime | None
    progress: int
    talk_at: datetime.datetime | None
    talk_place: str
    decline_reason: str
    merged_into_id: int | None
    satisfaction: float | None
    ratings: int
    signed_by_me: bool = False


class TopicDetailOut(TopicOut):
    minutes: str
    tasks: list[TaskOut]
    timeline: list[TalkEventOut]


class TopicPage(Schema):
    items: list[TopicOut]
    count: int


def _topic_out(
    topic: TalkTopic, signed: set[int], rated: tuple[float | None, int] | None = None
) -> dict[str, Any]:
    """A topic as the API lists it; ``rated`` (score, count) from ``rating_summaries`` when the
    caller counted a page's ratings at once, else read from the topic's prefetched ratings."""
    score, n = rated if rated is not None else selectors.satisfaction(topic)
    return {
        "id": topic.pk,
        "title": topic.title,
        "description": topic.description,
        "request": topic.request,
        "community": topic.region.name,
        "community_id": topic.region_id,
        "status": topic.status,
        "status_label": str(TopicStatus(topic.status).label),
        "invitee_kind": topic.invitee_kind,
        "invited_leader": str(topic.invited_leader) if topic.invited_leader else None,
        "invited_department": topic.invited_department.name if topic.invited_department else None,
        "signature_count": topic.signature_count,
        "signature_threshold": topic.signature_threshold,
        "signing_deadline": topic.signing_deadline,
        "progress": topic.progress,
        "talk_at": topic.talk_at,
        "talk_place": topic.talk_place,
        "decline_reason": topic.decline_reason,
        "merged_into_id": topic.merged_into_id,
        "satisfaction": score,
        "ratings": n,
        "signed_by_me": topic.pk in signed,
    }


def _task_out(task: TalkTask) -> dict[str, Any]:
    return {
        "id": task.pk,
        "title": task.title,
        "deadline": task.deadline,
        "weight": task.weight,
        "lead_department": task.lead_department.name if task.lead_department else None,
        "department": task.department.name if task.department else None,
        "status": task.status,
        "percent": task.percent,
        "done_at": task.done_at,
        "overdue": selectors.task_overdue(task, selectors.today()),
    }


def _detail(request: HttpRequest, topic_id: TopicId) -> dict[str, Any]:
    topic = (
        selectors.topics_with_details(policies.topics_visible_to(request.user)).filter(pk=topic_id).first()
    )
    if topic is None:
        raise NotFound(_("没有找到该点题。"))
    out = _topic_out(topic, selectors.signed_topic_ids(request.user, [topic.pk]))
    out["minutes"] = topic.minutes
    out["tasks"] = [_task_out(t) for t in topic.tasks.all()]
    out["timeline"] = [
        {"kind": e.kind, "code": e.code, "params": e.params, "actor": e.actor, "text": e.sentence, "at": e.at}
        for e in topic.events.all()
    ]
    return out


def _topic(request: HttpRequest, topic_id: TopicId) -> TalkTopic:
    return policies.get_visible_topic(request.user, topic_id)


def _leader(pk: int | None) -> User | None:
    return User.objects.filter(pk=pk).first() if pk else None


def _department(pk: int | None) -> Department | None:
    return Department.objects.filter(pk=pk).first() if pk else None


class BoardQuery(Schema):
    status: str = Field("", max_length=20)
    community: Id | None = None
    subdistrict: Id | None = None
    department: Id | None = None
    leader: Id | None = None
    measure: str = Field("", max_length=20, description="a figure's measure: raised, reached, accepted, …")
    mine: bool = False
    q: str = Field("", max_length=50, description="words in the title, problem or request")


@router.get("/topics", response={200: TopicPage, 422: ErrorOut})
def list_topics(request: HttpRequest, filters: Query[BoardQuery], page: Query[PageParams]) -> Any:
    """The board: topics the user sees (drafts only under ``mine``), filtered, counted and paged
    in the database. Without ``community`` it lists every community the user sees; the board page
    opens on the user's own community."""
    topics = selectors.board(request.user, selectors.BoardFilter(**filters.dict()))
    chunk, count = paginate(topics, page)
    ids = [t.pk for t in chunk]
    signed = selectors.signed_topic_ids(request.user, ids)
    rated = selectors.rating_summaries(ids)
    return {"items": [_topic_out(t, signed, rated[t.pk]) for t in chunk], "count": count}


@router.post("/topics", response={201: TopicDetailOut, **ERRORS})
def create_topic(request: HttpRequest, payload: TopicIn) -> Any:
    """Draft a topic (a verified resident); it stays private until opened for signatures."""
    topic = services.topic_raise(
        actor=request.user,
        title=payload.title,
        description=payload.description,
        request=payload.request,
        invitee_kind=payload.invitee_kind,
        invited_leader=_leader(payload.invited_leader_id),
        invited_department=_department(payload.invited_department_id),
    )
    return Status(201, _detail(request, topic.pk))


@router.get("/topics/{topic_id}", response={200: TopicDetailOut, **READ_ERRORS})
def get_topic(request: HttpRequest, topic_id: TopicId) -> Any:
    return _detail(request, topic_id)


@router.put("/topics/{topic_id}", response={200: TopicDetailOut, **ERRORS})
def edit_topic(request: HttpRequest, topic_id: TopicId, payload: TopicIn) -> Any:
    """Change the text (only before the first co-signature)."""
    services.topic_edit(
        actor=request.user,
        topic=_topic(request, topic_id),
        title=payload.title,
        description=payload.description,
        request=payload.request,
        invitee_kind=payload.invitee_kind,
        invited_leader=_leader(payload.invited_leader_id),
        invited_department=_department(payload.invited_department_id),
    )
    return _detail(request, topic_id)


@router.post("/topics/{topic_id}/open", response={200: TopicDetailOut, **ERRORS})
def open_topic(request: HttpRequest, topic_id: TopicId) -> Any:
    services.topic_open(actor=request.user, topic=_topic(request, topic_id))
    return _detail(request, topic_id)


class TextIn(Schema):
    text: str = Field(..., max_length=1000, pattern=words())


@router.post("/topics/{topic_id}/addenda", response={201: TopicDetailOut, **ERRORS})
def add_addendum(request: HttpRequest, topic_id: TopicId, payload: TextIn) -> Any:
    services.topic_add_addendum(actor=request.user, topic=_topic(request, topic_id), text=payload.text)
    return Status(201, _detail(request, topic_id))


class SignatureOut(Schema):
    topic_id: int
    signature_count: int
    signature_threshold: int
    status: str


def _signature_out(topic: TalkTopic) -> dict[str, Any]:
    topic.refresh_from_db(fields=["signature_count", "status"])
    return {
        "topic_id": topic.pk,
        "signature_count": topic.signature_count,
        "signature_threshold": topic.signature_threshold,
        "status": topic.status,
    }


@router.post("/topics/{topic_id}/signatures", response={201: SignatureOut, **ERRORS})
def sign_topic(request: HttpRequest, topic_id: TopicId) -> Any:
    """Co-sign as the signed-in resident: 201 signed, 409 already signed, 404 not visible,
    422 not eligible (with a message)."""
    topic = _topic(request, topic_id)
    services.topic_sign(actor=request.user, topic=topic)
    return Status(201, _signature_out(topic))


@router.post("/topics/{topic_id}/signatures/withdraw", response={200: SignatureOut, **ERRORS})
def withdraw_signature(request: HttpRequest, topic_id: TopicId) -> Any:
    topic = _topic(request, topic_id)
    services.signature_withdraw(actor=request.user, topic=topic)
    return _signature_out(topic)


class PaperIn(Schema):
    person_ids: list[Id] = Field(..., min_length=1, max_length=200)


@router.post("/topics/{topic_id}/paper-signatures", response={201: SignatureOut, **ERRORS})
def paper_signatures(request: HttpRequest, topic_id: TopicId, payload: PaperIn) -> Any:
    """A social worker enters signatures collected on paper (verified residents only)."""
    topic = _topic(request, topic_id)
    persons = list(
        persons_visible_to(request.user).filter(pk__in=payload.person_ids).select_related("community")
    )
    if len(persons) != len(set(payload.person_ids)):
        raise InvalidInput(_("名单中有不存在的居民。"), field="person_ids")
    services.topic_sign_on_paper(actor=request.user, topic=topic, persons=persons)
    return Status(201, _signature_out(topic))


class CommentIn(Schema):
    comment: str = Field("", max_length=1000)


@router.post("/topics/{topic_id}/submit", response={200: TopicDetailOut, **ERRORS})
def submit_topic(request: HttpRequest, topic_id: TopicId, payload: CommentIn | None = None) -> Any:
    """Forward to the district: 200 at or over the threshold, 422 below it."""
    services.topic_submit(
        actor=request.user, topic=_topic(request, topic_id), comment=payload.comment if payload else ""
    )
    return _detail(request, topic_id)


@router.post("/topics/{topic_id}/accept", response={200: TopicDetailOut, **ERRORS})
def accept_topic(request: HttpRequest, topic_id: TopicId) -> Any:
    services.topic_accept(actor=request.user, topic=_topic(request, topic_id))
    return _detail(request, topic_id)


class TalkReasonIn(Schema):
    reason: str = Field(..., max_length=1000, pattern=words())


@router.post("/topics/{topic_id}/decline", response={200: TopicDetailOut, **ERRORS})
def decline_topic(request: HttpRequest, topic_id: TopicId, payload: TalkReasonIn) -> Any:
    services.topic_decline(actor=request.user, topic=_topic(request, topic_id), reason=payload.reason)
    return _detail(request, topic_id)


class MergeIn(Schema):
    into_id: Id


@router.post("/topics/{topic_id}/merge", response={200: TopicDetailOut, **ERRORS})
def merge_topic(request: HttpRequest, topic_id: TopicId, payload: MergeIn) -> Any:
    topic = _topic(request, topic_id)
    into = _topic(request, payload.into_id)
    services.topic_merge(actor=request.user, topic=topic, into=into)
    return _detail(request, topic_id)


class ScheduleIn(Schema):
    talk_at: datetime.datetime
    place: str = Field(..., max_length=120, pattern=words())
    leader_id: Id | None = None
    department_ids: list[Id] = Field(default_factory=list, max_length=30)


@router.post("/topics/{topic_id}/schedule", response={200: TopicDetailOut, **ERRORS})
def schedule_topic(request: HttpRequest, topic_id: TopicId, payload: ScheduleIn) -> Any:
    topic = _topic(request, topic_id)
    departments = list(Department.objects.filter(pk__in=payload.department_ids))
    talk_at = payload.talk_at
    if timezone.is_naive(talk_at):
        talk_at = timezone.make_aware(talk_at)
    services.topic_schedule(
        actor=request.user,
        topic=topic,
        talk_at=talk_at,
        place=payload.place,
        leader=_leader(payload.leader_id),
        departments=departments,
    )
    return _detail(request, topic_id)


class CommitmentIn(Schema):
    title: str = Field(..., max_length=200, pattern=words())
    deadline: datetime.date
    lead_department_id: Id | None = None
    weight: int = Field(1, ge=1, le=10)


class TalkIn(Schema):
    minutes: str = Field(..., max_length=5000, pattern=words())
    commitments: list[CommitmentIn] = Field(default_factory=list, max_length=30)


@router.post("/topics/{topic_id}/talk", response={200: TopicDetailOut, **ERRORS})
def record_talk(request: HttpRequest, topic_id: TopicId, payload: TalkIn) -> Any:
    """After the talk: minutes and commitments (each becomes a task)."""
    topic = _topic(request, topic_id)
    services.topic_record_talk(
        actor=request.user,
        topic=topic,
        minutes=payload.minutes,
        commitments=[
            services.Commitment(
                title=c.title,
                deadline=c.deadline,
                lead_department=_department(c.lead_department_id),
                weight=c.weight,
            )
            for c in payload.commitments
        ],
    )
    return _detail(request, topic_id)


class RatingIn(Schema):
    score: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=300)


class RatingOut(Schema):
    topic_id: int
    score: int
    satisfaction: float | None
    ratings: int


@router.post("/topics/{topic_id}/rating", response={201: RatingOut, **ERRORS})
def rate_topic(request: HttpRequest, topic_id: TopicId, payload: RatingIn) -> Any:
    topic = _topic(request, topic_id)
    rating = services.topic_rate(
        actor=request.user, topic=topic, score=payload.score, comment=payload.comment
    )
    fresh = selectors.topics_with_details(TalkTopic.objects.filter(pk=topic.pk)).get()
    score, n = selectors.satisfaction(fresh)
    return Status(201, {"topic_id": topic.pk, "score": rating.score, "satisfaction": score, "ratings": n})


# --- Tasks -------------------------------------------------------------------------------------------


class TaskDetailOut(TaskOut):
    topic_id: int
    topic_title: str
    community: str


def _task_detail(task: TalkTask) -> dict[str, Any]:
    out = _task_out(task)
    out.update(
        {"topic_id": task.topic_id, "topic_title": task.topic.title, "community": task.topic.region.name}
    )
    return out


class TaskPage(Schema):
    items: list[TaskDetailOut]
    count: int


@router.get("/tasks", response={200: TaskPage, 422: ErrorOut})
def list_tasks(request: HttpRequest, page: Query[PageParams], include_done: bool = False) -> Any:
    """The department's inbox (liaisons): tasks to claim and tasks their department carries
    (finished ones too with ``include_done=true``)."""
    qs = (
        policies.inbox_tasks_of(request.user)
        .select_related("topic", "topic__region", "department", "lead_department")
        .order_by("deadline", "id")
    )
    if not include_done:
        qs = qs.filter(done_at__isnull=True)
    count = qs.count()
    return {"items": [_task_detail(t) for t in qs[page.offset : page.offset + page.limit]], "count": count}


@router.get("/tasks/{task_id}", response={200: TaskDetailOut, **READ_ERRORS})
def get_task(request: HttpRequest, task_id: TaskId) -> Any:
    task = (
        policies.tasks_visible_to(request.user)
        .select_related("topic", "topic__region", "department", "lead_department")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound(_("没有找到该任务。"))
    return _task_detail(task)


class ClaimIn(Schema):
    department_id: Id | None = None


@router.post("/tasks/{task_id}/claim", response={200: TaskDetailOut, **ERRORS})
def claim_task(request: HttpRequest, task_id: TaskId, payload: ClaimIn | None = None) -> Any:
    """A department claims the task: 200, 409 when already claimed, 404 when not in its inbox."""
    task = policies.get_actionable_task(request.user, task_id)
    services.task_claim(
        actor=request.user, task=task, department=_department(payload.department_id) if payload else None
    )
    return _task_detail(task)


class AssignIn(Schema):
    department_id: Id


@router.post("/tasks/{task_id}/assign", response={200: TaskDetailOut, **ERRORS})
def assign_task(request: HttpRequest, task_id: TaskId, payload: AssignIn) -> Any:
    task = policies.get_actionable_task(request.user, task_id)
    department = _department(payload.department_id)
    if department is None:
        raise InvalidInput(_("没有这个部门。"), field="department_id")
    services.task_assign(actor=request.user, task=task, department=department)
    return _task_detail(task)


class ProgressIn(Schema):
    status: TaskStatus = Field(..., description="planned, started, advancing or done")
    percent: int | None = Field(
        None,
        ge=0,
        le=100,
        description="omitted: unchanged when the status is unchanged, else the status's default",
    )
    note: str = Field("", max_length=2000)
    reason: str = Field(
        "", max_length=1000, description="required (and published) when the percent goes down"
    )


@router.post("/tasks/{task_id}/progress", response={201: TaskDetailOut, **ERRORS})
def report_progress(request: HttpRequest, task_id: TaskId, payload: ProgressIn) -> Any:
    task = policies.get_actionable_task(request.user, task_id)
    services.task_progress(
        actor=request.user,
        task=task,
        status=payload.status,
        percent=payload.percent,
        note=payload.note,
        reason=payload.reason,
    )
    return Status(201, _task_detail(task))


# --- Figures -------------------------------------------------------------------------------------------


class TalkFigureOut(Schema):
    key: int
    name: str
    raised: int
    reached: int
    accepted: int
    declined: int
    held: int
    closed: int
    tasks: int
    tasks_on_time: int
    tasks_overdue: int
    carried_out: float | None
    overdue_share: float | None
    satisfaction: float | None
    ratings: int


class TalkFiguresOut(Schema):
    by: str
    rows: list[TalkFigureOut]
    total: TalkFigureOut


def _figure(row: selectors.FigureRow) -> dict[str, Any]:
    return {
        name: getattr(row, name)
        for name in [
            "key",
            "name",
            "raised",
            "reached",
            "accepted",
            "declined",
            "held",
            "closed",
            "tasks",
            "tasks_on_time",
            "tasks_overdue",
            "carried_out",
            "overdue_share",
            "satisfaction",
            "ratings",
        ]
    }


@router.get("/figures", response={200: TalkFiguresOut, 404: ErrorOut, 422: ErrorOut})
def get_figures(
    request: HttpRequest,
    by: Literal["community", "subdistrict", "department", "leader"] = "community",
    month_from: str = Query(
        "", alias="from", pattern=MONTH_PATTERN, description="first month raised, YYYY-MM, 2000–2100"
    ),  # type: ignore[type-arg]
    month_to: str = Query(
        "", alias="to", pattern=MONTH_PATTERN, description="last month raised, YYYY-MM, 2000–2100"
    ),  # type: ignore[type-arg]
    year: str = Query(
        "", pattern=YEAR_PATTERN, description="a whole year, YYYY, 2000–2100 (instead of from/to)"
    ),  # type: ignore[type-arg]
) -> Any:
    """Figures per community, subdistrict, department or leader; formulas in docs/talks.md. The
    same selector as the figures page; optionally over topics raised in a period. 404 for users
    without the figures permission (residents)."""
    from community365.core.charts import period_or_error

    if not policies.sees_figures(request.user):
        raise NotFound(_("没有找到。"))
    period = period_or_error(month_from=month_from, month_to=month_to, year=year)
    rows, total = selectors.figures(request.user, by, period)
    return {
        "by": by if by in selectors.GROUPS else "community",
        "rows": [_figure(r) for r in rows],
        "total": _figure(total),
    }

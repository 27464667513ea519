"""Reads of two-way talks: the board, a topic's timeline, the task inbox, and the figures.

The figures and the board's drill-down share one set of predicates (``MEASURES``), so a number
on the figures page and the list of topics behind it cannot disagree."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Substr, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community365.core import permissions
from community365.core.charts import Period, month_axis, month_key
from community365.core.roles import Role
from community365.regions.models import COMMUNITY_KINDS, Department, Region

from . import policies
from .models import (
    ACCEPTED_STATUSES,
    TalkRating,
    TalkSignature,
    TalkTask,
    TalkTopic,
    TopicStatus,
)

COMMUNITY_ROLES = frozenset(
    {Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER, Role.RESIDENT, Role.PARTY_MEMBER, Role.VOLUNTEER}
)


def today() -> datetime.date:
    return timezone.localdate()


def task_on_time(task: TalkTask) -> bool:
    return task.done_at is not None and timezone.localtime(task.done_at).date() <= task.deadline


def task_overdue(task: TalkTask, day: datetime.date) -> bool:
    """Past its deadline and not done, or done after it."""
    if task.done_at is None:
        return task.deadline < day
    return timezone.localtime(task.done_at).date() > task.deadline


def topic_next_deadline(topic: TalkTopic) -> tuple[Any, datetime.date | datetime.datetime] | None:
    """What the topic waits for next, and when: (label, date)."""
    if topic.status == TopicStatus.SIGNING and topic.signing_deadline:
        return _("联署截止"), topic.signing_deadline
    if topic.status == TopicStatus.SCHEDULED and topic.talk_at:
        return _("约谈时间"), topic.talk_at
    if topic.status == TopicStatus.ANSWERING:
        open_tasks = [t.deadline for t in topic.tasks.all() if t.done_at is None]
        if open_tasks:
            return _("最近任务期限"), min(open_tasks)
    return None


# measure → (label, predicate on a topic with tasks and ratings prefetched)
Predicate = Callable[[TalkTopic, datetime.date], bool]
MEASURES: dict[str, tuple[Any, Predicate]] = {
    "raised": (_("点题"), lambda t, d: t.opened_at is not None),
    "reached": (_("达到联署门槛"), lambda t, d: t.threshold_reached_at is not None),
    "accepted": (_("受理"), lambda t, d: t.accepted_at is not None),
    "declined": (_("未受理"), lambda t, d: t.status == TopicStatus.DECLINED),
    "held": (_("已约谈"), lambda t, d: t.talked_at is not None),
    "closed": (_("办结"), lambda t, d: t.status == TopicStatus.CLOSED),
    "ontime": (_("有按期完成任务"), lambda t, d: any(task_on_time(x) for x in t.tasks.all())),
    "overdue": (_("有超期任务"), lambda t, d: any(task_overdue(x, d) for x in t.tasks.all())),
    "late": (
        _("有超期未办完的任务"),
        lambda t, d: any(x.done_at is None and x.deadline < d for x in t.tasks.all()),
    ),
    "rated": (_("有评价"), lambda t, d: bool(t.ratings.all())),
}


def topics_with_details(qs: QuerySet[TalkTopic]) -> QuerySet[TalkTopic]:
    return qs.select_related("region", "invited_leader", "invited_department").prefetch_related(
        Prefetch("tasks", queryset=TalkTask.objects.select_related("department", "lead_department")),
        Prefetch("ratings", queryset=TalkRating.objects.only("id", "topic_id", "score")),
    )


def _task_done_day() -> TruncDate:
    return TruncDate("done_at", tzinfo=timezone.get_current_timezone())


def measure_q(measure: str, day: datetime.date) -> Q:
    """The predicate of ``MEASURES[measure]`` as a database filter, so the board filters, counts
    and pages in SQL (tested to select the same topics as the figures' predicates)."""
    if measure in TOPIC_COUNTS:  # the figures' own conditions on the topic
        return TOPIC_COUNTS[measure]
    tasks = TalkTask.objects.filter(topic_id=OuterRef("pk")).annotate(done_day=_task_done_day())
    if measure == "ontime":
        return Q(Exists(tasks.filter(done_at__isnull=False, done_day__lte=F("deadline"))))
    if measure == "overdue":
        late = Q(done_at__isnull=True, deadline__lt=day) | Q(
            done_at__isnull=False, done_day__gt=F("deadline")
        )
        return Q(Exists(tasks.filter(late)))
    if measure == "late":
        return Q(Exists(tasks.filter(done_at__isnull=True, deadline__lt=day)))
    if measure == "rated":
        return Q(Exists(TalkRating.objects.filter(topic_id=OuterRef("pk"))))
    raise ValueError(measure)


@dataclass
class BoardFilter:
    status: str = ""
    community: int | None = None
    subdistrict: int | None = None
    department: int | None = None
    leader: int | None = None
    measure: str = ""
    mine: bool = False
    period: Period | None = None  # topics raised in it (the figures' period)
    unsigned: bool = False  # only topics the user's verified person has not co-signed
    q: str = ""


def _apply_group(qs: QuerySet[TalkTopic], f: BoardFilter) -> QuerySet[TalkTopic]:
    if f.community:
        qs = qs.filter(region_id=f.community)
    if f.subdistrict:
        sub = Region.objects.filter(pk=f.subdistrict).first()
        qs = qs.filter(region__path__startswith=sub.path) if sub else qs.none()
    if f.department:
        qs = qs.filter(Exists(TalkTask.objects.filter(topic_id=OuterRef("pk"), department_id=f.department)))
    if f.leader:
        qs = qs.filter(invited_leader_id=f.leader)
    return qs


def board(user: Any, f: BoardFilter) -> QuerySet[TalkTopic]:
    """Topics the user sees, newest first, filtered as on the board or by a figure's measure.
    A queryset: the caller counts and pages it in the database."""
    qs = policies.topics_visible_to(user)
    if f.mine:
        from community365.people.models import Person

        person_ids = Person.objects.filter(user_id=getattr(user, "pk", None) or 0).values("pk")
        signed = TalkSignature.objects.filter(person_id__in=person_ids, withdrawn_at__isnull=True).values(
            "topic_id"
        )
        qs = qs.filter(Q(author_id=getattr(user, "pk", None)) | Q(pk__in=signed))
    elif not f.measure:
        # Drafts are private: the author finds them under "mine", not on the board.
        qs = qs.exclude(status=TopicStatus.DRAFT)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.period is not None and f.period.is_set:
        qs = qs.filter(f.period.q("opened_at"))
    if f.unsigned:
        qs = qs.exclude(pk__in=signed_by(user))
    if f.measure in MEASURES:
        qs = qs.filter(measure_q(f.measure, today()))
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(description__icontains=f.q) | Q(request__icontains=f.q))
    qs = _apply_group(qs, f)
    # What a row of the board shows of the topic itself; a caller that shows its tasks adds
    # them (``with_open_tasks``), its ratings come counted (``rating_summaries``).
    return qs.select_related("region", "invited_leader", "invited_department").order_by(
        "-opened_at", "-created_at", "-id"
    )


def with_open_tasks(qs: QuerySet[TalkTopic]) -> QuerySet[TalkTopic]:
    """The board page's cards: each topic's tasks, with what the next deadline and the overdue
    mark read (not their departments)."""
    return qs.prefetch_related(
        Prefetch("tasks", queryset=TalkTask.objects.only("id", "topic_id", "deadline", "done_at"))
    )


def rating_summaries(topic_ids: list[int]) -> dict[int, tuple[float | None, int]]:
    """(average score to one decimal, number of ratings) of each topic, in one grouped query;
    the same figures as ``satisfaction`` on one topic."""
    rows = (
        TalkRating.objects.filter(topic_id__in=topic_ids)
        .order_by()
        .values("topic_id")
        .annotate(n=Count("id"), total=Sum("score"))
    )
    summaries: dict[int, tuple[float | None, int]] = dict.fromkeys(topic_ids, (None, 0))
    for row in rows:
        summaries[row["topic_id"]] = (round(row["total"] / row["n"], 1), row["n"])
    return summaries


def home_community_id(user: Any) -> int | None:
    """The community the board opens on: the user's own (a resident's, or where a community-level
    role is held); None for district-level users, who see the district."""
    from community365.people.models import Person

    person = Person.objects.filter(user_id=getattr(user, "pk", None) or 0).only("community_id").first()
    if person is not None and person.community_id:
        return person.community_id
    for grant in permissions.scope_grants(user, policies.VIEW_LOCAL.name):
        if grant.role in COMMUNITY_ROLES:
            return grant.region_id
    return None


def board_communities(user: Any) -> QuerySet[Region]:
    """Communities offered in the board's filter: those of the districts the user works in."""
    ids = permissions.district_ids(user)
    qs = Region.objects.filter(kind__in=COMMUNITY_KINDS)
    if ids is not None:
        qs = qs.filter(Q(district_id__in=ids))
    return qs.only("id", "name").order_by("name")


def signed_by(user: Any) -> QuerySet[TalkSignature, Any]:
    """The topic ids the user's person has co-signed (a subquery)."""
    return TalkSignature.objects.filter(
        person__user_id=getattr(user, "pk", None) or 0, withdrawn_at__isnull=True
    ).values("topic_id")


def signed_topic_ids(user: Any, topic_ids: list[int]) -> set[int]:
    """Which of these topics the user's resident record has co-signed (one query)."""
    if not topic_ids or not getattr(user, "pk", None):
        return set()
    return set(
        TalkSignature.objects.filter(
            person__user_id=user.pk, topic_id__in=topic_ids, withdrawn_at__isnull=True
        ).values_list("topic_id", flat=True)
    )


def satisfaction(topic: TalkTopic) -> tuple[float | None, int]:
    scores = [r.score for r in topic.ratings.all()]
    return (round(sum(scores) / len(scores), 1) if scores else None), len(scores)


# --- Figures -------------------------------------------------------------------------------------------


@dataclass
class FigureRow:
    key: int
    name: str
    raised: int = 0
    reached: int = 0
    accepted: int = 0
    declined: int = 0
    held: int = 0
    closed: int = 0
    tasks: int = 0
    tasks_on_time: int = 0
    tasks_overdue: int = 0
    ratings: int = 0
    score_sum: int = 0

    @property
    def carried_out(self) -> float | None:
        """Share of accepted topics that are closed (carried out), in percent."""
        return round(100 * self.closed / self.accepted, 1) if self.accepted else None

    @property
    def overdue_share(self) -> float | None:
        """Share of tasks that are overdue, in percent."""
        return round(100 * self.tasks_overdue / self.tasks, 1) if self.tasks else None

    @property
    def satisfaction(self) -> float | None:
        return round(self.score_sum / self.ratings, 2) if self.ratings else None


GROUPS = {
    "community": _("社区"),
    "subdistrict": _("街道"),
    "department": _("职能部门"),
    "leader": _("牵头领导"),
}

# The figures' measures as SQL conditions on a topic; the same meaning as ``MEASURES`` (the
# test compares them topic by topic).
TOPIC_COUNTS: dict[str, Q] = {
    "raised": Q(opened_at__isnull=False),
    "reached": Q(threshold_reached_at__isnull=False),
    "accepted": Q(accepted_at__isnull=False),
    "declined": Q(status=TopicStatus.DECLINED),
    "held": Q(talked_at__isnull=False),
    "closed": Q(status=TopicStatus.CLOSED),
}


def _prefixed(q: Q, prefix: str) -> Q:
    """``q`` on a topic, written for a model that reaches the topic through ``prefix``."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(_prefixed(child, prefix))
        else:
            lookup, value = child  # type: ignore[misc]  # a Q's leaves are (lookup, value) pairs
            out.children.append((f"{prefix}{lookup}", value))
    return out


def _topic_counts(prefix: str = "", count: str = "pk") -> dict[str, Count]:
    return {name: Count(count, filter=_prefixed(q, prefix)) for name, q in TOPIC_COUNTS.items()}


def _task_counts(day: datetime.date) -> dict[str, Count]:
    return {
        "tasks": Count("pk"),
        "tasks_on_time": Count("pk", filter=Q(done_at__isnull=False, done_day__lte=F("deadline"))),
        "tasks_overdue": Count(
            "pk",
            filter=Q(done_at__isnull=True, deadline__lt=day)
            | Q(done_at__isnull=False, done_day__gt=F("deadline")),
        ),
    }


def _with_done_day(qs: QuerySet[TalkTask]) -> QuerySet[TalkTask]:
    # "on time" is judged on the local calendar day, as task_on_time() does
    return qs.annotate(done_day=TruncDate("done_at", tzinfo=timezone.get_current_timezone()))


def figure_topics(user: Any, period: Period | None = None) -> QuerySet[TalkTopic]:
    """The topics the figures count: visible, not drafts, raised in ``period`` if one is given."""
    qs = policies.topics_visible_to(user).exclude(status=TopicStatus.DRAFT)
    if period is not None and period.is_set:
        qs = qs.filter(period.q("opened_at"))
    return qs


def figures(
    user: Any, by: str = "community", period: Period | None = None
) -> tuple[list[FigureRow], FigureRow]:
    """Figures per group and in total, over the topics the user sees (drafts excluded), raised in
    ``period`` when one is given.

    A topic counts once per group it belongs to; for departments, the task figures count only
    that department's tasks. The total counts every topic once.

    Every measure comes from a query grouped in the database — three for the groups (topics,
    tasks, ratings; two for departments), three for the total and one for the groups' names —
    so the cost does not grow with the number of topics, tasks or groups."""
    if by not in GROUPS:
        by = "community"
    day = today()
    topics = figure_topics(user, period)
    tasks = _with_done_day(TalkTask.objects.filter(topic__in=topics.values("pk")))
    ratings = TalkRating.objects.filter(topic__in=topics.values("pk"))

    # the total: each topic once
    total = FigureRow(key=0, name=str(_("合计")), **topics.aggregate(**_topic_counts()))
    total.__dict__.update(tasks.aggregate(**_task_counts(day)))
    rated = ratings.aggregate(ratings=Count("pk"), score_sum=Sum("score"))
    total.ratings, total.score_sum = rated["ratings"], rated["score_sum"] or 0

    groups: dict[Any, dict[str, int]] = {}

    def merge(rows: Any) -> None:
        for row in rows:
            key = row.pop("group")
            if key is not None:
                groups.setdefault(key, {}).update({k: v or 0 for k, v in row.items()})

    if by == "department":
        # one representative task per (topic, department): a topic counts once per department
        first = _with_done_day(
            tasks.filter(department__isnull=False).exclude(
                Exists(
                    TalkTask.objects.filter(
                        topic_id=OuterRef("topic_id"),
                        department_id=OuterRef("department_id"),
                        pk__lt=OuterRef("pk"),
                    )
                )
            )
        )
        per_topic = TalkRating.objects.filter(topic_id=OuterRef("topic_id")).values("topic_id")
        merge(
            first.annotate(
                topic_ratings=Subquery(per_topic.annotate(n=Count("pk")).values("n")),
                topic_scores=Subquery(per_topic.annotate(s=Sum("score")).values("s")),
            )
            .values(group=F("department_id"))
            .annotate(**_topic_counts("topic__"), ratings=Sum("topic_ratings"), score_sum=Sum("topic_scores"))
        )
        merge(
            tasks.filter(department__isnull=False)
            .values(group=F("department_id"))
            .annotate(**_task_counts(day))
        )
        names = dict(Department.objects.filter(pk__in=list(groups)).values_list("pk", "name"))
        labels = {key: (key, names.get(key, "")) for key in groups}
    else:
        if by == "leader":
            topics = topics.filter(accepted_at__isnull=False, invited_leader__isnull=False)
            tasks = tasks.filter(topic__in=topics.values("pk"))
            ratings = ratings.filter(topic__in=topics.values("pk"))
        group_of: dict[str, Callable[[str], Any]] = {
            "community": lambda prefix: F(f"{prefix}region_id"),
            "subdistrict": lambda prefix: Substr(f"{prefix}region__path", 1, 2 * Region.steplen),
            "leader": lambda prefix: F(f"{prefix}invited_leader_id"),
        }
        group = group_of[by]
        merge(topics.values(group=group("")).annotate(**_topic_counts()))
        merge(tasks.values(group=group("topic__")).annotate(**_task_counts(day)))
        merge(ratings.values(group=group("topic__")).annotate(ratings=Count("pk"), score_sum=Sum("score")))
        labels = _group_labels(by, list(groups))
    rows = [
        FigureRow(key=labels[k][0], name=labels[k][1], **values)
        for k, values in groups.items()
        if k in labels
    ]
    return sorted(rows, key=lambda r: (-r.raised, r.name)), total


def _group_labels(by: str, keys: list[Any]) -> dict[Any, tuple[int, str]]:
    """(drill-down key, name) of each group key: one query."""
    if by == "community":
        return {r.pk: (r.pk, r.name) for r in Region.objects.filter(pk__in=keys).only("id", "name")}
    if by == "subdistrict":
        return {
            r.path: (r.pk, r.name)
            for r in Region.objects.filter(path__in=keys, kind="subdistrict").only("id", "name", "path")
        }
    from community365.people.models import User

    return {u.pk: (u.pk, str(u)) for u in User.objects.filter(pk__in=keys)}


@dataclass(frozen=True)
class TrendPoint:
    month: str
    raised: int
    accepted: int
    closed: int


def figures_trend(user: Any, period: Period | None = None) -> list[TrendPoint]:
    """Topics raised per month, and how many of those were accepted and closed since: one query."""
    rows = list(
        figure_topics(user, period)
        .filter(opened_at__isnull=False)
        .annotate(month=TruncMonth("opened_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(
            raised=Count("pk"),
            accepted=Count("pk", filter=TOPIC_COUNTS["accepted"]),
            closed=Count("pk", filter=TOPIC_COUNTS["closed"]),
        )
        .order_by("month")
    )
    by_month = {month_key(r["month"]): r for r in rows}
    return [
        TrendPoint(
            month=m,
            raised=by_month.get(m, {}).get("raised", 0),
            accepted=by_month.get(m, {}).get("accepted", 0),
            closed=by_month.get(m, {}).get("closed", 0),
        )
        for m in month_axis(rows, period or Period())
    ]


FIGURE_COLUMNS = [
    ("raised", _("点题")),
    ("reached", _("达到门槛")),
    ("accepted", _("受理")),
    ("held", _("已约谈")),
    ("tasks_on_time", _("任务按期完成")),
    ("tasks_overdue", _("任务超期")),
    ("carried_out", _("办结率（%）")),
    ("satisfaction", _("满意度（1–5）")),
]


def accepted_statuses() -> frozenset[str]:
    return ACCEPTED_STATUSES


def topics_for_org_queue(user: Any) -> dict[str, list[TalkTopic]]:
    qs = topics_with_details(policies.topics_visible_to(user))
    day = today()
    answering = list(qs.filter(status=TopicStatus.ANSWERING).order_by("talked_at"))
    return {
        "submitted": list(qs.filter(status=TopicStatus.SUBMITTED).order_by("submitted_at")),
        "accepted": list(qs.filter(status=TopicStatus.ACCEPTED).order_by("accepted_at")),
        "scheduled": list(qs.filter(status=TopicStatus.SCHEDULED).order_by("talk_at")),
        "overdue": [t for t in answering if any(task_overdue(x, day) for x in t.tasks.all())],
        "unclaimed": [t for t in answering if any(x.department_id is None for x in t.tasks.all())],
    }


def inbox(user: Any, *, overdue_on: datetime.date | None = None) -> dict[str, Any]:
    """A department's task inbox: to claim and carrying (open work, listed whole), and done (a
    queryset, newest first, for the caller to page in the database). With ``overdue_on``, the
    carrying list holds only tasks past their deadline on that day (the home page's count)."""
    qs = (
        policies.inbox_tasks_of(user)
        .select_related("topic", "topic__region", "department", "lead_department")
        .order_by("deadline", "id")
    )
    departments = policies.liaison_departments(user)
    mine = qs if permissions.is_global(user) else qs.filter(department_id__in=departments)
    carrying = mine.filter(department__isnull=False, done_at__isnull=True)
    if overdue_on is not None:
        carrying = carrying.filter(deadline__lt=overdue_on)
    return {
        "to_claim": list(qs.filter(department__isnull=True, done_at__isnull=True)),
        "carrying": list(carrying),
        "done": mine.filter(done_at__isnull=False).order_by("-done_at", "-id"),
    }


def task_state_word(task: TalkTask) -> str:
    """The one word for a task's state on every page: 待认领 until a department has it, then its
    progress status (已计划 / 已启动 / 推进中 / 已完成)."""
    from community365.core.phrases import render

    if task.department_id is None:
        return render("talks.task_state.unclaimed")
    return render(f"talks.task_status.{task.status}")


def task_row(task: TalkTask, day: datetime.date) -> dict[str, Any]:
    """What a page shows of a task: the task, its state word, and whether it is (or was) late."""
    return {"task": task, "state": task_state_word(task), "overdue": task_overdue(task, day)}

"""Who may see and do what with talks.

- A draft is seen by its author only.
- A topic in signature (or expired) is seen inside its community: its residents and the
  community-level roles there, and staff above it.
- Once forwarded to the district it is public to everyone holding a role in the district.
- A department liaison acts for their department only: their task inbox holds the tasks their
  department carries and the unclaimed tasks of talks their department attended or leads.
Not visible ⇒ 404; visible but not allowed ⇒ NotAllowed with a reason."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from community365.core import permissions
from community365.core.errors import NotFound
from community365.core.ids import MAX_ID, valid_id  # noqa: F401 (the app's policies name them)
from community365.core.roles import STAFF_ROLES, Role

from .models import PUBLIC_STATUSES, TalkTask, TalkTopic, TopicStatus

COMMUNITY_LEVEL = frozenset({Role.RESIDENT, Role.PARTY_MEMBER, Role.VOLUNTEER, Role.MEDIATOR, Role.LAWYER})

VIEW_LOCAL = permissions.register(
    "talks.topic:view_local",
    STAFF_ROLES | COMMUNITY_LEVEL,
    "See topics still in signature in one's community",
)
RAISE = permissions.register("talks.topic:raise", {Role.RESIDENT}, "Raise a topic and co-sign topics")
COLLECT = permissions.register(
    "talks.topic:collect",
    {Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER},
    "Enter paper signatures and ratings; forward a topic to the district",
)
DECIDE = permissions.register(
    "talks.topic:decide",
    {Role.DISTRICT_ADMIN},
    "Accept, merge or decline topics; schedule talks; record minutes",
)
LEAD = permissions.register(
    "talks.topic:lead", {Role.DISTRICT_LEADER}, "Lead an invited talk and assign its unclaimed tasks"
)
CLAIM = permissions.register(
    "talks.task:claim", {Role.DEPARTMENT_LIAISON}, "Claim tasks and report progress for one's department"
)
FIGURES = permissions.register(
    "talks.figures:view",
    STAFF_ROLES | {Role.DISTRICT_LEADER, Role.DEPARTMENT_LIAISON},
    "See the talks figures and export them",
)

# Ids from a request are checked against what the database can hold before any query: a
# 20-digit id must be "not found", not an overflow in the database driver.


district_ids = permissions.district_ids


def topics_visible_to(user: Any) -> QuerySet[TalkTopic]:
    if permissions.is_global(user):
        return TalkTopic.objects.all()
    if not getattr(user, "is_authenticated", False):
        return TalkTopic.objects.none()
    ids = district_ids(user) or set()
    public = Q(status__in=PUBLIC_STATUSES, district_id__in=ids)
    local_paths = permissions.scope_paths(user, VIEW_LOCAL.name) or []
    local = Q(status__in=[TopicStatus.SIGNING, TopicStatus.EXPIRED]) & permissions.path_q(local_paths)
    if not local_paths:
        local = Q(pk__in=[])
    own = Q(author_id=user.pk)
    return TalkTopic.objects.filter(public | local | own)


def get_visible_topic(user: Any, topic_id: int) -> TalkTopic:
    if not valid_id(topic_id):
        raise NotFound(_("没有找到该点题。"))
    topic = topics_visible_to(user).select_related("region", "district").filter(pk=topic_id).first()
    if topic is None:
        raise NotFound(_("没有找到该点题。"))
    return topic


def liaison_departments(user: Any) -> set[int]:
    return {g.department_id for g in permissions.scope_grants(user, CLAIM.name) if g.department_id}


def tasks_visible_to(user: Any) -> QuerySet[TalkTask]:
    """Tasks of the topics the user sees (read-only on the topic's page)."""
    return TalkTask.objects.filter(topic__in=topics_visible_to(user))


def inbox_tasks_of(user: Any) -> QuerySet[TalkTask]:
    """The tasks a department liaison may act on: their department's, and the unclaimed ones
    of talks their department attended or was named to lead. Global actors: all."""
    if permissions.is_global(user):
        return TalkTask.objects.all()
    departments = liaison_departments(user)
    if not departments:
        return TalkTask.objects.none()
    return TalkTask.objects.filter(
        Q(department_id__in=departments)
        | Q(department__isnull=True)
        & (Q(lead_department_id__in=departments) | Q(topic__present_departments__in=departments))
    ).distinct()


def get_actionable_task(user: Any, task_id: int) -> TalkTask:
    """A task the user may act on (claim, progress, assign); otherwise 404."""
    if not valid_id(task_id):
        raise NotFound(_("没有找到该任务。"))
    leads = permissions.is_global(user) or bool(
        permissions.scope_grants(user, DECIDE.name) or permissions.scope_grants(user, LEAD.name)
    )
    qs = tasks_visible_to(user) if leads else inbox_tasks_of(user)
    task = qs.select_related("topic", "topic__region", "department").filter(pk=task_id).first()
    if task is None:
        raise NotFound(_("没有找到该任务。"))
    return task


def may_decide(user: Any, topic: TalkTopic) -> bool:
    return permissions.has_perm_at(user, DECIDE.name, topic.region.path)


def may_collect(user: Any, topic: TalkTopic) -> bool:
    return permissions.has_perm_at(user, COLLECT.name, topic.region.path)


def leads_topic(user: Any, topic: TalkTopic) -> bool:
    return (
        topic.invited_leader_id is not None
        and topic.invited_leader_id == getattr(user, "pk", None)
        and permissions.has_perm_at(user, LEAD.name, topic.region.path)
    )


def sees_queue(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, DECIDE.name))


def sees_figures(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, FIGURES.name))


def may_raise(user: Any) -> bool:
    """Holds the resident's right to raise somewhere (the service still checks the community)."""
    return bool(permissions.scope_grants(user, RAISE.name))

"""Who may declare, see, check, manage and close emergency events.

Not visible ⇒ 404 (``get_visible_event``); visible but not allowed ⇒ ``NotAllowed`` (422)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from community365.core import permissions
from community365.core.errors import NotAllowed, NotFound
from community365.core.roles import Role
from community365.regions.models import Region

from .models import CheckAssignment, EmergencyEvent, EmergencyTask, EventCommunity, EventStatus

DECLARE = permissions.register(
    "emergency.event:declare",
    {Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF},
    "Declare an emergency event over communities of the place, and close it",
)
MANAGE = permissions.register(
    "emergency.event:manage",
    {Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER},
    "See an event's board in the place, check any of its households, settle its tasks",
)
VIEW = permissions.register(
    "emergency.event:view",
    {
        Role.DISTRICT_ADMIN,
        Role.SUBDISTRICT_STAFF,
        Role.COMMUNITY_SECRETARY,
        Role.SOCIAL_WORKER,
        Role.DISTRICT_LEADER,
    },
    "Read the events, boards and after-action reports of the place",
)
LOW_LYING = permissions.register(
    "emergency.building:low_lying",
    {Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER},
    "Mark the community's buildings as low-lying (they are checked in every event)",
)


def _team_communities(user: Any) -> QuerySet[Any]:
    from community365.teams.models import TeamKind, TeamMembership

    return TeamMembership.objects.filter(
        user_id=user.pk, left_at__isnull=True, team__kind=TeamKind.EMERGENCY
    ).values("team__region_id")


def events_visible_to(user: Any) -> QuerySet[EmergencyEvent]:
    """Events covering a place the user oversees; events of the communities whose emergency team
    the user belongs to; and events where the user has households to check."""
    if permissions.is_global(user):
        return EmergencyEvent.objects.all()
    if not getattr(user, "is_authenticated", False):
        return EmergencyEvent.objects.none()
    paths = permissions.scope_paths(user, VIEW.name)
    covered = (
        EventCommunity.objects.filter(permissions.path_q(paths)) if paths else EventCommunity.objects.none()
    )
    scope = Q(pk__in=covered.values("event_id"))
    scope |= Q(pk__in=EventCommunity.objects.filter(region_id__in=_team_communities(user)).values("event_id"))
    scope |= Q(pk__in=CheckAssignment.objects.filter(assignee_id=user.pk).values("event_id"))
    return EmergencyEvent.objects.filter(scope)


def get_visible_event(user: Any, event_id: int) -> EmergencyEvent:
    event = (
        events_visible_to(user)
        .select_related("region", "declared_by", "closed_by")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise NotFound(_("没有找到这个应急事件。"))
    return event


def manage_paths(user: Any) -> list[str] | None:
    return permissions.scope_paths(user, MANAGE.name)


def assignments_manageable(user: Any, event: EmergencyEvent) -> QuerySet[CheckAssignment]:
    """The event's households the user answers for: all under the places they manage, and their own."""
    qs = CheckAssignment.objects.filter(event=event)
    if permissions.is_global(user):
        return qs
    return qs.filter(permissions.path_q(manage_paths(user)) | Q(assignee_id=user.pk))


def may_declare_at(user: Any, place: Region) -> bool:
    return permissions.has_perm_at(user, DECLARE.name, place.path)


def may_declare(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, DECLARE.name))


def may_close(user: Any, event: EmergencyEvent) -> bool:
    return event.status == EventStatus.OPEN and permissions.has_perm_at(user, DECLARE.name, event.region.path)


def may_manage(user: Any, event: EmergencyEvent) -> bool:
    """Sees the event's board (some covered community lies in the user's places)."""
    paths = manage_paths(user)
    if paths is None:
        return True
    if not paths:
        return False
    return EventCommunity.objects.filter(Q(event=event) & permissions.path_q(paths)).exists()


def may_read_reports(user: Any, event: EmergencyEvent) -> bool:
    if permissions.has_perm_at(user, VIEW.name, event.region.path):
        return True
    paths = permissions.scope_paths(user, VIEW.name)
    return bool(paths) and EventCommunity.objects.filter(Q(event=event) & permissions.path_q(paths)).exists()


def require_task(user: Any, task: EmergencyTask) -> None:
    if not permissions.has_perm_at(user, MANAGE.name, task.region.path):
        raise NotAllowed(_("只有本社区的社工、书记或街道、区里的工作人员可以办结应急任务。"))


def may_set_low_lying(user: Any, building: Region) -> bool:
    return permissions.has_perm_at(user, LOW_LYING.name, building.path)


def low_lying_paths(user: Any) -> list[str] | None:
    return permissions.scope_paths(user, LOW_LYING.name)


def _place_scope(user: Any, field: str = "region__path") -> Q:
    return permissions.path_q(permissions.scope_paths(user, VIEW.name), field)


def assignments_visible_to(user: Any) -> QuerySet[CheckAssignment]:
    if permissions.is_global(user):
        return CheckAssignment.objects.all()
    return CheckAssignment.objects.filter(_place_scope(user) | Q(assignee_id=getattr(user, "pk", None)))


def checks_visible_to(user: Any) -> QuerySet[Any]:
    from .models import HouseholdCheck

    if permissions.is_global(user):
        return HouseholdCheck.objects.all()
    return HouseholdCheck.objects.filter(_place_scope(user) | Q(checked_by_id=getattr(user, "pk", None)))


def tasks_visible_to(user: Any) -> QuerySet[EmergencyTask]:
    if permissions.is_global(user):
        return EmergencyTask.objects.all()
    return EmergencyTask.objects.filter(_place_scope(user))


def supplies_visible_to(user: Any) -> QuerySet[Any]:
    from .models import SupplyIssue

    if permissions.is_global(user):
        return SupplyIssue.objects.all()
    return SupplyIssue.objects.filter(_place_scope(user))

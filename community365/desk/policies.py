"""Who may see and do what at the service desk.

- A resident sees the requests they made (or that were made for their person record).
- Staff of a place see the requests of the communities under it; a social worker or secretary
  handles them there; the subdistrict supervises (督办) and receives escalations.
- A department liaison sees the requests routed to their department and acts on them.
- The catalogue of a community is public.
Not visible ⇒ 404; visible but not allowed ⇒ NotAllowed with a reason."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from community365.core import permissions
from community365.core.errors import NotFound
from community365.core.ids import MAX_ID, valid_id  # noqa: F401 (the app's policies name them)
from community365.core.roles import STAFF_ROLES, Role

from .models import CatalogueItem, LightingFile, ServiceRequest

VIEW = permissions.register(
    "desk.request:view", STAFF_ROLES | {Role.DISTRICT_LEADER}, "See the service requests of a place"
)
RAISE = permissions.register("desk.request:raise", {Role.RESIDENT}, "Make a service request")
HANDLE = permissions.register(
    "desk.request:handle",
    {Role.SOCIAL_WORKER, Role.COMMUNITY_SECRETARY, Role.SUBDISTRICT_STAFF, Role.DISTRICT_ADMIN},
    "Accept, transfer, merge, pause, close requests; take them in for residents; call back",
)
DEPARTMENT = permissions.register(
    "desk.request:department", {Role.DEPARTMENT_LIAISON}, "Act on the requests routed to one's department"
)
SUPERVISE = permissions.register(
    "desk.request:supervise",
    {Role.SUBDISTRICT_STAFF, Role.DISTRICT_ADMIN},
    "Supervise (督办) overdue requests",
)
CATALOGUE = permissions.register(
    "desk.catalogue:manage",
    {Role.DISTRICT_ADMIN, Role.COMMUNITY_SECRETARY},
    "Keep the catalogue (the district's items; a community's additions)",
)
CALENDAR = permissions.register("desk.calendar:manage", {Role.DISTRICT_ADMIN}, "Keep the working calendar")
HOTLINE = permissions.register(
    "desk.hotline:import", {Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF}, "Import 12345 hotline files"
)
OPEN311 = permissions.register("desk.open311:manage", {Role.DISTRICT_ADMIN}, "Issue Open311 client keys")
FIGURES = permissions.register(
    "desk.figures:view", STAFF_ROLES | {Role.DISTRICT_LEADER}, "See the desk's figures and export them"
)


def liaison_departments(user: Any) -> set[int]:
    return {g.department_id for g in permissions.scope_grants(user, DEPARTMENT.name) if g.department_id}


def requests_visible_to(user: Any) -> QuerySet[ServiceRequest]:
    if permissions.is_global(user):
        return ServiceRequest.objects.all()
    if not getattr(user, "is_authenticated", False):
        return ServiceRequest.objects.none()
    paths = permissions.scope_paths(user, VIEW.name) or []
    query = Q(author_id=user.pk) | Q(person__user_id=user.pk)
    if paths:
        query |= permissions.path_q(paths, "community__path")
    departments = liaison_departments(user)
    if departments:
        query |= Q(department_id__in=departments)
        # a department given one task of a request sees the request (deskflow: request tasks)
        from .models import RequestTask

        query |= Q(pk__in=RequestTask.objects.filter(department_id__in=departments).values("request_id"))
    return ServiceRequest.objects.filter(query)


def get_visible_request(user: Any, request_id: Any) -> ServiceRequest:
    if not valid_id(request_id):
        raise NotFound(_("没有找到该诉求。"))
    found = (
        requests_visible_to(user)
        .select_related("item", "region", "community", "assignee", "department", "team", "organisation")
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise NotFound(_("没有找到该诉求。"))
    return found


def is_requester(user: Any, req: ServiceRequest) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return req.author_id == user.pk or (req.person is not None and req.person.user_id == user.pk)


def can_handle(user: Any, req: ServiceRequest) -> bool:
    if permissions.has_perm_at(user, HANDLE.name, req.community.path):
        return True
    return req.department_id is not None and req.department_id in liaison_departments(user)


def handling_communities(user: Any) -> list[str] | None:
    return permissions.scope_paths(user, HANDLE.name)


# --- stairwell lighting files ------------------------------------------------------------------
# Seen by whoever sees the requests of the place (VIEW); kept by whoever handles them (HANDLE).


def lighting_files_visible_to(user: Any) -> QuerySet[LightingFile]:
    if permissions.is_global(user):
        return LightingFile.objects.all()
    if not getattr(user, "is_authenticated", False):
        return LightingFile.objects.none()
    paths = permissions.scope_paths(user, VIEW.name) or []
    if not paths:
        return LightingFile.objects.none()
    return LightingFile.objects.filter(permissions.path_q(paths, "community__path"))


def can_see_lighting(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_paths(user, VIEW.name))


def get_visible_lighting_file(user: Any, file_id: Any) -> LightingFile:
    if not valid_id(file_id):
        raise NotFound(_("没有找到该亮灯档案。"))
    found = (
        lighting_files_visible_to(user).select_related("stairwell", "community").filter(pk=file_id).first()
    )
    if found is None:
        raise NotFound(_("没有找到该亮灯档案。"))
    return found


def can_keep_lighting(user: Any, file: LightingFile) -> bool:
    return permissions.has_perm_at(user, HANDLE.name, file.stairwell.path)


# --- keeping the catalogue, the calendar and the grids (the edit pages) -----------------------
# The district admin keeps the district's items and every community's additions; a community
# secretary only the additions of their own community. An item the user may not edit is not
# there for them (404), even when the public catalogue shows it.


def catalogue_editable_by(user: Any) -> QuerySet[CatalogueItem]:
    if permissions.is_global(user):
        return CatalogueItem.objects.all()
    if not getattr(user, "is_authenticated", False):
        return CatalogueItem.objects.none()
    query = Q(pk__in=[])
    for grant in permissions.scope_grants(user, CATALOGUE.name):
        query |= Q(district_id=grant.district_id, region__path__startswith=grant.path)
        if grant.role == Role.DISTRICT_ADMIN:
            query |= Q(district_id=grant.district_id, region__isnull=True)
    return CatalogueItem.objects.filter(query)


def get_editable_item(user: Any, item_id: Any) -> CatalogueItem:
    if not valid_id(item_id):
        raise NotFound(_("没有找到该服务事项。"))
    found = (
        catalogue_editable_by(user)
        .select_related("region", "department", "team", "organisation")
        .filter(pk=item_id)
        .first()
    )
    if found is None:
        raise NotFound(_("没有找到该服务事项。"))
    return found


def keeps_district_catalogue(user: Any) -> list[int]:
    """The districts whose own items the user keeps (the district admin's)."""
    return [
        g.district_id for g in permissions.scope_grants(user, CATALOGUE.name) if g.role == Role.DISTRICT_ADMIN
    ]


def can_keep_catalogue(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_paths(user, CATALOGUE.name))


def can_keep_calendar(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_paths(user, CALENDAR.name))


# --- hot spots and their proposals; a request's tasks (deskflow) ---------------------------------
# The hot-spot page of a community: its secretary and the staff above (subdistrict, district,
# the district's leaders). Proposing from a hot spot: the community's secretary, who holds the
# three targets' own rights (a wish for a resident, the unit's secretary project, a topic raised
# for a resident).

HOT_SPOTS = permissions.register(
    "desk.hotspots:view",
    {Role.COMMUNITY_SECRETARY, Role.SUBDISTRICT_STAFF, Role.DISTRICT_ADMIN, Role.DISTRICT_LEADER},
    "See a community's hot spots (recurring requests) and what was started from them",
)
PROPOSE = permissions.register(
    "desk.hotspots:propose",
    {Role.COMMUNITY_SECRETARY},
    "Start a micro-wish, a secretary project or a talk topic from a hot spot",
)


def get_hot_spot_community(user: Any, community_id: Any) -> Any:
    """The community whose hot spots ``user`` may see; otherwise NotFound."""
    from community365.regions.models import COMMUNITY_KINDS, Region

    found = (
        Region.objects.filter(pk=community_id, kind__in=list(COMMUNITY_KINDS)).first()
        if valid_id(community_id)
        else None
    )
    if found is None or not permissions.has_perm_at(user, HOT_SPOTS.name, found.path):
        raise NotFound(_("没有找到该社区的诉求热点。"))
    return found


def can_propose(user: Any, community: Any) -> bool:
    return permissions.has_perm_at(user, PROPOSE.name, community.path) and not permissions.is_global(user)


def tasks_visible_to(user: Any) -> QuerySet[Any]:
    """A request's tasks are seen with the request; a department liaison sees its own
    department's tasks (and, through them, the request)."""
    from .models import RequestTask

    if permissions.is_global(user):
        return RequestTask.objects.all()
    return RequestTask.objects.filter(request__in=requests_visible_to(user))


def get_visible_task(user: Any, task_id: Any) -> Any:
    if not valid_id(task_id):
        raise NotFound(_("没有找到该任务。"))
    found = (
        tasks_visible_to(user)
        .select_related("request", "request__community", "worker", "team", "department")
        .filter(pk=task_id)
        .first()
    )
    if found is None:
        raise NotFound(_("没有找到该任务。"))
    return found


def is_task_assignee(user: Any, task: Any) -> bool:
    """The social worker named, a leader of the team named, a liaison of the department named."""
    if not getattr(user, "is_authenticated", False):
        return False
    if task.worker_id is not None:
        return task.worker_id == user.pk
    if task.department_id is not None:
        return task.department_id in liaison_departments(user)
    from community365.teams.presenters import led_team_ids

    return task.team_id in led_team_ids(user)


def can_finish_task(user: Any, task: Any) -> bool:
    """The assignee marks a task done; so may whoever handles the request (the worker holding it,
    the secretary), who answers for the whole."""
    return is_task_assignee(user, task) or permissions.has_perm_at(
        user, HANDLE.name, task.request.community.path
    )

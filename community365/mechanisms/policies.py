"""Who may see and do what with secretary projects and first secretaries' postings.

Not visible ⇒ 404 (``get_visible_*``); visible but not allowed ⇒ ``NotAllowed`` (422)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from community365.core import permissions
from community365.core.errors import NotAllowed, NotFound
from community365.core.roles import Role

from .models import (
    FirstSecretaryPosting,
    FirstSecretaryResult,
    FrontlinePosting,
    ProjectStatus,
    SecretaryProject,
    SecretaryUnit,
)

# The organisation department: the menu, the review, the mid-year check, the year-end scores,
# the postings of first secretaries and the front-line batches.
MANAGE = permissions.register(
    "mechanisms.projects:manage",
    {Role.DISTRICT_ADMIN},
    "Publish the secretary projects' menu, review, check and score projects; post first secretaries",
)
APPLY = permissions.register(
    "mechanisms.projects:apply",
    {Role.COMMUNITY_SECRETARY, Role.UNIT_SECRETARY},
    "Apply for a secretary project for the unit one leads and report its progress",
)
OVERSEE = permissions.register(
    "mechanisms.projects:view",
    {Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF, Role.DISTRICT_LEADER, Role.COMMUNITY_SECRETARY},
    "See every secretary project and first-secretary posting of a place, in every state, and the figures",
)
CONFIRM_RESULT = permissions.register(
    "mechanisms.results:confirm",
    {Role.COMMUNITY_SECRETARY},
    "Confirm the first secretary's results in the community's name",
)
LOG_RESULT = permissions.register(
    "mechanisms.results:log",
    {Role.FIRST_SECRETARY},
    "Log results in one's own first-secretary ledger",
)

PUBLISHED = (ProjectStatus.APPROVED, ProjectStatus.EVALUATED)


def may_manage(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, MANAGE.name))


def may_oversee(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, OVERSEE.name))


def may_apply(user: Any) -> bool:
    return bool(permissions.scope_grants(user, APPLY.name))


def is_first_secretary(user: Any) -> bool:
    return bool(permissions.scope_grants(user, LOG_RESULT.name))


def may_confirm_results(user: Any) -> bool:
    return bool(permissions.scope_grants(user, CONFIRM_RESULT.name))


def projects_visible_to(user: Any) -> QuerySet[SecretaryProject]:
    """The published list within the user's districts; every state under the places the user
    oversees; and the user's own applications."""
    if permissions.is_global(user):
        return SecretaryProject.objects.all()
    if not getattr(user, "is_authenticated", False):
        return SecretaryProject.objects.none()
    districts = permissions.district_ids(user) or set()
    scope = Q(status__in=PUBLISHED, district_id__in=districts)
    scope |= permissions.path_q(permissions.scope_paths(user, OVERSEE.name))
    scope |= Q(secretary_id=user.pk)
    return SecretaryProject.objects.filter(scope)


def get_visible_project(user: Any, project_id: int) -> SecretaryProject:
    project = (
        projects_visible_to(user)
        .select_related("unit", "menu_item", "region", "subdistrict", "secretary")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise NotFound(_("没有找到这个书记项目。"))
    return project


def require_manage(user: Any, district_path: str) -> str:
    return permissions.require_at(user, MANAGE.name, district_path, _("只有区委组织部可以做这一步。"))


def require_own_project(user: Any, project: SecretaryProject) -> None:
    if permissions.is_global(user) or project.secretary_id == getattr(user, "pk", None):
        return
    if permissions.has_perm_at(user, MANAGE.name, project.region.path):
        return
    raise NotAllowed(_("只有项目所在单位的书记可以填报这个项目。"))


def units_of(user: Any) -> QuerySet[SecretaryUnit]:
    return SecretaryUnit.objects.filter(secretary_id=getattr(user, "pk", None), ended_at__isnull=True)


# --- first secretaries ----------------------------------------------------------------------------
def postings_visible_to(user: Any) -> QuerySet[FirstSecretaryPosting]:
    """Postings are public within the district (residents know their first secretary)."""
    if permissions.is_global(user):
        return FirstSecretaryPosting.objects.all()
    if not getattr(user, "is_authenticated", False):
        return FirstSecretaryPosting.objects.none()
    return FirstSecretaryPosting.objects.filter(district_id__in=permissions.district_ids(user) or set())


def get_visible_posting(user: Any, posting_id: int) -> FirstSecretaryPosting:
    posting = (
        postings_visible_to(user)
        .select_related("region", "home_department", "organisation")
        .filter(pk=posting_id)
        .first()
    )
    if posting is None:
        raise NotFound(_("没有找到这个第一书记派驻记录。"))
    return posting


def results_visible_to(user: Any) -> QuerySet[FirstSecretaryResult]:
    """Confirmed results within the district; every state for the secretary, the community and
    the overseers."""
    if permissions.is_global(user):
        return FirstSecretaryResult.objects.all()
    if not getattr(user, "is_authenticated", False):
        return FirstSecretaryResult.objects.none()
    districts = permissions.district_ids(user) or set()
    scope = Q(status="confirmed", district_id__in=districts)
    scope |= permissions.path_q(permissions.scope_paths(user, OVERSEE.name))
    scope |= permissions.path_q(permissions.scope_paths(user, CONFIRM_RESULT.name))
    scope |= Q(posting__cadre_id=user.pk)
    return FirstSecretaryResult.objects.filter(scope)


def frontline_visible_to(user: Any) -> QuerySet[FrontlinePosting]:
    if permissions.is_global(user):
        return FrontlinePosting.objects.all()
    return FrontlinePosting.objects.filter(
        permissions.path_q(permissions.scope_paths(user, OVERSEE.name))
        if permissions.scope_grants(user, OVERSEE.name)
        else Q(pk__in=[])
    )


def require_posting_cadre(user: Any, posting: FirstSecretaryPosting) -> None:
    if posting.cadre_id != getattr(user, "pk", None) and not permissions.is_global(user):
        raise NotAllowed(_("只有这位第一书记本人可以登记成绩。"))


def require_confirm_at(user: Any, result: FirstSecretaryResult) -> str:
    return permissions.require_at(
        user, CONFIRM_RESULT.name, result.region.path, _("只有派驻社区的书记可以确认这条成绩。")
    )


# --- service centres ------------------------------------------------------------------------------
RUN_CENTRE = permissions.register(
    "mechanisms.centres:run",
    {Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF},
    "Run a party–public service centre: rooms, the lecture series, delegation visits",
)
BOOK_ROOM = permissions.register(
    "mechanisms.rooms:book",
    {
        Role.DISTRICT_ADMIN,
        Role.SUBDISTRICT_STAFF,
        Role.COMMUNITY_SECRETARY,
        Role.SOCIAL_WORKER,
        Role.UNIT_SECRETARY,
        Role.FIRST_SECRETARY,
        Role.VOLUNTEER,
        Role.DEPARTMENT_LIAISON,
    },
    "Book a room of a service centre in the district for a community, a unit or a team",
)


def may_book(user: Any) -> bool:
    return bool(permissions.scope_grants(user, BOOK_ROOM.name))


def may_run_centre_at(user: Any, path: str) -> bool:
    return permissions.has_perm_at(user, RUN_CENTRE.name, path)


def in_district(user: Any, district_id: int) -> bool:
    districts = permissions.district_ids(user)
    return districts is None or district_id in districts


def require_book(user: Any, district_id: int) -> str:
    if permissions.is_global(user):
        return "system"
    for grant in permissions.scope_grants(user, BOOK_ROOM.name):
        if grant.district_id == district_id:
            return grant.role
    raise NotAllowed(_("社区、单位和团队的负责人才能预约场地。"))


def require_run_centre(user: Any, path: str) -> str:
    return permissions.require_at(
        user, RUN_CENTRE.name, path, _("只有中心所在街道或区委组织部可以管理这个中心。")
    )


# --- funding --------------------------------------------------------------------------------------
ALLOCATE = permissions.register(
    "mechanisms.funds:allocate",
    {Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF},
    "Allocate party-building and service funds to the communities of a place, and correct allocations",
)
SPEND = permissions.register(
    "mechanisms.funds:spend",
    {Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER},
    "Enter and correct the community's spending of its funds",
)
FUNDS_VIEW = permissions.register(
    "mechanisms.funds:view",
    {
        Role.DISTRICT_ADMIN,
        Role.SUBDISTRICT_STAFF,
        Role.DISTRICT_LEADER,
        Role.COMMUNITY_SECRETARY,
        Role.SOCIAL_WORKER,
    },
    "Read the funds of a place: allocations, spending and balance",
)


def may_view_funds(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, FUNDS_VIEW.name))


def fund_paths(user: Any) -> list[str] | None:
    return permissions.scope_paths(user, FUNDS_VIEW.name)


def require_allocate(user: Any, region: Any) -> str:
    return permissions.require_at(user, ALLOCATE.name, region.path, _("只有街道或区委组织部可以下拨经费。"))


def require_spend(user: Any, region: Any) -> str:
    return permissions.require_at(user, SPEND.name, region.path, _("只有本社区的书记和社工可以记支出。"))


# --- area-wide co-building ----------------------------------------------------------------------------
COMMUNITY_LISTS = permissions.register(
    "mechanisms.cobuilding:community",
    {Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER, Role.SUBDISTRICT_STAFF, Role.DISTRICT_ADMIN},
    "Keep the community's needs list, agree co-building projects and agreements, property co-building",
)
SET_MODEL = permissions.register(
    "mechanisms.cobuilding:model",
    {Role.SUBDISTRICT_STAFF, Role.DISTRICT_ADMIN},
    "Set a community's co-building model",
)
UNIT_LISTS = permissions.register(
    "mechanisms.cobuilding:offer",
    {Role.SUBDISTRICT_STAFF, Role.DISTRICT_ADMIN},
    "Keep the resource lists of the units of a place",
)


def require_community_lists(user: Any, region: Any) -> str:
    return permissions.require_at(
        user, COMMUNITY_LISTS.name, region.path, _("只有本社区和所在街道可以维护这份清单。")
    )


def may_keep_community_lists(user: Any) -> bool:
    return bool(permissions.scope_grants(user, COMMUNITY_LISTS.name)) or permissions.is_global(user)


def require_offer(user: Any, *, region: Any, organisation: Any = None, department: Any = None) -> str:
    """A unit's own secretary or liaison keeps its resource list; the subdistrict and the
    organisation department may keep it for the units of their place."""
    if permissions.has_perm_at(user, UNIT_LISTS.name, region.path):
        return permissions.acting_role(user, UNIT_LISTS.name, region.path)
    leads = units_of(user)
    if organisation is not None and leads.filter(organisation=organisation).exists():
        return Role.UNIT_SECRETARY
    if department is not None:
        if leads.filter(department=department).exists():
            return Role.UNIT_SECRETARY
        if any(
            g.role == Role.DEPARTMENT_LIAISON and g.department_id == department.pk
            for g in permissions.grants_of(user)
        ):
            return Role.DEPARTMENT_LIAISON
    raise NotAllowed(_("只有这个单位的书记或联络员可以维护它的资源清单。"))


def may_offer(user: Any) -> bool:
    return (
        permissions.is_global(user)
        or bool(permissions.scope_grants(user, UNIT_LISTS.name))
        or units_of(user).exclude(kind__in=["community", "cooperative"]).exists()
        or any(g.role == Role.DEPARTMENT_LIAISON for g in permissions.grants_of(user))
    )

"""Who may see resident records, see them unmasked, register and verify residents, and grant
roles. Not visible ⇒ 404; visible but not allowed ⇒ a refusal with a reason."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from community365.core import permissions
from community365.core.errors import NotFound
from community365.core.roles import STAFF_ROLES, Role

from .models import Person, RoleAssignment, User

VIEW = permissions.register("people.person:view", STAFF_ROLES, "See resident records (masked)")
VIEW_CONTACT = permissions.register(
    "people.person:view_contact",
    {Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER},
    "See residents' names and phone numbers in full",
)
COUNT = permissions.register(
    "people.person:count",
    STAFF_ROLES | {Role.DISTRICT_LEADER, Role.DEPARTMENT_LIAISON},
    "Count residents and households",
)
MANAGE = permissions.register(
    "people.person:manage",
    {Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER},
    "Register residents and keep their records",
)
VERIFY = permissions.register(
    "people.person:verify",
    {Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER},
    "Verify a person as a resident of the community",
)
GRANT_ROLES = permissions.register(
    "people.role:grant",
    {Role.DISTRICT_ADMIN, Role.COMMUNITY_SECRETARY},
    "Grant and revoke roles on places",
)
MANAGE_USERS = permissions.register("people.user:manage", {Role.DISTRICT_ADMIN}, "Create accounts")
UNLOCK = permissions.register(
    "people.user:unlock",
    {Role.DISTRICT_ADMIN, Role.COMMUNITY_SECRETARY},
    "Unlock an account locked by failed sign-ins",
)

# A secretary may hand out the community-level roles of their own community, nothing above it.
SECRETARY_GRANTABLE = frozenset(
    {Role.SOCIAL_WORKER, Role.PARTY_MEMBER, Role.VOLUNTEER, Role.MEDIATOR, Role.LAWYER, Role.RESIDENT}
)


def persons_visible_to(user: Any) -> QuerySet[Person]:
    """Staff see the residents under their places; a resident sees their own record."""
    scope = permissions.path_q(permissions.scope_paths(user, VIEW.name))
    if getattr(user, "is_authenticated", False) and not permissions.is_global(user):
        scope |= Q(user_id=user.pk)
    return Person.objects.filter(scope)


def persons_listed_for(user: Any) -> QuerySet[Person]:
    """The same residents as ``persons_visible_to``, filtered on the person row's own indexed
    community column (the communities under the user's places, read in one small query): for
    lists. ``region.path LIKE …`` joined to every person let PostgreSQL walk the list's index
    through the whole district (12 s for a social worker at 360,000 residents). Roles are held
    at a community or above (``core.roles.ROLE_PLACE_KINDS``) and every resident belongs to a
    community, so the residents under the user's places are those of the communities there."""
    from community365.regions.models import COMMUNITY_KINDS, Region

    paths = permissions.scope_paths(user, VIEW.name)
    if not paths:  # everyone (None) or no one ([]): nothing to narrow
        return persons_visible_to(user)
    communities = Region.objects.filter(permissions.path_q(paths, "path"), kind__in=COMMUNITY_KINDS)
    scope = Q(community_id__in=sorted(communities.values_list("id", flat=True)))
    if getattr(user, "is_authenticated", False) and not permissions.is_global(user):
        scope |= Q(user_id=user.pk)
    return Person.objects.filter(scope)


def get_visible_person(user: Any, person_id: int) -> Person:
    person = (
        persons_visible_to(user)
        .select_related("community", "household", "region")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise NotFound(_("没有找到该居民。"))
    return person


def contact_paths(user: Any) -> list[str] | None:
    """Paths under which the user may see contacts unmasked (for lists: one lookup per row
    would be N+1)."""
    return permissions.scope_paths(user, VIEW_CONTACT.name)


def role_assignments_visible_to(user: Any) -> QuerySet[RoleAssignment]:
    scope = permissions.path_q(permissions.scope_paths(user, GRANT_ROLES.name))
    if getattr(user, "is_authenticated", False) and not permissions.is_global(user):
        scope |= Q(user_id=user.pk)
    return RoleAssignment.objects.filter(scope)


def users_visible_to(user: Any) -> QuerySet[User]:
    """Accounts holding a role somewhere the user may grant roles, and the user themself."""
    if permissions.is_global(user):
        return User.objects.all()
    paths = permissions.scope_paths(user, GRANT_ROLES.name)
    ids = RoleAssignment.objects.filter(permissions.path_q(paths)).values("user_id")
    return User.objects.filter(Q(pk__in=ids) | Q(pk=user.pk))


def grantable_roles(user: Any, path: str) -> frozenset[str]:
    if permissions.is_global(user):
        return frozenset(Role)
    roles: set[str] = set()
    for grant in permissions.scope_grants(user, GRANT_ROLES.name):
        if path.startswith(grant.path):
            roles |= set(Role) if grant.role == Role.DISTRICT_ADMIN else set(SECRETARY_GRANTABLE)
    return frozenset(roles)


def unlock_role(actor: Any, user: User) -> str:
    """The role in which ``actor`` may unlock ``user``: the user holds a role at a place under
    one of the actor's unlock grants (a secretary: their community; the district admin: the
    district). Empty if none."""
    if permissions.is_global(actor):
        return "superuser"
    grants = permissions.scope_grants(actor, UNLOCK.name)
    if not grants:
        return ""
    places = list(
        RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).values_list(
            "region__path", flat=True
        )
    )
    for grant in grants:
        if any(path.startswith(grant.path) for path in places):
            return grant.role
    return ""

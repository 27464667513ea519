"""The permission registry and the scope of a user on the region tree.

A permission is a named action (``"people.person:verify"``) granted to some roles. A user holds
roles at nodes of the region tree; a permission is in force everywhere below such a node. Each
app's ``policies.py`` registers its permissions and adds the object-state part of a decision.

``scope_paths(user, name)`` gives the tree paths under which the permission holds, which is
what every ``visible_to(user)`` queryset filters on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from .actors import SystemActor
from .errors import NotAllowed


@dataclass(frozen=True)
class Permission:
    name: str
    roles: frozenset[str]
    description: str


@dataclass(frozen=True)
class Grant:
    """One role a user holds at one place (a row of RoleAssignment, reduced to what policies need)."""

    role: str
    region_id: int
    path: str
    district_id: int
    department_id: int | None
    # what a reader is shown of the place (the "my roles" lists and GET /api/v1/me)
    region_name: str = ""
    region_kind: str = ""
    department_name: str | None = None


REGISTRY: dict[str, Permission] = {}


def register(name: str, roles: Iterable[str], description: str) -> Permission:
    if name in REGISTRY:
        raise ValueError(f"permission {name!r} registered twice")
    perm = Permission(name=name, roles=frozenset(roles), description=description)
    REGISTRY[name] = perm
    return perm


def get(name: str) -> Permission:
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown permission {name!r}: register it in the app's policies.py") from None


def grants_of(user: Any) -> list[Grant]:
    """The user's active role grants, loaded once per user object (i.e. once per request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_c365_grants", None)
    if cached is None:
        from django.db import connection

        # Every request that checks a permission runs this (a bearer token's request reads them
        # with its user instead: people.services.token_user). The statement is written once per
        # process: building the three-table join through the ORM cost several times what the
        # database needs to answer it.
        with connection.cursor() as cursor:
            cursor.execute(
                # names from the models' metadata, the value a parameter
                f"SELECT {grant_columns()} FROM {grant_joins()} WHERE a.user_id = %s ORDER BY a.id",  # noqa: S608
                [user.pk],
            )
            remember_grants(user, cursor.fetchall())
        cached = user._c365_grants
    return cached


def remember_grants(user: Any, rows: Iterable[Sequence[Any]]) -> None:
    """Keep these rows of ``grant_columns()`` (values in ``GRANT_FIELDS`` order) as the user's
    grants for this request; rows whose role is NULL, from an outer join of a user holding no
    role, are left out. A district's own grant has no district above it: it is its own."""
    grants = []
    for row in rows:
        values = dict(zip(GRANT_FIELDS, row, strict=True))
        if values["role"] is not None:
            values["district_id"] = values["district_id"] or values["region_id"]
            grants.append(Grant(**values))
    user._c365_grants = grants


@cache
def _tables() -> tuple[str, str, str]:
    from django.db import connection

    from community365.people.models import RoleAssignment
    from community365.regions.models import Department, Region

    q = connection.ops.quote_name
    return q(RoleAssignment._meta.db_table), q(Region._meta.db_table), q(Department._meta.db_table)


# A grant's columns in the statements that read it: (field of Grant, SQL over the role row
# ``a``, its place ``r`` and its department ``d``), in the order ``remember_grants`` reads.
_GRANT_SQL = (
    ("role", "a.role"),
    ("region_id", "a.region_id"),
    ("path", "r.path"),
    ("district_id", "r.district_id"),
    ("department_id", "a.department_id"),
    ("region_name", "r.name"),
    ("region_kind", "r.kind"),
    ("department_name", "d.name"),
)
GRANT_FIELDS = tuple(name for name, _sql in _GRANT_SQL)


def grant_columns() -> str:
    """The select list of a grant, each column named ``g_<field>``, in ``GRANT_FIELDS`` order."""
    return ", ".join(f"{sql} AS g_{name}" for name, sql in _GRANT_SQL)


def grant_joins(user_alias: str | None = None) -> str:
    """The FROM part for ``grant_columns()``: the active role rows with their places. With
    ``user_alias``, outer-joined to that user table (every user row stays, with NULL columns
    when it holds no role)."""
    assignment, region, department = _tables()
    if user_alias is None:
        head = f"{assignment} a JOIN {region} r ON r.id = a.region_id AND a.revoked_at IS NULL"
    else:
        head = (
            f" LEFT JOIN {assignment} a ON a.user_id = {user_alias}.id AND a.revoked_at IS NULL"
            f" LEFT JOIN {region} r ON r.id = a.region_id"
        )
    return head + f" LEFT JOIN {department} d ON d.id = a.department_id"


def forget_grants(user: Any) -> None:
    if hasattr(user, "_c365_grants"):
        del user._c365_grants


def is_global(user: Any) -> bool:
    """Superusers (operations staff) and the system see everything."""
    return isinstance(user, SystemActor) or bool(getattr(user, "is_superuser", False))


def district_ids(user: Any) -> set[int] | None:
    """The districts the user holds any role in; None for global actors (everywhere)."""
    if is_global(user):
        return None
    return {g.district_id for g in grants_of(user)}


def _minimal(paths: Iterable[str]) -> list[str]:
    """Drop paths that lie under another one: the union is the same, the query shorter."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result


def scope_grants(user: Any, name: str) -> list[Grant]:
    perm = get(name)
    return [g for g in grants_of(user) if g.role in perm.roles]


def scope_paths(user: Any, name: str) -> list[str] | None:
    """Tree paths under which ``name`` holds for ``user``; None means everywhere."""
    if is_global(user):
        return None
    return _minimal(g.path for g in scope_grants(user, name))


def path_q(paths: list[str] | None, field: str = "region__path") -> Q:
    """A filter for rows whose region lies under one of ``paths`` (None: no restriction); a path
    under another listed one adds nothing and is left out."""
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    query = Q()
    for path in _minimal(paths):
        query |= Q(**{f"{field}__startswith": path})
    return query


def grant_for(user: Any, name: str, path: str) -> Grant | None:
    """The grant under which ``user`` may do ``name`` at the node with ``path``, if any."""
    for grant in scope_grants(user, name):
        if path.startswith(grant.path):
            return grant
    return None


def has_perm_at(user: Any, name: str, path: str) -> bool:
    return is_global(user) or grant_for(user, name, path) is not None


def acting_role(user: Any, name: str, path: str) -> str:
    if isinstance(user, SystemActor):
        return "system"
    if getattr(user, "is_superuser", False):
        return "superuser"
    grant = grant_for(user, name, path)
    return grant.role if grant else ""


def require_at(user: Any, name: str, path: str, message: str | None = None) -> str:
    """Refuse unless ``user`` holds ``name`` at ``path``; returns the role acted in."""
    role = acting_role(user, name, path)
    if not role:
        raise NotAllowed(message or _("您没有权限在此处执行此操作。"))
    return role

"""Who sees and does what in 对标.

- The league table, the community pages and their exports are for staff and district leaders,
  scoped by place: the district's admin and its leaders see all communities; a subdistrict's
  staff see its communities; a community's secretary and social workers see their own community
  only (its row of the league with its district-wide rank, and its page against the model).
  Residents, volunteers and party members do not see scores.
- The model community (示范社区, 划船) is the yardstick: its figures appear beside every
  community's on that community's page.
- Only the district's admin defines the indicator tree and recomputes scores.
Not visible ⇒ 404; visible but not allowed ⇒ NotAllowed with a reason."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from community365.core import permissions
from community365.core.actors import SystemActor
from community365.core.errors import NotFound
from community365.core.ids import MAX_ID, valid_id  # noqa: F401 (the app's policies name them)
from community365.core.roles import STAFF_ROLES, Role
from community365.regions.models import Region, RegionKind

VIEW = permissions.register(
    "benchmarking.scores:view",
    STAFF_ROLES | {Role.DISTRICT_LEADER},
    "See benchmarking scores of the communities in one's place",
)
DEFINE = permissions.register(
    "benchmarking.tree:define", {Role.DISTRICT_ADMIN}, "Define the indicator tree and recompute scores"
)


def may_view(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, VIEW.name))


def scope(user: Any) -> list[str] | None:
    return permissions.scope_paths(user, VIEW.name)


def district_of(user: Any) -> Region | None:
    """The district whose benchmarking the user reads (the first one they hold a role in)."""
    ids = permissions.district_ids(user)
    qs = Region.objects.filter(kind=RegionKind.DISTRICT).order_by("pk")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.first()


def sees_whole_district(user: Any, district: Region) -> bool:
    paths = scope(user)
    return paths is None or any(district.path.startswith(p) for p in paths)


def communities_visible_to(user: Any) -> QuerySet[Region]:
    return Region.objects.filter(kind=RegionKind.COMMUNITY).filter(permissions.path_q(scope(user), "path"))


def get_visible_community(user: Any, community_id: Any) -> Region:
    if not valid_id(community_id):
        raise NotFound(_("没有这个社区，或您无权查看。"))
    community = communities_visible_to(user).filter(pk=community_id).first()
    if community is None:
        raise NotFound(_("没有这个社区，或您无权查看。"))
    return community


def may_define(user: Any, district: Region) -> bool:
    if isinstance(user, SystemActor) or permissions.is_global(user):
        return True
    return permissions.has_perm_at(user, DEFINE.name, district.path)


# --- manual indicators: a community enters, its subdistrict confirms ------------------------------

ENTER = permissions.register(
    "benchmarking.entry:enter",
    {Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER},
    "Enter a manual indicator's value with evidence for one's community",
)
CONFIRM = permissions.register(
    "benchmarking.entry:confirm",
    {Role.SUBDISTRICT_STAFF},
    "Confirm or return a community's manual indicator value in one's subdistrict",
)


def may_enter(user: Any, community: Region) -> bool:
    """Only the community's own secretary and social workers (not a global actor acting for
    them: a value is the community's word, with its evidence)."""
    if isinstance(user, SystemActor):
        return True
    return permissions.grant_for(user, ENTER.name, community.path) is not None


def may_confirm(user: Any, community: Region) -> bool:
    """The subdistrict's staff confirm — never someone who could enter the value themselves
    (a person holding a role in the community does not confirm its own figures)."""
    if isinstance(user, SystemActor):
        return True
    if permissions.grant_for(user, CONFIRM.name, community.path) is None:
        return False
    return not may_enter(user, community)


def confirm_paths(user: Any) -> list[str] | None:
    return permissions.scope_paths(user, CONFIRM.name)


def enter_paths(user: Any) -> list[str] | None:
    return permissions.scope_paths(user, ENTER.name)


def may_read_district_report(user: Any, district: Region) -> bool:
    """The district's yearly report: its admin and its leaders (and global actors)."""
    if permissions.is_global(user):
        return True
    return any(
        g.role in (Role.DISTRICT_ADMIN, Role.DISTRICT_LEADER) and district.path.startswith(g.path)
        for g in permissions.scope_grants(user, VIEW.name)
    )

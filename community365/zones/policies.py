"""Who sees and does what with zones, targets, standards and brands.

- The organisation department (the district's admin) creates zones, adds and removes members,
  moves a zone's status forward (and alone may revert it, with a reason), sets the standards
  and the year's targets.
- District leaders see every zone, the targets and the progress of every subdistrict.
- A subdistrict's staff see the zones that have a member in their subdistrict, and the targets
  page with their own subdistrict's evaluation (the district's headline figures are for those
  who see the whole district).
- A community's secretary and social workers see the zones their community belongs to; the
  secretary edits the community's brand (一社一特). There is no confirmation step: the district
  sees every brand, and every edit is in the audit trail.
- Brands are public within the district: anyone signed in with a role in the district
  (residents, volunteers, party members included) reads the brand list and a brand's page — a
  signature programme is meant to be known by the residents it serves. Scores stay with staff.
Not visible ⇒ 404 (``NotFound``); visible but not allowed ⇒ ``NotAllowed`` with a reason."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from community365.core import permissions
from community365.core.errors import NotFound
from community365.core.ids import MAX_ID, valid_id  # noqa: F401 (the app's policies name them)
from community365.core.roles import Role
from community365.regions.models import COMMUNITY_KINDS, Region, RegionKind

from .models import Brand, Zone, ZoneMember

MANAGE = permissions.register(
    "zones.zone:manage",
    {Role.DISTRICT_ADMIN},
    "Create zones and their members, move their status, set standards and yearly targets",
)
VIEW = permissions.register(
    "zones.zone:view",
    {
        Role.DISTRICT_ADMIN,
        Role.DISTRICT_LEADER,
        Role.SUBDISTRICT_STAFF,
        Role.COMMUNITY_SECRETARY,
        Role.SOCIAL_WORKER,
    },
    "See the zones that reach into one's place, with their members and scores",
)
PROGRESS = permissions.register(
    "zones.targets:view",
    {Role.DISTRICT_ADMIN, Role.DISTRICT_LEADER, Role.SUBDISTRICT_STAFF},
    "See the year's targets and which subdistricts reach 达标 or 示范 (one's own subdistrict, or all)",
)
BRAND_EDIT = permissions.register(
    "zones.brand:edit",
    {Role.COMMUNITY_SECRETARY, Role.DISTRICT_ADMIN},
    "Write the community's signature brand (一社一特)",
)


def district_of(user: Any) -> Region | None:
    """The district the user works in (the first one they hold a role in)."""
    ids = permissions.district_ids(user)
    qs = Region.objects.filter(kind=RegionKind.DISTRICT).order_by("pk")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.first()


def may_view(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, VIEW.name))


def may_view_progress(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, PROGRESS.name))


def may_manage(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, MANAGE.name))


def may_manage_at(user: Any, district: Region) -> bool:
    return permissions.has_perm_at(user, MANAGE.name, district.path)


def require_manage(user: Any, district: Region) -> str:
    return permissions.require_at(user, MANAGE.name, district.path, _("只有区委组织部可以做这一步。"))


def sees_whole_district(user: Any, name: str, district: Region) -> bool:
    paths = permissions.scope_paths(user, name)
    return paths is None or any(district.path.startswith(p) for p in paths)


def zones_visible_to(user: Any) -> QuerySet[Zone]:
    """All zones of a district to those whose view reaches the district; else the zones with a
    member community (or cooperative) under one of the user's places."""
    paths = permissions.scope_paths(user, VIEW.name)
    if paths is None:
        return Zone.objects.all()
    if not paths:
        return Zone.objects.none()
    whole = [g.region_id for g in permissions.scope_grants(user, VIEW.name) if g.region_id == g.district_id]
    below = ZoneMember.objects.filter(zone=OuterRef("pk")).filter(
        permissions.path_q(paths, "community__path")
    )
    return Zone.objects.filter(Q(district_id__in=whole) | Q(Exists(below)))


def get_visible_zone(user: Any, zone_id: Any) -> Zone:
    if not valid_id(zone_id):
        raise NotFound(_("没有这个片区，或您无权查看。"))
    zone = zones_visible_to(user).filter(pk=zone_id).first()
    if zone is None:
        raise NotFound(_("没有这个片区，或您无权查看。"))
    return zone


def progress_paths(user: Any) -> list[str] | None:
    """Where the user reads the subdistricts' evaluation (None: everywhere)."""
    return permissions.scope_paths(user, PROGRESS.name)


# --- brands -----------------------------------------------------------------------------------
def may_read_brands(user: Any) -> bool:
    """Anyone signed in with a role (or operations staff)."""
    return permissions.is_global(user) or bool(permissions.grants_of(user))


def brands_visible_to(user: Any) -> QuerySet[Brand]:
    ids = permissions.district_ids(user)
    if ids is None:
        return Brand.objects.all()
    return Brand.objects.filter(district_id__in=ids)


def communities_for_brands(user: Any) -> QuerySet[Region]:
    """The communities whose brand page the user may open (the district's, as for brands)."""
    qs = Region.objects.filter(kind__in=COMMUNITY_KINDS)
    ids = permissions.district_ids(user)
    return qs if ids is None else qs.filter(district_id__in=ids)


def get_brand_community(user: Any, community_id: Any) -> Region:
    if not valid_id(community_id):
        raise NotFound(_("没有这个社区，或您无权查看。"))
    community = communities_for_brands(user).filter(pk=community_id).first()
    if community is None:
        raise NotFound(_("没有这个社区，或您无权查看。"))
    return community


def may_edit_brand(user: Any, community: Region) -> bool:
    return permissions.has_perm_at(user, BRAND_EDIT.name, community.path)


def require_edit_brand(user: Any, community: Region) -> str:
    return permissions.require_at(
        user, BRAND_EDIT.name, community.path, _("只有本社区书记（或区委组织部）可以编辑社区品牌。")
    )

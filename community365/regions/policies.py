"""Who may see and manage places. Every role sees the subtrees of the places it holds."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from community365.core import permissions
from community365.core.errors import NotFound
from community365.core.roles import ALL_ROLES, STAFF_ROLES, Role

from .models import Department, Household, Organisation, Region, ServiceCentre

VIEW = permissions.register("regions.region:view", ALL_ROLES, "See places and their names")
MANAGE = permissions.register("regions.region:manage", {Role.DISTRICT_ADMIN}, "Create and rename places")
VIEW_HOUSEHOLDS = permissions.register("regions.household:view", STAFF_ROLES, "See households")
MANAGE_HOUSEHOLDS = permissions.register(
    "regions.household:manage",
    {Role.DISTRICT_ADMIN, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER},
    "Register households",
)
MANAGE_ORGANISATIONS = permissions.register(
    "regions.organisation:manage",
    {Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF},
    "Register departments, organisations and service centres",
)


def regions_visible_to(user: Any) -> QuerySet[Region]:
    return Region.objects.filter(permissions.path_q(permissions.scope_paths(user, VIEW.name), "path"))


def households_visible_to(user: Any) -> QuerySet[Household]:
    return Household.objects.filter(permissions.path_q(permissions.scope_paths(user, VIEW_HOUSEHOLDS.name)))


def departments_visible_to(user: Any) -> QuerySet[Department]:
    """Departments are known to everyone in their district."""
    ids = permissions.district_ids(user)
    qs = Department.objects.all()
    return qs if ids is None else qs.filter(district_id__in=ids)


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    ids = permissions.district_ids(user)
    qs = Organisation.objects.all()
    return qs if ids is None else qs.filter(district_id__in=ids)


def service_centres_visible_to(user: Any) -> QuerySet[ServiceCentre]:
    ids = permissions.district_ids(user)
    qs = ServiceCentre.objects.all()
    return qs if ids is None else qs.filter(district_id__in=ids)


def get_visible_region(user: Any, region_id: int) -> Region:
    region = regions_visible_to(user).filter(pk=region_id).first()
    if region is None:
        raise NotFound(_not_found())
    return region


def _not_found() -> str:
    from django.utils.translation import gettext

    return gettext("没有找到该区域。")

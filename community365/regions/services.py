"""Writes to the region tree and the organisations tied to it."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.errors import Conflict, InvalidInput

from . import policies
from .models import (
    CHILD_KINDS,
    Department,
    Household,
    Organisation,
    OrganisationKind,
    Region,
    RegionKind,
    ServiceCentre,
)


def _clean_name(value: str, field: str = "name", max_length: int = 100) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("名称不能为空。"), field=field)
    if len(value) > max_length:
        raise InvalidInput(_("名称过长（最多 %(n)d 个字）。") % {"n": max_length}, field=field)
    return value


@service("regions.region:create")
def region_create(
    *,
    actor: Any,
    parent: Region | None,
    kind: str,
    name: str,
    code: str,
    reported_households: int | None = None,
    reported_population: int | None = None,
    is_model: bool = False,
) -> Region:
    name = _clean_name(name)
    parent_kind = parent.kind if parent is not None else None
    if kind not in CHILD_KINDS.get(parent_kind, frozenset()):
        raise InvalidInput(
            _("“%(kind)s”不能设在“%(parent)s”之下。")
            % {
                "kind": RegionKind(kind).label if kind in RegionKind.values else kind,
                "parent": parent or "—",
            },
            field="kind",
        )
    if parent is None:
        if not permissions.is_global(actor):
            raise permissions.NotAllowed(_("只有系统可以创建区。"))
        role = "system"
    else:
        role = permissions.require_at(actor, policies.MANAGE.name, parent.path)
    if Region.objects.filter(code=code).exists():
        raise Conflict(_("编码 %(code)s 已被使用。") % {"code": code}, field="code")
    fields = {
        "name": name,
        "kind": kind,
        "code": code,
        "reported_households": reported_households,
        "reported_population": reported_population,
        "is_model": is_model,
    }
    if parent is None:
        region = Region.objects.add_root(create_kwargs=fields)
        region.district = region
        region.save(update_fields=["district"])
    else:
        parent.refresh_from_db(fields=["numchild", "path", "depth"])
        region = Region.objects.add_child(
            parent, create_kwargs={"district_id": parent.district_id or parent.pk, **fields}
        )
    audit_record(actor=actor, action="regions.region:create", target=region, role=role, changes=fields)
    return region


@service("regions.household:create")
def household_create(*, actor: Any, stairwell: Region, number: str) -> Household:
    number = _clean_name(number, field="number", max_length=30)
    if stairwell.kind != RegionKind.STAIRWELL:
        raise InvalidInput(_("户必须登记在楼道下。"), field="stairwell")
    role = permissions.require_at(actor, policies.MANAGE_HOUSEHOLDS.name, stairwell.path)
    try:
        household = Household.objects.create(
            district_id=stairwell.district_id, region=stairwell, number=number
        )
    except IntegrityError:
        raise Conflict(_("该楼道已有门牌 %(n)s。") % {"n": number}, field="number") from None
    audit_record(actor=actor, action="regions.household:create", target=household, role=role)
    return household


@service("regions.department:create")
def department_create(
    *, actor: Any, district: Region, name: str, code: str, short_name: str = ""
) -> Department:
    name = _clean_name(name)
    role = permissions.require_at(actor, policies.MANAGE_ORGANISATIONS.name, district.path)
    if Department.objects.filter(district=district, code=code).exists():
        raise Conflict(_("编码 %(code)s 已被使用。") % {"code": code}, field="code")
    department = Department.objects.create(district=district, name=name, code=code, short_name=short_name)
    audit_record(actor=actor, action="regions.department:create", target=department, role=role)
    return department


@service("regions.organisation:create")
def organisation_create(*, actor: Any, region: Region, name: str, kind: str) -> Organisation:
    name = _clean_name(name, max_length=120)
    if kind not in OrganisationKind.values:
        raise InvalidInput(_("未知的组织类型。"), field="kind")
    role = permissions.require_at(actor, policies.MANAGE_ORGANISATIONS.name, region.path)
    district_id = region.district_id or region.pk
    if Organisation.objects.filter(district_id=district_id, name=name).exists():
        raise Conflict(_("已有同名组织。"), field="name")
    organisation = Organisation.objects.create(district_id=district_id, region=region, name=name, kind=kind)
    audit_record(actor=actor, action="regions.organisation:create", target=organisation, role=role)
    return organisation


@service("regions.service_centre:create")
def service_centre_create(*, actor: Any, region: Region, name: str, address: str = "") -> ServiceCentre:
    name = _clean_name(name, max_length=120)
    role = permissions.require_at(actor, policies.MANAGE_ORGANISATIONS.name, region.path)
    district_id = region.district_id or region.pk
    if ServiceCentre.objects.filter(district_id=district_id, name=name).exists():
        raise Conflict(_("已有同名党群服务中心。"), field="name")
    centre = ServiceCentre.objects.create(district_id=district_id, region=region, name=name, address=address)
    audit_record(actor=actor, action="regions.service_centre:create", target=centre, role=role)
    return centre

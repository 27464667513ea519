"""Writes to the region tree and the organisations tied to it."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError
from django.utils.translation import gettext as _

from community365.audit.services import audit_build, audit_record, audit_record_many, service
from community365.core import permissions
from community365.core.errors import Conflict, InvalidInput

from . import policies, selectors
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


@service("regions.region:create_bulk")
def regions_create_bulk(*, actor: Any, entries: list[tuple[Region, str, str, str]]) -> list[Region]:
    """The bulk path of ``region_create`` below existing places (the full-size demo, an import):
    each (parent, kind, name, code) goes through the same checks (the kind fits the parent, the
    actor manages the parent, the code is unused), the children are given the next free paths
    of their parents as ``add_child`` would, inserted in batches, and one audit row is written
    per place with the same changes. All or nothing."""
    from django.db.models import F

    built: list[tuple[Region, str, dict[str, Any]]] = []
    roles: dict[str, str] = {}
    next_step: dict[str, int] = {}
    codes = [code for _p, _k, _n, code in entries]
    if len(set(codes)) != len(codes) or Region.objects.filter(code__in=codes).exists():
        taken = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
        dup = next((c for c in codes if c in taken or codes.count(c) > 1), codes[0])
        raise Conflict(_("编码 %(code)s 已被使用。") % {"code": dup}, field="code")
    added: dict[int, int] = {}
    for parent, kind, name, code in entries:
        name = _clean_name(name)
        if kind not in CHILD_KINDS.get(parent.kind, frozenset()):
            raise InvalidInput(
                _("“%(kind)s”不能设在“%(parent)s”之下。")
                % {"kind": RegionKind(kind).label if kind in RegionKind.values else kind, "parent": parent},
                field="kind",
            )
        if parent.path not in roles:
            roles[parent.path] = permissions.require_at(actor, policies.MANAGE.name, parent.path)
            last = (
                Region.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
                .order_by("-path")
                .values_list("path", flat=True)
                .first()
            )
            next_step[parent.path] = Region._str2int(last[-Region.steplen :]) + 1 if last else 1
        step = next_step[parent.path]
        next_step[parent.path] = step + 1
        added[parent.pk] = added.get(parent.pk, 0) + 1
        fields: dict[str, Any] = {
            "name": name,
            "kind": kind,
            "code": code,
            "reported_households": None,
            "reported_population": None,
            "is_model": False,
        }
        region = Region(
            path=Region._get_path(parent.path, parent.depth + 1, step),
            depth=parent.depth + 1,
            numchild=0,
            district_id=parent.district_id or parent.pk,
            **fields,
        )
        built.append((region, roles[parent.path], fields))
    Region.objects.bulk_create([r for r, _r, _f in built], batch_size=1000)
    for parent_pk, count in added.items():
        Region.objects.filter(pk=parent_pk).update(numchild=F("numchild") + count)
    audit_record_many(
        [
            audit_build(actor=actor, action="regions.region:create", target=r, role=role, changes=fields)
            for r, role, fields in built
        ]
    )
    return [r for r, _r, _f in built]


def _household_build(
    *, actor: Any, stairwell: Region, number: str, communities: dict[str, Region] | None = None
) -> tuple[Household, str]:
    number = _clean_name(number, field="number", max_length=30)
    if stairwell.kind != RegionKind.STAIRWELL:
        raise InvalidInput(_("户必须登记在楼道下。"), field="stairwell")
    role = permissions.require_at(actor, policies.MANAGE_HOUSEHOLDS.name, stairwell.path)
    community = selectors.community_of(stairwell, communities)
    if community is None:
        raise InvalidInput(_("该楼道不在任何社区之下。"), field="stairwell")
    household = Household(
        district_id=stairwell.district_id, region=stairwell, community=community, number=number
    )
    return household, role


@service("regions.household:create")
def household_create(*, actor: Any, stairwell: Region, number: str) -> Household:
    household, role = _household_build(actor=actor, stairwell=stairwell, number=number)
    try:
        household.save(force_insert=True)
    except IntegrityError:
        raise Conflict(_("该楼道已有门牌 %(n)s。") % {"n": number}, field="number") from None
    audit_record(actor=actor, action="regions.household:create", target=household, role=role)
    return household


@service("regions.household:create_bulk")
def households_create_bulk(
    *, actor: Any, entries: list[tuple[Region, str]], batch_size: int = 2000
) -> list[Household]:
    """The bulk path of ``household_create`` (the full-size demo, an import): each
    (stairwell, number) goes through the same validation and permission check, the rows are
    inserted in batches and one audit row is written per household, as the service writes.
    All or nothing: a refused entry or a doubled number refuses the whole call."""
    known: dict[str, Region] = {}
    loaded: set[int] = set()
    for stairwell, _number in entries:
        if stairwell.district_id is not None and stairwell.district_id not in loaded:
            loaded.add(stairwell.district_id)
            known.update(selectors.communities_by_path(Region.objects.get(pk=stairwell.district_id)))
    built = [
        _household_build(actor=actor, stairwell=stairwell, number=number, communities=known)
        for stairwell, number in entries
    ]
    keys = {(h.region_id, h.number) for h, _r in built}
    if len(keys) != len(built):
        raise Conflict(_("同一楼道的门牌号重复。"), field="number")
    try:
        Household.objects.bulk_create([h for h, _r in built], batch_size=batch_size)
    except IntegrityError:
        raise Conflict(_("同一楼道的门牌号重复。"), field="number") from None
    audit_record_many(
        [audit_build(actor=actor, action="regions.household:create", target=h, role=r) for h, r in built],
        batch_size=batch_size,
    )
    return [h for h, _r in built]


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

"""Every write of 整片建强: zones, members, status, standards, targets, brands. Each is one
transaction (``audit.services.service``) with an audit entry; refusals are audited too.

Rules:
- a zone's status only moves forward (规划中 → 建设中 → 已建成 → 示范片), one or more steps at a
  time, on a date not before its last change and not in the future; going back is a revert,
  for the district's admin only, with a reason; both are conditional UPDATEs on the status read,
  so two people moving the same zone at once cannot both win;
- a zone becomes 示范片 only when it meets the year's zone 示范 standard, when the district set one;
- a community lies in at most one area (the core or a wing: a place is in one 片); it may join
  any number of links (联动 are alliances) — the database holds this with a partial unique index;
- a link's members: community+community takes communities, building+community buildings and
  communities, cooperative+cooperative cooperatives;
- a standard item names a registered benchmarking indicator (``core/indicators.py``) or the
  total score; a target's percentage lies in 0–100 and a count of zones is a whole number."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlparse

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import indicators
from community365.core.actors import actor_label
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.regions.models import COMMUNITY_KINDS, Region, RegionKind

from . import policies, selectors
from .models import (
    AREA_KINDS,
    PERCENT_MEASURES,
    STATUS_ORDER,
    TOTAL,
    Brand,
    Comparison,
    Level,
    LinkForm,
    Measure,
    MemberKind,
    Scope,
    Standard,
    StandardItem,
    Zone,
    ZoneKind,
    ZoneMember,
    ZoneStatus,
    ZoneStatusChange,
    ZoneTarget,
    ZoneTheme,
)

# Which member kinds a link of each form takes (the core and the wings take any): the places of
# its form, and the organisations and centres that support it.
_SUPPORT = frozenset({MemberKind.ORGANISATION, MemberKind.CENTRE})
LINK_MEMBERS: dict[str, frozenset[str]] = {
    LinkForm.COMMUNITIES: frozenset({MemberKind.COMMUNITY}) | _SUPPORT,
    LinkForm.BUILDINGS: frozenset({MemberKind.COMMUNITY, MemberKind.BUILDING}) | _SUPPORT,
    LinkForm.COOPERATIVES: frozenset({MemberKind.COOPERATIVE}) | _SUPPORT,
}


# --- checks -------------------------------------------------------------------------------------
def _text(value: Any, field: str, *, max_length: int, min_length: int = 0) -> str:
    text = " ".join(str(value or "").split())
    if len(text) < min_length or len(text) > max_length:
        raise InvalidInput(
            _("内容长度须为 %(a)s–%(b)s 个字。") % {"a": min_length, "b": max_length}, field=field
        )
    return text


def _year(value: Any) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("年份应为 2000–2100 之间的四位数字。"), field="year")
    return year


def _decimal(value: Any, field: str, *, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not low <= number <= high:
        raise InvalidInput(_("请填写 %(a)s–%(b)s 之间的数。") % {"a": low, "b": high}, field=field)
    return number.quantize(Decimal("0.01"))


def _date(value: Any, field: str = "on") -> datetime.date:
    if value in (None, ""):
        return timezone.localdate()
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            raise InvalidInput(_("日期应写成 2026-04-01 这样。"), field=field) from None
    if value > timezone.localdate():
        raise InvalidInput(_("日期不能晚于今天。"), field=field)
    if value.year < 2000:
        raise InvalidInput(_("日期应写成 2026-04-01 这样。"), field=field)
    return value


def _district(region: Region) -> Region:
    return region if region.kind == RegionKind.DISTRICT else Region.objects.get(pk=region.district_id)


# --- zones --------------------------------------------------------------------------------------
@service("zones.zone.create")
def zone_create(
    *,
    actor: Any,
    district: Region,
    name: str,
    kind: str,
    theme: str,
    link_form: str = "",
    code: str = "",
    description: str = "",
    order: int = 0,
    on: datetime.date | str | None = None,
) -> Zone:
    """A new zone, 规划中 from ``on`` (a dated first change opens its history)."""
    role = policies.require_manage(actor, district)
    if kind not in ZoneKind.values:
        raise InvalidInput(_("请选择片区类型：一核、五翼或十联动。"), field="kind")
    if theme not in ZoneTheme.values:
        raise InvalidInput(_("请选择片区主题。"), field="theme")
    if kind == ZoneKind.LINK and link_form not in LinkForm.values:
        raise InvalidInput(_("联动片区须选择联动形式。"), field="link_form")
    if kind != ZoneKind.LINK:
        link_form = ""
    if kind == ZoneKind.CORE and Zone.objects.filter(district=district, kind=ZoneKind.CORE).exists():
        raise Conflict(_("全区只有一个“一核”片区。"), code="one_core")
    clean_name = _text(name, "name", max_length=80, min_length=2)
    clean_code = (
        slugify(code or "", allow_unicode=False)[:40]
        or f"zone-{Zone.objects.filter(district=district).count() + 1}"
    )
    if Zone.objects.filter(district=district, name=clean_name).exists():
        raise Conflict(_("已有同名片区。"), code="duplicate")
    if Zone.objects.filter(district=district, code=clean_code).exists():
        raise Conflict(_("已有编码相同的片区。"), code="duplicate")
    day = _date(on)
    zone = Zone.objects.create(
        district=district,
        code=clean_code,
        name=clean_name,
        kind=kind,
        link_form=link_form,
        theme=theme,
        description=_text(description, "description", max_length=300),
        status=ZoneStatus.PLANNED,
        status_since=day,
        order=max(0, min(int(order or 0), 999)),
    )
    ZoneStatusChange.objects.create(
        zone=zone,
        district=district,
        from_status="",
        to_status=ZoneStatus.PLANNED,
        on=day,
        actor_label=actor_label(actor)[:150],
    )
    audit_record(actor=actor, action="zones.zone.create", target=zone, role=role)
    return zone


@service("zones.member.add")
def member_add(
    *,
    actor: Any,
    zone: Zone,
    community: Region | None = None,
    kind: str = "",
    name: str = "",
) -> ZoneMember:
    """A community or cooperative of the tree, or a named building, organisation or centre."""
    role = policies.require_manage(actor, zone.district)
    if community is not None:
        if community.kind not in COMMUNITY_KINDS or community.district_id != zone.district_id:
            raise InvalidInput(_("请选择本区的社区或股份经济合作社。"), field="community")
        kind = MemberKind.COOPERATIVE if community.kind == RegionKind.COOPERATIVE else MemberKind.COMMUNITY
        member_name = community.name
    else:
        if kind not in (MemberKind.BUILDING, MemberKind.ORGANISATION, MemberKind.CENTRE):
            raise InvalidInput(_("请选择社区，或填写楼宇、组织、党群服务中心的名称。"), field="kind")
        member_name = _text(name, "name", max_length=100, min_length=2)
    if zone.kind == ZoneKind.LINK and kind not in LINK_MEMBERS[zone.link_form]:
        raise InvalidInput(
            _("“%(form)s”联动片区不接受“%(kind)s”成员。")
            % {"form": LinkForm(zone.link_form).label, "kind": MemberKind(kind).label},
            field="kind",
        )
    if community is not None:
        if ZoneMember.objects.filter(zone=zone, community=community).exists():
            raise Conflict(_("%(name)s 已是本片区成员。") % {"name": member_name}, code="duplicate")
        if zone.kind in AREA_KINDS:
            other = (
                ZoneMember.objects.filter(
                    district=zone.district, community=community, zone_kind__in=list(AREA_KINDS)
                )
                .select_related("zone")
                .first()
            )
            if other is not None:
                raise Conflict(
                    _(
                        "%(name)s 已属于片区“%(zone)s”：一个社区只能属于一个核心区或特色示范区（可参加多个联动片区）。"
                    )
                    % {"name": member_name, "zone": other.zone.name},
                    code="one_area",
                )
    elif ZoneMember.objects.filter(zone=zone, community__isnull=True, name=member_name).exists():
        raise Conflict(_("%(name)s 已是本片区成员。") % {"name": member_name}, code="duplicate")
    try:
        with transaction.atomic():
            member = ZoneMember.objects.create(
                zone=zone,
                district_id=zone.district_id,
                kind=kind,
                community=community,
                name=member_name,
                zone_kind=zone.kind,
            )
    except IntegrityError:
        # another request added the same member (or the community to another area) meanwhile
        raise Conflict(_("%(name)s 刚刚已被加入片区，请刷新后查看。") % {"name": member_name}) from None
    audit_record(
        actor=actor,
        action="zones.member.add",
        target=zone,
        role=role,
        changes={"member": member_name, "kind": kind},
    )
    return member


@service("zones.member.remove")
def member_remove(*, actor: Any, member: ZoneMember) -> None:
    zone = member.zone
    role = policies.require_manage(actor, zone.district)
    removed, _n = ZoneMember.objects.filter(pk=member.pk).delete()
    if not removed:
        raise Conflict(_("这个成员已经移出片区。"))
    audit_record(
        actor=actor, action="zones.member.remove", target=zone, role=role, changes={"member": member.name}
    )


def _rank(status: str) -> int:
    return STATUS_ORDER.index(ZoneStatus(status))


def _move(zone: Zone, *, actor: Any, to_status: str, on: datetime.date, reverted: bool, reason: str) -> None:
    last = zone.changes.order_by("-on", "-id").values_list("on", flat=True).first()
    if last is not None and on < last:
        raise InvalidInput(
            _("日期不能早于上一次状态变更（%(date)s）。") % {"date": last.isoformat()}, field="on"
        )
    moved = Zone.objects.filter(pk=zone.pk, status=zone.status).update(status=to_status, status_since=on)
    if moved != 1:
        current = Zone.objects.filter(pk=zone.pk).values_list("status", flat=True).first() or zone.status
        raise InvalidTransition(
            _("片区状态刚刚已变为“%(state)s”，请刷新后再试。") % {"state": ZoneStatus(current).label}
        )
    ZoneStatusChange.objects.create(
        zone=zone,
        district_id=zone.district_id,
        from_status=zone.status,
        to_status=to_status,
        on=on,
        reverted=reverted,
        reason=reason,
        actor_label=actor_label(actor)[:150],
    )
    zone.status, zone.status_since = to_status, on


@service("zones.zone.advance")
def zone_advance(*, actor: Any, zone: Zone, to_status: str, on: datetime.date | str | None = None) -> Zone:
    """Move the status forward. To 示范片 only when the zone meets the year's zone 示范 standard
    (when the district has set one)."""
    role = policies.require_manage(actor, zone.district)
    if to_status not in ZoneStatus.values:
        raise InvalidInput(_("请选择新的状态。"), field="to_status")
    if _rank(to_status) <= _rank(zone.status):
        raise InvalidTransition(
            _("片区状态只能向前推进：目前是“%(now)s”，不能改为“%(to)s”（回退须由区委组织部说明理由）。")
            % {"now": ZoneStatus(zone.status).label, "to": ZoneStatus(to_status).label}
        )
    day = _date(on)
    if to_status == ZoneStatus.DEMONSTRATION:
        check = selectors.zone_check_for(zone, day.year)[Level.DEMONSTRATION]
        if check.defined and not check.met:
            missed = check.missed_text
            raise NotAllowed(
                _("片区还没有达到 %(year)s 年片区“示范”标准，未满足：%(missed)s。")
                % {"year": day.year, "missed": missed}
            )
    before = zone.status
    _move(zone, actor=actor, to_status=to_status, on=day, reverted=False, reason="")
    audit_record(
        actor=actor,
        action="zones.zone.advance",
        target=zone,
        role=role,
        changes={"status": [before, to_status]},
    )
    return zone


@service("zones.zone.revert")
def zone_revert(
    *, actor: Any, zone: Zone, to_status: str, reason: str, on: datetime.date | str | None = None
) -> Zone:
    """Move the status back (a mistake, a zone that lost its standing): the district admin, with
    a reason kept in the history."""
    role = policies.require_manage(actor, zone.district)
    if to_status not in ZoneStatus.values:
        raise InvalidInput(_("请选择新的状态。"), field="to_status")
    if _rank(to_status) >= _rank(zone.status):
        raise InvalidTransition(
            _("回退只能退到更早的状态：目前是“%(now)s”。") % {"now": ZoneStatus(zone.status).label}
        )
    clean_reason = _text(reason, "reason", max_length=300, min_length=4)
    before = zone.status
    _move(zone, actor=actor, to_status=to_status, on=_date(on), reverted=True, reason=clean_reason)
    audit_record(
        actor=actor,
        action="zones.zone.revert",
        target=zone,
        role=role,
        message=clean_reason,
        changes={"status": [before, to_status]},
    )
    return zone


# --- standards ----------------------------------------------------------------------------------
@service("zones.standard.item_set")
def standard_item_set(
    *,
    actor: Any,
    district: Region,
    year: int,
    scope: str,
    level: str,
    indicator_code: str,
    threshold: Any,
    comparison: str = Comparison.GTE,
) -> StandardItem:
    """Add an item to a standard, or change its threshold (the standard is made on first use)."""
    role = policies.require_manage(actor, district)
    year = _year(year)
    if scope not in Scope.values:
        raise InvalidInput(_("请选择标准适用于街道还是片区。"), field="scope")
    if level not in Level.values:
        raise InvalidInput(_("请选择等级：达标或示范。"), field="level")
    code = str(indicator_code or "").strip()
    if code != TOTAL and code not in indicators.REGISTRY:
        raise InvalidInput(
            _("“%(code)s”不是已登记的对标指标。") % {"code": code[:60]}, field="indicator_code"
        )
    if comparison not in Comparison.values:
        raise InvalidInput(_("比较方式应为 ≥ 或 ≤。"), field="comparison")
    value = _decimal(threshold, "threshold", low=Decimal("-1000000"), high=Decimal("1000000"))
    if code == TOTAL and not Decimal(0) <= value <= Decimal(100):
        raise InvalidInput(_("总分门槛应在 0–100 之间。"), field="threshold")
    standard, _created = Standard.objects.get_or_create(
        district=district, year=year, scope=scope, level=level
    )
    item, created = StandardItem.objects.update_or_create(
        district=district,
        standard=standard,
        indicator_code=code,
        defaults={"comparison": comparison, "threshold": value},
    )
    audit_record(
        actor=actor,
        action="zones.standard.item_set",
        target=standard,
        role=role,
        district_id=district.pk,
        changes={"indicator": code, "comparison": comparison, "threshold": value, "new": created},
    )
    return item


@service("zones.standard.item_remove")
def standard_item_remove(*, actor: Any, item: StandardItem) -> None:
    standard = item.standard
    role = policies.require_manage(actor, _district(standard.district))
    deleted, _n = StandardItem.objects.filter(pk=item.pk).delete()
    if not deleted:
        raise Conflict(_("这一项已经删除。"))
    audit_record(
        actor=actor,
        action="zones.standard.item_remove",
        target=standard,
        role=role,
        district_id=standard.district_id,
        changes={"indicator": item.indicator_code},
    )


# --- targets ------------------------------------------------------------------------------------
@service("zones.target.set")
def target_set(
    *, actor: Any, district: Region, year: int, measure: str, value: Any, note: str = ""
) -> ZoneTarget:
    role = policies.require_manage(actor, district)
    year = _year(year)
    if measure not in Measure.values:
        raise InvalidInput(_("请选择目标项。"), field="measure")
    if measure in PERCENT_MEASURES:
        number = _decimal(value, "value", low=Decimal(0), high=Decimal(100))
    else:
        number = _decimal(value, "value", low=Decimal(0), high=Decimal(999))
        if number != number.to_integral_value():
            raise InvalidInput(_("片区数应为整数。"), field="value")
    target, created = ZoneTarget.objects.update_or_create(
        district=district,
        year=year,
        measure=measure,
        defaults={"value": number, "note": _text(note, "note", max_length=200), "set_at": timezone.now()},
    )
    audit_record(
        actor=actor,
        action="zones.target.set",
        target=target,
        role=role,
        district_id=district.pk,
        changes={"year": year, "measure": measure, "value": number, "new": created},
    )
    return target


# --- brands -------------------------------------------------------------------------------------
def _url(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(text) > 300:
        raise InvalidInput(_("佐证链接应以 http:// 或 https:// 开头。"), field="evidence_url")
    return text


@service("zones.brand.save")
def brand_save(
    *,
    actor: Any,
    community: Region,
    name: str,
    description: str,
    started: datetime.date | str | None = None,
    evidence_url: str = "",
) -> Brand:
    """Write the community's brand (one per community): its secretary, or the district's admin."""
    if community.kind not in COMMUNITY_KINDS:
        raise InvalidInput(_("品牌属于社区或股份经济合作社。"), field="community")
    role = policies.require_edit_brand(actor, community)
    values = {
        "name": _text(name, "name", max_length=60, min_length=2),
        "description": _text(description, "description", max_length=500, min_length=4),
        "started": _date(started, "started") if started not in (None, "") else None,
        "evidence_url": _url(evidence_url),
        "updated_at": timezone.now(),
    }
    try:
        with transaction.atomic():
            brand, created = Brand.objects.update_or_create(
                district_id=community.district_id, community=community, defaults=values
            )
    except IntegrityError:
        raise Conflict(_("品牌刚刚已被保存，请刷新后再试。")) from None
    audit_record(
        actor=actor,
        action="zones.brand.save",
        target=brand,
        role=role,
        changes={k: v for k, v in values.items() if k != "updated_at"} | {"new": created},
    )
    return brand

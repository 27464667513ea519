"""Every write of the service desk: typed, keyword-only, ``actor`` first, one transaction, an
audit entry, notifications on commit.

The lifecycle of a request is one table (``TRANSITIONS``): an action allowed from the listed
states only; the row is locked (``select_for_update``) and its state re-read before any change,
so two workers acting at once cannot both accept, close or merge the same request."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.actors import SystemActor, is_system
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.core.phrases import date_param, phrase_param
from community365.core.roles import Role
from community365.core.uploads import clean_image
from community365.notifications.services import notify
from community365.people.models import Person, RoleAssignment, User
from community365.regions.models import COMMUNITY_KINDS, Department, Region, RegionKind

from . import attributes as desk_attributes
from . import phrases, policies
from .calendar import add_working_hours, in_desk_hours, working_days_deadline
from .models import (
    LIGHTING_ITEM_CODE,
    OPEN_STATUSES,
    CallBack,
    CatalogueItem,
    Channel,
    ContactWay,
    DayKind,
    Deliverer,
    GridWorker,
    HolidayCalendar,
    LampType,
    LightingFile,
    LightingLog,
    LightingLogKind,
    LightState,
    Maintainer,
    Open311Client,
    RequestEvent,
    RequestPhoto,
    RequestStatus,
    ServiceRequest,
)

MAX_PHOTOS = 3
REOPEN_WINDOW = datetime.timedelta(days=7)
S = RequestStatus

# action → the states it may start from, and the state it leaves (None: unchanged)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "accept": (frozenset({S.SUBMITTED}), S.ACCEPTED),
    "transfer": (frozenset({S.SUBMITTED, S.ACCEPTED}), S.SUBMITTED),
    "merge": (frozenset({S.SUBMITTED, S.ACCEPTED, S.WAITING}), S.MERGED),
    "escalate": (frozenset({S.SUBMITTED, S.ACCEPTED}), None),
    "pause": (frozenset({S.ACCEPTED}), S.WAITING),
    "resume": (frozenset({S.WAITING}), S.ACCEPTED),
    "close": (frozenset({S.ACCEPTED}), S.CLOSED),
    "rate": (frozenset({S.CLOSED}), S.CONFIRMED),
    "reopen": (frozenset({S.CLOSED, S.CONFIRMED}), S.ACCEPTED),
    "callback": (frozenset({S.CLOSED, S.CONFIRMED}), None),
}


def _now(actor: Any, at: datetime.datetime | None) -> datetime.datetime:
    if at is None:
        return timezone.now()
    if not is_system(actor):
        raise NotAllowed(_("只有系统可以补录历史时间。"))
    return at


def _user(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None


def _event(req: ServiceRequest, action: str, actor: Any, at: datetime.datetime, **params: Any) -> None:
    RequestEvent.objects.create(
        district_id=req.district_id,
        request=req,
        code=phrases.EVENTS[action],
        params=params,
        note=str(params.get("reason") or params.get("resolution") or params.get("note") or "")[:2000],
        actor=_user(actor),
        at=at,
    )


def _lock(req: ServiceRequest, action: str) -> ServiceRequest:
    """The request re-read under a row lock, refused unless ``action`` is allowed from its state."""
    fresh = ServiceRequest.objects.select_for_update().get(pk=req.pk)
    allowed, _target = TRANSITIONS[action]
    if fresh.status not in allowed:
        raise InvalidTransition(
            _("诉求当前为“%(status)s”，不能这样操作。") % {"status": fresh.get_status_display()}
        )
    for field in ("status", "assignee_id", "department_id", "paused_at", "closed_at", "reopen_count"):
        setattr(req, field, getattr(fresh, field))
    return req


def _require_handler(actor: Any, req: ServiceRequest) -> str:
    if is_system(actor) or permissions.is_global(actor):
        return "system"
    if policies.can_handle(actor, req):
        grant = permissions.grant_for(actor, policies.HANDLE.name, req.community.path)
        return grant.role if grant else Role.DEPARTMENT_LIAISON
    raise NotAllowed(_("只有本社区的社工、书记、街道或承办部门可以办理该诉求。"))


def _url(req: ServiceRequest) -> str:
    return reverse("service_request", args=[req.pk])


# --- routing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    why: str
    assignee: User | None = None
    department_id: int | None = None
    team_id: int | None = None
    organisation_id: int | None = None
    label: str = ""


def community_of(place: Region) -> Region:
    if place.kind in COMMUNITY_KINDS:
        return place
    if place.kind not in (RegionKind.GRID, RegionKind.BUILDING, RegionKind.STAIRWELL):
        raise InvalidInput(_("请选择社区、网格、楼栋或楼道。"), field="region")
    return Region.objects.get(path=place.path[: Region.steplen * 3])


def community_worker(community: Region) -> User | None:
    row = (
        RoleAssignment.objects.filter(region=community, role=Role.SOCIAL_WORKER, revoked_at__isnull=True)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return row.user if row else None


def duty_worker(community: Region, at: datetime.datetime) -> User | None:
    """The social worker of the community's published rota on duty at ``at``, or, when no shift
    covers that moment (the night), the one of the next shift."""
    from community365.teams.models import SLOT_HOURS, DutyRoster, Shift

    roster = DutyRoster.objects.filter(region=community).first()
    if roster is None or roster.published_through is None:
        return None
    local = timezone.localtime(at)
    shifts = list(
        Shift.objects.filter(
            roster=roster,
            date__gte=local.date(),
            date__lte=min(local.date() + datetime.timedelta(days=3), roster.published_through),
            slot__in=list(SLOT_HOURS),
        )
        .select_related("worker")
        .order_by("date", "id")
    )
    best: tuple[datetime.datetime, User] | None = None
    for shift in shifts:
        begin, end = SLOT_HOURS[shift.slot]
        start = timezone.make_aware(datetime.datetime.combine(shift.date, begin))
        stop = timezone.make_aware(datetime.datetime.combine(shift.date, end))
        if start <= local < stop:
            return shift.worker
        if start > local and (best is None or start < best[0]):
            best = (start, shift.worker)
    return best[1] if best else None


def route_for(item: CatalogueItem, place: Region, community: Region, at: datetime.datetime) -> Route:
    """Place × category × time of day: a department, team or organisation item goes to it; a
    social workers' item goes, in desk hours, to the grid's social worker (else the community's),
    and out of hours to the duty worker of the community's rota."""
    if item.deliverer == Deliverer.DEPARTMENT and item.department is not None:
        return Route(phrases.WHY_DEPARTMENT, department_id=item.department_id, label=item.department.name)
    if item.deliverer == Deliverer.TEAM and item.team is not None:
        return Route(
            phrases.WHY_TEAM, team_id=item.team_id, assignee=community_worker(community), label=item.team.name
        )
    if item.deliverer == Deliverer.ORGANISATION and item.organisation is not None:
        return Route(
            phrases.WHY_ORGANISATION,
            organisation_id=item.organisation_id,
            assignee=community_worker(community),
            label=item.organisation.name,
        )
    if in_desk_hours(at, district_id=community.district_id):
        grid_path = place.path[: Region.steplen * 4] if place.depth >= 4 else None
        grid = (
            GridWorker.objects.filter(region__path=grid_path).select_related("worker").first()
            if grid_path
            else None
        )
        if grid is not None:
            return Route(phrases.WHY_DESK_HOURS, assignee=grid.worker, label=grid.worker.display_name)
    else:
        worker = duty_worker(community, at)
        if worker is not None:
            return Route(phrases.WHY_ROTA, assignee=worker, label=worker.display_name)
    worker = community_worker(community)
    return Route(phrases.WHY_COMMUNITY, assignee=worker, label=worker.display_name if worker else "")


def _apply_route(req: ServiceRequest, route: Route, actor: Any, at: datetime.datetime) -> None:
    req.assignee = route.assignee
    req.department_id = route.department_id
    req.team_id = route.team_id
    req.organisation_id = route.organisation_id
    _event(req, "routed", actor, at, to=route.label or "—", why=phrase_param(route.why))
    if route.assignee is not None:
        notify(
            recipient_id=route.assignee.pk,
            code=phrases.ASSIGNED,
            params={"id": req.pk, "item": req.item.name},
            url=_url(req),
        )


# --- making a request ---------------------------------------------------------------------------


def items_for(community: Region) -> Any:
    """The catalogue of a community: the district's items and the community's own additions."""
    return CatalogueItem.objects.filter(
        Q(region__isnull=True) | Q(region=community), district_id=community.district_id, active=True
    )


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if len(text) < 4:
        raise InvalidInput(_("请把诉求写清楚（至少 4 个字）。"), field="text")
    if len(text) > 2000:
        raise InvalidInput(_("诉求内容不能超过 2000 字。"), field="text")
    return text


def _clean_phone(phone: str) -> str:
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone and (not phone.lstrip("+").isdigit() or not 5 <= len(phone) <= 20):
        raise InvalidInput(_("联系电话格式不对。"), field="contact_phone")
    return phone


def _create(
    *,
    actor: Any,
    item: CatalogueItem,
    place: Region,
    text: str,
    channel: str,
    at: datetime.datetime,
    author: User | None = None,
    person: Person | None = None,
    assisted_by: User | None = None,
    contact_way: str = ContactWay.PHONE,
    contact_phone: str = "",
    contact_email: str = "",
    hotline_ticket: str | None = None,
    open311_client: Open311Client | None = None,
    photos: list[Any] | None = None,
) -> ServiceRequest:
    community = community_of(place)
    if item.district_id != community.district_id or (item.region_id and item.region_id != community.pk):
        raise InvalidInput(_("该社区没有这项服务。"), field="item")
    if not item.active:
        raise InvalidInput(_("该服务事项已停用。"), field="item")
    if contact_way not in ContactWay.values:
        raise InvalidInput(_("请选择联系方式。"), field="contact_way")
    if len(photos or []) > MAX_PHOTOS:
        raise InvalidInput(_("最多上传 3 张照片。"), field="photos")
    cleaned_photos = [clean_image(f, field="photos") for f in photos or []]
    req = ServiceRequest(
        district_id=community.district_id,
        region=place,
        community=community,
        item=item,
        category=item.category,
        text=_clean_text(text),
        channel=channel,
        author=author,
        person=person,
        assisted_by=assisted_by,
        contact_way=contact_way,
        contact_phone=_clean_phone(contact_phone),
        contact_email=(contact_email or "").strip()[:120],
        hotline_ticket=hotline_ticket,
        open311_client=open311_client,
        created_at=at,
        response_due=add_working_hours(at, item.response_hours, district_id=community.district_id),
        resolution_due=working_days_deadline(at, item.resolution_days, district_id=community.district_id),
    )
    try:
        with transaction.atomic():
            req.save()
    except IntegrityError:
        raise Conflict(_("热线工单 %(t)s 已导入过。") % {"t": hotline_ticket}, field="ticket") from None
    for i, photo in enumerate(cleaned_photos):
        stored = RequestPhoto(district_id=req.district_id, request=req)
        stored.image.save(f"req{req.pk}_{i}.jpg", photo, save=True)
    _event(req, "create", actor, at)
    _apply_route(req, route_for(item, place, community, at), actor, at)
    req.save()
    _lighting_fault(req, actor, at)
    return req


def _resident_person(user: User) -> Person | None:
    return Person.objects.filter(user=user).select_related("community").first()


@service("desk.request:raise")
def request_raise(
    *,
    actor: Any,
    item: CatalogueItem,
    place: Region,
    text: str,
    contact_way: str = ContactWay.PHONE,
    contact_phone: str = "",
    photos: list[Any] | None = None,
) -> ServiceRequest:
    """A resident asks the desk of their community, on a phone."""
    role = permissions.require_at(
        actor, policies.RAISE.name, place.path, _("只能向自己所在社区的服务台提出诉求。")
    )
    if not item.online:
        raise NotAllowed(_("这项服务需到社区服务中心当面办理。"))
    req = _create(
        actor=actor,
        item=item,
        place=place,
        text=text,
        channel=Channel.APP,
        at=timezone.now(),
        author=actor,
        person=_resident_person(actor),
        contact_way=contact_way,
        contact_phone=contact_phone or actor.phone,
        photos=photos,
    )
    audit_record(actor=actor, action="desk.request:raise", target=req, role=role)
    return req


@service("desk.request:assist")
def request_assist(
    *,
    actor: Any,
    item: CatalogueItem,
    place: Region,
    text: str,
    person: Person | None = None,
    contact_phone: str = "",
    contact_way: str = ContactWay.PHONE,
    at: datetime.datetime | None = None,
) -> ServiceRequest:
    """A social worker takes a request in for a resident who walked in or called."""
    now = _now(actor, at)
    role = permissions.require_at(actor, policies.HANDLE.name, place.path, _("只能为本社区居民代办诉求。"))
    if person is not None and not place.path.startswith(person.community.path):
        raise InvalidInput(_("该居民不住在这个社区。"), field="person")
    req = _create(
        actor=actor,
        item=item,
        place=place,
        text=text,
        channel=Channel.ASSISTED,
        at=now,
        person=person,
        assisted_by=_user(actor),
        contact_way=contact_way,
        contact_phone=contact_phone or (person.phone if person else ""),
    )
    _event(req, "assisted", actor, now)
    audit_record(actor=actor, action="desk.request:assist", target=req, role=role)
    return req


@service("desk.request:hotline")
def request_from_hotline(
    *,
    actor: Any,
    item: CatalogueItem,
    place: Region,
    text: str,
    ticket: str,
    contact_phone: str = "",
    at: datetime.datetime | None = None,
) -> ServiceRequest:
    """One ticket of a 12345 hotline file (``hotline.import_file`` validates the rows)."""
    now = at or timezone.now()
    role = "system" if is_system(actor) else permissions.require_at(actor, policies.HOTLINE.name, place.path)
    ticket = (ticket or "").strip()
    if not ticket:
        raise InvalidInput(_("缺少工单号。"), field="ticket")
    if ServiceRequest.objects.filter(district_id=place.district_id, hotline_ticket=ticket).exists():
        raise Conflict(_("热线工单 %(t)s 已导入过。") % {"t": ticket}, field="ticket")
    req = _create(
        actor=actor,
        item=item,
        place=place,
        text=text,
        channel=Channel.HOTLINE,
        at=now,
        contact_phone=contact_phone,
        hotline_ticket=ticket,
    )
    _event(req, "hotline", actor, now, ticket=ticket)
    audit_record(actor=actor, action="desk.request:hotline", target=req, role=role)
    return req


@service("desk.request:open311")
def request_from_open311(
    *,
    actor: Any,
    client: Open311Client,
    item: CatalogueItem,
    place: Region,
    text: str,
    contact_phone: str = "",
    contact_email: str = "",
    lat: decimal.Decimal | None = None,
    long: decimal.Decimal | None = None,
    attribute_values: dict[str, list[str]] | None = None,
) -> ServiceRequest:
    now = timezone.now()
    if place.district_id != client.district_id and place.pk != client.district_id:
        raise InvalidInput(_("地点不在该客户端所属的区。"), field="address_id")
    point = _clean_point(lat, long)
    values, problems = desk_attributes.clean_values(item.attributes or [], attribute_values or {})
    if problems:
        raise InvalidInput(problems[0], field="attribute")
    req = _create(
        actor=actor,
        item=item,
        place=place,
        text=text,
        channel=Channel.OPEN311,
        at=now,
        contact_phone=contact_phone,
        contact_email=contact_email,
        open311_client=client,
    )
    if point is not None or values:
        req.lat, req.long = point or (None, None)
        req.attribute_values = values
        req.save(update_fields=["lat", "long", "attribute_values"])
    _event(req, "open311", actor, now, client=client.name)
    audit_record(actor=actor, action="desk.request:open311", target=req, role="system")
    return req


def _clean_point(
    lat: decimal.Decimal | None, long: decimal.Decimal | None
) -> tuple[decimal.Decimal, decimal.Decimal] | None:
    """A WGS84 point, both coordinates or neither, in range, kept to 6 decimals (about 0.1 m)."""
    if lat is None and long is None:
        return None
    if lat is None or long is None:
        raise InvalidInput(_("经纬度须同时提供。"), field="lat")
    if not (lat.is_finite() and long.is_finite() and -90 <= lat <= 90 and -180 <= long <= 180):
        raise InvalidInput(_("经纬度超出范围。"), field="lat")
    step = decimal.Decimal("0.000001")
    return lat.quantize(step), long.quantize(step)


# --- handling ----------------------------------------------------------------------------------


@service("desk.request:accept")
def request_accept(*, actor: Any, req: ServiceRequest, at: datetime.datetime | None = None) -> ServiceRequest:
    now = _now(actor, at)
    role = _require_handler(actor, req)
    _lock(req, "accept")
    req.status = S.ACCEPTED
    if req.responded_at is None:
        req.responded_at = now
        req.response_seconds = max(int((now - req.created_at).total_seconds()) - req.paused_seconds, 0)
    if req.assignee_id is None and req.department_id is None and isinstance(actor, User):
        req.assignee = actor
    req.save()
    _event(req, "accept", actor, now)
    audit_record(actor=actor, action="desk.request:accept", target=req, role=role)
    return req


@service("desk.request:transfer")
def request_transfer(
    *,
    actor: Any,
    req: ServiceRequest,
    reason: str,
    worker: User | None = None,
    department: Department | None = None,
) -> ServiceRequest:
    """Hand the request to another social worker of the community, or to a department."""
    now = timezone.now()
    role = _require_handler(actor, req)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("转交须写明原因。"), field="reason")
    if (worker is None) == (department is None):
        raise InvalidInput(_("请选择转交给一位社工或一个部门。"), field="to")
    if (
        worker is not None
        and not RoleAssignment.objects.filter(
            user=worker, role=Role.SOCIAL_WORKER, region=req.community, revoked_at__isnull=True
        ).exists()
    ):
        raise InvalidInput(_("只能转交给本社区的社工。"), field="worker")
    if department is not None and department.district_id != req.district_id:
        raise InvalidInput(_("只能转交给本区的部门。"), field="department")
    _lock(req, "transfer")
    req.status = S.SUBMITTED
    req.assignee = worker
    req.department = department
    req.save()
    to = worker.display_name or worker.username if worker else department.name  # type: ignore[union-attr]
    _event(req, "transfer", actor, now, to=to, reason=reason)
    if worker is not None:
        notify(
            recipient_id=worker.pk,
            code=phrases.ASSIGNED,
            params={"id": req.pk, "item": req.item.name},
            url=_url(req),
        )
    audit_record(actor=actor, action="desk.request:transfer", target=req, role=role, changes={"to": to})
    return req


@service("desk.request:merge")
def request_merge(*, actor: Any, req: ServiceRequest, into: ServiceRequest) -> ServiceRequest:
    """A duplicate is closed into the request that carries the work."""
    now = timezone.now()
    role = _require_handler(actor, req)
    if into.pk == req.pk:
        raise InvalidInput(_("不能与自己合并。"), field="into")
    if into.community_id != req.community_id:
        raise InvalidInput(_("只能合并同一社区的诉求。"), field="into")
    if into.status not in OPEN_STATUSES:
        raise InvalidInput(_("只能并入仍在办理的诉求。"), field="into")
    # Lock both rows in id order, so two merges the other way round cannot deadlock.
    list(ServiceRequest.objects.select_for_update().filter(pk__in=[req.pk, into.pk]).order_by("pk"))
    _lock(req, "merge")
    _require_tasks_done(req, _("合并"))  # deskflow: its tasks would be left without a request
    req.status = S.MERGED
    req.merged_into = into
    req.closed_at = now
    req.save()
    _event(req, "merge", actor, now, other=into.pk)
    _event(into, "merged_in", actor, now, other=req.pk)
    _lighting_merged(req)
    audit_record(actor=actor, action="desk.request:merge", target=req, role=role, changes={"into": into.pk})
    return req


@service("desk.request:escalate")
def request_escalate(
    *, actor: Any, req: ServiceRequest, reason: str, department: Department | None = None
) -> ServiceRequest:
    """Report up: to the community's subdistrict, or to a department (its inbox)."""
    now = timezone.now()
    role = _require_handler(actor, req)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("上报须写明原因。"), field="reason")
    _lock(req, "escalate")
    if department is not None:
        if department.district_id != req.district_id:
            raise InvalidInput(_("只能上报本区的部门。"), field="department")
        req.department = department
        to = department.name
    else:
        req.escalated_to = Region.objects.get(path=req.community.path[: Region.steplen * 2])
        to = req.escalated_to.name
    req.save()
    _event(req, "escalate", actor, now, to=to, reason=reason)
    audit_record(actor=actor, action="desk.request:escalate", target=req, role=role, changes={"to": to})
    return req


@service("desk.request:pause")
def request_pause(
    *, actor: Any, req: ServiceRequest, reason: str, at: datetime.datetime | None = None
) -> ServiceRequest:
    """Stop the clocks while waiting for the resident (recorded with its reason)."""
    now = _now(actor, at)
    role = _require_handler(actor, req)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请写明在等居民什么。"), field="reason")
    _lock(req, "pause")
    req.status = S.WAITING
    req.paused_at = now
    req.waiting_reason = reason[:1000]
    req.save()
    _event(req, "pause", actor, now, reason=reason)
    recipient = req.author_id or (req.person.user_id if req.person is not None else None)
    if recipient:
        notify(
            recipient_id=recipient,
            code=phrases.WAITING,
            params={"id": req.pk, "reason": reason},
            url=_url(req),
        )
    audit_record(actor=actor, action="desk.request:pause", target=req, role=role)
    return req


@service("desk.request:resume")
def request_resume(*, actor: Any, req: ServiceRequest, at: datetime.datetime | None = None) -> ServiceRequest:
    """The clocks run again; the deadlines move by the time spent waiting."""
    now = _now(actor, at)
    role = (
        "resident"
        if isinstance(actor, User) and policies.is_requester(actor, req)
        else _require_handler(actor, req)
    )
    _lock(req, "resume")
    waited = max(now - req.paused_at, datetime.timedelta(0)) if req.paused_at else datetime.timedelta(0)
    req.resolution_due += waited
    if req.responded_at is None:
        req.response_due += waited
    req.paused_seconds += int(waited.total_seconds())
    req.paused_at = None
    req.status = S.ACCEPTED
    req.save()
    _event(req, "resume", actor, now)
    audit_record(actor=actor, action="desk.request:resume", target=req, role=role)
    return req


@service("desk.request:close")
def request_close(
    *, actor: Any, req: ServiceRequest, resolution: str, at: datetime.datetime | None = None
) -> ServiceRequest:
    now = _now(actor, at)
    role = _require_handler(actor, req)
    resolution = (resolution or "").strip()
    if len(resolution) < 2:
        raise InvalidInput(_("请写明办理结果。"), field="resolution")
    _lock(req, "close")
    _require_tasks_done(req, _("办结"))  # deskflow: a request split into tasks closes when they are done
    req.status = S.CLOSED
    req.closed_at = now
    req.resolution = resolution[:2000]
    req.resolution_seconds = max(int((now - req.created_at).total_seconds()) - req.paused_seconds, 0)
    req.deadline_met = now <= req.resolution_due
    req.save()
    _event(req, "close", actor, now, resolution=req.resolution)
    _lighting_repair(req, actor, now, note=req.resolution)
    recipient = req.author_id or (req.person.user_id if req.person is not None else None)
    if recipient:
        notify(recipient_id=recipient, code=phrases.CLOSED, params={"id": req.pk}, url=_url(req))
    audit_record(actor=actor, action="desk.request:close", target=req, role=role)
    return req


def _require_requester(actor: Any, req: ServiceRequest) -> str:
    if is_system(actor):
        return "system"
    if not policies.is_requester(actor, req):
        raise NotAllowed(_("只有提出诉求的居民可以评价。"))
    return Role.RESIDENT


@service("desk.request:rate")
def request_rate(
    *, actor: Any, req: ServiceRequest, rating: Any, at: datetime.datetime | None = None
) -> ServiceRequest:
    """The resident confirms and rates (1–5)."""
    now = _now(actor, at)
    role = _require_requester(actor, req)
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise InvalidInput(_("请选择 1–5 星。"), field="rating")
    _lock(req, "rate")
    req.status = S.CONFIRMED
    req.rating = rating
    req.rated_at = now
    req.save()
    _event(req, "rate", actor, now, rating=rating)
    audit_record(actor=actor, action="desk.request:rate", target=req, role=role, changes={"rating": rating})
    return req


def can_reopen(req: ServiceRequest, now: datetime.datetime) -> bool:
    return (
        req.status in TRANSITIONS["reopen"][0]
        and req.reopen_count == 0
        and req.closed_at is not None
        and now - req.closed_at <= REOPEN_WINDOW
        and (req.rating is None or req.rating <= 2)
    )


@service("desk.request:reopen")
def request_reopen(
    *, actor: Any, req: ServiceRequest, reason: str, rating: Any = None, at: datetime.datetime | None = None
) -> ServiceRequest:
    """Unsatisfied: the resident reopens the request, once, within 7 days of its closing."""
    now = _now(actor, at)
    role = _require_requester(actor, req)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请说明哪里不满意。"), field="reason")
    _lock(req, "reopen")
    if rating not in (None, ""):
        try:
            req.rating = int(rating)
        except (TypeError, ValueError):
            raise InvalidInput(_("请选择 1–5 星。"), field="rating") from None
        if not 1 <= req.rating <= 5:
            raise InvalidInput(_("请选择 1–5 星。"), field="rating")
        req.rated_at = now
    if req.reopen_count >= 1:
        raise NotAllowed(_("诉求只能重新办理一次；如仍不满意，请联系街道。"))
    if req.closed_at is None or now - req.closed_at > REOPEN_WINDOW:
        raise NotAllowed(_("办结已超过 7 天，不能重新办理。"))
    if req.rating is not None and req.rating > 2:
        raise NotAllowed(_("您已评价满意，不能重新办理。"))
    req.status = S.ACCEPTED
    req.reopen_count += 1
    req.closed_at = None
    req.resolution_due = working_days_deadline(now, req.item.resolution_days, district_id=req.district_id)
    req.overdue_at = req.supervised_at = req.reminded_at = None
    req.save()
    _event(req, "reopen", actor, now, reason=reason)
    _lighting_fault(req, actor, now)
    if req.assignee_id:
        notify(
            recipient_id=req.assignee_id,
            code=phrases.ASSIGNED,
            params={"id": req.pk, "item": req.item.name},
            url=_url(req),
        )
    audit_record(actor=actor, action="desk.request:reopen", target=req, role=role)
    return req


@service("desk.callback:record")
def callback_record(
    *,
    actor: Any,
    req: ServiceRequest,
    reached: bool,
    satisfied: bool | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
) -> CallBack:
    now = _now(actor, at)
    role = _require_handler(actor, req)
    _lock(req, "callback")
    if not isinstance(actor, User) and not is_system(actor):
        raise NotAllowed(_("回访须由社工记录。"))
    worker = actor if isinstance(actor, User) else (req.assignee or community_worker(req.community))
    if worker is None:
        raise InvalidInput(_("没有承办社工。"), field="worker")
    note = (note or "").strip()[:300]
    callback = CallBack.objects.create(
        district_id=req.district_id,
        request=req,
        worker=worker,
        reached=reached,
        satisfied=satisfied if reached else None,
        note=note,
        at=now,
    )
    _event(req, "callback", actor, now, note=note or "—")
    audit_record(actor=actor, action="desk.callback:record", target=req, role=role)
    return callback


# --- the clocks (run by the sweep) ----------------------------------------------------------------

REMIND_BEFORE = datetime.timedelta(hours=4)
SUPERVISE_AFTER = datetime.timedelta(days=1)


def _subdistrict_staff(community_path: str) -> list[int]:
    sub_path = community_path[: Region.steplen * 2]
    return list(
        RoleAssignment.objects.filter(
            role=Role.SUBDISTRICT_STAFF, region__path=sub_path, revoked_at__isnull=True
        ).values_list("user_id", flat=True)
    )


@service("desk.request:sweep")
def sweep(*, actor: Any, now: datetime.datetime | None = None) -> dict[str, int]:
    """Reminders before the resolution deadline, overdue after it, supervision (督办) by the
    subdistrict a day later. Waiting requests are paused and skipped. Each step happens once per
    request (its timestamp is set by a conditional UPDATE)."""
    now = now or timezone.now()
    counts = {"reminded": 0, "overdue": 0, "supervised": 0}
    running = ServiceRequest.objects.filter(status__in=[S.SUBMITTED, S.ACCEPTED])
    steps = (
        (
            "reminded",
            "remind",
            phrases.REMIND,
            Q(reminded_at__isnull=True, resolution_due__lte=now + REMIND_BEFORE, resolution_due__gt=now),
        ),
        ("overdue", "overdue", phrases.OVERDUE, Q(overdue_at__isnull=True, resolution_due__lte=now)),
        (
            "supervised",
            "supervise",
            phrases.SUPERVISED,
            Q(
                supervised_at__isnull=True,
                overdue_at__isnull=False,
                resolution_due__lte=now - SUPERVISE_AFTER,
            ),
        ),
    )
    field_of = {"remind": "reminded_at", "overdue": "overdue_at", "supervise": "supervised_at"}
    for key, action, code, condition in steps:
        for req in running.filter(condition).select_related("community").order_by("id").iterator():
            field = field_of[action]
            if not ServiceRequest.objects.filter(pk=req.pk, **{f"{field}__isnull": True}).update(
                **{field: now}
            ):
                continue
            _event(req, action, actor, now)
            recipients = {req.assignee_id} if req.assignee_id else set()
            if action == "supervise":
                recipients |= set(_subdistrict_staff(req.community.path))
            for rid in recipients - {None}:
                notify(recipient_id=rid, code=code, params={"id": req.pk}, url=_url(req))
            counts[key] += 1
    if any(counts.values()):  # a sweep that changed nothing leaves no row (it runs every 15 min)
        audit_record(actor=actor, action="desk.request:sweep", changes=counts, district_id=None)
    return counts


# --- catalogue, calendar, grids, Open311 clients ----------------------------------------------


@service("desk.catalogue:save")
def catalogue_item_save(
    *,
    actor: Any,
    district: Region,
    code: str,
    category: str,
    name: str,
    deliverer: str,
    community: Region | None = None,
    description: str = "",
    requirements: str = "",
    department: Department | None = None,
    team: Any = None,
    organisation: Any = None,
    response_hours: int = 4,
    resolution_days: int = 3,
    online: bool = True,
    active: bool = True,
    attributes: list[dict[str, Any]] | None = None,
    new: bool = False,
) -> CatalogueItem:
    """Add or change an item: the district's (no ``community``) or a community's addition.
    ``new``: refuse when the code is taken (the edit pages add with it; the demo re-saves).
    ``attributes``: the Open311 attribute definitions (None keeps the item's own)."""
    from community365.wishes.models import ServiceCategory

    place = community or district
    role = permissions.require_at(
        actor,
        policies.CATALOGUE.name,
        place.path,
        _("全区事项由区里维护；社区只能增补本社区的服务事项。")
        if community is None
        else _("只能维护本社区的服务事项。"),
    )
    if community is None and role == Role.COMMUNITY_SECRETARY:
        raise NotAllowed(_("社区只能增补本社区的服务事项。"))
    _check_catalogue_edit(
        district=district,
        community=community,
        code=code,
        new=new,
        department=department,
        team=team,
        organisation=organisation,
    )
    cleaned_attributes = None if attributes is None else desk_attributes.clean_definitions(attributes)
    if category not in ServiceCategory.values:
        raise InvalidInput(_("请选择六服务中的一类。"), field="category")
    if deliverer not in Deliverer.values:
        raise InvalidInput(_("请选择承办方。"), field="deliverer")
    if deliverer == Deliverer.DEPARTMENT and department is None:
        raise InvalidInput(_("部门事项须指定部门。"), field="department")
    if deliverer == Deliverer.TEAM and team is None:
        raise InvalidInput(_("团队事项须指定团队。"), field="team")
    if deliverer == Deliverer.ORGANISATION and organisation is None:
        raise InvalidInput(_("组织事项须指定组织。"), field="organisation")
    if not 1 <= int(response_hours) <= 200 or not 1 <= int(resolution_days) <= 90:
        raise InvalidInput(_("时限须为 1–200 工作小时、1–90 工作日。"), field="resolution_days")
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写名称。"), field="name")
    existing = CatalogueItem.objects.filter(district=district, code=code).first()
    if existing is not None and existing.region_id != (community.pk if community else None):
        raise Conflict(_("编码 %(c)s 已被使用。") % {"c": code}, field="code")
    item, _created = CatalogueItem.objects.update_or_create(
        district=district,
        code=code,
        defaults={
            "region": community,
            "category": category,
            "name": name[:60],
            "description": description,
            "requirements": requirements[:200],
            "deliverer": deliverer,
            "department": department,
            "team": team,
            "organisation": organisation,
            "response_hours": int(response_hours),
            "resolution_days": int(resolution_days),
            "online": online,
            "active": active,
            **({} if cleaned_attributes is None else {"attributes": cleaned_attributes}),
        },
    )
    audit_record(actor=actor, action="desk.catalogue:save", target=item, role=role)
    return item


CODE_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def _check_catalogue_edit(
    *,
    district: Region,
    community: Region | None,
    code: str,
    new: bool,
    department: Department | None,
    team: Any,
    organisation: Any,
) -> None:
    """The rules of the edit pages: a code people can type in a URL (it is the Open311
    service_code, so it never changes), unique when adding, and a deliverer of this district
    (a team of the community itself, for a community's addition)."""
    if not CODE_RE.fullmatch(code or ""):
        raise InvalidInput(_("编码只能用小写字母、数字和 -，以字母或数字开头，至多 40 个。"), field="code")
    if new and CatalogueItem.objects.filter(district=district, code=code).exists():
        raise Conflict(_("编码 %(c)s 已被使用，请换一个。") % {"c": code}, field="code")
    if department is not None and department.district_id != district.pk:
        raise InvalidInput(_("请选择本区的部门。"), field="department")
    if organisation is not None and organisation.district_id != district.pk:
        raise InvalidInput(_("请选择本区的组织。"), field="organisation")
    if team is not None:
        scope = community or district
        if not team.region.path.startswith(scope.path):
            raise InvalidInput(_("请选择本社区（本区）的团队。"), field="team")


@service("desk.catalogue:delete")
def catalogue_item_delete(*, actor: Any, item: CatalogueItem) -> None:
    """Delete an item that was never asked for; one with requests is retired (停用) instead, so
    that its requests keep their item."""
    place = item.region or Region.objects.get(pk=item.district_id)
    role = permissions.require_at(actor, policies.CATALOGUE.name, place.path)
    if item.region_id is None and role == Role.COMMUNITY_SECRETARY:
        raise NotAllowed(_("社区只能删除本社区增补的服务事项。"))
    if ServiceRequest.objects.filter(item=item).exists():
        raise InvalidTransition(_("该事项已有诉求，不能删除；请改为停用。"))
    audit_record(
        actor=actor,
        action="desk.catalogue:delete",
        target=place,
        role=role,
        changes={"code": item.code, "name": item.name},
    )
    item.delete()


@service("desk.calendar:set")
def calendar_day_set(
    *, actor: Any, district: Region, date: datetime.date, kind: str | None, name: str = ""
) -> HolidayCalendar | None:
    """Mark a day as a public holiday or a worked weekend day; ``kind`` None puts it back.

    Rules (docs/services.md): people change only days after today — a deadline already given was
    counted across the days up to now, and the past stays as it was counted (the system may
    backfill, as the demo does); a day already marked the same way is refused as a duplicate.
    Requests already running keep the deadlines they were given."""
    role = permissions.require_at(actor, policies.CALENDAR.name, district.path)
    _check_calendar_day(actor=actor, district=district, date=date, kind=kind, name=name)
    if kind is None:
        HolidayCalendar.objects.filter(district=district, date=date).delete()
        audit_record(
            actor=actor,
            action="desk.calendar:set",
            target=district,
            role=role,
            changes={"date": date, "kind": None},
        )
        return None
    if kind not in DayKind.values:
        raise InvalidInput(_("请选择节假日或调休上班。"), field="kind")
    if kind == DayKind.WORKDAY and date.weekday() < 5:
        raise InvalidInput(_("调休上班只能设在周末。"), field="date")
    day, _created = HolidayCalendar.objects.update_or_create(
        district=district, date=date, defaults={"kind": kind, "name": (name or "")[:40]}
    )
    audit_record(
        actor=actor,
        action="desk.calendar:set",
        target=district,
        role=role,
        changes={"date": date, "kind": kind},
    )
    return day


def _check_calendar_day(
    *, actor: Any, district: Region, date: datetime.date, kind: str | None, name: str
) -> None:
    if not is_system(actor) and date <= timezone.localdate():
        raise InvalidInput(_("只能修改明天及以后的日子：今天和过去的日子已用于计算诉求时限。"), field="date")
    current = HolidayCalendar.objects.filter(district=district, date=date).first()
    if kind is None and current is None and not is_system(actor):
        raise InvalidInput(_("%(d)s 本来就是普通日子。") % {"d": date.isoformat()}, field="date")
    if current is not None and current.kind == kind and current.name == (name or "")[:40]:
        raise Conflict(
            _("%(d)s 已经是“%(k)s”，无需重复添加。")
            % {"d": date.isoformat(), "k": current.get_kind_display()},
            field="date",
        )


MAX_CALENDAR_SPAN = 31


@service("desk.calendar:range")
def calendar_range_set(
    *, actor: Any, district: Region, start: datetime.date, end: datetime.date, kind: str, name: str = ""
) -> list[HolidayCalendar]:
    """Mark every day from ``start`` to ``end`` (a holiday week, at most 31 days) the same way, all
    or none: a refused day refuses the whole span."""
    role = permissions.require_at(actor, policies.CALENDAR.name, district.path)
    if end < start:
        raise InvalidInput(_("结束日期不能早于开始日期。"), field="end")
    if (end - start).days >= MAX_CALENDAR_SPAN:
        raise InvalidInput(_("一次最多设置 %(n)s 天。") % {"n": MAX_CALENDAR_SPAN}, field="end")
    if kind not in DayKind.values:
        raise InvalidInput(_("请选择节假日或调休上班。"), field="kind")
    days = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]
    for day in days:
        _check_calendar_day(actor=actor, district=district, date=day, kind=kind, name=name)
        if kind == DayKind.WORKDAY and day.weekday() < 5:
            raise InvalidInput(
                _("调休上班只能设在周末（%(d)s 是工作日）。") % {"d": day.isoformat()}, field="start"
            )
    rows = []
    for day in days:
        row, _created = HolidayCalendar.objects.update_or_create(
            district=district, date=day, defaults={"kind": kind, "name": (name or "")[:40]}
        )
        rows.append(row)
    audit_record(
        actor=actor,
        action="desk.calendar:range",
        target=district,
        role=role,
        changes={"start": start, "end": end, "kind": kind},
    )
    return rows


@service("desk.grid:assign")
def grid_worker_set(*, actor: Any, grid: Region, worker: User) -> GridWorker:
    community = community_of(grid)
    role = permissions.require_at(actor, policies.CATALOGUE.name, community.path)
    if grid.kind != RegionKind.GRID:
        raise InvalidInput(_("请选择网格。"), field="grid")
    if not RoleAssignment.objects.filter(
        user=worker, role=Role.SOCIAL_WORKER, region=community, revoked_at__isnull=True
    ).exists():
        raise InvalidInput(_("只能指定本社区的社工。"), field="worker")
    row, _created = GridWorker.objects.update_or_create(
        region=grid, defaults={"worker": worker, "district_id": grid.district_id}
    )
    audit_record(
        actor=actor, action="desk.grid:assign", target=grid, role=role, changes={"worker": worker.pk}
    )
    return row


def open311_key_of(client: Open311Client) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"open311:{client.name}:{client.salt}".encode(), hashlib.sha256
    )
    return digest.hexdigest()[:40]


def open311_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@service("desk.open311:issue")
def open311_client_issue(*, actor: Any, district: Region, name: str) -> tuple[Open311Client, str]:
    """A client system's key (idempotent on the name: a second call gives the same key back)."""
    role = (
        "system" if is_system(actor) else permissions.require_at(actor, policies.OPEN311.name, district.path)
    )
    existing = Open311Client.objects.filter(name=name).first()
    if existing is not None:
        if existing.district_id != district.pk:
            raise Conflict(_("该名称已被其他区使用。"), field="name")
        return existing, open311_key_of(existing)
    client = Open311Client(district=district, name=name, salt=secrets.token_hex(8))
    key = open311_key_of(client)
    client.key_hash = open311_hash(key)
    client.save()
    audit_record(actor=actor, action="desk.open311:issue", target=client, role=role, district_id=district.pk)
    return client, key


def open311_client_for(key: str) -> Open311Client | None:
    if not key or len(key) > 100:
        return None
    return Open311Client.objects.filter(key_hash=open311_hash(key), revoked_at__isnull=True).first()


SYSTEM_HOTLINE = SystemActor("hotline")


# --- stairwell lighting files (亮灯档案) -------------------------------------------------------


def _is_lighting(req: ServiceRequest) -> bool:
    return req.item.code == LIGHTING_ITEM_CODE and req.region.kind == RegionKind.STAIRWELL


def _lighting_file_locked(stairwell: Region, at: datetime.datetime) -> LightingFile:
    """The stairwell's file under a row lock, opened (lit, one lamp) when it has none yet."""
    community = community_of(stairwell)
    try:
        with transaction.atomic():
            LightingFile.objects.get_or_create(
                district_id=community.district_id,
                stairwell=stairwell,
                defaults={"community": community, "state_since": at},
            )
    except IntegrityError:  # opened at the same moment by another request: use that one
        pass
    return LightingFile.objects.select_for_update().get(
        district_id=community.district_id, stairwell=stairwell
    )


def _lighting_fault(req: ServiceRequest, actor: Any, at: datetime.datetime) -> None:
    """A lighting request at a stairwell opens a fault: the stairwell is dark from now (unless it
    already was: then it stays dark since then)."""
    if not _is_lighting(req):
        return
    file = _lighting_file_locked(req.region, at)
    file.open_faults += 1
    if file.state != LightState.DARK:
        file.state = LightState.DARK
        file.state_since = at
    file.save(update_fields=["open_faults", "state", "state_since", "updated_at"])
    LightingLog.objects.create(
        district_id=file.district_id,
        file=file,
        kind=LightingLogKind.FAULT,
        request=req,
        state=file.state,
        note=req.text[:300],
        actor=_user(actor),
        at=at,
    )


def _lighting_repair(req: ServiceRequest, actor: Any, at: datetime.datetime, *, note: str) -> None:
    """Closing a lighting request records the repair; the stairwell is lit again when no other
    fault of it is still open."""
    if not _is_lighting(req):
        return
    file = _lighting_file_locked(req.region, at)
    file.open_faults = max(file.open_faults - 1, 0)
    if file.open_faults == 0 and file.state != LightState.LIT:
        file.state = LightState.LIT
        file.state_since = at
    file.save(update_fields=["open_faults", "state", "state_since", "updated_at"])
    LightingLog.objects.create(
        district_id=file.district_id,
        file=file,
        kind=LightingLogKind.REPAIR,
        request=req,
        state=file.state,
        note=note[:300],
        actor=_user(actor),
        at=at,
    )


def _lighting_merged(req: ServiceRequest) -> None:
    """A duplicate merged away: its fault is carried by the request it joined."""
    if not _is_lighting(req):
        return
    LightingFile.objects.filter(district_id=req.district_id, stairwell=req.region, open_faults__gt=0).update(
        open_faults=F("open_faults") - 1
    )


def _require_lighting_keeper(actor: Any, stairwell: Region) -> str:
    if is_system(actor) or permissions.is_global(actor):
        return "system"
    grant = permissions.grant_for(actor, policies.HANDLE.name, stairwell.path)
    if grant is None:
        raise NotAllowed(_("只有本社区的社工、书记或街道可以维护亮灯档案。"))
    return grant.role


@service("desk.lighting:save")
def lighting_file_save(
    *,
    actor: Any,
    stairwell: Region,
    lamps: int,
    lamp_type: str,
    sensor: bool,
    maintainer: str,
    at: datetime.datetime | None = None,
) -> LightingFile:
    """File (or correct) a stairwell's lamps: how many, which type, sensor, who maintains them."""
    now = _now(actor, at)
    if stairwell.kind != RegionKind.STAIRWELL:
        raise InvalidInput(_("亮灯档案只能建在楼道。"), field="stairwell")
    role = _require_lighting_keeper(actor, stairwell)
    if not isinstance(lamps, int) or isinstance(lamps, bool) or not 0 <= lamps <= 99:
        raise InvalidInput(_("灯数应在 0–99 之间。"), field="lamps")
    if lamp_type not in LampType.values:
        raise InvalidInput(_("请选择灯型。"), field="lamp_type")
    if maintainer not in Maintainer.values:
        raise InvalidInput(_("请选择维护方。"), field="maintainer")
    file = _lighting_file_locked(stairwell, now)
    before = {
        "lamps": file.lamps,
        "lamp_type": file.lamp_type,
        "sensor": file.sensor,
        "maintainer": file.maintainer,
    }
    file.lamps, file.lamp_type, file.sensor, file.maintainer = lamps, lamp_type, bool(sensor), maintainer
    file.save(update_fields=["lamps", "lamp_type", "sensor", "maintainer", "updated_at"])
    after = {
        "lamps": file.lamps,
        "lamp_type": file.lamp_type,
        "sensor": file.sensor,
        "maintainer": file.maintainer,
    }
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    audit_record(actor=actor, action="desk.lighting:save", target=file, role=role, changes=changes)
    return file


@service("desk.lighting:check")
def lighting_check(
    *, actor: Any, file: LightingFile, state: str, note: str = "", at: datetime.datetime | None = None
) -> LightingFile:
    """A staff check (巡查) records what is seen. A stairwell with lighting requests still open
    cannot be declared lit: close the requests, which records the repair."""
    now = _now(actor, at)
    role = _require_lighting_keeper(actor, file.stairwell)
    if state not in LightState.values:
        raise InvalidInput(_("请选择亮灯状态。"), field="state")
    note = (note or "").strip()[:300]
    file = LightingFile.objects.select_for_update().get(pk=file.pk)
    if state == LightState.LIT and file.open_faults:
        raise InvalidTransition(
            _("该楼道还有 %(n)s 条亮灯诉求未办结，请先办结诉求。") % {"n": file.open_faults}
        )
    if state != file.state:
        file.state = state
        file.state_since = now
        file.save(update_fields=["state", "state_since", "updated_at"])
    LightingLog.objects.create(
        district_id=file.district_id,
        file=file,
        kind=LightingLogKind.CHECK,
        state=file.state,
        note=note,
        actor=_user(actor),
        at=now,
    )
    audit_record(actor=actor, action="desk.lighting:check", target=file, role=role, changes={"state": state})
    return file


# --- hot spots → one-click proposals (deskflow) ------------------------------------------------------
# A hot spot (the same category recurring at a grid, building or stairwell in a period) becomes,
# in one transaction, a micro-wish for a resident (wishes), the community's secretary project
# application (mechanisms) or a talk topic raised for a resident (talks), recorded as a
# ``HotSpotProposal``. The same hot spot is started at most once per kind: a proposal of the same
# place, category and kind whose period overlaps is refused (checked first, for the message), and
# the unique constraint on the exact key refuses the loser of a race.


def hot_spot_count(
    *, community: Region, place: Region, category: str, start: datetime.date, end: datetime.date
) -> int:
    """How many requests make the hot spot: the category at the place or under it, in the period."""
    from community365.core.charts import Period

    return (
        ServiceRequest.objects.filter(
            community=community, category=category, region__path__startswith=place.path
        )
        .exclude(status=S.MERGED)
        .filter(Period(start, end).q("created_at"))
        .count()
    )


def _proposal_period(start: Any, end: Any) -> tuple[datetime.date, datetime.date]:
    if not isinstance(start, datetime.date) or not isinstance(end, datetime.date):
        raise InvalidInput(_("请选择时间段（起止月份）。"), field="period")
    if start.day != 1 or end.day != 1 or end <= start:
        raise InvalidInput(_("时间段须是整月，且结束晚于开始。"), field="period")
    if (end.year - start.year) * 12 + end.month - start.month > 24:
        raise InvalidInput(_("时间段最长 24 个月。"), field="period")
    return start, end


@service("desk.hotspot:propose")
def hot_spot_propose(
    *,
    actor: Any,
    community: Region,
    place: Region,
    category: str,
    period_start: datetime.date,
    period_end: datetime.date,
    kind: str,
    title: str,
    text: str,
    person: Person | None = None,
    goal: str = "",
    measures: str = "",
    ask: str = "",
) -> Any:
    """Start a micro-wish (for ``person``), a secretary project (``goal``, ``measures``) or a talk
    topic (for ``person``, asking ``ask``) from a hot spot of ``community``."""
    from community365.wishes.models import ServiceCategory

    from .models import HotSpotProposal, ProposalKind
    from .selectors import HOT_SPOT_MIN

    role = permissions.require_at(
        actor, policies.PROPOSE.name, community.path, _("只有本社区书记可以从诉求热点发起立项。")
    )
    if not isinstance(actor, User) or permissions.is_global(actor):  # operations staff: not a secretary
        raise NotAllowed(_("只有本社区书记可以从诉求热点发起立项。"))
    if kind not in ProposalKind.values:
        raise InvalidInput(_("请选择微心愿、书记项目或点题。"), field="kind")
    if category not in ServiceCategory.values:
        raise InvalidInput(_("没有这个服务类别。"), field="category")
    if place.depth < 4 or not place.path.startswith(community.path):
        raise InvalidInput(_("热点须是本社区的网格、楼栋或楼道。"), field="place")
    start, end = _proposal_period(period_start, period_end)
    n = hot_spot_count(community=community, place=place, category=category, start=start, end=end)
    if n < HOT_SPOT_MIN:
        raise InvalidInput(
            _("该地点该类诉求在这段时间只有 %(n)s 件，不足 %(min)s 件，不是热点。")
            % {"n": n, "min": HOT_SPOT_MIN},
            field="place",
        )
    earlier = (
        HotSpotProposal.objects.filter(
            district_id=community.district_id,
            place=place,
            category=category,
            kind=kind,
            period_start__lt=end,
            period_end__gt=start,
        )
        .order_by("id")
        .first()
    )
    if earlier is not None:
        raise Conflict(
            _("这个热点已经发起过%(kind)s（%(title)s），不能重复发起。")
            % {"kind": earlier.get_kind_display(), "title": earlier.title},
            code="already_proposed",
        )
    title = (title or "").strip()
    text = (text or "").strip()
    if len(title) < 4:
        raise InvalidInput(_("请写题目（至少 4 个字）。"), field="title")
    if len(text) < 4:
        raise InvalidInput(_("请写明情况（至少 4 个字）。"), field="text")
    if kind in (ProposalKind.WISH, ProposalKind.TOPIC):
        if person is None:
            raise InvalidInput(_("请选择为哪位居民发起。"), field="person")
        if person.community_id != community.pk:
            raise InvalidInput(_("该居民不是本社区居民。"), field="person")
    target: dict[str, Any] = {}
    if kind == ProposalKind.WISH:
        from community365.wishes.services import wish_create

        if len(title) > 60:
            raise InvalidInput(_("微心愿题目不能超过 60 个字。"), field="title")
        assert person is not None  # checked above
        target["wish"] = wish_create(
            actor=actor, wisher=person, title=title, reason=text[:300], category=category, submit=True
        )
    elif kind == ProposalKind.PROJECT:
        from community365.mechanisms.models import ProjectTheme
        from community365.mechanisms.services import project_apply, units_for_applying

        unit = next((u for u in units_for_applying(actor) if u.region_id == community.pk), None)
        if unit is None:
            raise NotAllowed(_("您不是本社区书记项目的申报单位书记。"))
        year = timezone.localdate().year
        target["project"] = project_apply(
            actor=actor,
            unit=unit,
            year=year,
            title=title,
            problem=text[:500],
            goal=goal,
            measures=measures,
            theme=ProjectTheme.SERVICE,
            milestones=[
                (
                    _("摸清%(place)s反复出现的诉求") % {"place": place.name},
                    (actor.display_name or actor.username)[:40].ljust(2, "·"),
                    datetime.date(year, 12, 31),
                )
            ],
        )
    else:
        from community365.talks.services import topic_raise

        target["topic"] = topic_raise(
            actor=actor, title=title, description=text, request=ask or text[:1000], person=person
        )
    created = target[kind]
    try:
        with transaction.atomic():
            proposal = HotSpotProposal.objects.create(
                district_id=community.district_id,
                community=community,
                place=place,
                category=category,
                period_start=start,
                period_end=end,
                kind=kind,
                requests=n,
                title=getattr(created, "title", title)[:80],
                created_by=actor,
                created_at=timezone.now(),
                **target,
            )
    except IntegrityError:
        raise Conflict(
            _("这个热点刚刚已由他人发起过同类立项，不能重复发起。"), code="already_proposed"
        ) from None
    audit_record(
        actor=actor,
        action="desk.hotspot:propose",
        target=proposal,
        role=role,
        changes={"kind": kind, "place": place.pk, "category": category, "requests": n, "target": created.pk},
    )
    return proposal


# --- a request split into tasks (deskflow) -----------------------------------------------------------

TASK_MAX_DAYS = 60
TASK_STATES = frozenset({S.SUBMITTED, S.ACCEPTED, S.WAITING})  # a closed request takes no new task


def _task_assignee(
    req: ServiceRequest, worker: User | None, team: Any, department: Department | None
) -> tuple[str, dict[str, Any]]:
    if sum(x is not None for x in (worker, team, department)) != 1:
        raise InvalidInput(_("请选择一位社工、一支志愿队伍或一个部门（只选一个）。"), field="to")
    if worker is not None:
        if not RoleAssignment.objects.filter(
            user=worker, role=Role.SOCIAL_WORKER, region=req.community, revoked_at__isnull=True
        ).exists():
            raise InvalidInput(_("只能分给本社区的社工。"), field="worker")
        return worker.display_name or worker.username, {"worker": worker}
    if team is not None:
        team_path = team.region.path
        if team.district_id != req.district_id or not (
            req.community.path.startswith(team_path) or team_path.startswith(req.community.path)
        ):
            raise InvalidInput(_("只能分给本社区或上级区域的志愿队伍。"), field="team")
        return team.name, {"team": team}
    assert department is not None
    if department.district_id != req.district_id:
        raise InvalidInput(_("只能分给本区的部门。"), field="department")
    return department.name, {"department": department}


@service("desk.task:add")
def task_add(
    *,
    actor: Any,
    req: ServiceRequest,
    text: str,
    due_days: Any,
    worker: User | None = None,
    team: Any = None,
    department: Department | None = None,
) -> Any:
    """A handler splits the request: one task, one assignee, due in working days."""
    from .models import RequestTask

    now = timezone.now()
    role = _require_handler(actor, req)
    text = (text or "").strip()
    if len(text) < 2:
        raise InvalidInput(_("请写明任务内容。"), field="text")
    if len(text) > 300:
        raise InvalidInput(_("任务内容不能超过 300 字。"), field="text")
    try:
        days = int(due_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= TASK_MAX_DAYS:
        raise InvalidInput(_("时限须为 1–%(n)s 个工作日。") % {"n": TASK_MAX_DAYS}, field="due_days")
    label, assignee = _task_assignee(req, worker, team, department)
    fresh = ServiceRequest.objects.select_for_update().get(pk=req.pk)
    if fresh.status not in TASK_STATES:
        raise InvalidTransition(
            _("诉求当前为“%(status)s”，不能再分解任务。") % {"status": fresh.get_status_display()}
        )
    due_at = working_days_deadline(now, days, district_id=req.district_id)
    task = RequestTask.objects.create(
        district_id=req.district_id,
        request=req,
        text=text,
        due_days=days,
        due_at=due_at,
        created_by=_user(actor),
        created_at=now,
        **assignee,
    )
    _event(req, "task_add", actor, now, text=text, to=label, due=date_param(due_at))
    recipients: set[int] = set()
    if worker is not None:
        recipients.add(worker.pk)
    elif department is not None:
        recipients |= set(
            RoleAssignment.objects.filter(
                role=Role.DEPARTMENT_LIAISON, department=department, revoked_at__isnull=True
            ).values_list("user_id", flat=True)
        )
    else:
        from community365.teams.models import MemberRole, TeamMembership

        recipients |= set(
            TeamMembership.objects.filter(
                team=team, role=MemberRole.LEADER, left_at__isnull=True
            ).values_list("user_id", flat=True)
        )
    for rid in recipients:
        notify(
            recipient_id=rid, code=phrases.TASK_ASSIGNED, params={"id": req.pk, "text": text}, url=_url(req)
        )
    audit_record(
        actor=actor, action="desk.task:add", target=req, role=role, changes={"task": task.pk, "to": label}
    )
    return task


@service("desk.task:done")
def task_done(*, actor: Any, task: Any, note: str = "") -> Any:
    """The assignee (or a handler of the request) marks the task done, with a note. Done once: a
    conditional UPDATE, so two people marking it at once record it once."""
    from .models import RequestTask, TaskState

    now = timezone.now()
    req = task.request
    if is_system(actor) or permissions.is_global(actor):
        role = "system"
    elif policies.is_task_assignee(actor, task):
        role = Role.DEPARTMENT_LIAISON if task.department_id else Role.SOCIAL_WORKER
    elif policies.can_finish_task(actor, task):
        role = _require_handler(actor, req)
    else:
        raise NotAllowed(_("只有任务的承办人或本诉求的办理人可以标记完成。"))
    note = (note or "").strip()
    if len(note) < 2:
        raise InvalidInput(_("请写明完成情况。"), field="note")
    updated = RequestTask.objects.filter(pk=task.pk, state=TaskState.OPEN).update(
        state=TaskState.DONE, done_at=now, done_by=_user(actor), note=note[:300]
    )
    if not updated:
        raise InvalidTransition(_("该任务已经完成。"))
    task.refresh_from_db()
    _event(req, "task_done", actor, now, text=task.text, note=task.note)
    if req.assignee_id and req.assignee_id != getattr(actor, "pk", None):
        notify(
            recipient_id=req.assignee_id,
            code=phrases.TASK_DONE,
            params={"id": req.pk, "text": task.text},
            url=_url(req),
        )
    audit_record(actor=actor, action="desk.task:done", target=req, role=role, changes={"task": task.pk})
    return task


def _require_tasks_done(req: ServiceRequest, verb: str) -> None:
    """A request is not closed (or merged away) while one of its tasks is open."""
    from .models import TaskState

    open_tasks = list(
        req.tasks.filter(state=TaskState.OPEN).order_by("id").values_list("text", flat=True)[:3]
    )
    if open_tasks:
        raise InvalidTransition(
            _("还有 %(n)s 项任务未完成（%(first)s），完成后才能%(verb)s。")
            % {"n": req.tasks.filter(state=TaskState.OPEN).count(), "first": open_tasks[0], "verb": verb}
        )

"""Writes of the emergency response. Every function is a service: keyword-only, ``actor``
first, one transaction with an audit entry, notifications on commit."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.actors import SystemActor
from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed
from community365.core.phrases import phrase_param
from community365.core.roles import Role
from community365.notifications.services import notify
from community365.people.models import RoleAssignment
from community365.regions.models import Region, RegionKind

from . import phrases, policies, selectors
from .models import (
    CheckAssignment,
    CheckStatus,
    EmergencyEvent,
    EmergencyTask,
    EventCommunity,
    EventKind,
    EventLevel,
    EventStatus,
    HouseholdCheck,
    Need,
    Supply,
    SupplyIssue,
    TaskStatus,
)

MAX_BATCH = 200
MAX_WINDOW = datetime.timedelta(days=14)
KEY_RE = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def _now(actor: Any, now: datetime.datetime | None) -> datetime.datetime:
    if now is None:
        return timezone.now()
    if not isinstance(actor, SystemActor):
        raise InvalidInput(_("只有系统可以补录过去的时间。"))
    return now


def _user(actor: Any) -> Any:
    return None if isinstance(actor, SystemActor) else actor


def _text(value: str, field: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("此项不能为空。"), field=field)
    if len(value) > max_length:
        raise InvalidInput(_("内容过长（最多 %(n)d 个字）。") % {"n": max_length}, field=field)
    return value


def _aware(value: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


# === the community's low-lying buildings ======================================================


@service("emergency.building:low_lying")
def building_set_low_lying(*, actor: Any, building: Region, low_lying: bool) -> Region:
    """The community marks (or unmarks) a building as low-lying: its households are checked in
    every event."""
    if building.kind != RegionKind.BUILDING:
        raise InvalidInput(_("只能标记楼栋。"), field="building")
    role = permissions.require_at(
        actor, policies.LOW_LYING.name, building.path, _("只有本社区的书记或社工可以标记低洼楼栋。")
    )
    Region.objects.filter(pk=building.pk).update(low_lying=low_lying)
    building.low_lying = low_lying
    audit_record(
        actor=actor,
        action="emergency.building:low_lying",
        target=building,
        role=role,
        changes={"low_lying": low_lying},
    )
    return building


# === declaring: the list, the rounds, the alert ===============================================


def _helpers_by_community(community_ids: list[int]) -> dict[int, list[int]]:
    """Who goes door to door in each community: members of its emergency teams, then its social
    workers (one query each), in a stable order."""
    from community365.teams.models import TeamKind, TeamMembership

    found: dict[int, list[int]] = defaultdict(list)
    for region_id, user_id in (
        TeamMembership.objects.filter(
            team__region_id__in=community_ids, team__kind=TeamKind.EMERGENCY, left_at__isnull=True
        )
        .order_by("team__region_id", "role", "user_id")
        .values_list("team__region_id", "user_id")
    ):
        if user_id not in found[region_id]:
            found[region_id].append(user_id)
    for region_id, user_id in (
        RoleAssignment.objects.filter(
            region_id__in=community_ids,
            role=Role.SOCIAL_WORKER,
            revoked_at__isnull=True,
            user__is_active=True,
        )
        .order_by("region_id", "user_id")
        .values_list("region_id", "user_id")
    ):
        if user_id not in found[region_id]:
            found[region_id].append(user_id)
    return found


def helpers_of(community: Region) -> list[int]:
    """The people who may be given households of ``community`` (team members, social workers)."""
    return _helpers_by_community([community.pk]).get(community.pk, [])


def balanced_rounds(buildings: Mapping[int, int], helpers: list[int]) -> dict[int, int]:
    """Give each building (id → households) to one helper so the loads stay even: buildings from
    the largest, each in turn to the helper with the fewest households so far (ties: the first
    in ``helpers``). A building is never split, so one person climbs each stairwell."""
    load = dict.fromkeys(helpers, 0)
    order = {h: i for i, h in enumerate(helpers)}
    given: dict[int, int] = {}
    for building, size in sorted(buildings.items(), key=lambda item: (-item[1], item[0])):
        helper = min(helpers, key=lambda h: (load[h], order[h]))
        given[building] = helper
        load[helper] += size
    return given


@dataclass
class Declared:
    event: EmergencyEvent
    households: int
    unassigned_communities: list[str]


@service("emergency.event:declare")
def event_declare(
    *,
    actor: Any,
    place: Region,
    title: str,
    kind: str,
    level: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    communities: Iterable[Region],
    is_drill: bool = False,
    declared_by: Any = None,
    now: datetime.datetime | None = None,
) -> Declared:
    """The district or a subdistrict declares an event over communities under it: the list of
    households to check is generated and assigned, the teams and social workers alerted."""
    moment = _now(actor, now)
    if place.kind not in (RegionKind.DISTRICT, RegionKind.SUBDISTRICT):
        raise InvalidInput(_("应急事件由区或街道发布。"), field="place")
    role = permissions.require_at(
        actor, policies.DECLARE.name, place.path, _("只有区、街道的工作人员可以发布应急事件。")
    )
    if kind not in EventKind.values:
        raise InvalidInput(_("请选择事件类型。"), field="kind")
    if level not in EventLevel.values:
        raise InvalidInput(_("请选择响应级别。"), field="level")
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    if ends_at <= starts_at:
        raise InvalidInput(_("结束时间须晚于开始时间。"), field="ends_at")
    if ends_at - starts_at > MAX_WINDOW:
        raise InvalidInput(_("一次应急响应最长 14 天，需要时再发布一次。"), field="ends_at")
    chosen = {c.pk: c for c in communities}
    if not chosen:
        raise InvalidInput(_("请至少选择一个社区。"), field="communities")
    for community in chosen.values():
        if not community.is_community_level or not community.path.startswith(place.path):
            raise InvalidInput(
                _("“%(name)s”不是%(place)s下的社区。") % {"name": community.name, "place": place.name},
                field="communities",
            )
    user = _user(actor)
    by = declared_by or user
    if by is None:
        raise InvalidInput(_("请指定发布人。"), field="declared_by")
    event = EmergencyEvent.objects.create(
        district_id=place.district_id or place.pk,
        region=place,
        title=_text(title, "title", 100),
        kind=kind,
        level=level,
        is_drill=is_drill,
        starts_at=starts_at,
        ends_at=ends_at,
        declared_by=by,
        declared_at=moment,
    )
    ordered = sorted(chosen.values(), key=lambda c: c.path)
    EventCommunity.objects.bulk_create(
        [EventCommunity(event=event, region=c, district_id=event.district_id) for c in ordered]
    )
    households = selectors.vulnerable(ordered)
    helpers = _helpers_by_community(list(chosen))
    rows: list[CheckAssignment] = []
    missing: list[str] = []
    per_community: dict[int, list[selectors.Vulnerable]] = defaultdict(list)
    for row in households:
        per_community[row.community_id].append(row)
    for community_id, items in per_community.items():
        crew = helpers.get(community_id)
        if not crew:
            missing.append(chosen[community_id].name)
            continue
        sizes: dict[int, int] = defaultdict(int)
        for item in items:
            sizes[item.building_id] += 1
        given = balanced_rounds(sizes, crew)
        rows += [
            CheckAssignment(
                district_id=event.district_id,
                event=event,
                household_id=item.household_id,
                region_id=community_id,
                building_id=item.building_id,
                assignee_id=given[item.building_id],
                reasons=item.reasons,
            )
            for item in items
        ]
    CheckAssignment.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="emergency.event:declare",
        target=event,
        role=role,
        changes={"communities": sorted(chosen), "households": len(rows), "level": level, "kind": kind},
    )
    _alert(event, rows, helpers, chosen)
    return Declared(event, len(rows), missing)


def _alert(
    event: EmergencyEvent,
    rows: list[CheckAssignment],
    helpers: dict[int, list[int]],
    communities: dict[int, Region],
) -> None:
    """Everyone who goes door to door hears at once (on commit): how many households are theirs;
    the social workers also how many the community has."""
    mine: dict[int, int] = defaultdict(int)
    per_community: dict[int, int] = defaultdict(int)
    for row in rows:
        mine[row.assignee_id] += 1
        per_community[row.region_id] += 1
    level = phrase_param(phrases.LEVELS[event.level])
    url = f"/cases/emergencies/{event.pk}/"
    workers = set(
        RoleAssignment.objects.filter(
            region_id__in=list(communities), role=Role.SOCIAL_WORKER, revoked_at__isnull=True
        ).values_list("user_id", "region_id")
    )
    told: set[int] = set()
    for user_id, region_id in sorted(workers):
        notify(
            recipient_id=user_id,
            code=phrases.ALERT_WORKER,
            params={
                "title": event.title,
                "level": level,
                "community": communities[region_id].name,
                "count": per_community.get(region_id, 0),
            },
            url=url,
        )
        told.add(user_id)
    for crew in helpers.values():
        for user_id in crew:
            if user_id in told:
                continue
            told.add(user_id)
            notify(
                recipient_id=user_id,
                code=phrases.ALERT,
                params={"title": event.title, "level": level, "count": mine.get(user_id, 0)},
                url=f"{url}checklist/",
            )


@service("emergency.event:update")
def event_update(
    *,
    actor: Any,
    event: EmergencyEvent,
    title: str,
    level: str,
    ends_at: datetime.datetime,
) -> EmergencyEvent:
    """Correct an open event as the warning changes: its name, its level (raised or lowered) and
    its expected end (extended or shortened, still after the start and within 14 days). Only the
    declaring district's or subdistrict's staff; a closed event is history and is refused. When
    the level changes, everyone alerted hears the new level (on commit)."""
    role = permissions.require_at(
        actor, policies.DECLARE.name, event.region.path, _("只有发布事件的区、街道工作人员可以修改应急事件。")
    )
    if level not in EventLevel.values:
        raise InvalidInput(_("请选择响应级别。"), field="level")
    clean_title = _text(title, "title", 100)
    ends_at = _aware(ends_at)
    if ends_at <= event.starts_at:
        raise InvalidInput(_("结束时间须晚于开始时间。"), field="ends_at")
    if ends_at - event.starts_at > MAX_WINDOW:
        raise InvalidInput(_("一次应急响应最长 14 天，需要时再发布一次。"), field="ends_at")
    before = EmergencyEvent.objects.select_for_update().filter(pk=event.pk).first()
    if before is None or before.status != EventStatus.OPEN:
        raise InvalidTransition(_("这个应急事件已经结束，不能再修改。"))
    changes = {
        name: [str(getattr(before, name)), str(value)]
        for name, value in (("title", clean_title), ("level", level), ("ends_at", ends_at))
        if getattr(before, name) != value
    }
    if not changes:
        return before
    EmergencyEvent.objects.filter(pk=event.pk).update(title=clean_title, level=level, ends_at=ends_at)
    event.refresh_from_db()
    audit_record(actor=actor, action="emergency.event:update", target=event, role=role, changes=changes)
    if "level" in changes:
        _tell_level(event, before.level)
    return event


def _tell_level(event: EmergencyEvent, old: str) -> None:
    """Everyone with households to check in the event, and the covered communities' social
    workers, hear that the level changed (one notification each)."""
    communities = list(EventCommunity.objects.filter(event=event).values_list("region_id", flat=True))
    recipients = set(
        CheckAssignment.objects.filter(event=event).values_list("assignee_id", flat=True).distinct()
    ) | set(
        RoleAssignment.objects.filter(
            region_id__in=communities, role=Role.SOCIAL_WORKER, revoked_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    params = {
        "title": event.title,
        "old": phrase_param(phrases.LEVELS[old]),
        "level": phrase_param(phrases.LEVELS[event.level]),
    }
    for user_id in sorted(recipients):
        notify(
            recipient_id=user_id,
            code=phrases.LEVEL_CHANGED,
            params=params,
            url=f"/cases/emergencies/{event.pk}/",
        )


@service("emergency.assignment:reassign")
def building_reassign(*, actor: Any, event: EmergencyEvent, building: Region, assignee: Any) -> int:
    """Give a building's households in the event to another helper of its community (someone
    fell ill, a building is nearer to another): a member of the community's emergency team or
    one of its social workers. Returns how many households moved."""
    role = permissions.require_at(
        actor,
        policies.MANAGE.name,
        building.path,
        _("只有本社区的社工、书记或街道、区里的工作人员可以调整分工。"),
    )
    if event.status != EventStatus.OPEN:
        raise InvalidTransition(_("这个应急事件已经结束。"))
    rows = CheckAssignment.objects.filter(event=event, building=building)
    community_id = rows.values_list("region_id", flat=True).first()
    if community_id is None:
        raise InvalidInput(_("这个楼栋在本次事件中没有排查户。"), field="building")
    if assignee.pk not in _helpers_by_community([community_id]).get(community_id, []):
        raise InvalidInput(_("只能分给本社区应急队员或社工。"), field="assignee")
    moved = rows.exclude(assignee=assignee).update(assignee=assignee)
    audit_record(
        actor=actor,
        action="emergency.assignment:reassign",
        target=event,
        role=role,
        changes={"building": building.pk, "assignee": assignee.pk, "moved": moved},
    )
    return moved


# === the door-to-door checks ==================================================================


@dataclass
class CheckItem:
    household: int
    status: str
    key: str
    needs: list[str]
    supplies: dict[str, int]
    note: str
    at: datetime.datetime | None


def clean_items(raw: Any) -> list[CheckItem]:
    """One function for every shape a batch comes in (API body, page form)."""
    if not isinstance(raw, list):
        raise InvalidInput(_("请提交排查记录的列表。"), field="checks")
    if not raw:
        raise InvalidInput(_("没有要提交的排查记录。"), field="checks")
    if len(raw) > MAX_BATCH:
        raise InvalidInput(_("一次最多提交 %(n)d 条。") % {"n": MAX_BATCH}, field="checks")
    items: list[CheckItem] = []
    for i, entry in enumerate(raw):
        where = f"checks[{i}]"
        if not isinstance(entry, Mapping):
            raise InvalidInput(_("第 %(n)d 条格式不对。") % {"n": i + 1}, field=where)
        household = entry.get("household")
        if not isinstance(household, int) or isinstance(household, bool) or not 0 < household < 2**63:
            raise InvalidInput(_("第 %(n)d 条缺少户的编号。") % {"n": i + 1}, field=f"{where}.household")
        status = entry.get("status")
        if status not in CheckStatus.values:
            raise InvalidInput(_("第 %(n)d 条的情况不对。") % {"n": i + 1}, field=f"{where}.status")
        key = entry.get("key")
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise InvalidInput(
                _("第 %(n)d 条缺少幂等键（8–64 个字母、数字或 -_.:）。") % {"n": i + 1}, field=f"{where}.key"
            )
        needs = entry.get("needs") or []
        if not isinstance(needs, list) or any(n not in Need.values for n in needs):
            raise InvalidInput(_("第 %(n)d 条的需求不对。") % {"n": i + 1}, field=f"{where}.needs")
        if needs and status != CheckStatus.NEEDS_HELP:
            raise InvalidInput(_("只有“需要帮助”才能填写需求。"), field=f"{where}.needs")
        supplies = entry.get("supplies") or {}
        if not isinstance(supplies, Mapping) or any(
            item not in Supply.values or not isinstance(q, int) or isinstance(q, bool) or not 0 <= q <= 100
            for item, q in supplies.items()
        ):
            raise InvalidInput(
                _("第 %(n)d 条的发放物资不对（每种 0–100）。") % {"n": i + 1}, field=f"{where}.supplies"
            )
        note = entry.get("note") or ""
        if not isinstance(note, str) or len(note) > 200:
            raise InvalidInput(_("备注最多 200 个字。"), field=f"{where}.note")
        at = None
        if entry.get("at") is not None:
            at = parse_datetime(str(entry["at"])) if isinstance(entry["at"], str) else None
            if at is None:
                raise InvalidInput(_("第 %(n)d 条的时间格式不对。") % {"n": i + 1}, field=f"{where}.at")
            at = _aware(at)
        items.append(
            CheckItem(
                household=household,
                status=status,
                key=key,
                needs=list(dict.fromkeys(needs)),
                supplies={k: v for k, v in supplies.items() if v},
                note=note.strip(),
                at=at,
            )
        )
    return items


@service("emergency.check:record")
def checks_record(
    *, actor: Any, event: EmergencyEvent, items: list[CheckItem], now: datetime.datetime | None = None
) -> int:
    """Record taps sent from the checklist (often a batch queued offline). Each tap's key is
    unique in the database: a tap sent again is skipped, never doubled. Returns how many were
    new. A household's status follows its latest tap (by the time it was tapped)."""
    moment = _now(actor, now)
    if event.status != EventStatus.OPEN:
        raise InvalidTransition(_("这个应急事件已经结束，不能再提交排查记录。"))
    user = _user(actor)
    if user is None:
        raise InvalidInput(_("系统不能代替排查人提交。"))
    mine = {
        a.household_id: a
        for a in policies.assignments_manageable(user, event).filter(
            household_id__in={i.household for i in items}
        )
    }
    for i, item in enumerate(items):
        if item.household not in mine:
            raise NotAllowed(
                _("第 %(n)d 条：这户不在您的排查名单上。") % {"n": i + 1}, field=f"checks[{i}].household"
            )
    new = 0
    new_checks: list[HouseholdCheck] = []
    for item in items:
        assignment = mine[item.household]
        at = min(item.at or moment, moment)
        try:
            with transaction.atomic():
                check = HouseholdCheck.objects.create(
                    district_id=event.district_id,
                    region_id=assignment.region_id,
                    event=event,
                    assignment=assignment,
                    status=item.status,
                    needs=item.needs,
                    note=item.note,
                    key=item.key,
                    checked_by=user,
                    checked_at=at,
                )
        except IntegrityError:
            continue  # the same tap, sent before
        new += 1
        new_checks.append(check)
        # The latest tap wins, whatever order the batches arrive in.
        CheckAssignment.objects.filter(pk=assignment.pk).filter(
            Q(last_checked_at__isnull=True) | Q(last_checked_at__lte=at)
        ).update(status=item.status, last_checked_at=at)
        if item.supplies:
            SupplyIssue.objects.bulk_create(
                [
                    SupplyIssue(
                        district_id=event.district_id,
                        region_id=assignment.region_id,
                        event=event,
                        household_check=check,
                        item=supply,
                        quantity=quantity,
                        issued_by=user,
                        issued_at=at,
                    )
                    for supply, quantity in item.supplies.items()
                ]
            )
        for need in item.needs:
            route_need(event=event, assignment=assignment, need=need, raised_by=user, at=at)
    audit_record(
        actor=actor,
        action="emergency.check:record",
        target=event,
        changes={"sent": len(items), "new": new, "checks": [c.pk for c in new_checks]},
    )
    return new


def route_need(
    *, event: EmergencyEvent, assignment: CheckAssignment, need: str, raised_by: Any, at: datetime.datetime
) -> EmergencyTask | None:
    """A need found at the door becomes work for the community.

    Hook for the service desk (``community365.desk``, built in parallel): once it offers a
    service that opens a request for a household, call it here instead of creating an
    ``EmergencyTask`` (and keep the task model for the events before). Called inside
    ``checks_record``'s transaction; one open task per household and need."""
    try:
        with transaction.atomic():
            task = EmergencyTask.objects.create(
                district_id=event.district_id,
                region_id=assignment.region_id,
                event=event,
                assignment=assignment,
                need=need,
                raised_by=raised_by,
                raised_at=at,
            )
    except IntegrityError:
        return None  # already open for this household
    workers = RoleAssignment.objects.filter(
        region_id=assignment.region_id, role=Role.SOCIAL_WORKER, revoked_at__isnull=True
    ).values_list("user_id", flat=True)
    household = str(assignment.household) if assignment.household_id else ""
    for user_id in workers:
        notify(
            recipient_id=user_id,
            code=phrases.NEED,
            params={"household": household, "need": phrase_param(phrases.NEEDS[need]), "title": event.title},
            url=f"/cases/emergencies/{event.pk}/#tasks",
        )
    return task


@service("emergency.task:done")
def task_done(*, actor: Any, task: EmergencyTask, now: datetime.datetime | None = None) -> EmergencyTask:
    moment = _now(actor, now)
    policies.require_task(actor, task)
    user = _user(actor) or task.event.declared_by
    if not EmergencyTask.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(
        status=TaskStatus.DONE, done_by=user, done_at=moment
    ):
        raise InvalidTransition(_("这项任务已经办结。"))
    task.refresh_from_db()
    audit_record(actor=actor, action="emergency.task:done", target=task)
    return task


# === closing: the report's figures and the volunteer hours ====================================


def _hours(first: datetime.datetime, last: datetime.datetime) -> Decimal:
    """Time at the doors: from the first to the last tap, plus half an hour for the way there,
    in half hours, at most 24."""
    span = Decimal((last - first).total_seconds()) / Decimal(3600) + Decimal("0.5")
    halves = (span * 2).quantize(Decimal("1"), rounding=ROUND_UP)
    return min(Decimal(24), max(Decimal("0.5"), halves / 2))


@service("emergency.event:close")
def event_close(
    *, actor: Any, event: EmergencyEvent, summary: str = "", now: datetime.datetime | None = None
) -> EmergencyEvent:
    """Close the event (once: a second close is refused); the emergency team members who
    checked households get their hours as verified service records of an activity of their team."""
    moment = _now(actor, now)
    role = permissions.require_at(
        actor, policies.DECLARE.name, event.region.path, _("只有发布事件的区、街道工作人员可以结束应急事件。")
    )
    closer = _user(actor) or event.declared_by
    if not EmergencyEvent.objects.filter(pk=event.pk, status=EventStatus.OPEN).update(
        status=EventStatus.CLOSED,
        closed_by=closer,
        closed_at=moment,
        summary=_text(summary, "summary", 2000, False),
    ):
        raise InvalidTransition(_("这个应急事件已经结束。"))
    event.refresh_from_db()
    hours = _volunteer_hours(event, closer, moment)
    audit_record(
        actor=actor, action="emergency.event:close", target=event, role=role, changes={"hours": hours}
    )
    for user_id, amount in hours.items():
        notify(
            recipient_id=int(user_id),
            code=phrases.CLOSED,
            params={"title": event.title, "hours": amount},
            url=f"/cases/emergencies/{event.pk}/",
        )
    return event


def _volunteer_hours(event: EmergencyEvent, closer: Any, moment: datetime.datetime) -> dict[str, str]:
    """One activity per emergency team that took part, with each member's verified hours (through
    the alliance's services, as a signed attendance sheet)."""
    from community365.teams import services as teams
    from community365.teams.models import Team, TeamKind, TeamMembership

    spans = {
        row["checked_by_id"]: (row["first"], row["last"], row["households"])
        for row in selectors.helpers(event)
    }
    if not spans:
        return {}
    memberships = (
        TeamMembership.objects.filter(
            user_id__in=list(spans),
            left_at__isnull=True,
            team__kind=TeamKind.EMERGENCY,
            team__region_id__in=event.communities.values("region_id"),
        )
        .order_by("team_id", "user_id")
        .values_list("team_id", "user_id")
    )
    crews: dict[int, list[int]] = defaultdict(list)
    seen: set[int] = set()
    for team_id, user_id in memberships:
        if user_id in seen or user_id == getattr(closer, "pk", None):
            continue
        seen.add(user_id)
        crews[team_id].append(user_id)
    system = SystemActor("emergency")
    from community365.people.models import User

    given: dict[str, str] = {}
    for team in Team.objects.filter(pk__in=list(crews)).order_by("pk"):
        members = crews[team.pk]
        first = min(spans[u][0] for u in members)
        last = max(spans[u][1] for u in members)
        starts = first - datetime.timedelta(minutes=30)
        ends = min(
            moment, max(last, starts + datetime.timedelta(hours=1)), starts + datetime.timedelta(hours=24)
        )
        if ends <= starts:
            continue
        activity = teams.activity_create(
            actor=system,
            team=team,
            title=_text(f"{event.title} · 入户排查", "title", 100),
            starts_at=starts,
            ends_at=ends,
            capacity=max(1, len(members)),
            allow_waitlist=False,
            organiser=closer,
            now=starts,
        )
        users = {u.pk: u for u in User.objects.filter(pk__in=members)}
        entries = [(users[u], _hours(spans[u][0], spans[u][1])) for u in members]
        teams.record_sheet(
            actor=system,
            activity=activity,
            entries=entries,
            residents_served=sum(spans[u][2] for u in members),
            now=max(moment, ends),
        )
        given.update({str(u.pk): str(h) for u, h in entries})
    return given

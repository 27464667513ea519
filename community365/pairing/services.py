"""Writes of pairing: pair, end a pairing, log a visit, turn a need found into a desk request,
a micro-wish or a talk topic (one step, one transaction). Every function is a service:
keyword-only, ``actor`` first, one transaction with an audit entry, notifications on commit."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, F, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.core.phrases import date_param, phrase_param
from community365.core.uploads import clean_image
from community365.notifications.services import notify
from community365.people.models import Person, RoleAssignment, User
from community365.regions.models import COMMUNITY_KINDS, Household, Region

from . import phrases, policies
from .models import EndReason, Pairing, PairingVisit, TurnedTo, VisitNeed

MAX_NEEDS = 5
# A pairing is due a visit when it has none yet, or its last is this many days old.
VISIT_INTERVAL_DAYS = 30


def _user(actor: Any) -> User | None:
    return None if isinstance(actor, SystemActor) else actor


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value: str, field: str, max_length: int, *, min_length: int = 1) -> str:
    value = " ".join((value or "").split())
    if len(value) < min_length:
        if min_length <= 1:
            raise InvalidInput(_("此项不能为空。"), field=field)
        raise InvalidInput(_("请写清楚（至少 %(n)d 个字）。") % {"n": min_length}, field=field)
    if len(value) > max_length:
        raise InvalidInput(_("内容过长（最多 %(n)d 个字）。") % {"n": max_length}, field=field)
    return value


def community_of(household: Household) -> Region:
    """The community (or cooperative) a household lives in: an ancestor of its stairwell."""
    path = household.region.path
    prefixes = [path[:i] for i in range(Region.steplen, len(path) + 1, Region.steplen)]
    community = Region.objects.filter(path__in=prefixes, kind__in=COMMUNITY_KINDS).first()
    if community is None:
        raise InvalidInput(_("这户不在任何社区下。"), field="household")
    return community


def household_label(household: Household) -> str:
    return f"{household.region.name} {household.number}"


def unit_of(cadre: User, district_id: int) -> tuple[str, str]:
    """The cadre's unit for the figures, in this order: the unit whose party secretary they are;
    the department that posted them (first secretary); the department they are a liaison of;
    the organisation they work for (party member); else the place of their highest role."""
    from community365.mechanisms.models import FirstSecretaryPosting, SecretaryUnit
    from community365.teams.models import PartyMember

    unit = (
        SecretaryUnit.objects.filter(district_id=district_id, secretary=cadre, ended_at__isnull=True)
        .order_by("pk")
        .first()
    )
    if unit is not None:
        return f"unit:{unit.pk}", unit.name
    posting = (
        FirstSecretaryPosting.objects.filter(
            district_id=district_id, cadre=cadre, home_department__isnull=False, status="active"
        )
        .select_related("home_department")
        .order_by("-starts_on")
        .first()
    )
    if posting is not None and posting.home_department is not None:
        return f"department:{posting.home_department_id}", posting.home_department.name
    grant = (
        RoleAssignment.objects.filter(
            district_id=district_id, user=cadre, revoked_at__isnull=True, department__isnull=False
        )
        .select_related("department")
        .order_by("pk")
        .first()
    )
    if grant is not None and grant.department is not None:
        return f"department:{grant.department_id}", grant.department.name
    member = PartyMember.objects.filter(user=cadre).select_related("unit").first()
    if member is not None and member.unit is not None:
        return f"organisation:{member.unit_id}", member.unit.name
    grants = list(
        RoleAssignment.objects.filter(district_id=district_id, user=cadre, revoked_at__isnull=True)
        .select_related("region")
        .order_by("pk")
    )
    if grants:
        top = min(grants, key=lambda g: (len(g.region.path), g.pk)).region
        return f"region:{top.pk}", top.name
    return "none", ""  # shown as "no unit recorded" in the reader's language


def _cadre_in_scope(cadre: User, community: Region) -> None:
    if not cadre.is_active or permissions.grant_for(cadre, policies.CADRE.name, community.path) is None:
        raise NotAllowed(
            _("%(name)s不是%(community)s所在区域的党员干部，不能与这户结对。")
            % {"name": cadre.masked_name, "community": community.name},
            code="cadre_out_of_scope",
        )


# === pairing ==================================================================================


@service("pairing.pairing:create")
def pairing_create(
    *,
    actor: Any,
    household: Household,
    cadre: User,
    since: datetime.date | None = None,
) -> Pairing:
    """The community's social worker or secretary pairs a cadre with a household."""
    household = Household.objects.select_related("region").get(pk=household.pk)
    community = community_of(household)
    role = permissions.require_at(
        actor,
        policies.MANAGE.name,
        community.path,
        _("只有本社区的社工或书记可以为这户安排结对。"),
    )
    since = since or _today()
    if since > _today():
        raise InvalidInput(_("结对日期不能晚于今天。"), field="since")
    _cadre_in_scope(cadre, community)
    if Pairing.objects.filter(household=household, cadre=cadre, ended_on__isnull=True).exists():
        raise Conflict(_("这户已经与这位干部结对。"), code="already_paired", field="cadre")
    key, name = unit_of(cadre, community.district_id)
    pairing = Pairing(
        district_id=community.district_id,
        region=community,
        household=household,
        cadre=cadre,
        unit_key=key,
        unit_name=name[:120],
        since=since,
        paired_by=_user(actor) or cadre,
    )
    try:
        with transaction.atomic():
            pairing.save()
    except IntegrityError:
        raise Conflict(_("这户已经与这位干部结对。"), code="already_paired", field="cadre") from None
    audit_record(
        actor=actor,
        action="pairing.pairing:create",
        target=pairing,
        role=role,
        changes={"household": household.pk, "cadre": cadre.pk, "since": since, "unit": name},
    )
    notify(
        recipient_id=cadre.pk,
        code=phrases.PAIRED,
        params={"household": household_label(household), "community": community.name},
        url=reverse("pairing_detail", args=[pairing.pk]),
    )
    return pairing


@service("pairing.pairing:end")
def pairing_end(
    *,
    actor: Any,
    pairing: Pairing,
    reason: str,
    note: str = "",
    ended_on: datetime.date | None = None,
) -> Pairing:
    """The community ends a pairing (the household is out of difficulty, moved, the cadre left…)."""
    role = permissions.require_at(
        actor, policies.MANAGE.name, pairing.region.path, _("只有本社区的社工或书记可以结束结对。")
    )
    if reason not in EndReason.values:
        raise InvalidInput(_("请选择结束原因。"), field="reason")
    note = " ".join((note or "").split())
    if reason == EndReason.OTHER and not note:
        raise InvalidInput(_("选择“其他”时请写明原因。"), field="note")
    if len(note) > 200:
        raise InvalidInput(_("内容过长（最多 %(n)d 个字）。") % {"n": 200}, field="note")
    ended_on = ended_on or _today()
    if ended_on > _today():
        raise InvalidInput(_("结束日期不能晚于今天。"), field="ended_on")
    if ended_on < pairing.since:
        raise InvalidInput(_("结束日期不能早于结对日期。"), field="ended_on")
    done = Pairing.objects.filter(pk=pairing.pk, ended_on__isnull=True).update(
        ended_on=ended_on, end_reason=reason, end_note=note, ended_by=_user(actor)
    )
    if not done:
        raise InvalidTransition(_("这个结对已经结束了。"), code="already_ended")
    pairing.refresh_from_db()
    audit_record(
        actor=actor,
        action="pairing.pairing:end",
        target=pairing,
        role=role,
        changes={"ended_on": ended_on, "reason": reason, "note": note},
    )
    household = Household.objects.select_related("region").get(pk=pairing.household_id)
    notify(
        recipient_id=pairing.cadre_id,
        code=phrases.ENDED,
        params={
            "household": household_label(household),
            "reason": phrase_param(phrases.REASONS[reason]),
        },
        url=reverse("pairing_mine"),
    )
    return pairing


# === visits ===================================================================================


def clean_needs(needs: Sequence[str]) -> list[str]:
    cleaned = [" ".join((n or "").split()) for n in needs]
    cleaned = [n for n in cleaned if n]
    if len(cleaned) > MAX_NEEDS:
        raise InvalidInput(_("一次走访最多登记 %(n)d 项需求。") % {"n": MAX_NEEDS}, field="needs")
    for n in cleaned:
        if len(n) < 2:
            raise InvalidInput(_("请把需求写清楚（至少 2 个字）。"), field="needs")
        if len(n) > 200:
            raise InvalidInput(_("每项需求最多 200 字。"), field="needs")
    return cleaned


@service("pairing.visit:log")
def visit_log(
    *,
    actor: Any,
    pairing: Pairing,
    visited_on: datetime.date,
    found: str,
    companions: str = "",
    needs: Sequence[str] = (),
    photo: Any = None,
) -> PairingVisit:
    """Log a visit: by the paired cadre, or by the community's social worker or secretary on the
    cadre's behalf. Never a future date, never before the pairing, never on an ended pairing."""
    user = _user(actor)
    if user is not None and user.pk == pairing.cadre_id:
        role = "cadre"
    else:
        role = permissions.require_at(
            actor,
            policies.MANAGE.name,
            pairing.region.path,
            _("只有结对干部本人或本社区的社工、书记可以登记走访。"),
        )
    if pairing.ended_on is not None:
        raise InvalidTransition(_("这个结对已经结束，不能再登记走访。"), code="pairing_ended")
    if not isinstance(visited_on, datetime.date):
        raise InvalidInput(_("请填写走访日期。"), field="visited_on")
    if visited_on > _today():
        raise InvalidInput(_("走访日期不能晚于今天。"), field="visited_on")
    if visited_on < pairing.since:
        raise InvalidInput(_("走访日期不能早于结对日期。"), field="visited_on")
    found = _text(found, "found", 2000, min_length=4)
    companions = _text(companions, "companions", 120, min_length=0) if (companions or "").strip() else ""
    cleaned_needs = clean_needs(needs)
    cleaned_photo = clean_image(photo, field="photo") if photo else None
    # Locked (and re-read) so that a visit is never logged on a pairing ended meanwhile.
    live = Pairing.objects.select_for_update().filter(pk=pairing.pk, ended_on__isnull=True).first()
    if live is None:
        raise InvalidTransition(_("这个结对已经结束，不能再登记走访。"), code="pairing_ended")
    visit = PairingVisit(
        district_id=pairing.district_id,
        region_id=pairing.region_id,
        pairing=pairing,
        household_id=pairing.household_id,
        cadre_id=pairing.cadre_id,
        companions=companions,
        visited_on=visited_on,
        found=found,
        logged_by=user or pairing.cadre,
    )
    if cleaned_photo is not None:
        visit.photo.save(f"visit{pairing.pk}_{visited_on:%Y%m%d}.jpg", cleaned_photo, save=False)
    visit.save()
    VisitNeed.objects.bulk_create(
        [
            VisitNeed(district_id=visit.district_id, region_id=visit.region_id, visit=visit, text=n)
            for n in cleaned_needs
        ]
    )
    Pairing.objects.filter(pk=pairing.pk).update(
        visits=F("visits") + 1,
        last_visit_on=Case(
            When(last_visit_on__isnull=True, then=visited_on),
            When(last_visit_on__lt=visited_on, then=visited_on),
            default=F("last_visit_on"),
        ),
    )
    audit_record(
        actor=actor,
        action="pairing.visit:log",
        target=visit,
        role=role,
        changes={
            "pairing": pairing.pk,
            "visited_on": visited_on,
            "companions": companions,
            "needs": len(cleaned_needs),
            "photo": bool(cleaned_photo),
        },
    )
    if role != "cadre":
        household = Household.objects.select_related("region").get(pk=pairing.household_id)
        notify(
            recipient_id=pairing.cadre_id,
            code=phrases.LOGGED_FOR,
            params={"household": household_label(household), "date": date_param(visited_on)},
            url=reverse("pairing_detail", args=[pairing.pk]),
        )
    return visit


# === turning a need into a request, a wish or a topic =========================================


def _member(need: VisitNeed, person: Person | None) -> Person:
    if person is None:
        raise InvalidInput(_("请选择为哪位家庭成员办理。"), field="person")
    if person.household_id != need.visit.household_id:
        raise InvalidInput(_("这位居民不是这户的家庭成员。"), field="person")
    return person


@service("pairing.need:turn")
def need_turn(
    *,
    actor: Any,
    need: VisitNeed,
    kind: str,
    person: Person | None,
    title: str = "",
    text: str = "",
    item: Any = None,
    category: str = "",
    value_yuan: int = 0,
    request_text: str = "",
) -> VisitNeed:
    """Turn a need found on a visit, in one step, into a desk request (taken in for the household's
    resident), a micro-wish (entered for them) or a talk topic (raised for them); the created
    record is linked. A need is turned once: a second click is refused (conditional UPDATE)."""
    role = permissions.require_at(
        actor,
        policies.MANAGE.name,
        need.region.path,
        _("只有本社区的社工或书记可以把走访发现的需求转办。"),
    )
    if kind not in TurnedTo.values:
        raise InvalidInput(_("请选择转为服务诉求、微心愿还是约谈点题。"), field="kind")
    person = _member(need, person)
    now = timezone.now()
    taken = VisitNeed.objects.filter(pk=need.pk, turned_to="").update(
        turned_to=kind, turned_by=_user(actor), turned_at=now
    )
    if not taken:
        raise Conflict(_("这项需求已经转办过了。"), code="already_turned")
    body = " ".join((text or "").split()) or need.text
    heading = " ".join((title or "").split()) or need.text[:30]
    link: dict[str, Any] = {}
    if kind == TurnedTo.REQUEST:
        from community365.desk import services as desk

        if item is None:
            raise InvalidInput(_("请选择服务事项。"), field="item")
        household = Household.objects.select_related("region").get(pk=need.visit.household_id)
        link["request"] = desk.request_assist(
            actor=actor, item=item, place=household.region, text=body, person=person
        )
    elif kind == TurnedTo.WISH:
        from community365.wishes import services as wishes

        link["wish"] = wishes.wish_create(
            actor=actor,
            wisher=person,
            title=heading,
            reason=body,
            value_yuan=value_yuan,
            category=category,
        )
    else:
        from community365.talks.services.topics import topic_raise

        link["topic"] = topic_raise(
            actor=actor,
            title=heading,
            description=body,
            request=" ".join((request_text or "").split()) or body,
            person=person,
        )
    VisitNeed.objects.filter(pk=need.pk).update(**link)
    need.refresh_from_db()
    record = next(iter(link.values()))
    audit_record(
        actor=actor,
        action="pairing.need:turn",
        target=need,
        role=role,
        changes={"kind": kind, "record": record.pk, "person": person.pk},
    )
    household = Household.objects.select_related("region").get(pk=need.visit.household_id)
    notify(
        recipient_id=need.visit.cadre_id,
        code=phrases.TURNED,
        params={
            "household": household_label(household),
            "kind": phrase_param(phrases.KINDS[kind]),
            "text": need.text,
        },
        url=reverse("pairing_detail", args=[need.visit.pairing_id]),
    )
    return need

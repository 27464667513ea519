"""Helpers shared by the talks services: the time of a step, the public timeline, the
lifecycle transition, notifying signers and staff, and cleaning input."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.core import permissions
from community365.core.actors import is_system
from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed
from community365.core.phrases import render
from community365.core.roles import Role
from community365.notifications.services import notify
from community365.people.models import Person, RoleAssignment, User
from community365.regions.models import Department, Region

from .. import policies
from ..models import TRANSITIONS, InviteeKind, TalkEvent, TalkSignature, TalkTopic


def _now(actor: Any, at: datetime.datetime | None) -> datetime.datetime:
    if at is None:
        return timezone.now()
    if not is_system(actor):
        raise NotAllowed(_("只有系统可以补录历史时间。"))
    return at


@dataclass(frozen=True)
class Credit:
    """Who a timeline entry credits: a name as written (``label``) or a role phrase (``role``)."""

    role: str = ""
    label: str = ""


SYSTEM_CREDIT = Credit(role="system")
ORGANISATION_CREDIT = Credit(role="organisation")


def _label(actor: Any) -> Credit:
    """The acting person as the public sees them: a resident's masked name, a staff member's
    display name; the system as a role."""
    if is_system(actor):
        return SYSTEM_CREDIT
    person = Person.objects.filter(user_id=getattr(actor, "pk", None) or 0).first()
    if person is not None:
        return Credit(label=person.masked_name)
    return Credit(label=str(actor))


def _decider_credit(actor: Any, topic: TalkTopic) -> Credit:
    """The organisation department's steps credit the department; the leading leader's steps
    credit the leader (never the department for what the leader did)."""
    if not is_system(actor) and policies.leads_topic(actor, topic):
        return Credit(label=str(actor))
    return ORGANISATION_CREDIT


def _event(
    topic: TalkTopic,
    kind: str,
    credit: Credit,
    code: str,
    at: datetime.datetime,
    /,
    **params: Any,
) -> None:
    TalkEvent.objects.create(
        topic=topic,
        kind=kind,
        actor_role=credit.role,
        actor_label=credit.label[:120],
        code=code,
        params=params,
        at=at,
    )


def _url(topic: TalkTopic) -> str:
    return reverse("talk_detail", args=[topic.pk])


def _transition(topic: TalkTopic, step: str, **fields: Any) -> None:
    """Apply a step of the lifecycle as one conditional UPDATE; refuse if the topic is not in
    a state the step may start from (another request may have moved it first)."""
    sources, target = TRANSITIONS[step]
    updated = TalkTopic.objects.filter(pk=topic.pk, status__in=sources).update(status=target, **fields)
    if not updated:
        current = TalkTopic.objects.filter(pk=topic.pk).values_list("status", flat=True).first()
        raise InvalidTransition(
            _("该点题当前为“%(status)s”，不能进行此操作。")
            % {"status": _status_word(current or topic.status)}
        )
    topic.status = target
    for name, value in fields.items():
        setattr(topic, name, value)


def _signer_user_ids(topic: TalkTopic) -> set[int]:
    ids = set(
        TalkSignature.objects.filter(
            topic=topic, withdrawn_at__isnull=True, person__user__isnull=False
        ).values_list("person__user_id", flat=True)
    )
    if topic.author_id:
        ids.add(topic.author_id)
    return ids


def _notify_signers(topic: TalkTopic, code: str, **params: Any) -> None:
    params.setdefault("title", topic.title)
    for user_id in sorted(_signer_user_ids(topic)):
        notify(recipient_id=user_id, code=code, params=params, url=_url(topic))


def _liaisons_of(department_ids: Iterable[int]) -> list[int]:
    return sorted(
        set(
            RoleAssignment.objects.filter(
                role=Role.DEPARTMENT_LIAISON, department_id__in=list(department_ids), revoked_at__isnull=True
            ).values_list("user_id", flat=True)
        )
    )


def _organisers_of(district_id: int) -> list[int]:
    return sorted(
        set(
            RoleAssignment.objects.filter(
                role=Role.DISTRICT_ADMIN, region_id=district_id, revoked_at__isnull=True
            ).values_list("user_id", flat=True)
        )
    )


def _verified_person(user: Any, community: Region | None = None) -> Person | None:
    person = Person.objects.filter(user_id=getattr(user, "pk", None) or 0).select_related("community").first()
    if person is None or person.verified_at is None:
        return None
    if community is not None and person.community_id != community.pk:
        return None
    return person


def _clean_text(value: str, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("请填写%(label)s。") % {"label": label}, field=field)
    if len(value) > max_length:
        raise InvalidInput(
            _("%(label)s不能超过 %(n)s 个字。") % {"label": label, "n": max_length}, field=field
        )
    return value


def _clean_invitee(
    district_id: int, invitee_kind: str, leader: User | None, department: Department | None
) -> tuple[str, User | None, Department | None]:
    if invitee_kind not in InviteeKind.values:
        raise InvalidInput(_("邀请对象取值不正确。"), field="invitee_kind")
    if invitee_kind == InviteeKind.LEADER:
        if leader is None or not is_district_leader(leader, district_id):
            raise InvalidInput(_("请选择一位区领导。"), field="invited_leader")
        return invitee_kind, leader, None
    if invitee_kind == InviteeKind.DEPARTMENT:
        if department is None or department.district_id != district_id:
            raise InvalidInput(_("请选择一个本区职能部门。"), field="invited_department")
        return invitee_kind, None, department
    return invitee_kind, None, None


def is_district_leader(user: User, district_id: int) -> bool:
    return RoleAssignment.objects.filter(
        user=user, role=Role.DISTRICT_LEADER, district_id=district_id, revoked_at__isnull=True
    ).exists()


def _local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _status_word(status: str) -> str:
    return render(f"talks.topic_status.{status}")


def _require_decide(actor: Any, topic: TalkTopic) -> str:
    return permissions.require_at(
        actor, policies.DECIDE.name, topic.region.path, _("只有区委组织部可以受理点题。")
    )

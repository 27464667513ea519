"""Every write of two-way talks. Each step of a topic's lifecycle is a service: it checks the
actor's permission at the topic's community, applies the step as a conditional UPDATE (see
``models.TRANSITIONS``), writes the public timeline and the audit trail, and notifies on commit.

Services take ``at`` (the time the step happened) only from the system actor: the demo
generator uses it to lay down a history; people always act "now"."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.actors import SystemActor, is_system
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.core.roles import Role
from community365.notifications.services import notify
from community365.people.models import Person, RoleAssignment, User
from community365.regions.models import COMMUNITY_KINDS, Department, Region

from . import policies
from .models import (
    TRANSITIONS,
    InviteeKind,
    SignatureKind,
    TalkEvent,
    TalkProgress,
    TalkRating,
    TalkRules,
    TalkSignature,
    TalkTask,
    TalkTopic,
    TaskStatus,
    TopicStatus,
)

DEFAULT_PERCENT = {
    TaskStatus.PLANNED: 0,
    TaskStatus.STARTED: 30,
    TaskStatus.ADVANCING: 60,
    TaskStatus.DONE: 100,
}


def status_percent(status: str) -> int:
    configured = getattr(settings, "TALKS_STATUS_PERCENT", {}) or {}
    return int(configured.get(status, DEFAULT_PERCENT[TaskStatus(status)]))


def rules_for(district_id: int) -> TalkRules:
    """The district's rules, or the defaults when the district has not set its own."""
    return TalkRules.objects.filter(district_id=district_id).first() or TalkRules(district_id=district_id)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """``days`` working days (Monday–Friday) after ``start``; public holidays are not known."""
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def _now(actor: Any, at: datetime.datetime | None) -> datetime.datetime:
    if at is None:
        return timezone.now()
    if not is_system(actor):
        raise NotAllowed(_("只有系统可以补录历史时间。"))
    return at


def _label(actor: Any) -> str:
    if isinstance(actor, SystemActor):
        return _("系统")
    person = Person.objects.filter(user_id=getattr(actor, "pk", None) or 0).first()
    if person is not None:
        return person.masked_name
    return str(actor)


def _event(topic: TalkTopic, kind: str, label: str, text: str, at: datetime.datetime) -> None:
    TalkEvent.objects.create(topic=topic, kind=kind, actor_label=label[:120], text=text[:5000], at=at)


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
            % {"status": TopicStatus(current or topic.status).label}
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


def _notify_signers(topic: TalkTopic, kind: str, title: str, body: str = "") -> None:
    for user_id in sorted(_signer_user_ids(topic)):
        notify(recipient_id=user_id, kind=kind, title=title, body=body, url=_url(topic))


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


# --- Raise, edit, open ------------------------------------------------------------------------


@service("talks.topic:raise")
def topic_raise(
    *,
    actor: Any,
    title: str,
    description: str,
    request: str,
    invitee_kind: str = InviteeKind.UNDECIDED,
    invited_leader: User | None = None,
    invited_department: Department | None = None,
    person: Person | None = None,
    at: datetime.datetime | None = None,
) -> TalkTopic:
    """A verified resident drafts a topic. A social worker may draft it for a resident without
    a phone (``person``); the draft is then the social worker's to open."""
    now = _now(actor, at)
    if person is None:
        person = _verified_person(actor)
        if person is None:
            raise NotAllowed(_("只有经社区核实的居民才能发起点题。请先到社区办理居民核实。"))
        role = permissions.require_at(
            actor, policies.RAISE.name, person.community.path, _("只有本社区居民才能发起点题。")
        )
        author = actor if isinstance(actor, User) else None
    else:
        if person.verified_at is None:
            raise NotAllowed(_("该居民尚未经社区核实，不能发起点题。"))
        role = permissions.require_at(
            actor, policies.COLLECT.name, person.community.path, _("只有本社区社工可以代居民发起点题。")
        )
        author = actor if isinstance(actor, User) else None
    community = person.community
    if community.kind not in COMMUNITY_KINDS:
        raise InvalidInput(_("点题须通过社区或股份经济合作社发起。"))
    district_id = community.district_id or community.pk
    kind, leader, department = _clean_invitee(district_id, invitee_kind, invited_leader, invited_department)
    rules = rules_for(district_id)
    topic = TalkTopic.objects.create(
        district_id=district_id,
        region=community,
        author_person=person,
        author=author,
        title=_clean_text(title, "title", _("题目"), 80),
        description=_clean_text(description, "description", _("问题"), 2000),
        request=_clean_text(request, "request", _("诉求"), 1000),
        invitee_kind=kind,
        invited_leader=leader,
        invited_department=department,
        signature_threshold=rules.signature_threshold,
        created_at=now,
    )
    _event(topic, "raised", person.masked_name, _("起草点题"), now)
    audit_record(actor=actor, action="talks.topic:raise", target=topic, role=role)
    return topic


def _require_author(actor: Any, topic: TalkTopic) -> str:
    if permissions.is_global(actor):
        return permissions.acting_role(actor, policies.RAISE.name, topic.region.path)
    if topic.author_id is None or topic.author_id != getattr(actor, "pk", None):
        raise NotAllowed(_("只有发起人可以这样做。"))
    return Role.RESIDENT if _verified_person(actor) else "author"


@service("talks.topic:edit")
def topic_edit(
    *,
    actor: Any,
    topic: TalkTopic,
    title: str,
    description: str,
    request: str,
    invitee_kind: str = InviteeKind.UNDECIDED,
    invited_leader: User | None = None,
    invited_department: Department | None = None,
) -> TalkTopic:
    """Change the text while nobody has co-signed it; afterwards only an addendum is possible."""
    role = _require_author(actor, topic)
    kind, leader, department = _clean_invitee(
        topic.district_id, invitee_kind, invited_leader, invited_department
    )
    fields = {
        "title": _clean_text(title, "title", _("题目"), 80),
        "description": _clean_text(description, "description", _("问题"), 2000),
        "request": _clean_text(request, "request", _("诉求"), 1000),
        "invitee_kind": kind,
        "invited_leader": leader,
        "invited_department": department,
    }
    updated = TalkTopic.objects.filter(
        pk=topic.pk, status__in=[TopicStatus.DRAFT, TopicStatus.SIGNING], locked_at__isnull=True
    ).update(**fields)
    if not updated:
        raise InvalidTransition(_("已有居民联署，内容已锁定；如需更正，请添加补充说明。"))
    for name, value in fields.items():
        setattr(topic, name, value)
    audit_record(actor=actor, action="talks.topic:edit", target=topic, role=role)
    return topic


@service("talks.topic:open")
def topic_open(*, actor: Any, topic: TalkTopic, at: datetime.datetime | None = None) -> TalkTopic:
    """The author opens the draft for co-signatures; the signature window starts now."""
    now = _now(actor, at)
    role = _require_author(actor, topic)
    rules = rules_for(topic.district_id)
    _transition(
        topic,
        "open",
        opened_at=now,
        signing_deadline=now + datetime.timedelta(days=rules.signature_window_days),
        signature_threshold=rules.signature_threshold,
    )
    _event(
        topic,
        "opened",
        topic.author_person.masked_name,
        _("开始征集联署，需 %(n)s 位居民联署，截止 %(d)s。")
        % {"n": topic.signature_threshold, "d": timezone.localtime(topic.signing_deadline).date()},
        now,
    )
    audit_record(actor=actor, action="talks.topic:open", target=topic, role=role)
    return topic


@service("talks.topic:addendum")
def topic_add_addendum(*, actor: Any, topic: TalkTopic, text: str) -> TalkTopic:
    """A visible correction or addition; the original text stays as it was signed."""
    if topic.author_id != getattr(actor, "pk", None) and not policies.may_collect(actor, topic):
        raise NotAllowed(_("只有发起人或本社区社工可以补充说明。"))
    if topic.status in (TopicStatus.DRAFT,):
        raise InvalidTransition(_("草稿可以直接修改，无需补充说明。"))
    text = _clean_text(text, "text", _("补充说明"), 1000)
    _event(topic, "addendum", _label(actor), text, timezone.now())
    audit_record(actor=actor, action="talks.topic:addendum", target=topic)
    return topic


# --- Co-signatures ---------------------------------------------------------------------------


def _check_signable(topic: TalkTopic, now: datetime.datetime) -> None:
    if topic.status != TopicStatus.SIGNING:
        raise InvalidTransition(
            _("该点题当前为“%(status)s”，不在联署期。") % {"status": TopicStatus(topic.status).label}
        )
    if topic.signing_deadline is not None and now > topic.signing_deadline:
        raise InvalidTransition(
            _("联署期已过（截止 %(d)s），不能再联署。") % {"d": _local(topic.signing_deadline)}
        )


def _local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _add_signatures(
    actor: Any, topic: TalkTopic, persons: Sequence[Person], kind: str, now: datetime.datetime
) -> int:
    """Insert the signatures and move the counter in the same transaction. The unique
    constraint is the last word on "one signature per resident"."""
    entered_by = actor if isinstance(actor, User) and kind != SignatureKind.ONLINE else None
    try:
        with transaction.atomic():
            TalkSignature.objects.bulk_create(
                [
                    TalkSignature(topic=topic, person=p, kind=kind, entered_by=entered_by, signed_at=now)
                    for p in persons
                ]
            )
    except IntegrityError:
        raise Conflict(
            _("您已联署过该点题。") if len(persons) == 1 else _("名单中有居民已联署过该点题。")
        ) from None
    n = len(persons)
    moved = TalkTopic.objects.filter(pk=topic.pk, status=TopicStatus.SIGNING).update(
        signature_count=F("signature_count") + n, locked_at=topic.locked_at or now
    )
    if not moved:
        raise InvalidTransition(_("该点题已不在联署期。"))
    topic.refresh_from_db(fields=["signature_count", "locked_at", "threshold_reached_at"])
    if topic.signature_count >= topic.signature_threshold and topic.threshold_reached_at is None:
        TalkTopic.objects.filter(pk=topic.pk, threshold_reached_at__isnull=True).update(
            threshold_reached_at=now
        )
        topic.threshold_reached_at = now
        _event(
            topic,
            "threshold",
            _("系统"),
            _("联署人数达到 %(n)s 人，可以报送区里。") % {"n": topic.signature_threshold},
            now,
        )
        _notify_signers(
            topic,
            "talks.threshold",
            _("点题“%(t)s”联署已达 %(n)s 人") % {"t": topic.title, "n": topic.signature_count},
            _("社区将把点题报送区委组织部。"),
        )
        # Accounts that cannot sign in (staff records without a password) have no inbox to read.
        staff = (
            RoleAssignment.objects.filter(
                role__in=[Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER],
                region_id=topic.region_id,
                revoked_at__isnull=True,
                user__is_active=True,
            )
            .exclude(user__password__startswith="!")  # noqa: S106 (Django's unusable-password marker)
            .values_list("user_id", flat=True)
        )
        for user_id in staff:
            notify(
                recipient_id=user_id,
                kind="talks.threshold",
                title=_("点题“%(t)s”可以报送了") % {"t": topic.title},
                url=_url(topic),
            )
    return n


@service("talks.topic:sign")
def topic_sign(*, actor: Any, topic: TalkTopic, at: datetime.datetime | None = None) -> TalkSignature:
    """A verified resident of the topic's community co-signs it online, once."""
    now = _now(actor, at)
    _check_signable(topic, now)
    person = _verified_person(actor)
    if person is None:
        raise NotAllowed(_("只有经社区核实的居民才能联署。请先到社区办理居民核实。"))
    if person.community_id != topic.region_id:
        raise NotAllowed(_("只有%(c)s的居民才能联署该点题。") % {"c": topic.region.name})
    role = permissions.require_at(actor, policies.RAISE.name, topic.region.path, _("只有居民才能联署。"))
    if topic.author_person_id == person.pk:
        raise NotAllowed(_("您是发起人，发起人本人不计入联署人数。"))
    if TalkSignature.objects.filter(topic=topic, person=person, withdrawn_at__isnull=True).exists():
        raise Conflict(_("您已联署过该点题。"))
    _add_signatures(actor, topic, [person], SignatureKind.ONLINE, now)
    signature = TalkSignature.objects.get(topic=topic, person=person, withdrawn_at__isnull=True)
    audit_record(actor=actor, action="talks.topic:sign", target=topic, role=role)
    return signature


@service("talks.topic:sign_paper")
def topic_sign_on_paper(
    *, actor: Any, topic: TalkTopic, persons: Sequence[Person], at: datetime.datetime | None = None
) -> int:
    """A social worker enters a paper signature sheet collected from residents without phones.
    Each line is a verified resident of the community; the signatures are marked as paper."""
    now = _now(actor, at)
    role = permissions.require_at(
        actor, policies.COLLECT.name, topic.region.path, _("只有本社区社工可以录入纸质联署。")
    )
    _check_signable(topic, now)
    persons = list({p.pk: p for p in persons}.values())
    if not persons:
        raise InvalidInput(_("请至少选择一位居民。"), field="person_ids")
    for p in persons:
        if p.community_id != topic.region_id or p.verified_at is None:
            raise NotAllowed(
                _("%(name)s 不是本社区经核实的居民，不能联署。") % {"name": p.masked_name}, field="person_ids"
            )
        if p.pk == topic.author_person_id:
            raise NotAllowed(_("发起人本人不计入联署人数。"), field="person_ids")
    _event(topic, "paper", _label(actor), _("录入纸质联署 %(n)s 份。") % {"n": len(persons)}, now)
    _add_signatures(actor, topic, persons, SignatureKind.PAPER, now)
    audit_record(
        actor=actor,
        action="talks.topic:sign_paper",
        target=topic,
        role=role,
        changes={"persons": [p.pk for p in persons]},
    )
    return len(persons)


@service("talks.topic:withdraw_signature")
def signature_withdraw(*, actor: Any, topic: TalkTopic) -> TalkSignature:
    """A co-signer takes their signature back while the topic is still collecting."""
    now = timezone.now()
    person = _verified_person(actor)
    signature = (
        TalkSignature.objects.filter(topic=topic, person=person, withdrawn_at__isnull=True).first()
        if person is not None
        else None
    )
    if signature is None:
        raise NotAllowed(_("您没有联署该点题。"))
    if topic.status != TopicStatus.SIGNING:
        raise InvalidTransition(_("点题已报送或结束，联署不能再撤回。"))
    withdrawn = TalkSignature.objects.filter(pk=signature.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    moved = TalkTopic.objects.filter(pk=topic.pk, status=TopicStatus.SIGNING).update(
        signature_count=F("signature_count") - withdrawn
    )
    if not moved:
        raise InvalidTransition(_("点题已报送或结束，联署不能再撤回。"))
    topic.refresh_from_db(fields=["signature_count"])
    signature.withdrawn_at = now
    audit_record(actor=actor, action="talks.topic:withdraw_signature", target=topic)
    return signature


# --- Submit, accept, merge, decline -------------------------------------------------------------


@service("talks.topic:submit")
def topic_submit(
    *, actor: Any, topic: TalkTopic, comment: str = "", at: datetime.datetime | None = None
) -> TalkTopic:
    """The community forwards a topic that reached its threshold to the district. The author
    may press the button; the community's social workers and secretary may add their comment."""
    now = _now(actor, at)
    if topic.author_id == getattr(actor, "pk", None) and not policies.may_collect(actor, topic):
        role = "author"
    else:
        role = permissions.require_at(
            actor, policies.COLLECT.name, topic.region.path, _("只有发起人或本社区社工可以报送。")
        )
    comment = _clean_text(comment, "comment", _("社区意见"), 1000, required=False)
    if topic.status == TopicStatus.SIGNING:
        if topic.signing_deadline is not None and now > topic.signing_deadline:
            raise InvalidTransition(_("联署期已过，不能再报送。"))
        if topic.signature_count < topic.signature_threshold:
            raise NotAllowed(
                _("联署人数不足：已有 %(n)s 人，需 %(t)s 人，还差 %(d)s 人。")
                % {
                    "n": topic.signature_count,
                    "t": topic.signature_threshold,
                    "d": topic.signature_threshold - topic.signature_count,
                }
            )
    sources, target = TRANSITIONS["submit"]
    updated = TalkTopic.objects.filter(
        pk=topic.pk, status__in=sources, signature_count__gte=F("signature_threshold")
    ).update(status=target, submitted_at=now, submit_comment=comment)
    if not updated:
        raise InvalidTransition(
            _("该点题当前为“%(status)s”，不能报送。") % {"status": TopicStatus(topic.status).label}
        )
    topic.status, topic.submitted_at, topic.submit_comment = target, now, comment
    _event(topic, "submitted", _label(actor), comment or _("社区报送区委组织部。"), now)
    _notify_signers(topic, "talks.submitted", _("点题“%(t)s”已报送区里") % {"t": topic.title})
    for user_id in _organisers_of(topic.district_id):
        notify(
            recipient_id=user_id,
            kind="talks.submitted",
            title=_("新的点题待受理：%(t)s") % {"t": topic.title},
            url=_url(topic),
        )
    audit_record(actor=actor, action="talks.topic:submit", target=topic, role=role)
    return topic


def _require_decide(actor: Any, topic: TalkTopic) -> str:
    return permissions.require_at(
        actor, policies.DECIDE.name, topic.region.path, _("只有区委组织部可以受理点题。")
    )


@service("talks.topic:accept")
def topic_accept(*, actor: Any, topic: TalkTopic, at: datetime.datetime | None = None) -> TalkTopic:
    now = _now(actor, at)
    role = _require_decide(actor, topic)
    _transition(topic, "accept", decided_at=now, accepted_at=now)
    _event(topic, "accepted", _("区委组织部"), _("受理点题，将安排约谈。"), now)
    _notify_signers(topic, "talks.accepted", _("点题“%(t)s”已受理") % {"t": topic.title})
    audit_record(actor=actor, action="talks.topic:accept", target=topic, role=role)
    return topic


@service("talks.topic:decline")
def topic_decline(
    *, actor: Any, topic: TalkTopic, reason: str, at: datetime.datetime | None = None
) -> TalkTopic:
    now = _now(actor, at)
    role = _require_decide(actor, topic)
    reason = _clean_text(reason, "reason", _("不予受理的理由（将公开）"), 1000)
    _transition(topic, "decline", decided_at=now, decline_reason=reason)
    _event(topic, "declined", _("区委组织部"), reason, now)
    _notify_signers(topic, "talks.declined", _("点题“%(t)s”未受理") % {"t": topic.title}, reason)
    audit_record(actor=actor, action="talks.topic:decline", target=topic, role=role)
    return topic


@service("talks.topic:merge")
def topic_merge(
    *, actor: Any, topic: TalkTopic, into: TalkTopic, at: datetime.datetime | None = None
) -> TalkTopic:
    """Merge a duplicate into another topic of the district; its co-signers (and author) are
    carried over to the other topic unless they already signed it."""
    now = _now(actor, at)
    role = _require_decide(actor, topic)
    if into.pk == topic.pk or into.district_id != topic.district_id:
        raise InvalidInput(_("请选择本区另一个点题。"), field="into_id")
    if into.status not in (TopicStatus.SUBMITTED, TopicStatus.ACCEPTED, TopicStatus.SCHEDULED):
        raise InvalidTransition(_("只能并入已报送、已受理或已约定约谈的点题。"), field="into_id")
    _transition(topic, "merge", decided_at=now, merged_into=into)
    present = set(
        TalkSignature.objects.filter(topic=into, withdrawn_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    present.add(into.author_person_id)
    carried_ids = [
        pid
        for pid in TalkSignature.objects.filter(topic=topic, withdrawn_at__isnull=True).values_list(
            "person_id", flat=True
        )
        if pid not in present
    ]
    if topic.author_person_id not in present and topic.author_person_id not in carried_ids:
        carried_ids.append(topic.author_person_id)
    TalkSignature.objects.bulk_create(
        [
            TalkSignature(topic=into, person_id=pid, kind=SignatureKind.CARRIED, signed_at=now)
            for pid in carried_ids
        ]
    )
    TalkTopic.objects.filter(pk=into.pk).update(signature_count=F("signature_count") + len(carried_ids))
    into.refresh_from_db(fields=["signature_count"])
    _event(topic, "merged", _("区委组织部"), _("与“%(t)s”合并办理。") % {"t": into.title}, now)
    _event(
        into,
        "merged_in",
        _("区委组织部"),
        _("并入“%(t)s”，转入联署 %(n)s 人。") % {"t": topic.title, "n": len(carried_ids)},
        now,
    )
    _notify_signers(topic, "talks.merged", _("点题“%(t)s”已合并办理") % {"t": topic.title})
    audit_record(actor=actor, action="talks.topic:merge", target=topic, role=role, changes={"into": into.pk})
    return topic


# --- The talk ----------------------------------------------------------------------------------


@service("talks.topic:schedule")
def topic_schedule(
    *,
    actor: Any,
    topic: TalkTopic,
    talk_at: datetime.datetime,
    place: str,
    leader: User | None = None,
    departments: Sequence[Department] = (),
    at: datetime.datetime | None = None,
) -> TalkTopic:
    """Fix date, place, the leader who leads and the departments present; signers are told."""
    now = _now(actor, at)
    role = _require_decide(actor, topic)
    place = _clean_text(place, "place", _("约谈地点"), 120)
    leader = leader or topic.invited_leader
    if leader is None or not is_district_leader(leader, topic.district_id):
        raise InvalidInput(_("请选择牵头的区领导。"), field="leader_id")
    if talk_at < now - datetime.timedelta(days=1) and not is_system(actor):
        raise InvalidInput(_("约谈时间不能早于今天。"), field="talk_at")
    chosen = {d.pk: d for d in departments}
    if topic.invited_department is not None:
        chosen.setdefault(topic.invited_department_id, topic.invited_department)  # type: ignore[arg-type]
    if any(d.district_id != topic.district_id for d in chosen.values()):
        raise InvalidInput(_("到场部门须为本区职能部门。"), field="department_ids")
    _transition(topic, "schedule", talk_at=talk_at, talk_place=place, invited_leader=leader)
    topic.present_departments.set(list(chosen.values()))
    names = "、".join(d.name for d in chosen.values())
    _event(
        topic,
        "scheduled",
        _("区委组织部"),
        _("约谈定于 %(at)s 在%(place)s举行，%(leader)s牵头%(depts)s。")
        % {
            "at": _local(talk_at),
            "place": place,
            "leader": str(leader),
            "depts": ("，" + _("到场部门：") + names) if names else "",
        },
        now,
    )
    _notify_signers(
        topic,
        "talks.scheduled",
        _("点题“%(t)s”约谈时间已定") % {"t": topic.title},
        _("%(at)s，%(place)s") % {"at": _local(talk_at), "place": place},
    )
    notify(
        recipient_id=leader.pk,
        kind="talks.scheduled",
        title=_("您受邀约谈：%(t)s") % {"t": topic.title},
        url=_url(topic),
    )
    audit_record(actor=actor, action="talks.topic:schedule", target=topic, role=role)
    return topic


@dataclass(frozen=True)
class Commitment:
    title: str
    deadline: datetime.date
    lead_department: Department | None = None
    weight: int = 1


@service("talks.topic:record_talk")
def topic_record_talk(
    *,
    actor: Any,
    topic: TalkTopic,
    minutes: str,
    commitments: Sequence[Commitment],
    at: datetime.datetime | None = None,
) -> list[TalkTask]:
    """After the talk: the minutes, and each commitment as a task with a deadline (and the
    department named to lead it, which still has to claim it)."""
    now = _now(actor, at)
    role = Role.DISTRICT_LEADER if policies.leads_topic(actor, topic) else _require_decide(actor, topic)
    minutes = _clean_text(minutes, "minutes", _("约谈纪要"), 5000)
    if len(commitments) > 30:
        raise InvalidInput(_("一次最多 30 项承诺。"), field="commitments")
    for c in commitments:
        _clean_text(c.title, "commitments", _("承诺事项"), 200)
        if not 1 <= c.weight <= 10:
            raise InvalidInput(_("权重须为 1–10。"), field="commitments")
        if c.lead_department is not None and c.lead_department.district_id != topic.district_id:
            raise InvalidInput(_("牵头部门须为本区职能部门。"), field="commitments")
        if c.deadline < timezone.localtime(now).date():
            raise InvalidInput(_("完成期限不能早于约谈日期。"), field="commitments")
    _transition(topic, "record_talk", talked_at=now, minutes=minutes, progress=0)
    tasks = TalkTask.objects.bulk_create(
        [
            TalkTask(
                topic=topic,
                district_id=topic.district_id,
                title=c.title.strip(),
                deadline=c.deadline,
                weight=c.weight,
                lead_department=c.lead_department,
                created_at=now,
            )
            for c in commitments
        ]
    )
    _event(topic, "talked", str(topic.invited_leader or _("区委组织部")), minutes, now)
    for task in tasks:
        _event(
            topic,
            "task",
            _("区委组织部"),
            _("任务：%(t)s（期限 %(d)s%(lead)s）")
            % {
                "t": task.title,
                "d": task.deadline,
                "lead": ("，" + _("牵头：") + task.lead_department.name) if task.lead_department else "",
            },
            now,
        )
    _notify_signers(
        topic,
        "talks.talked",
        _("点题“%(t)s”约谈已举行") % {"t": topic.title},
        _("形成 %(n)s 项任务，进展将在点题页面公开。") % {"n": len(tasks)},
    )
    department_ids = {t.lead_department_id for t in tasks if t.lead_department_id}
    department_ids |= set(topic.present_departments.values_list("pk", flat=True))
    for user_id in _liaisons_of(department_ids):
        notify(
            recipient_id=user_id,
            kind="talks.task_new",
            title=_("约谈新任务待认领：%(t)s") % {"t": topic.title},
            url=reverse("talk_task_inbox"),
        )
    if not tasks:
        _close(topic, now)
    audit_record(
        actor=actor, action="talks.topic:record_talk", target=topic, role=role, changes={"tasks": len(tasks)}
    )
    return tasks


# --- Tasks ----------------------------------------------------------------------------------------


def _department_for(actor: Any, task: TalkTask, department: Department | None) -> Department:
    mine = policies.liaison_departments(actor)
    if department is not None:
        if not permissions.is_global(actor) and department.pk not in mine:
            raise NotAllowed(_("您只能代表本部门认领。"))
        return department
    if task.lead_department_id in mine:
        assert task.lead_department is not None
        return task.lead_department
    if not mine:
        raise NotAllowed(_("只有职能部门联络员可以认领任务。"))
    return Department.objects.get(pk=sorted(mine)[0])


@service("talks.task:claim")
def task_claim(
    *,
    actor: Any,
    task: TalkTask,
    department: Department | None = None,
    at: datetime.datetime | None = None,
) -> TalkTask:
    """A department takes the task on; exactly one claim wins."""
    now = _now(actor, at)
    role = permissions.acting_role(actor, policies.CLAIM.name, task.topic.region.path)
    if not role:
        raise NotAllowed(_("只有职能部门联络员可以认领任务。"))
    chosen = _department_for(actor, task, department)
    if task.topic.status != TopicStatus.ANSWERING:
        raise InvalidTransition(_("该点题不在答题解难阶段，任务不能认领。"))
    updated = TalkTask.objects.filter(pk=task.pk, department__isnull=True).update(
        department=chosen, claimed_at=now
    )
    if not updated:
        holder = TalkTask.objects.filter(pk=task.pk).values_list("department__name", flat=True).first()
        if holder == chosen.name:
            raise Conflict(_("本部门已认领该任务。"))
        raise Conflict(_("该任务已由%(d)s认领。") % {"d": holder})
    task.department, task.claimed_at = chosen, now
    _event(task.topic, "claimed", chosen.name, _("认领任务：%(t)s") % {"t": task.title}, now)
    audit_record(
        actor=actor, action="talks.task:claim", target=task, role=role, changes={"department": chosen.pk}
    )
    return task


def claim_due(task: TalkTask) -> datetime.date:
    rules = rules_for(task.district_id)
    return add_working_days(timezone.localtime(task.created_at).date(), rules.claim_working_days)


@service("talks.task:assign")
def task_assign(
    *, actor: Any, task: TalkTask, department: Department, at: datetime.datetime | None = None
) -> TalkTask:
    """The leading leader (or the organisation department) assigns a task that no department
    claimed within the claim period (5 working days by default)."""
    now = _now(actor, at)
    topic = task.topic
    if policies.leads_topic(actor, topic):
        role: str = Role.DISTRICT_LEADER
    else:
        role = permissions.require_at(
            actor, policies.DECIDE.name, topic.region.path, _("只有牵头领导或区委组织部可以指派任务。")
        )
    if department.district_id != task.district_id:
        raise InvalidInput(_("须指派给本区职能部门。"), field="department_id")
    due = claim_due(task)
    if timezone.localtime(now).date() < due:
        raise NotAllowed(_("认领期至 %(d)s，期满仍无人认领才能指派。") % {"d": due})
    updated = TalkTask.objects.filter(pk=task.pk, department__isnull=True).update(
        department=department, claimed_at=now, assigned=True
    )
    if not updated:
        raise Conflict(_("该任务已有部门承办。"))
    task.department, task.claimed_at, task.assigned = department, now, True
    _event(
        topic,
        "assigned",
        str(actor) if not is_system(actor) else _("系统"),
        _("指派%(d)s承办：%(t)s") % {"d": department.name, "t": task.title},
        now,
    )
    for user_id in _liaisons_of([department.pk]):
        notify(
            recipient_id=user_id,
            kind="talks.task_assigned",
            title=_("指派任务：%(t)s") % {"t": task.title},
            url=reverse("talk_task_inbox"),
        )
    audit_record(actor=actor, action="talks.task:assign", target=task, role=role)
    return task


def recompute_progress(topic: TalkTopic) -> int:
    """A topic's progress: the mean of its tasks' percents, weighted by their weights."""
    rows = list(TalkTask.objects.filter(topic=topic).values_list("percent", "weight"))
    total = sum(w for _p, w in rows)
    value = round(sum(p * w for p, w in rows) / total) if total else 0
    TalkTopic.objects.filter(pk=topic.pk).update(progress=value)
    topic.progress = value
    return value


def _close(topic: TalkTopic, now: datetime.datetime) -> None:
    _transition(topic, "close", closed_at=now, progress=100 if topic.tasks.exists() else topic.progress)
    _event(topic, "closed", _("系统"), _("全部任务完成，点题办结。欢迎联署居民评价。"), now)
    _notify_signers(
        topic,
        "talks.closed",
        _("点题“%(t)s”已办结，请您评价") % {"t": topic.title},
        _("请在 %(n)s 天内为办理结果打分。") % {"n": rules_for(topic.district_id).rating_window_days},
    )


@service("talks.task:progress")
def task_progress(
    *,
    actor: Any,
    task: TalkTask,
    status: str,
    percent: int | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
) -> TalkProgress:
    """The department carrying the task reports progress; the status carries a default percent.
    When the last task is done the topic closes."""
    now = _now(actor, at)
    role = permissions.acting_role(actor, policies.CLAIM.name, task.topic.region.path)
    if not permissions.is_global(actor) and (
        not role or task.department_id not in policies.liaison_departments(actor)
    ):
        raise NotAllowed(_("只有承办部门可以报告进展。"))
    if task.department_id is None:
        raise InvalidTransition(_("任务尚未认领，请先认领。"))
    if status not in TaskStatus.values:
        raise InvalidInput(_("进展状态取值不正确。"), field="status")
    if status == TaskStatus.DONE:
        percent = 100
    elif percent is None:
        percent = status_percent(status)
    elif not 0 <= percent <= 99:
        raise InvalidInput(_("未完成的任务，进度须在 0–99 之间。"), field="percent")
    note = _clean_text(note, "note", _("说明"), 2000, required=False)
    updated = TalkTask.objects.filter(
        pk=task.pk, done_at__isnull=True, topic__status=TopicStatus.ANSWERING
    ).update(status=status, percent=percent, done_at=now if status == TaskStatus.DONE else None)
    if not updated:
        raise InvalidTransition(_("任务已完成，不能再更新进展。"))
    task.status, task.percent = status, percent
    task.done_at = now if status == TaskStatus.DONE else None
    update = TalkProgress.objects.create(
        task=task,
        status=status,
        percent=percent,
        note=note,
        by=actor if isinstance(actor, User) else None,
        at=now,
    )
    topic = task.topic
    recompute_progress(topic)
    department_name = task.department.name if task.department else ""
    _event(
        topic,
        "progress",
        department_name,
        _("%(t)s：%(s)s %(p)s%%%(note)s")
        % {
            "t": task.title,
            "s": TaskStatus(status).label,
            "p": percent,
            "note": ("。" + note) if note else "",
        },
        now,
    )
    if not TalkTask.objects.filter(topic=topic, done_at__isnull=True).exists():
        _close(topic, now)
    elif status == TaskStatus.DONE:
        _notify_signers(
            topic,
            "talks.progress",
            _("点题“%(t)s”进度 %(p)s%%") % {"t": topic.title, "p": topic.progress},
            _("已完成：%(t)s") % {"t": task.title},
        )
    audit_record(
        actor=actor,
        action="talks.task:progress",
        target=task,
        role=role or "system",
        changes={"status": status, "percent": percent},
    )
    return update


# --- Rating -----------------------------------------------------------------------------------------


def _check_rating(topic: TalkTopic, person: Person, score: int, now: datetime.datetime, days: int) -> None:
    if topic.status != TopicStatus.CLOSED or topic.closed_at is None:
        raise InvalidTransition(_("点题办结后才能评价。"))
    if now > topic.closed_at + datetime.timedelta(days=days):
        raise InvalidTransition(_("评价期（办结后 %(n)s 天）已过。") % {"n": days})
    signer = (
        person.pk == topic.author_person_id
        or TalkSignature.objects.filter(topic=topic, person=person, withdrawn_at__isnull=True).exists()
    )
    if not signer:
        raise NotAllowed(_("只有联署该点题的居民可以评价。"))
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput(_("评分须为 1–5 分。"), field="score")


@service("talks.topic:rate")
def topic_rate(
    *,
    actor: Any,
    topic: TalkTopic,
    score: int,
    comment: str = "",
    at: datetime.datetime | None = None,
) -> TalkRating:
    """A co-signer (or the author) rates the outcome, 1–5, within the rating window."""
    now = _now(actor, at)
    person = _verified_person(actor)
    if person is None:
        raise NotAllowed(_("只有联署居民可以评价。"))
    _check_rating(topic, person, score, now, rules_for(topic.district_id).rating_window_days)
    comment = _clean_text(comment, "comment", _("评价"), 300, required=False)
    try:
        with transaction.atomic():
            rating = TalkRating.objects.create(
                topic=topic, person=person, score=score, comment=comment, at=now
            )
    except IntegrityError:
        raise Conflict(_("您已经评价过该点题。")) from None
    audit_record(
        actor=actor, action="talks.topic:rate", target=topic, role=Role.RESIDENT, changes={"score": score}
    )
    return rating


@service("talks.topic:rate_paper")
def topic_rate_on_paper(
    *,
    actor: Any,
    topic: TalkTopic,
    ratings: Sequence[tuple[Person, int, str]],
    at: datetime.datetime | None = None,
) -> int:
    """A social worker enters a sheet of ratings given on paper by co-signers without phones
    (same rules as an online rating; marked as paper)."""
    now = _now(actor, at)
    role = permissions.require_at(
        actor, policies.COLLECT.name, topic.region.path, _("只有本社区社工可以录入纸质评价。")
    )
    rows = []
    days = rules_for(topic.district_id).rating_window_days
    for person, score, comment in ratings:
        _check_rating(topic, person, score, now, days)
        rows.append(
            TalkRating(
                topic=topic,
                person=person,
                score=score,
                comment=_clean_text(comment, "comment", _("评价"), 300, required=False),
                on_paper=True,
                at=now,
            )
        )
    try:
        with transaction.atomic():
            TalkRating.objects.bulk_create(rows)
    except IntegrityError:
        raise Conflict(_("名单中有居民已经评价过该点题。")) from None
    audit_record(
        actor=actor,
        action="talks.topic:rate_paper",
        target=topic,
        role=role,
        changes={"persons": [r.person_id for r in rows]},
    )
    return len(rows)


# --- The daily sweep ----------------------------------------------------------------------------------


@dataclass
class SweepReport:
    expired: int = 0
    supervised: int = 0


@service("talks.sweep")
def talks_sweep(*, actor: Any, now: datetime.datetime | None = None) -> SweepReport:
    """Expire topics whose signature window closed unsubmitted; raise a supervision notice (督办)
    for each overdue task, to its department and the organisation department."""
    if not is_system(actor) and not permissions.is_global(actor):
        raise NotAllowed(_("只有系统任务可以执行。"))
    now = now or timezone.now()
    report = SweepReport()
    for topic in TalkTopic.objects.filter(
        status=TopicStatus.SIGNING, signing_deadline__lt=now
    ).select_related("region"):
        try:
            with transaction.atomic():
                _transition(topic, "expire", expired_at=now)
        except InvalidTransition:
            continue
        _event(
            topic,
            "expired",
            _("系统"),
            _("联署期满，仅 %(n)s 人联署（需 %(t)s 人），点题过期。")
            % {"n": topic.signature_count, "t": topic.signature_threshold},
            now,
        )
        _notify_signers(topic, "talks.expired", _("点题“%(t)s”联署期满未达人数") % {"t": topic.title})
        report.expired += 1
    today = timezone.localtime(now).date()
    overdue = TalkTask.objects.filter(
        deadline__lt=today,
        done_at__isnull=True,
        supervised_at__isnull=True,
        topic__status=TopicStatus.ANSWERING,
    ).select_related("topic", "department")
    for task in overdue:
        if not TalkTask.objects.filter(pk=task.pk, supervised_at__isnull=True).update(supervised_at=now):
            continue
        who = task.department.name if task.department else _("（尚无部门认领）")
        _event(
            task.topic,
            "supervised",
            _("区委组织部"),
            _("督办：%(t)s 已超期（期限 %(d)s，承办：%(who)s）。")
            % {"t": task.title, "d": task.deadline, "who": who},
            now,
        )
        recipients = set(_organisers_of(task.district_id))
        recipients |= set(_liaisons_of([task.department_id] if task.department_id else []))
        for user_id in sorted(recipients):
            notify(
                recipient_id=user_id,
                kind="talks.supervision",
                title=_("督办：任务“%(t)s”已超期") % {"t": task.title},
                body=_("期限 %(d)s，承办：%(who)s。") % {"d": task.deadline, "who": who},
                url=_url(task.topic),
            )
        report.supervised += 1
    audit_record(
        actor=actor,
        action="talks.sweep",
        changes={"expired": report.expired, "supervised": report.supervised},
    )
    return report


@service("talks.rules:set")
def rules_set(
    *,
    actor: Any,
    district: Region,
    signature_threshold: int,
    signature_window_days: int,
    claim_working_days: int = 5,
    rating_window_days: int = 30,
) -> TalkRules:
    role = permissions.require_at(actor, policies.DECIDE.name, district.path)
    if not 2 <= signature_threshold <= 1000:
        raise InvalidInput(_("联署人数门槛须为 2–1000。"), field="signature_threshold")
    if not 1 <= signature_window_days <= 365:
        raise InvalidInput(_("联署期限须为 1–365 天。"), field="signature_window_days")
    rules, _created = TalkRules.objects.update_or_create(
        district=district,
        defaults={
            "signature_threshold": signature_threshold,
            "signature_window_days": signature_window_days,
            "claim_working_days": claim_working_days,
            "rating_window_days": rating_window_days,
        },
    )
    audit_record(actor=actor, action="talks.rules:set", target=rules, role=role)
    return rules

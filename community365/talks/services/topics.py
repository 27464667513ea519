"""A topic's own steps: raise, edit, open, addendum; submit to the district, and the district's
decision (accept, decline, merge)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed
from community365.core.phrases import date_param
from community365.core.roles import Role
from community365.notifications.services import notify
from community365.people.models import Person, User
from community365.regions.models import COMMUNITY_KINDS, Department

from .. import phrases, policies
from ..models import TRANSITIONS, InviteeKind, SignatureKind, TalkSignature, TalkTopic, TopicStatus
from ._common import (
    ORGANISATION_CREDIT,
    Credit,
    _clean_invitee,
    _clean_text,
    _event,
    _label,
    _notify_signers,
    _now,
    _organisers_of,
    _require_decide,
    _status_word,
    _transition,
    _url,
    _verified_person,
)
from .rules import rules_for

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
    _event(topic, "raised", Credit(label=person.masked_name), phrases.EVENT_RAISED, now)
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
    assert topic.signing_deadline is not None
    _event(
        topic,
        "opened",
        Credit(label=topic.author_person.masked_name),
        phrases.EVENT_OPENED,
        now,
        n=topic.signature_threshold,
        deadline=date_param(timezone.localtime(topic.signing_deadline).date()),
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
    _event(topic, "addendum", _label(actor), phrases.EVENT_ADDENDUM, timezone.now(), text=text)
    audit_record(actor=actor, action="talks.topic:addendum", target=topic)
    return topic


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
            _("该点题当前为“%(status)s”，不能报送。") % {"status": _status_word(topic.status)}
        )
    topic.status, topic.submitted_at, topic.submit_comment = target, now, comment
    if comment:
        _event(topic, "submitted", _label(actor), phrases.EVENT_SUBMITTED_COMMENT, now, comment=comment)
    else:
        _event(topic, "submitted", _label(actor), phrases.EVENT_SUBMITTED, now)
    _notify_signers(topic, phrases.NOTE_SUBMITTED)
    for user_id in _organisers_of(topic.district_id):
        notify(
            recipient_id=user_id, code=phrases.NOTE_TO_DECIDE, params={"title": topic.title}, url=_url(topic)
        )
    audit_record(actor=actor, action="talks.topic:submit", target=topic, role=role)
    return topic


@service("talks.topic:accept")
def topic_accept(*, actor: Any, topic: TalkTopic, at: datetime.datetime | None = None) -> TalkTopic:
    now = _now(actor, at)
    role = _require_decide(actor, topic)
    _transition(topic, "accept", decided_at=now, accepted_at=now)
    _event(topic, "accepted", ORGANISATION_CREDIT, phrases.EVENT_ACCEPTED, now)
    _notify_signers(topic, phrases.NOTE_ACCEPTED)
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
    _event(topic, "declined", ORGANISATION_CREDIT, phrases.EVENT_DECLINED, now, reason=reason)
    _notify_signers(topic, phrases.NOTE_DECLINED, reason=reason)
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
    _event(topic, "merged", ORGANISATION_CREDIT, phrases.EVENT_MERGED, now, title=into.title, into=into.pk)
    _event(
        into,
        "merged_in",
        ORGANISATION_CREDIT,
        phrases.EVENT_MERGED_IN,
        now,
        title=topic.title,
        n=len(carried_ids),
        topic=topic.pk,
    )
    _notify_signers(topic, phrases.NOTE_MERGED)
    audit_record(actor=actor, action="talks.topic:merge", target=topic, role=role, changes={"into": into.pk})
    return topic

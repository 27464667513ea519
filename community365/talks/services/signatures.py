"""Co-signatures: online, on paper, and withdrawing one."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.core.roles import Role
from community365.notifications.services import notify
from community365.people.models import Person, RoleAssignment, User

from .. import phrases, policies
from ..models import SignatureKind, TalkSignature, TalkTopic, TopicStatus
from ._common import (
    SYSTEM_CREDIT,
    _event,
    _label,
    _local,
    _notify_signers,
    _now,
    _status_word,
    _url,
    _verified_person,
)

# --- Co-signatures ---------------------------------------------------------------------------


def _check_signable(topic: TalkTopic, now: datetime.datetime) -> None:
    if topic.status != TopicStatus.SIGNING:
        raise InvalidTransition(
            _("该点题当前为“%(status)s”，不在联署期。") % {"status": _status_word(topic.status)}
        )
    if topic.signing_deadline is not None and now > topic.signing_deadline:
        raise InvalidTransition(
            _("联署期已过（截止 %(d)s），不能再联署。") % {"d": _local(topic.signing_deadline)}
        )


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
        _event(topic, "threshold", SYSTEM_CREDIT, phrases.EVENT_THRESHOLD, now, n=topic.signature_threshold)
        _notify_signers(topic, phrases.NOTE_THRESHOLD, n=topic.signature_count)
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
                code=phrases.NOTE_THRESHOLD_STAFF,
                params={"title": topic.title},
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
    _event(topic, "paper", _label(actor), phrases.EVENT_PAPER, now, n=len(persons))
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

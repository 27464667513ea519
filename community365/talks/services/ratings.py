"""Ratings of a closed topic by its co-signers, online or on paper."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.core.roles import Role
from community365.people.models import Person

from .. import policies
from ..models import TalkRating, TalkSignature, TalkTopic, TopicStatus
from ._common import _clean_text, _now, _verified_person
from .rules import rules_for

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

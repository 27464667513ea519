"""Every write of two-way talks. Each step of a topic's lifecycle is a service: it checks the
actor's permission at the topic's community, applies the step as a conditional UPDATE (see
``models.TRANSITIONS``), writes the public timeline and the audit trail, and notifies on commit.

Services take ``at`` (the time the step happened) only from the system actor: the demo
generator uses it to lay down a history; people always act "now".

One module per concern; all are importable from here (``from community365.talks import services``)."""

from __future__ import annotations

from ._common import is_district_leader
from .ratings import topic_rate, topic_rate_on_paper
from .rules import DEFAULT_PERCENT, add_working_days, rules_for, rules_set, status_percent
from .signatures import signature_withdraw, topic_sign, topic_sign_on_paper
from .talks import Commitment, topic_record_talk, topic_schedule
from .tasks import (
    SweepReport,
    claim_due,
    recompute_progress,
    talks_sweep,
    task_assign,
    task_claim,
    task_progress,
)
from .topics import (
    topic_accept,
    topic_add_addendum,
    topic_decline,
    topic_edit,
    topic_merge,
    topic_open,
    topic_raise,
    topic_submit,
)

__all__ = [
    "DEFAULT_PERCENT",
    "Commitment",
    "SweepReport",
    "add_working_days",
    "claim_due",
    "is_district_leader",
    "recompute_progress",
    "rules_for",
    "rules_set",
    "signature_withdraw",
    "status_percent",
    "talks_sweep",
    "task_assign",
    "task_claim",
    "task_progress",
    "topic_accept",
    "topic_add_addendum",
    "topic_decline",
    "topic_edit",
    "topic_merge",
    "topic_open",
    "topic_raise",
    "topic_rate",
    "topic_rate_on_paper",
    "topic_record_talk",
    "topic_schedule",
    "topic_sign",
    "topic_sign_on_paper",
    "topic_submit",
]

"""Writes of the three linkages. Every function is a service: keyword-only, ``actor`` first,
one transaction with an audit entry, notifications on commit. Services that build history
for the demo accept ``now`` from the system actor only. One module per linkage; all are
importable from here (``from community365.teams import services``)."""

from __future__ import annotations

from .alliance import (
    activity_cancel,
    activity_create,
    activity_set_served,
    service_kind_define,
    signup_cancel,
    signup_check_in,
    signup_check_out,
    signup_create,
    team_add_member,
    team_create,
    team_leave,
)
from .hours import (
    certificate_issue,
    correction_decline,
    correction_request,
    record_correct,
    record_enter,
    record_sheet,
    record_verify,
)
from .party import (
    party_member_decide,
    party_member_register,
    party_member_set_posts,
    unit_report_decide,
    unit_report_register,
)
from .rota import (
    CoverageGaps,
    PatternEntry,
    monday_of,
    roster_copy_week,
    roster_fill_pattern,
    roster_open,
    roster_publish,
    shift_add,
    shift_remove,
    swap_decide,
    swap_request,
    swap_withdraw,
)

__all__ = [
    "CoverageGaps",
    "PatternEntry",
    "activity_cancel",
    "activity_create",
    "activity_set_served",
    "certificate_issue",
    "correction_decline",
    "correction_request",
    "monday_of",
    "party_member_decide",
    "party_member_register",
    "party_member_set_posts",
    "record_correct",
    "record_enter",
    "record_sheet",
    "record_verify",
    "roster_copy_week",
    "roster_fill_pattern",
    "roster_open",
    "roster_publish",
    "service_kind_define",
    "shift_add",
    "shift_remove",
    "signup_cancel",
    "signup_check_in",
    "signup_check_out",
    "signup_create",
    "swap_decide",
    "swap_request",
    "swap_withdraw",
    "team_add_member",
    "team_create",
    "team_leave",
    "unit_report_decide",
    "unit_report_register",
]

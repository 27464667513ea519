"""The three linkages' stored words: notification codes (rendered in the reader's language when
the inbox is read). Imported from ``TeamsConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from community365.core.phrases import date_param, phrase_param, register

from .models import Slot

# A slot's name as a parameter: the reader's word for "evening", not the writer's.
for _value, _label in Slot.choices:
    register(f"teams.slot.{_value}", _label)

ACTIVITY_CANCELLED = register("teams.activity_cancelled", _("活动已取消：%(title)s"))
WAITLIST_PROMOTED = register("teams.waitlist_promoted", _("候补成功，您已报名：%(title)s"))
HOURS_VERIFIED = register("teams.hours_verified", _("服务时长已核实：%(title)s"))
HOURS_REJECTED = register("teams.hours_rejected", _("服务时长未通过核实：%(title)s"))
register("teams.hours_rejected.body", _("原因：%(note)s"))
CORRECTION_REQUESTED = register("teams.correction_requested", _("服务时长更正申请：%(title)s"))
HOURS_CORRECTED = register("teams.hours_corrected", _("服务时长已更正：%(title)s"))
CORRECTION_DECLINED = register("teams.correction_declined", _("更正申请未获同意：%(title)s"))
register("teams.correction_declined.body", _("说明：%(note)s"))
PARTY_CONFIRMED = register("teams.party_confirmed", _("%(community)s已确认您的党员报到"))
PARTY_DECLINED = register("teams.party_declined", _("%(community)s未同意您的党员报到"))
SWAP_REQUESTED = register("teams.swap_requested", _("换班申请：%(date)s %(slot)s，%(requester)s → %(taker)s"))
SWAP_APPROVED = register("teams.swap_approved", _("换班申请已同意：%(date)s %(slot)s"))
SWAP_REJECTED = register("teams.swap_rejected", _("换班申请未获同意：%(date)s %(slot)s"))


def shift_params(shift: Any) -> dict[str, Any]:
    """A shift as parameters: its date and slot rendered for the reader (a custom slot's label
    is what the secretary wrote)."""
    slot: Any = shift.custom_label if shift.custom_label else phrase_param(f"teams.slot.{shift.slot}")
    return {"date": date_param(shift.date), "slot": slot}

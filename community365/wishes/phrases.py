"""Every sentence the wishes app stores: history events, notes the system writes and
notifications, as registered codes rendered in the reader's language (``core/phrases.py``).

A code once stored is history: never rename one; add a new code instead."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from community365.core.phrases import phrase_param, register
from community365.regions.models import OrganisationKind

# --- the wish's history (WishEvent.code) -----------------------------------------------------------
EVENTS = {
    "create": register("wishes.event.create", _("登记心愿")),
    "submit": register("wishes.event.submit", _("已提交审核")),
    "approve": register("wishes.event.approve", _("审核通过")),
    "return": register("wishes.event.return", _("退回修改")),
    "reject": register("wishes.event.reject", _("未予通过")),
    "schedule": register("wishes.event.schedule", _("安排定时发布")),
    "publish": register("wishes.event.publish", _("发布到心愿墙")),
    "claim": register("wishes.event.claim", _("被认领")),
    "release": register("wishes.event.release", _("认领人放弃认领")),
    "lapse": register("wishes.event.lapse", _("认领已失效")),
    "fulfil": register("wishes.event.fulfil", _("认领人报告已送达")),
    "confirm": register("wishes.event.confirm", _("心愿人确认已圆梦")),
    "withdraw": register("wishes.event.withdraw", _("已撤回")),
    "expire": register("wishes.event.expire", _("已过期")),
    "contacted": register("wishes.event.contacted", _("认领人已联系心愿人")),
    "contact_request": register("wishes.event.contact_request", _("认领人请社工帮忙联系")),
    "phone_shared": register("wishes.event.phone_shared", _("心愿人的电话已告知认领人（认领期间可见）")),
    "report_problem": register("wishes.event.report_problem", _("反映没收到或有问题，已告知社工")),
}


def event_code(action: str) -> str:
    return EVENTS.get(action, f"wishes.event.{action}")


# --- notes the system writes (a parameter ``note`` of an event or a notification) --------------
NOTE_ENTERED_BY_WORKER = register("wishes.note.entered_by_worker", _("社工代录"))
NOTE_DEFAULT_APPROVAL = register("wishes.note.default_approval", _("符合微心愿条件，审核通过。"))
NOTE_LAPSED = register("wishes.note.lapsed", _("超过 %(days)s 天未联系心愿人"))
NOTE_EXPIRED = register("wishes.note.expired", _("已过希望实现日期，无人认领"))
NOTE_SCHEDULED = register("wishes.note.scheduled", _("定于 %(at)s 发布"))
NOTE_MARKET_ADDED = register("wishes.note.market_added", _("加入公益集市“%(market)s”"))
NOTE_MARKET_OPENED = register("wishes.note.market_opened", _("公益集市“%(market)s”开市"))


def note(code: str, **params: Any) -> dict[str, Any]:
    """A system note as a parameter, rendered for the reader."""
    return phrase_param(code, params)


# --- notifications (Notification.kind; ``<code>.body`` for the body) -------------------------------
APPROVED = register("wishes.approved", _("您的心愿“%(title)s”已审核通过"))
register("wishes.approved.body", "%(note)s")
RETURNED = register("wishes.returned", _("您的心愿“%(title)s”需要修改"))
register("wishes.returned.body", "%(note)s")
REJECTED = register("wishes.rejected", _("您的心愿“%(title)s”未通过审核"))
register("wishes.rejected.body", "%(note)s")
# The claimant's unit in a message: a role (core.role.<role>) at a place, or an organisation's kind.
CLAIMANT_UNIT = register("wishes.claimant_unit", "%(role)s · %(place)s")
ORGANISATION_KINDS = {
    kind.value: register(f"regions.organisation_kind.{kind.value}", kind.label) for kind in OrganisationKind
}

CLAIMED = register("wishes.claimed", _("您的心愿“%(title)s”已被认领"))
register(
    "wishes.claimed.body",
    _("认领人：%(claimant)s（%(unit)s），会在 %(days)s 天内与您联系。打开心愿可以把电话告诉认领人。"),
)
RELEASED = register("wishes.released", _("认领人放弃了您的心愿“%(title)s”，心愿已重新发布"))
register("wishes.released.body", "%(note)s")
DELIVERED = register("wishes.delivered", _("您的心愿“%(title)s”已送达，请确认"))
register("wishes.delivered.body", "%(note)s")
CONFIRMED = register("wishes.confirmed", _("心愿人已确认圆梦，谢谢您！"))
register("wishes.confirmed.body", "%(note)s")
CLAIM_LAPSED = register("wishes.claim_lapsed", _("您认领的心愿“%(title)s”已失效"))
register("wishes.claim_lapsed.body", "%(note)s")
CLAIM_WARNING = register("wishes.claim_warning", _("请尽快联系心愿人"))
register(
    "wishes.claim_warning.body",
    _("您认领的心愿“%(title)s”如在 %(deadline)s 前仍未联系，认领将失效。"),
)
MARKET_INVITE = register("wishes.market_invite", _("邀请您参加公益集市“%(market)s”"))
register("wishes.market_invite.body", _("%(at)s 开市，届时一批微心愿同时发布。"))
CONTACT_REQUESTED = register("wishes.contact_requested", _("认领人请您帮忙联系心愿“%(title)s”的心愿人"))
register(
    "wishes.contact_requested.body",
    _("认领人：%(claimant)s（%(unit)s）。请联系心愿人，征得同意后在心愿页把电话告知认领人，或代为转告。"),
)
PHONE_SHARED = register("wishes.phone_shared", _("心愿“%(title)s”的心愿人电话已告知您"))
register("wishes.phone_shared.body", _("电话只在认领期间可见，请打开心愿查看。"))
PROBLEM_REPORTED = register("wishes.problem_reported", _("心愿“%(title)s”的心愿人反映没收到或有问题"))
register("wishes.problem_reported.body", "%(note)s")

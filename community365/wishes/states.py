"""The lifecycle of a wish: every allowed transition, in one table.

A transition not in this table is refused (``InvalidTransition``) with the wish's current
state and the action named, so that a person knows why. Services apply a transition with a
conditional UPDATE (``WHERE status IN (sources)``), so two people acting at once cannot both
move the same wish."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import WishStatus as S


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    label: object  # lazy translation


def _t(action: str, sources: set[str], target: str, label: object) -> Transition:
    return Transition(action, frozenset(sources), target, label)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("submit", {S.DRAFT, S.RETURNED}, S.SUBMITTED, _("提交审核")),
        _t("approve", {S.SUBMITTED}, S.APPROVED, _("审核通过")),
        _t("return", {S.SUBMITTED}, S.RETURNED, _("退回修改")),
        _t("reject", {S.SUBMITTED}, S.REJECTED, _("不予通过")),
        _t("schedule", {S.APPROVED}, S.SCHEDULED, _("定时发布")),
        _t("publish", {S.APPROVED, S.SCHEDULED}, S.PUBLISHED, _("发布")),
        _t("claim", {S.PUBLISHED}, S.CLAIMED, _("认领")),
        _t("release", {S.CLAIMED}, S.PUBLISHED, _("放弃认领")),
        _t("lapse", {S.CLAIMED}, S.PUBLISHED, _("认领失效")),
        _t("fulfil", {S.CLAIMED}, S.DELIVERED, _("报告送达")),
        _t("confirm", {S.DELIVERED}, S.CONFIRMED, _("确认圆梦")),
        _t(
            "withdraw",
            {S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED, S.SCHEDULED, S.PUBLISHED},
            S.WITHDRAWN,
            _("撤回"),
        ),
        _t("expire", {S.APPROVED, S.SCHEDULED, S.PUBLISHED}, S.EXPIRED, _("过期")),
    ]
}

# States a resident's wish counts as "open" in (the limit of open wishes per resident).
OPEN_STATES = frozenset(
    {S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED, S.SCHEDULED, S.PUBLISHED, S.CLAIMED, S.DELIVERED}
)
# States shown on the public board.
PUBLIC_STATES = frozenset({S.PUBLISHED, S.CLAIMED, S.DELIVERED, S.CONFIRMED})
TERMINAL_STATES = frozenset({S.CONFIRMED, S.REJECTED, S.WITHDRAWN, S.EXPIRED})


def allowed_actions(status: str) -> list[str]:
    return [t.action for t in TRANSITIONS.values() if status in t.sources]

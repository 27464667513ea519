"""对标 on the home page: the league table first for the district's leaders and admin; a
community's staff get their community against the model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community365.core import permissions, todos
from community365.core.roles import Role

from . import policies


@todos.provider(order=0)
def benchmarking_todos(user: Any) -> Iterator[todos.Item]:
    grants = permissions.scope_grants(user, policies.VIEW.name)
    if not grants:
        return
    roles = {g.role for g in grants}
    if roles & {Role.DISTRICT_LEADER, Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF}:
        yield todos.Action(
            "benchmarking.league",
            _("对标划船社区：全区社区排名"),
            reverse("bm_league"),
            _("总分、三联·六服务·五机制、升降"),
        )
        return
    community = next((g for g in grants if g.role in (Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER)), None)
    if community is not None:
        region_id = getattr(community, "region_id", None)
        if region_id:
            yield todos.Action(
                "benchmarking.community",
                _("本社区对标划船社区"),
                reverse("bm_community", args=[region_id]),
                _("差距在哪里，哪些记录拖了后腿"),
            )


@todos.provider(order=1)
def benchmarking_entry_todos(user: Any) -> Iterator[todos.Item]:
    """Manual indicators: what the community still has to enter; what the subdistrict has to
    confirm (both lists on the entries page, rows marked ``data-row``)."""
    from . import selectors

    if permissions.scope_grants(user, policies.ENTER.name):
        due = selectors.entries_due(user)
        if due:
            yield todos.Count(
                "benchmarking.entries.due",
                _("待填报的对标指标"),
                len(due),
                reverse("bm_entries") + "#due",
                _("附上佐证，提交街道确认"),
            )
    if permissions.scope_grants(user, policies.CONFIRM.name):
        pending = selectors.entries_to_confirm(user).count()
        if pending:
            yield todos.Count(
                "benchmarking.entries.confirm",
                _("待确认的社区填报"),
                pending,
                reverse("bm_entries") + "#to-confirm",
                _("看佐证，确认或退回"),
            )

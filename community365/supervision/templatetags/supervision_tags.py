"""Template helpers of 党建责任制: the start links on benchmarking's pages and the app's tabs.
The permission checks read the user's grants, loaded once per request (no query per row)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from community365.supervision import policies

register = template.Library()


@register.filter
def sup_may_start_at(user: Any, community: Any) -> bool:
    return community is not None and policies.may_start_at(user, community)


@register.filter
def sup_may_issue_at(user: Any, community: Any) -> bool:
    return community is not None and policies.may_issue_at(user, community)


@register.simple_tag
def sup_nav(user: Any) -> list[tuple[str, Any]]:
    links: list[tuple[str, Any]] = [("sup_todo", _("督查待办"))]
    if policies.may_view(user):
        links.append(("sup_talks", _("专项约谈")))
    if policies.may_view_notices(user):
        links.append(("sup_notices", _("督查通报")))
    if policies.may_read_analyses(user):
        links.append(("sup_analyses", _("专题分析")))
    if policies.may_view(user) or policies.may_review(user):
        links.append(("sup_assessments", _("量化考评")))
    return links


@register.filter
def sup_grade(code: str) -> Any:
    from community365.supervision.models import Grade

    return Grade(code).label if code in Grade.values else "—"

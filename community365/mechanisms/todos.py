"""The mechanisms on the home page's to-do block (see community365.core.todos)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community365.core import todos

from . import policies, selectors
from .models import ProjectStatus


@todos.provider(order=60)
def mechanisms_todos(user: Any) -> Iterator[todos.Item]:
    if policies.may_manage(user):
        yield todos.Count(
            "mechanisms.review",
            _("待审核的书记项目"),
            selectors.review_queue(user).count(),
            reverse("mech_review") + "#to-review-rows",
        )
    if policies.may_apply(user):
        yield todos.Count(
            "mechanisms.returned",
            _("退回修改的书记项目"),
            selectors.project_list(user, mine=True, status=ProjectStatus.RETURNED).count(),
            reverse("mech_projects") + f"?mine=1&status={ProjectStatus.RETURNED}&year=",
        )
    if policies.may_confirm_results(user):
        yield todos.Count(
            "mechanisms.results",
            _("待确认的第一书记成绩"),
            selectors.pending_results(user).count(),
            reverse("mech_results") + "?status=pending",
        )

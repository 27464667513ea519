"""Pairing on the home page's to-do block (see community365.core.todos)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community365.core import permissions, todos

from . import policies, selectors
from .models import VisitNeed


@todos.provider(order=45)
def cadre_todos(user: Any) -> Iterator[todos.Item]:
    """A cadre's paired households due a visit (as listed on 我的结对 ?due=1)."""
    due = policies.cadre_counts(user)["due"]
    if due:
        yield todos.Count("pairing.due", _("结对户待走访"), due, reverse("pairing_mine") + "?due=1")


@todos.provider(order=46)
def community_todos(user: Any) -> Iterator[todos.Item]:
    """The community's social worker and secretary: households in difficulty not yet paired, and
    needs found on visits not yet turned."""
    if not permissions.scope_grants(user, policies.MANAGE.name):
        return
    paths = policies.manage_paths(user)
    unpaired = selectors.unpaired_difficulty_count(paths)
    if unpaired:
        yield todos.Count(
            "pairing.unpaired", _("困难户待结对"), unpaired, reverse("pairing_to_pair") + "?only=difficulty"
        )
    waiting = VisitNeed.objects.filter(permissions.path_q(paths), turned_to="").count()
    if waiting:
        yield todos.Count("pairing.needs", _("走访发现的需求待转办"), waiting, reverse("pairing_needs"))

"""Micro-wishes on the home page's to-do block (see community365.core.todos)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community365.core import permissions, todos

from . import policies, selectors
from .models import WishStatus


@todos.provider(order=10)
def wish_todos(user: Any) -> Iterator[todos.Item]:
    if permissions.scope_grants(user, policies.REVIEW.name):
        yield todos.Count(
            "wishes.review",
            _("待审核的心愿"),
            selectors.review_queue(user).count(),
            reverse("wish_review"),
        )
    # The reverse one-to-one is cached on the user, found or not: one query per request.
    if getattr(user, "person", None) is not None:
        yield todos.Action("wishes.new", _("许个心愿"), reverse("wish_new"), _("缺什么、想要什么，告诉社区"))
        yield todos.Count(
            "wishes.confirm",
            _("已送达、等您确认的心愿"),
            selectors.my_wishes(user).filter(status=WishStatus.DELIVERED).count(),
            reverse("my_wishes") + f"?status={WishStatus.DELIVERED}",
        )

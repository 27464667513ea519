"""The wishes sub-navigation offers only the pages this user can open (a link that answers 404
is a dead link; tests/test_click_through.py follows every one). The conditions are those of
the views: ``wish_new``, ``review_queue`` and ``figures`` in ``wishes/views.py``."""

from __future__ import annotations

from typing import Any

from django import template

from community365.core import permissions
from community365.wishes import policies

register = template.Library()


@register.simple_tag
def wishes_nav(user: Any) -> dict[str, bool]:
    is_global = permissions.is_global(user)
    oversees = is_global or bool(permissions.scope_grants(user, policies.VIEW_ALL.name))
    writes = (
        getattr(user, "person", None) is not None
        or is_global
        or bool(permissions.scope_grants(user, policies.REVIEW.name))
    )
    return {"new": writes, "review": oversees, "figures": oversees}

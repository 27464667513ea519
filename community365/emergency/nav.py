"""Emergency response in the site navigation (see community365.core.nav)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from community365.core import nav, permissions

from . import policies


def _sees(user: Any) -> bool:
    """Staff of the places, the emergency teams' members and anyone with households to check;
    one cheap test (grants are cached per request; the rest one EXISTS)."""
    if permissions.is_global(user) or permissions.scope_grants(user, policies.VIEW.name):
        return True
    return policies.events_visible_to(user).exists()


nav.register(nav.Entry("emergency_list", _("应急响应"), group=nav.SERVICES, order=60, visible=_sees))

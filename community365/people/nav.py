"""Account pages and resident search in the site navigation (see community365.core.nav)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from community365.core import nav, permissions

from . import policies


def _may(name: str) -> Any:
    def test(user: Any) -> bool:
        return permissions.is_global(user) or bool(permissions.scope_grants(user, name))

    return test


nav.register(
    nav.Entry("account", _("我的账号"), group=nav.ME, order=20),
    nav.Entry("resident_search", _("居民查询"), group=nav.ME, order=40, visible=_may(policies.VIEW.name)),
    nav.Entry("accounts", _("账号与角色"), group=nav.ME, order=50, visible=_may(policies.GRANT_ROLES.name)),
)

"""The region browser in the site navigation, for officials (see community365.core.nav).

Residents, volunteers and party members do not get it: the place tree with its internal codes
and household figures is work material, not something a resident needs."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from community365.core import nav, permissions
from community365.core.roles import CITIZEN_ROLES


def is_official(user: Any) -> bool:
    return permissions.is_global(user) or any(
        g.role not in CITIZEN_ROLES for g in permissions.grants_of(user)
    )


nav.register(nav.Entry("region_browser", _("区域"), group=nav.ME, order=70, visible=is_official))

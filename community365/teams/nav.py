"""The three linkages' entries in the site navigation (see community365.core.nav)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from community365.core import nav, permissions
from community365.core.roles import Role

from . import policies


def _works_rota(user: Any) -> bool:
    return bool(permissions.scope_grants(user, policies.ROTA_WORK.name))


def _sees_rota(user: Any) -> bool:
    # A social worker's rota is their own shifts; the rota editor is under it.
    if _works_rota(user):
        return False
    return permissions.is_global(user) or bool(permissions.scope_grants(user, policies.ROTA_VIEW.name))


def _sees_party(user: Any) -> bool:
    return (
        permissions.is_global(user)
        or bool(permissions.scope_grants(user, policies.PARTY_VIEW.name))
        or any(g.role == Role.PARTY_MEMBER for g in permissions.grants_of(user))
    )


def _sees_figures(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, policies.FIGURES_VIEW.name))


nav.register(
    nav.Entry("teams_home", _("志愿服务"), group=nav.LINKAGES, order=10),
    nav.Entry("my_shifts", _("我的排班"), group=nav.LINKAGES, order=20, visible=_works_rota),
    nav.Entry("rota_home", _("值班表"), group=nav.LINKAGES, order=21, visible=_sees_rota),
    nav.Entry("party", _("党员报到"), group=nav.LINKAGES, order=30, visible=_sees_party),
    nav.Entry("teams_figures", _("三联统计"), group=nav.LINKAGES, order=40, visible=_sees_figures),
)

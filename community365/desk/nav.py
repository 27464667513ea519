"""The service desk in the site navigation (see community365.core.nav)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from community365.core import nav, permissions

from . import policies


def _figures(user: Any) -> bool:
    return permissions.scope_paths(user, policies.FIGURES.name) != []


def _hotline(user: Any) -> bool:
    return permissions.scope_paths(user, policies.HOTLINE.name) != []


nav.register(
    nav.Entry(
        "services_home", _("服务台"), group=nav.SERVICES, order=5, visible=lambda u: u.is_authenticated
    ),
    nav.Entry("services_catalogue_index", _("服务目录"), group=nav.SERVICES, order=6),
    nav.Entry("services_hotline", _("12345热线导入"), group=nav.SERVICES, order=7, visible=_hotline),
    nav.Entry(
        "services_lighting", _("楼道亮灯档案"), group=nav.SERVICES, order=8, visible=policies.can_see_lighting
    ),
    nav.Entry("services_figures", _("六服务统计"), group=nav.SERVICES, order=8, visible=_figures),
)

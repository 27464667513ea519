"""Pairing in the site navigation (see community365.core.nav): 六服务."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from community365.core import nav

from . import policies

nav.register(
    nav.Entry("pairing_mine", _("我的结对"), group=nav.SERVICES, order=70, visible=policies.is_cadre),
    nav.Entry("pairing_list", _("结对走亲"), group=nav.SERVICES, order=71, visible=policies.sees_lists),
)

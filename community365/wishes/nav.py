"""Micro-wishes in the site navigation (see community365.core.nav)."""

from django.utils.translation import gettext_lazy as _

from community365.core import nav

nav.register(nav.Entry("wish_board", _("微心愿"), group=nav.SERVICES, order=10))

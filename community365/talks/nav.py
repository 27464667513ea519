"""Two-way talks in the site navigation (see community365.core.nav)."""

from django.utils.translation import gettext_lazy as _

from community365.core import nav

nav.register(nav.Entry("talk_board", _("双向约谈"), group=nav.SERVICES, order=20))

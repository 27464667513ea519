"""The audit log in the site navigation (see community365.core.nav)."""

from django.utils.translation import gettext_lazy as _

from community365.core import nav

from .policies import can_view_audit

nav.register(nav.Entry("audit_log", _("审计日志"), group=nav.ME, order=60, visible=can_view_audit))

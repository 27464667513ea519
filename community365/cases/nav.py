"""Mediation and the legal clinic in the site navigation (see community365.core.nav)."""

from django.utils.translation import gettext_lazy as _

from community365.core import nav

from . import policies

nav.register(
    nav.Entry(
        "mediation_list",
        _("老娘舅调解"),
        group=nav.SERVICES,
        order=40,
        visible=lambda user: policies.may_open_mediations(user) or policies.may_read_figures(user),
    ),
    nav.Entry("clinic_home", _("法律工作室"), group=nav.SERVICES, order=45),
    nav.Entry(
        "cases_figures",
        _("调解与法律服务统计"),
        group=nav.BENCHMARKING,
        order=40,
        visible=policies.may_read_figures,
    ),
)

"""The mechanisms' pages in the site navigation (see community365.core.nav)."""

from django.utils.translation import gettext_lazy as _

from community365.core import nav

from . import policies, selectors

nav.register(
    nav.Entry("mech_projects", _("书记项目"), group=nav.MECHANISMS, order=10),
    nav.Entry(
        "mech_review",
        _("项目审核督办"),
        group=nav.MECHANISMS,
        order=11,
        visible=policies.may_manage,
        badge=lambda user: selectors.review_queue(user).count(),
    ),
    nav.Entry(
        "mech_figures", _("书记项目数据"), group=nav.MECHANISMS, order=12, visible=policies.may_oversee
    ),
    nav.Entry("mech_postings", _("第一书记"), group=nav.MECHANISMS, order=20),
    nav.Entry("mech_centres", _("党群服务中心"), group=nav.MECHANISMS, order=30),
    nav.Entry("mech_lectures", _("党章学堂"), group=nav.MECHANISMS, order=31),
    nav.Entry("mech_cobuilding", _("区域化党建"), group=nav.MECHANISMS, order=40),
    nav.Entry("mech_funds", _("经费保障"), group=nav.MECHANISMS, order=50, visible=policies.may_view_funds),
)

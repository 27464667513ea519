"""整片建强 in the site navigation, in the 对标 group: the zones and their layout, the targets
and progress, the brands. The 对标 group is for staff and leaders (residents see no such group),
so the brands' entry follows the zones'; residents reach their community's brand from a first
step on their home page (``todos.py``)."""

from django.utils.translation import gettext_lazy as _

from community365.core import nav

from . import policies

nav.register(
    nav.Entry("zones_list", _("整片建强"), group=nav.BENCHMARKING, order=20, visible=policies.may_view),
    nav.Entry(
        "zones_targets",
        _("整片建强目标"),
        group=nav.BENCHMARKING,
        order=21,
        visible=policies.may_view_progress,
    ),
    nav.Entry("zones_brands", _("一社一特"), group=nav.BENCHMARKING, order=22, visible=policies.may_view),
)

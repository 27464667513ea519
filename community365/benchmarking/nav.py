"""对标 in the site navigation: the league table first (a district leader's first page)."""

from django.utils.translation import gettext_lazy as _

from community365.core import nav

from . import policies

nav.register(
    nav.Entry(
        "bm_league", _("对标排名"), group=nav.BENCHMARKING, order=1, visible=policies.may_view, pinned=False
    ),
    nav.Entry("bm_tree", _("对标指标"), group=nav.BENCHMARKING, order=5, visible=policies.may_view),
    nav.Entry("bm_entries", _("社区填报指标"), group=nav.BENCHMARKING, order=6, visible=policies.may_view),
)

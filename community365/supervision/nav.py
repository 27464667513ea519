"""党建责任制 in the site navigation, under 对标 (the follow-up of the league table)."""

from django.utils.translation import gettext_lazy as _

from community365.core import nav

from . import policies


def _any(user):  # type: ignore[no-untyped-def]
    return policies.may_view_notices(user) or policies.may_review(user) or policies.may_read_analyses(user)


nav.register(
    nav.Entry("sup_todo", _("督查待办"), group=nav.BENCHMARKING, order=20, visible=_any),
    nav.Entry("sup_talks", _("专项约谈"), group=nav.BENCHMARKING, order=21, visible=policies.may_view),
    nav.Entry(
        "sup_notices", _("督查通报"), group=nav.BENCHMARKING, order=22, visible=policies.may_view_notices
    ),
    nav.Entry(
        "sup_analyses", _("专题分析"), group=nav.BENCHMARKING, order=23, visible=policies.may_read_analyses
    ),
    nav.Entry(
        "sup_assessments",
        _("量化考评"),
        group=nav.BENCHMARKING,
        order=24,
        visible=lambda user: policies.may_view(user) or policies.may_review(user),
    ),
)

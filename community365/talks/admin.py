"""Back office: topics and tasks read-only (they change through their lifecycle services only);
the district's rules editable by the organisation department."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from community365.core.admin import ScopedAdmin

from . import policies
from .models import TalkRules, TalkTask, TalkTopic


def _rules_visible_to(user: Any) -> QuerySet[TalkRules]:
    ids = policies.district_ids(user)
    qs = TalkRules.objects.all()
    return qs if ids is None else qs.filter(district_id__in=ids)


@admin.register(TalkTopic)
class TalkTopicAdmin(ScopedAdmin):
    visible = staticmethod(policies.topics_visible_to)
    list_display = ("title", "region", "status", "signature_count", "progress", "opened_at")
    list_filter = ("status",)
    search_fields = ("title",)
    fields = (
        "title",
        "region",
        "status",
        "signature_count",
        "signature_threshold",
        "progress",
        "decline_reason",
        "timeline",
    )
    readonly_fields = fields

    @admin.display(description=_("全过程记录"))
    def timeline(self, obj: TalkTopic) -> SafeString:
        """The public timeline in the reader's language (stored as codes, rendered here)."""
        rows = format_html_join(
            "", "<li>{} · {} · {}</li>", ((e.at, e.actor, e.sentence) for e in obj.events.all())
        )
        return format_html("<ol>{}</ol>", rows)


@admin.register(TalkTask)
class TalkTaskAdmin(ScopedAdmin):
    visible = staticmethod(policies.tasks_visible_to)
    list_display = ("title", "topic", "department", "deadline", "status", "percent")
    list_select_related = ("topic", "department")  # one query for the page, not one per row
    list_filter = ("status",)
    fields = ("title", "topic", "department", "deadline", "status", "percent", "weight", "updates")
    readonly_fields = fields

    @admin.display(description=_("任务进展"))
    def updates(self, obj: TalkTask) -> SafeString:
        """Every progress report, with the reason when the percent went down."""
        rows = format_html_join(
            "",
            "<li>{} · {} {}% · {} {}</li>",
            ((u.at, u.get_status_display(), u.percent, u.note, u.reason) for u in obj.updates.all()),
        )
        return format_html("<ol>{}</ol>", rows)


@admin.register(TalkRules)
class TalkRulesAdmin(ScopedAdmin):
    visible = staticmethod(_rules_visible_to)
    manage_permission = policies.DECIDE.name
    list_display = ("district", "signature_threshold", "signature_window_days", "claim_working_days")
    fields = ("signature_threshold", "signature_window_days", "claim_working_days", "rating_window_days")

"""Back office: read-only lists of talks, notices, replies, analyses, assessments, reviews,
results and objections, scoped like the pages. Every change goes through the pages and the API,
which run the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from community365.core.admin import ScopedAdmin

from . import policies
from .models import (
    Analysis,
    Assessment,
    AssessmentResult,
    Notice,
    NoticeReply,
    Objection,
    ReportReview,
    SpecialTalk,
)


def _results(user: Any) -> QuerySet[AssessmentResult]:
    return AssessmentResult.objects.filter(assessment__in=policies.assessments_visible_to(user)).filter(
        region__in=policies.communities_visible_to(user)
    )


def _reviews(user: Any) -> QuerySet[ReportReview]:
    """Reviews are for the district's deciders (and each reviewer's own)."""
    from community365.core import permissions

    if permissions.is_global(user):
        return ReportReview.objects.all()
    districts = {g.district_id for g in permissions.scope_grants(user, policies.START.name)}
    return ReportReview.objects.filter(district_id__in=districts) | ReportReview.objects.filter(
        reviewer_id=user.pk
    )


def _replies(user: Any) -> QuerySet[NoticeReply]:
    from community365.core import permissions

    return NoticeReply.objects.filter(notice__in=policies.notices_visible_to(user)).filter(
        permissions.path_q(permissions.scope_paths(user, policies.VIEW_NOTICES.name))
    )


def _objections(user: Any) -> QuerySet[Objection]:
    return Objection.objects.filter(assessment__in=policies.assessments_visible_to(user)).filter(
        region__in=policies.communities_visible_to(user)
    )


@admin.register(SpecialTalk)
class SpecialTalkAdmin(ScopedAdmin):
    visible = staticmethod(policies.talks_visible_to)
    list_display = ["id", "region", "held_on", "secretary_name", "period", "score", "rank"]
    list_select_related = ["region"]
    exclude = ["secretary", "started_by"]


@admin.register(Notice)
class NoticeAdmin(ScopedAdmin):
    visible = staticmethod(policies.notices_visible_to)
    list_display = ["id", "title", "region", "status", "issued_at"]
    list_filter = ["status"]
    list_select_related = ["region"]
    exclude = ["issued_by"]


@admin.register(NoticeReply)
class NoticeReplyAdmin(ScopedAdmin):
    visible = staticmethod(_replies)
    list_display = ["id", "notice", "region", "attempt", "status", "submitted_at"]
    list_filter = ["status"]
    list_select_related = ["notice", "region"]
    exclude = ["by"]


@admin.register(Analysis)
class AnalysisAdmin(ScopedAdmin):
    visible = staticmethod(policies.analyses_visible_to)
    list_display = ["id", "title", "topic", "period", "created_at"]
    exclude = ["written_by"]


@admin.register(Assessment)
class AssessmentAdmin(ScopedAdmin):
    visible = staticmethod(policies.assessments_visible_to)
    list_display = ["id", "year", "status", "review_weight", "published_at"]


@admin.register(ReportReview)
class ReportReviewAdmin(ScopedAdmin):
    visible = staticmethod(_reviews)
    list_display = ["id", "assessment", "region", "reviewer_label", "score", "at"]
    list_select_related = ["assessment", "region"]
    exclude = ["reviewer"]


@admin.register(AssessmentResult)
class AssessmentResultAdmin(ScopedAdmin):
    visible = staticmethod(_results)
    list_display = ["id", "assessment", "region", "version", "current", "total", "grade", "rank"]
    list_filter = ["current", "grade"]
    list_select_related = ["assessment", "region"]


@admin.register(Objection)
class ObjectionAdmin(ScopedAdmin):
    visible = staticmethod(_objections)
    list_display = ["id", "assessment", "region", "status", "at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["assessment", "region"]
    exclude = ["by"]

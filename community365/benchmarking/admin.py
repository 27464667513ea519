"""Back office: read-only lists of the indicator trees, the score runs, the snapshots and the
manual entries, scoped like the pages (a community's staff see their community's rows, the
subdistrict its communities', the district all). Changes go through the pages and the API, which
run the services (versioned trees, confirmed entries, recomputation by the task)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from community365.core import permissions
from community365.core.admin import ScopedAdmin

from . import policies
from .models import IndicatorTree, ManualEntry, ScoreRun, ScoreSnapshot


def _districts_visible_to(user: Any) -> Any:
    """The districts whose trees and runs the user may read: those of the communities they see."""
    return policies.communities_visible_to(user).values("district_id")


def trees_visible_to(user: Any) -> QuerySet[IndicatorTree]:
    if permissions.is_global(user):
        return IndicatorTree.objects.all()
    return IndicatorTree.objects.filter(district_id__in=_districts_visible_to(user))


def runs_visible_to(user: Any) -> QuerySet[ScoreRun]:
    if permissions.is_global(user):
        return ScoreRun.objects.all()
    return ScoreRun.objects.filter(district_id__in=_districts_visible_to(user))


def snapshots_visible_to(user: Any) -> QuerySet[ScoreSnapshot]:
    return ScoreSnapshot.objects.filter(community__in=policies.communities_visible_to(user))


def entries_visible_to(user: Any) -> QuerySet[ManualEntry]:
    return ManualEntry.objects.filter(community__in=policies.communities_visible_to(user))


@admin.register(IndicatorTree)
class IndicatorTreeAdmin(ScopedAdmin):
    visible = staticmethod(trees_visible_to)
    list_display = ["id", "year", "name", "status", "version", "published_at"]
    list_filter = ["status", "year"]


@admin.register(ScoreRun)
class ScoreRunAdmin(ScopedAdmin):
    visible = staticmethod(runs_visible_to)
    list_display = ["id", "key", "kind", "tree_version", "complete", "started_at", "finished_at"]
    list_filter = ["kind", "complete"]


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(ScopedAdmin):
    visible = staticmethod(snapshots_visible_to)
    list_display = ["id", "run", "community", "subdistrict", "total", "rank", "grade"]
    list_filter = ["grade"]
    list_select_related = ["run", "community", "subdistrict"]
    search_fields = ["community__name"]


@admin.register(ManualEntry)
class ManualEntryAdmin(ScopedAdmin):
    visible = staticmethod(entries_visible_to)
    list_display = ["id", "node", "community", "value", "status"]
    list_filter = ["status"]
    list_select_related = ["node", "community"]
    exclude = ["links"]

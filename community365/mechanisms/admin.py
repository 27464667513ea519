"""Back office: read-only views of projects, postings and results, scoped like every list.
Changes go through the pages and the API, which run the services."""

from django.contrib import admin

from community365.core.admin import ScopedAdmin

from . import policies
from .models import FirstSecretaryPosting, FirstSecretaryResult, FrontlinePosting, SecretaryProject


@admin.register(SecretaryProject)
class SecretaryProjectAdmin(ScopedAdmin):
    visible = staticmethod(policies.projects_visible_to)
    list_display = ["id", "year", "title", "unit", "status", "progress", "score"]
    list_filter = ["year", "status", "theme", "unit_kind"]
    search_fields = ["title"]
    list_select_related = ["unit"]


@admin.register(FirstSecretaryPosting)
class FirstSecretaryPostingAdmin(ScopedAdmin):
    visible = staticmethod(policies.postings_visible_to)
    list_display = ["id", "cadre_name", "region", "role", "starts_on", "ends_on", "extensions", "status"]
    list_filter = ["status", "role"]
    list_select_related = ["region"]
    exclude = ["cadre"]


@admin.register(FirstSecretaryResult)
class FirstSecretaryResultAdmin(ScopedAdmin):
    visible = staticmethod(policies.results_visible_to)
    list_display = ["id", "title", "category", "quantity", "region", "status"]
    list_filter = ["status", "category"]
    list_select_related = ["region"]


@admin.register(FrontlinePosting)
class FrontlinePostingAdmin(ScopedAdmin):
    visible = staticmethod(policies.frontline_visible_to)
    list_display = ["id", "batch", "task", "cadre_name", "region", "starts_on"]
    list_filter = ["batch", "task"]
    list_select_related = ["region"]

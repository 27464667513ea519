"""Back office: read-only, scoped views of the events and their records. Every change goes
through the pages and the API, which call the services."""

from django.contrib import admin

from community365.core.admin import ScopedAdmin

from . import policies
from .models import CheckAssignment, EmergencyEvent, EmergencyTask, HouseholdCheck, SupplyIssue


@admin.register(EmergencyEvent)
class EmergencyEventAdmin(ScopedAdmin):
    visible = staticmethod(policies.events_visible_to)
    list_display = ["id", "title", "kind", "level", "is_drill", "region", "status", "starts_at", "closed_at"]
    list_filter = ["status", "kind", "level", "is_drill"]
    search_fields = ["title"]
    list_select_related = ["region"]


@admin.register(CheckAssignment)
class CheckAssignmentAdmin(ScopedAdmin):
    visible = staticmethod(policies.assignments_visible_to)
    list_display = ["id", "event", "region", "building", "household", "assignee", "status", "last_checked_at"]
    list_filter = ["status"]
    list_select_related = ["event", "region", "building", "household", "assignee"]


@admin.register(HouseholdCheck)
class HouseholdCheckAdmin(ScopedAdmin):
    visible = staticmethod(policies.checks_visible_to)
    list_display = ["id", "event", "assignment", "status", "checked_by", "checked_at", "received_at"]
    list_filter = ["status"]
    list_select_related = ["event", "assignment", "checked_by"]


@admin.register(EmergencyTask)
class EmergencyTaskAdmin(ScopedAdmin):
    visible = staticmethod(policies.tasks_visible_to)
    list_display = ["id", "event", "region", "need", "status", "raised_at", "done_at"]
    list_filter = ["status", "need"]
    list_select_related = ["event", "region"]


@admin.register(SupplyIssue)
class SupplyIssueAdmin(ScopedAdmin):
    visible = staticmethod(policies.supplies_visible_to)
    list_display = ["id", "event", "region", "item", "quantity", "issued_by", "issued_at"]
    list_filter = ["item"]
    list_select_related = ["event", "region", "issued_by"]

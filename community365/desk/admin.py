"""Back office of the desk, read-only and scoped: requests through their lifecycle services only;
the catalogue, calendar, hotline files and Open311 clients as records (changed on the desk's
pages, the API, the demo and ``manage.py open311_key``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from community365.core import permissions
from community365.core.admin import ScopedAdmin

from . import policies
from .models import (
    CallBack,
    CatalogueItem,
    HolidayCalendar,
    HotlineImport,
    HotSpotProposal,
    LightingFile,
    Open311Client,
    RequestTask,
    ServiceRequest,
)


def _in_districts(model: Any) -> Any:
    def visible(user: Any) -> QuerySet[Any]:
        ids = permissions.district_ids(user)
        qs = model.objects.all()
        return qs if ids is None else qs.filter(district_id__in=ids)

    return staticmethod(visible)


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ScopedAdmin):
    visible = staticmethod(policies.requests_visible_to)
    list_display = ("id", "item", "community", "status", "channel", "created_at", "resolution_due", "rating")
    list_filter = ("status", "channel", "category")
    list_select_related = ("item", "community")
    fields = (
        "item",
        "community",
        "region",
        "status",
        "channel",
        "text",
        "resolution",
        "rating",
        "hotline_ticket",
    )
    readonly_fields = fields


@admin.register(CatalogueItem)
class CatalogueItemAdmin(ScopedAdmin):
    visible = _in_districts(CatalogueItem)
    list_display = (
        "code",
        "name",
        "category",
        "deliverer",
        "response_hours",
        "resolution_days",
        "online",
        "active",
    )
    list_filter = ("category", "deliverer")
    fields = list_display
    readonly_fields = fields


@admin.register(HolidayCalendar)
class HolidayCalendarAdmin(ScopedAdmin):
    visible = _in_districts(HolidayCalendar)
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    fields = list_display
    readonly_fields = fields


@admin.register(HotlineImport)
class HotlineImportAdmin(ScopedAdmin):
    visible = _in_districts(HotlineImport)
    list_display = ("filename", "created_at", "rows", "added", "duplicates", "refused")
    fields = list_display
    readonly_fields = fields


@admin.register(Open311Client)
class Open311ClientAdmin(ScopedAdmin):
    visible = _in_districts(Open311Client)
    list_display = ("name", "created_at", "revoked_at")
    fields = list_display
    readonly_fields = fields


@admin.register(CallBack)
class CallBackAdmin(ScopedAdmin):
    visible = _in_districts(CallBack)
    list_display = ("request", "worker", "reached", "satisfied", "at")
    fields = list_display
    readonly_fields = fields


@admin.register(LightingFile)
class LightingFileAdmin(ScopedAdmin):
    visible = staticmethod(policies.lighting_files_visible_to)
    list_display = ("stairwell", "community", "state", "state_since", "open_faults", "lamps", "maintainer")
    list_filter = ("state", "maintainer", "lamp_type")
    list_select_related = ("stairwell", "community")
    fields = ("stairwell", "community", "lamps", "lamp_type", "sensor", "maintainer", "state", "state_since")
    readonly_fields = fields


@admin.register(RequestTask)
class RequestTaskAdmin(ScopedAdmin):
    visible = staticmethod(policies.tasks_visible_to)
    list_display = ("id", "request", "text", "worker", "team", "department", "due_at", "state")
    list_filter = ("state",)
    list_select_related = ("request", "worker", "team", "department")
    fields = (
        "request",
        "text",
        "worker",
        "team",
        "department",
        "due_days",
        "due_at",
        "state",
        "note",
        "done_at",
    )
    readonly_fields = fields


@admin.register(HotSpotProposal)
class HotSpotProposalAdmin(ScopedAdmin):
    visible = _in_districts(HotSpotProposal)
    list_display = (
        "id",
        "community",
        "place",
        "category",
        "period_start",
        "period_end",
        "kind",
        "requests",
        "title",
    )
    list_filter = ("kind", "category")
    list_select_related = ("community", "place")
    fields = list_display[1:]
    readonly_fields = fields

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from community365.core.admin import in_back_office

from .models import AuditEvent
from .policies import audit_events_visible_to, can_view_audit


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor_label", "acting_role", "action", "object_repr", "result", "ip")
    list_filter = ("result", "channel", "object_type")
    search_fields = ("actor_label", "action", "object_repr", "object_id", "request_id")
    date_hierarchy = "occurred_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def get_queryset(self, request: HttpRequest) -> Any:
        return audit_events_visible_to(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return in_back_office(request.user) and can_view_audit(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from community365.core.admin import in_back_office

from .models import AuditEvent
from .policies import audit_events_visible_to, can_view_audit
from .presenters import present, shown_repr

# The account itself is not shown (its str() is the person's full name); its label is.
SHOWN_FIELDS = tuple(f.name for f in AuditEvent._meta.fields if f.name not in ("id", "actor"))


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor_label", "acting_role", "action", "object_repr", "result", "ip")
    list_filter = ("result", "channel", "object_type")
    search_fields = ("actor_label", "action", "object_repr", "object_id", "request_id")
    date_hierarchy = "occurred_at"
    fields = SHOWN_FIELDS
    readonly_fields = SHOWN_FIELDS

    def get_queryset(self, request: HttpRequest) -> Any:
        return audit_events_visible_to(request.user)

    def get_list_display(self, request: HttpRequest) -> Any:
        # The object column masks residents' names for readers without view_contact.
        def object_shown(event: AuditEvent) -> str:
            return shown_repr(request.user, event)

        object_shown.short_description = _("对象")  # type: ignore[attr-defined]
        return tuple(object_shown if name == "object_repr" else name for name in self.list_display)

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        event = super().get_object(request, object_id, from_field)
        return present(request.user, event) if event is not None else None

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

"""The back office. Every list starts from the model's ``visible_to(user)`` queryset; nothing is
deleted through it ("nothing lost, ever"); every edit goes through ``admin_save``, which runs
in one transaction and writes an audit entry with the changed fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from community365.audit.services import audit_record, service

from . import permissions
from .roles import BACK_OFFICE_ROLES


def in_back_office(user: Any) -> bool:
    return bool(user.is_active and user.is_staff) and (
        permissions.is_global(user) or any(g.role in BACK_OFFICE_ROLES for g in permissions.grants_of(user))
    )


@service("admin:save")
def admin_save(
    *, actor: Any, obj: models.Model, changed: list[str], is_new: bool, permission: str | None = None
) -> models.Model:
    obj.save()
    region: Any = obj if obj._meta.label_lower == "regions.region" else getattr(obj, "region", None)
    role = permissions.acting_role(actor, permission, region.path) if permission and region else ""
    audit_record(
        actor=actor,
        action=f"{obj._meta.label_lower}:{'admin_create' if is_new else 'admin_change'}",
        target=obj,
        role=role,
        changes={name: getattr(obj, name, None) for name in changed},
    )
    return obj


class ScopedAdmin(admin.ModelAdmin):
    """Admin over a queryset from the app's policies; editable only by the roles that may
    manage the object there (``manage_permission``), never deletable."""

    visible: Callable[[Any], QuerySet[Any]]
    manage_permission: str | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.visible(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return in_back_office(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return in_back_office(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not in_back_office(request.user) or self.manage_permission is None:
            return False
        if obj is None:
            return permissions.is_global(request.user) or bool(
                permissions.scope_grants(request.user, self.manage_permission)
            )
        region = obj if obj._meta.label_lower == "regions.region" else getattr(obj, "region", None)
        return region is not None and permissions.has_perm_at(
            request.user, self.manage_permission, region.path
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        admin_save(
            actor=request.user,
            obj=obj,
            changed=list(form.changed_data),
            is_new=not change,
            permission=self.manage_permission,
        )

    # The audit trail records admin edits; Django's own LogEntry is not kept as a second trail.
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return None

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return None

    def log_deletion(self, request: HttpRequest, obj: Any, object_repr: str) -> Any:
        return None

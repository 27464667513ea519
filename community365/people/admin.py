from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from community365.core.admin import ScopedAdmin

from . import policies
from .models import Person, RoleAssignment, User


@admin.register(User)
class UserAdmin(ScopedAdmin):
    visible = staticmethod(policies.users_visible_to)
    list_display = ("username", "masked_name", "is_active", "is_staff", "last_login")
    search_fields = ("username",)
    list_filter = ("is_active", "is_staff")
    fields = ("username", "is_active", "last_login", "date_joined")
    readonly_fields = ("username", "last_login", "date_joined")
    manage_permission = policies.MANAGE_USERS.name

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        from community365.core import permissions

        return bool(
            permissions.is_global(request.user)
            or permissions.scope_grants(request.user, self.manage_permission)
        )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    visible = staticmethod(policies.role_assignments_visible_to)
    list_display = ("user", "role", "region", "department", "granted_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("user__username", "region__name")
    list_select_related = ("user", "region", "department")


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    """Masked in the back office: full contacts are for the community's own workers, on its pages."""

    visible = staticmethod(policies.persons_visible_to)
    list_display = ("masked_name", "community", "birth_year", "is_elderly", "is_disabled", "verified_at")
    list_filter = ("is_elderly", "is_disabled", "is_migrant_worker", "in_difficulty", "lives_alone")
    list_select_related = ("community",)
    fields = ("masked_name", "masked_phone", "community", "birth_year", "id_last4", "verified_at")
    readonly_fields = fields

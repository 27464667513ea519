"""Back office: read-only lists of zones, status changes, standards, targets and brands.
Changes go through the pages, which run the services."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from community365.core import permissions
from community365.core.admin import ScopedAdmin

from . import policies
from .models import Brand, Standard, StandardItem, Zone, ZoneMember, ZoneStatusChange, ZoneTarget


def _district_rows(model: Any) -> Any:
    def visible(user: Any) -> QuerySet[Any]:
        ids = permissions.district_ids(user)
        return model.objects.all() if ids is None else model.objects.filter(district_id__in=ids)

    return staticmethod(visible)


class ReadOnly(ScopedAdmin):
    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]


@admin.register(Zone)
class ZoneAdmin(ReadOnly):
    visible = staticmethod(policies.zones_visible_to)
    list_display = ["id", "name", "kind", "link_form", "theme", "status", "status_since"]
    list_filter = ["kind", "status", "theme"]
    search_fields = ["name"]


@admin.register(ZoneMember)
class ZoneMemberAdmin(ReadOnly):
    visible = _district_rows(ZoneMember)
    list_display = ["id", "zone", "name", "kind"]
    list_filter = ["kind"]
    list_select_related = ["zone"]


@admin.register(ZoneStatusChange)
class ZoneStatusChangeAdmin(ReadOnly):
    visible = _district_rows(ZoneStatusChange)
    list_display = ["id", "zone", "from_status", "to_status", "on", "reverted", "actor_label"]
    list_filter = ["to_status", "reverted"]
    list_select_related = ["zone"]


@admin.register(Standard)
class StandardAdmin(ReadOnly):
    visible = _district_rows(Standard)
    list_display = ["id", "year", "scope", "level"]
    list_filter = ["year", "scope", "level"]


@admin.register(StandardItem)
class StandardItemAdmin(ReadOnly):
    visible = _district_rows(StandardItem)
    list_display = ["id", "standard", "indicator_code", "comparison", "threshold"]
    list_select_related = ["standard"]


@admin.register(ZoneTarget)
class ZoneTargetAdmin(ReadOnly):
    visible = _district_rows(ZoneTarget)
    list_display = ["id", "year", "measure", "value"]
    list_filter = ["year", "measure"]


@admin.register(Brand)
class BrandAdmin(ReadOnly):
    visible = staticmethod(policies.brands_visible_to)
    list_display = ["id", "name", "community", "started", "updated_at"]
    search_fields = ["name"]
    list_select_related = ["community"]

"""Back office: read-only, scoped views of pairings, visits and needs. Every change goes through
the pages and the API, which call the services."""

from django.contrib import admin

from community365.core.admin import ScopedAdmin

from . import policies
from .models import Pairing, PairingVisit, VisitNeed


@admin.register(Pairing)
class PairingAdmin(ScopedAdmin):
    visible = staticmethod(policies.pairings_visible_to)
    list_display = [
        "id",
        "region",
        "household",
        "cadre",
        "unit_name",
        "since",
        "last_visit_on",
        "visits",
        "ended_on",
    ]
    list_filter = ["end_reason"]
    list_select_related = ["region", "household", "household__region", "cadre"]


@admin.register(PairingVisit)
class PairingVisitAdmin(ScopedAdmin):
    visible = staticmethod(policies.visits_visible_to)
    list_display = ["id", "region", "pairing", "cadre", "visited_on", "logged_by", "logged_at"]
    list_select_related = ["region", "pairing", "cadre", "logged_by"]
    exclude = ["photo"]


@admin.register(VisitNeed)
class VisitNeedAdmin(ScopedAdmin):
    visible = staticmethod(policies.needs_visible_to)
    list_display = ["id", "region", "text", "turned_to", "turned_by", "turned_at"]
    list_filter = ["turned_to"]
    list_select_related = ["region", "turned_by"]

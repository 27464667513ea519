"""Back office: read-only lists of mediation cases (number, kind, state — never the parties,
the sessions or the agreement, which the case page shows and audits) and of the clinic's
sessions and rota. Changes go through the pages and the API, which run the services."""

from django.contrib import admin

from community365.core.admin import ScopedAdmin

from . import policies
from .models import ClinicRota, ClinicSession, LegalClinic, MediationCase


@admin.register(MediationCase)
class MediationCaseAdmin(ScopedAdmin):
    visible = staticmethod(policies.mediations_visible_to)
    list_display = ["number", "kind", "source", "region", "status", "outcome", "registered_at", "deadline"]
    list_filter = ["status", "kind", "source", "outcome"]
    search_fields = ["number"]
    list_select_related = ["region"]
    fields = [
        "number",
        "kind",
        "source",
        "region",
        "status",
        "outcome",
        "registered_at",
        "accepted_at",
        "deadline",
        "extended_at",
        "decided_at",
        "follow_up_due",
        "followed_up_at",
        "kept",
        "closed_at",
    ]


@admin.register(LegalClinic)
class LegalClinicAdmin(ScopedAdmin):
    visible = staticmethod(policies.clinics_visible_to)
    list_display = ["region", "day_of_month", "starts", "ends", "place", "team"]
    list_select_related = ["region", "team"]


@admin.register(ClinicSession)
class ClinicSessionAdmin(ScopedAdmin):
    visible = staticmethod(policies.sessions_visible_to)
    list_display = ["clinic", "starts_at", "lawyer", "status", "moved_at"]
    list_filter = ["status"]
    list_select_related = ["clinic", "clinic__region", "lawyer"]


@admin.register(ClinicRota)
class ClinicRotaAdmin(ScopedAdmin):
    @staticmethod
    def visible(user):  # type: ignore[no-untyped-def]
        return ClinicRota.objects.filter(clinic__in=policies.clinics_visible_to(user))

    list_display = ["clinic", "month", "lawyer"]
    list_select_related = ["clinic", "clinic__region", "lawyer"]

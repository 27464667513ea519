"""The back office for the three linkages: scoped lists, no deletes, edits audited."""

from __future__ import annotations

from django.contrib import admin

from community365.core.admin import ScopedAdmin

from . import policies
from .models import (
    Activity,
    Certificate,
    CorrectionRequest,
    DutyRoster,
    PartyMember,
    ServiceKind,
    ServiceRecord,
    Shift,
    ShiftSwap,
    Signup,
    Team,
    TeamMembership,
    UnitReport,
)


def _service_kinds_visible_to(user):  # type: ignore[no-untyped-def]
    from community365.core import permissions

    ids = permissions.district_ids(user)
    return ServiceKind.objects.all() if ids is None else ServiceKind.objects.filter(district_id__in=ids)


def _corrections_visible_to(user):  # type: ignore[no-untyped-def]
    return CorrectionRequest.objects.filter(record__in=policies.records_visible_to(user))


def _signups_visible_to(user):  # type: ignore[no-untyped-def]
    return Signup.objects.filter(activity__in=policies.activities_visible_to(user))


def _memberships_visible_to(user):  # type: ignore[no-untyped-def]
    return TeamMembership.objects.filter(team__in=policies.teams_visible_to(user))


@admin.register(ServiceKind)
class ServiceKindAdmin(ScopedAdmin):
    visible = staticmethod(_service_kinds_visible_to)
    list_display = ("name", "code", "colour", "description")
    fields = ("name", "colour", "description")
    manage_permission = policies.TEAM_MANAGE.name


@admin.register(DutyRoster)
class DutyRosterAdmin(ScopedAdmin):
    visible = staticmethod(policies.rosters_visible_to)
    list_display = ("region", "published_through", "required_slots")
    list_select_related = ("region",)
    readonly_fields = ("region", "published_through")
    fields = ("region", "required_slots", "published_through")
    manage_permission = policies.ROTA_MANAGE.name


@admin.register(Shift)
class ShiftAdmin(ScopedAdmin):
    visible = staticmethod(policies.shifts_visible_to)
    list_display = ("date", "slot", "kind", "worker", "region")
    list_filter = ("slot", "kind")
    list_select_related = ("worker", "region")
    date_hierarchy = "date"
    readonly_fields = ("region", "date", "slot", "worker")
    fields = ("region", "date", "slot", "custom_label", "kind", "worker")
    manage_permission = policies.ROTA_MANAGE.name


@admin.register(ShiftSwap)
class ShiftSwapAdmin(ScopedAdmin):
    visible = staticmethod(policies.swaps_visible_to)
    list_display = ("shift", "requested_by", "taker", "status", "created_at")
    list_filter = ("status",)
    readonly_fields = (
        "shift",
        "other_shift",
        "requested_by",
        "taker",
        "reason",
        "status",
        "decided_by",
        "decided_at",
    )
    fields = readonly_fields


@admin.register(PartyMember)
class PartyMemberAdmin(ScopedAdmin):
    visible = staticmethod(policies.party_members_visible_to)
    list_display = ("__str__", "region", "unit", "in_service", "status", "registered_at")
    list_filter = ("status", "in_service")
    list_select_related = ("user", "region", "unit")
    readonly_fields = ("__str__", "region", "status", "decided_by", "decided_at")
    fields = (
        "__str__",
        "region",
        "party_organisation",
        "unit",
        "in_service",
        "status",
        "decided_by",
        "decided_at",
    )
    manage_permission = policies.PARTY_CONFIRM.name


@admin.register(UnitReport)
class UnitReportAdmin(ScopedAdmin):
    visible = staticmethod(policies.unit_reports_visible_to)
    list_display = ("organisation", "region", "status", "registered_at")
    list_filter = ("status",)
    readonly_fields = ("organisation", "region", "status", "decided_by", "decided_at")
    fields = ("organisation", "region", "note", "status", "decided_by", "decided_at")
    manage_permission = policies.PARTY_CONFIRM.name


@admin.register(Team)
class TeamAdmin(ScopedAdmin):
    visible = staticmethod(policies.teams_visible_to)
    list_display = ("name", "kind", "colour", "region", "service_kind")
    list_filter = ("kind", "colour")
    search_fields = ("name",)
    list_select_related = ("region", "service_kind")
    readonly_fields = ("region", "kind", "colour")
    fields = ("name", "region", "kind", "colour", "service_kind", "description")
    manage_permission = policies.TEAM_MANAGE.name


@admin.register(TeamMembership)
class TeamMembershipAdmin(ScopedAdmin):
    visible = staticmethod(_memberships_visible_to)
    list_display = ("team", "user", "role", "joined_at", "left_at")
    list_filter = ("role",)
    list_select_related = ("team", "user")
    readonly_fields = ("team", "user", "role", "joined_at", "left_at")
    fields = readonly_fields


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    visible = staticmethod(policies.activities_visible_to)
    list_display = ("title", "team", "starts_at", "capacity", "signed_up_count", "waitlist_count", "status")
    list_filter = ("status",)
    search_fields = ("title",)
    list_select_related = ("team",)
    date_hierarchy = "starts_at"
    readonly_fields = (
        "team",
        "capacity",
        "signed_up_count",
        "waitlist_count",
        "status",
        "organiser",
        "checkin_code",
    )
    fields = ("title", "place", "starts_at", "ends_at", "needs", *readonly_fields)
    manage_permission = policies.TEAM_MANAGE.name


@admin.register(Signup)
class SignupAdmin(ScopedAdmin):
    visible = staticmethod(_signups_visible_to)
    list_display = ("activity", "volunteer", "status", "queued_at", "checked_in_at", "checked_out_at")
    list_filter = ("status",)
    list_select_related = ("activity", "volunteer")
    readonly_fields = ("activity", "volunteer", "status", "queued_at", "checked_in_at", "checked_out_at")
    fields = readonly_fields


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ScopedAdmin):
    """Hours change only through the services (window, verifier, audit): read-only here."""

    visible = staticmethod(policies.records_visible_to)
    list_display = ("activity", "volunteer", "hours", "status", "verified_by", "corrected")
    list_filter = ("status", "source", "corrected")
    list_select_related = ("activity", "volunteer", "verified_by")
    readonly_fields = (
        "activity",
        "volunteer",
        "hours",
        "status",
        "entered_by",
        "entered_at",
        "verified_by",
        "verified_at",
        "source",
        "note",
        "corrected",
    )
    fields = readonly_fields


@admin.register(Certificate)
class CertificateAdmin(ScopedAdmin):
    visible = staticmethod(policies.certificates_visible_to)
    list_display = ("serial", "volunteer", "hours", "record_count", "issued_at")
    readonly_fields = ("serial", "code", "volunteer", "hours", "record_count", "issued_at", "issued_by")
    fields = readonly_fields


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(ScopedAdmin):
    """Answered on the activity page (the service checks the window); read-only here."""

    visible = staticmethod(_corrections_visible_to)
    list_display = ("record", "message", "status", "created_at", "resolved_at")
    list_filter = ("status",)
    readonly_fields = ("record", "requested_by", "message", "status", "resolved_by", "resolved_at")
    fields = readonly_fields

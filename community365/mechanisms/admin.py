"""Back office: read-only views of projects, postings and results, scoped like every list.
Changes go through the pages and the API, which run the services."""

from django.contrib import admin

from community365.core.admin import ScopedAdmin

from . import policies
from .models import (
    CoBuildingAgreement,
    CoProject,
    DelegationVisit,
    FirstSecretaryPosting,
    FirstSecretaryResult,
    FrontlinePosting,
    FundAllocation,
    FundEntry,
    Lecture,
    NeedItem,
    PropertyManager,
    ResourceOffer,
    Room,
    RoomBooking,
    SecretaryProject,
)


@admin.register(SecretaryProject)
class SecretaryProjectAdmin(ScopedAdmin):
    visible = staticmethod(policies.projects_visible_to)
    list_display = ["id", "year", "title", "unit", "status", "progress", "score"]
    list_filter = ["year", "status", "theme", "unit_kind"]
    search_fields = ["title"]
    list_select_related = ["unit"]


@admin.register(FirstSecretaryPosting)
class FirstSecretaryPostingAdmin(ScopedAdmin):
    visible = staticmethod(policies.postings_visible_to)
    list_display = ["id", "cadre_name", "region", "role", "starts_on", "ends_on", "extensions", "status"]
    list_filter = ["status", "role"]
    list_select_related = ["region"]
    exclude = ["cadre"]


@admin.register(FirstSecretaryResult)
class FirstSecretaryResultAdmin(ScopedAdmin):
    visible = staticmethod(policies.results_visible_to)
    list_display = ["id", "title", "category", "quantity", "region", "status"]
    list_filter = ["status", "category"]
    list_select_related = ["region"]


@admin.register(FrontlinePosting)
class FrontlinePostingAdmin(ScopedAdmin):
    visible = staticmethod(policies.frontline_visible_to)
    list_display = ["id", "batch", "task", "cadre_name", "region", "starts_on"]
    list_filter = ["batch", "task"]
    list_select_related = ["region"]


def _centre_rows(model):  # type: ignore[no-untyped-def]
    def visible(user):  # type: ignore[no-untyped-def]
        from community365.core import permissions

        districts = permissions.district_ids(user)
        return model.objects.all() if districts is None else model.objects.filter(district_id__in=districts)

    return staticmethod(visible)


@admin.register(Room)
class RoomAdmin(ScopedAdmin):
    visible = _centre_rows(Room)
    list_display = ["id", "centre", "name", "capacity"]


@admin.register(RoomBooking)
class RoomBookingAdmin(ScopedAdmin):
    visible = _centre_rows(RoomBooking)
    list_display = ["id", "room", "booker_name", "starts_at", "ends_at", "status"]
    list_filter = ["status"]
    list_select_related = ["room", "room__centre"]


@admin.register(Lecture)
class LectureAdmin(ScopedAdmin):
    visible = _centre_rows(Lecture)
    list_display = ["id", "title", "speaker", "centre", "starts_at", "registered", "capacity"]
    list_select_related = ["centre"]
    exclude = ["checkin_code"]


@admin.register(DelegationVisit)
class DelegationVisitAdmin(ScopedAdmin):
    visible = _centre_rows(DelegationVisit)
    list_display = ["id", "centre", "visited_on", "delegation", "visitors"]
    list_select_related = ["centre"]


def _funds_visible(model):  # type: ignore[no-untyped-def]
    def visible(user):  # type: ignore[no-untyped-def]
        from community365.core import permissions

        return model.objects.filter(permissions.path_q(policies.fund_paths(user)))

    return staticmethod(visible)


@admin.register(FundAllocation)
class FundAllocationAdmin(ScopedAdmin):
    visible = _funds_visible(FundAllocation)
    list_display = ["id", "region", "year", "source", "kind", "amount", "reverses"]
    list_filter = ["year", "source", "kind"]
    list_select_related = ["region", "reverses"]


@admin.register(FundEntry)
class FundEntryAdmin(ScopedAdmin):
    visible = _funds_visible(FundEntry)
    list_display = ["id", "region", "year", "category", "spent_on", "amount", "reverses"]
    list_filter = ["year", "category"]
    list_select_related = ["region", "reverses"]


@admin.register(ResourceOffer)
class ResourceOfferAdmin(ScopedAdmin):
    visible = _centre_rows(ResourceOffer)
    list_display = ["id", "unit_name", "kind", "title", "active"]
    list_filter = ["kind"]


@admin.register(NeedItem)
class NeedItemAdmin(ScopedAdmin):
    visible = _centre_rows(NeedItem)
    list_display = ["id", "region", "kind", "title", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["region"]


@admin.register(CoProject)
class CoProjectAdmin(ScopedAdmin):
    visible = _centre_rows(CoProject)
    list_display = ["id", "title", "region"]
    list_select_related = ["region"]


@admin.register(CoBuildingAgreement)
class CoBuildingAgreementAdmin(ScopedAdmin):
    visible = _centre_rows(CoBuildingAgreement)
    list_display = ["id", "region", "partner", "year", "reviewed_at"]
    list_select_related = ["region"]


@admin.register(PropertyManager)
class PropertyManagerAdmin(ScopedAdmin):
    visible = _centre_rows(PropertyManager)
    list_display = ["id", "region", "name", "has_party_branch"]
    list_select_related = ["region"]

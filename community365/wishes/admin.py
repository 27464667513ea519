"""Back office: read-only views of wishes, claims and markets, scoped like every list. Changes
go through the pages and the API, which run the lifecycle's services."""

from django.contrib import admin

from community365.core.admin import ScopedAdmin

from . import policies
from .models import CharityMarket, Claim, Wish


@admin.register(Wish)
class WishAdmin(ScopedAdmin):
    visible = staticmethod(policies.wishes_visible_to)
    list_display = [
        "id",
        "title",
        "category",
        "region",
        "status",
        "published_at",
        "claimed_at",
        "problem_reported_at",
    ]
    list_filter = ["status", "category", ("problem_reported_at", admin.EmptyFieldListFilter)]
    search_fields = ["title"]
    list_select_related = ["region"]
    exclude = ["wisher"]


@admin.register(Claim)
class ClaimAdmin(ScopedAdmin):
    visible = staticmethod(policies.claims_visible_to)
    list_display = [
        "id",
        "wish",
        "claimant",
        "organisation",
        "status",
        "claimed_at",
        "contact_requested_at",
        "phone_shared_at",
    ]
    list_filter = ["status"]
    list_select_related = ["wish", "claimant", "organisation"]


@admin.register(CharityMarket)
class CharityMarketAdmin(ScopedAdmin):
    visible = staticmethod(policies.markets_visible_to)
    list_display = ["name", "region", "opens_at", "status"]

from django.contrib import admin

from community365.core.admin import ScopedAdmin

from . import policies
from .models import Department, Household, Organisation, Region, ServiceCentre


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    visible = staticmethod(policies.regions_visible_to)
    manage_permission = policies.MANAGE.name
    list_display = ("name", "kind", "code", "depth", "reported_households", "reported_population", "is_model")
    list_filter = ("kind", "is_model")
    search_fields = ("name", "code")
    ordering = ("path",)
    fields = ("name", "kind", "code", "reported_households", "reported_population", "is_model")
    readonly_fields = ("kind", "code")


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    visible = staticmethod(policies.households_visible_to)
    manage_permission = policies.MANAGE_HOUSEHOLDS.name
    list_display = ("number", "region")
    search_fields = ("number",)
    fields = ("number",)
    list_select_related = ("region",)


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    visible = staticmethod(policies.departments_visible_to)
    manage_permission = policies.MANAGE_ORGANISATIONS.name
    list_display = ("name", "short_name", "code")
    fields = ("name", "short_name")


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    visible = staticmethod(policies.organisations_visible_to)
    manage_permission = policies.MANAGE_ORGANISATIONS.name
    list_display = ("name", "kind", "region")
    list_filter = ("kind",)
    fields = ("name",)
    list_select_related = ("region",)


@admin.register(ServiceCentre)
class ServiceCentreAdmin(ScopedAdmin):
    visible = staticmethod(policies.service_centres_visible_to)
    manage_permission = policies.MANAGE_ORGANISATIONS.name
    list_display = ("name", "region", "address")
    fields = ("name", "address")
    list_select_related = ("region",)

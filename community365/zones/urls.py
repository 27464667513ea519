from django.urls import path

from . import views

urlpatterns = [
    path("zones/", views.zone_list, name="zones_list"),
    path("zones/new", views.zone_new, name="zones_new"),
    path("zones/zones.xlsx", views.zones_xlsx, name="zones_xlsx"),
    path("zones/<int:zone_id>/", views.zone_detail, name="zones_detail"),
    path("zones/<int:zone_id>/<slug:action>", views.zone_action, name="zones_action"),
    path("zones/targets/", views.targets, name="zones_targets"),
    path("zones/targets/set", views.target_set, name="zones_target_set"),
    path("zones/targets.xlsx", views.targets_xlsx, name="zones_targets_xlsx"),
    path("zones/standards/", views.standards, name="zones_standards"),
    path("zones/standards/edit", views.standard_edit, name="zones_standard_edit"),
    path("zones/brands/", views.brand_list, name="zones_brands"),
    path("zones/brands/<int:community_id>/", views.brand_page, name="zones_brand"),
]

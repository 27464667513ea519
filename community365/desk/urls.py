from django.urls import path, re_path

from . import open311, views

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    path("services/", views.desk_home, name="services_home"),
    path("services/catalogue/", views.catalogue_index, name="services_catalogue_index"),
    path("services/catalogue/<int:community_id>/", views.catalogue, name="services_catalogue"),
    path("services/new/", views.request_new, name="service_request_new"),
    path("services/requests/<int:request_id>/", views.request_detail, name="service_request"),
    path("services/requests/<int:request_id>/act/", views.request_act, name="service_request_act"),
    path("services/hotline/", views.hotline, name="services_hotline"),
    path("services/figures/", views.figures, name="services_figures"),
    path("services/figures.xlsx", views.figures_xlsx, name="services_figures_xlsx"),
    path("open311/v2/", open311.root, name="open311_root"),
    re_path(r"^open311/v2/discovery" + FMT, open311.discovery, name="open311_discovery"),
    re_path(r"^open311/v2/services" + FMT, open311.service_list, name="open311_services"),
    re_path(
        r"^open311/v2/services/(?P<code>[\w-]{1,40})" + FMT,
        open311.service_definition,
        name="open311_service",
    ),
    re_path(r"^open311/v2/requests" + FMT, open311.requests_endpoint, name="open311_requests"),
    re_path(
        r"^open311/v2/requests/(?P<request_id>[^/.]{1,20})" + FMT,
        open311.request_detail,
        name="open311_request",
    ),
]

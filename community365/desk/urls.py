from django.urls import path, register_converter

from . import open311, views


class FormatConverter:
    """Open311's two formats, as the file-name suffix of every endpoint."""

    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ServiceCodeConverter:
    regex = "[-a-zA-Z0-9_]{1,40}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311fmt")
register_converter(ServiceCodeConverter, "open311code")

urlpatterns = [
    path("services/", views.desk_home, name="services_home"),
    path("services/catalogue/", views.catalogue_index, name="services_catalogue_index"),
    path("services/catalogue/<int:community_id>/", views.catalogue, name="services_catalogue"),
    path("services/new/", views.request_new, name="service_request_new"),
    path("services/requests/<int:request_id>/", views.request_detail, name="service_request"),
    path("services/requests/<int:request_id>/act/", views.request_act, name="service_request_act"),
    path("services/hotline/", views.hotline, name="services_hotline"),
    path("services/lighting/", views.lighting, name="services_lighting"),
    path("services/lighting/<int:file_id>/", views.lighting_file, name="services_lighting_file"),
    path("services/figures/", views.figures, name="services_figures"),
    path("services/figures.xlsx", views.figures_xlsx, name="services_figures_xlsx"),
    path("open311/v2/", open311.root, name="open311_root"),
    path("open311/v2/discovery.<open311fmt:fmt>", open311.discovery, name="open311_discovery"),
    path("open311/v2/services.<open311fmt:fmt>", open311.service_list, name="open311_services"),
    path(
        "open311/v2/services/<open311code:code>.<open311fmt:fmt>",
        open311.service_definition,
        name="open311_service",
    ),
    path("open311/v2/requests.<open311fmt:fmt>", open311.requests_endpoint, name="open311_requests"),
    path(
        "open311/v2/requests/<int:request_id>.<open311fmt:fmt>",
        open311.request_detail,
        name="open311_request",
    ),
]

# Keeping the catalogue, the calendar and the grids; the dark stairwells as a workbook.
urlpatterns += [
    path("services/catalogue/manage/", views.catalogue_manage, name="services_catalogue_manage"),
    path("services/catalogue/manage/new/", views.catalogue_item_new, name="services_catalogue_item_new"),
    path(
        "services/catalogue/manage/<int:item_id>/",
        views.catalogue_item_edit,
        name="services_catalogue_item_edit",
    ),
    path("services/calendar/", views.calendar_page, name="services_calendar"),
    path("services/grids/", views.grid_workers, name="services_grid_workers"),
    path("services/lighting.xlsx", views.lighting_xlsx, name="services_lighting_xlsx"),
]

# deskflow: hot spots and their proposals; a request's tasks
urlpatterns += [
    path("services/hot-spots/<int:community_id>/", views.hot_spots, name="services_hot_spots"),
    path(
        "services/hot-spots/<int:community_id>/propose/",
        views.hot_spot_propose,
        name="services_hot_spot_propose",
    ),
    path(
        "services/requests/<int:request_id>/tasks/", views.request_task_add, name="service_request_task_add"
    ),
    path("services/tasks/<int:task_id>/done/", views.request_task_done, name="service_task_done"),
]

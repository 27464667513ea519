"""URL × persona rows of the service desk (issue 11): pages under /services/, the JSON API under
/api/v1/services/ and Open311 under /open311/v2/."""

from __future__ import annotations

from typing import Any

from tests.url_table import (
    ADMIN,
    API_POST_ONLY,
    API_SIGNED_IN,
    LEADER,
    OTHER_WORKER,
    PAGE_POST_ONLY,
    RESIDENT,
    SECRETARY,
    SUBDISTRICT,
    WORKER,
    everyone,
    only,
    rule,
)

# Who sees a 划船 request: the staff above it, the district leader, the resident who made it.
SEES_HUACHUAN = [ADMIN, SUBDISTRICT, SECRETARY, WORKER, LEADER, RESIDENT]
# The lighting files: whoever sees a place's requests as staff, and the district leader.
LIGHTING = [ADMIN, SUBDISTRICT, SECRETARY, WORKER, OTHER_WORKER, LEADER]
SEES_HUACHUAN_FILE = [ADMIN, SUBDISTRICT, SECRETARY, WORKER, LEADER]
DESK_FIGURES = [ADMIN, SUBDISTRICT, SECRETARY, WORKER, OTHER_WORKER, LEADER]

ROWS: dict[str, dict[str, int]] = {
    "services_home": everyone(200, anonymous=302),
    "services_catalogue_index": everyone(200, anonymous=200),
    "services_catalogue": everyone(200, anonymous=200),
    "service_request_new": only([RESIDENT, SECRETARY, WORKER, OTHER_WORKER], anonymous=302),
    "service_request": only(SEES_HUACHUAN, anonymous=302),
    "service_request_act": PAGE_POST_ONLY,
    "services_hotline": only([ADMIN, SUBDISTRICT], anonymous=302),
    "services_figures": only(DESK_FIGURES, anonymous=302),
    "services_figures_xlsx": only(DESK_FIGURES, anonymous=302),
    "open311_root": everyone(200, anonymous=200),
    "open311_discovery": everyone(200, anonymous=200),
    "open311_services": everyone(200, anonymous=200),
    "open311_service": everyone(200, anonymous=200),
    "open311_requests": everyone(200, anonymous=200),
    "open311_request": everyone(200, anonymous=200),
    "api-1:desk_catalogue": rule(422, 401),  # ?community= is required
    "api-1:desk_list_requests": API_SIGNED_IN,
    "api-1:desk_create_request": API_SIGNED_IN,  # the same path answers GET with the list
    "api-1:desk_get_request": only(SEES_HUACHUAN, anonymous=401),
    "services_lighting": only(LIGHTING, anonymous=302),
    "services_lighting_file": only(SEES_HUACHUAN_FILE, anonymous=302),
    "api-1:desk_lighting_files": API_SIGNED_IN,
    "api-1:desk_lighting_by_community": API_SIGNED_IN,
    "api-1:desk_lighting_save": API_SIGNED_IN,  # the same path answers GET with the list
    "api-1:desk_lighting_file": only(SEES_HUACHUAN_FILE, anonymous=401),
    "api-1:desk_lighting_check": API_POST_ONLY,
    # the keepers' pages: the district admin; a community secretary for their own community
    "services_catalogue_manage": only([ADMIN, SECRETARY], anonymous=302),
    "services_catalogue_item_new": only([ADMIN, SECRETARY], anonymous=302),
    "services_catalogue_item_edit": only([ADMIN, SECRETARY], anonymous=302),  # 划船's own addition
    "services_calendar": only([ADMIN], anonymous=302),
    "services_grid_workers": only([ADMIN, SECRETARY], anonymous=302),
    "services_lighting_xlsx": only(LIGHTING, anonymous=302),
    # deskflow: hot spots (the secretary and the staff above), proposals (the secretary: the
    # form without a hot spot named sends back to the list), a request's tasks, per-worker load
    "services_hot_spots": only([ADMIN, SUBDISTRICT, SECRETARY, LEADER], anonymous=302),
    "services_hot_spot_propose": only([SECRETARY], status=302, anonymous=302),
    "service_request_task_add": PAGE_POST_ONLY,
    "service_task_done": PAGE_POST_ONLY,
    "api-1:desk_hot_spots": rule(422, 401),  # ?community= is required
    "api-1:desk_hot_spot_propose": API_POST_ONLY,
    "api-1:desk_tasks": only(SEES_HUACHUAN, anonymous=401),
    "api-1:desk_task_add": only(SEES_HUACHUAN, anonymous=401),  # the same path answers GET with the list
    "api-1:desk_task_done": API_POST_ONLY,
    "api-1:desk_workload": rule(422, 401),  # ?community= is required
    **dict.fromkeys(
        [
            "api-1:desk_accept",
            "api-1:desk_transfer",
            "api-1:desk_merge",
            "api-1:desk_escalate",
            "api-1:desk_pause",
            "api-1:desk_resume",
            "api-1:desk_close",
            "api-1:desk_rate",
            "api-1:desk_reopen",
            "api-1:desk_callback",
        ],
        API_POST_ONLY,
    ),
}


def _huachuan_request() -> int:
    from community365.desk.models import ServiceRequest

    req = ServiceRequest.objects.filter(author__username=RESIDENT).order_by("pk").first()
    assert req is not None, "the demo world has no request of resident_huachuan"
    return req.pk


def _service_code() -> str:
    from community365.desk.models import CatalogueItem

    return CatalogueItem.objects.filter(region__isnull=True).order_by("pk").values_list("code", flat=True)[0]


def _huachuan_lighting_file() -> int:
    from community365.desk.models import LightingFile

    found = (
        LightingFile.objects.filter(community__name="划船社区")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    assert found is not None, "the demo world has no lighting file in 划船社区"
    return found


def _huachuan_addition() -> int:
    from community365.desk.models import CatalogueItem

    found = (
        CatalogueItem.objects.filter(region__name="划船社区")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    assert found is not None, "the demo world has no catalogue addition of 划船社区"
    return found


def _huachuan() -> int:
    from community365.regions.models import Region

    return Region.objects.get(name="划船社区").pk


def _demo_task() -> int:
    from community365.desk.models import RequestTask

    found = RequestTask.objects.order_by("pk").values_list("pk", flat=True).first()
    assert found is not None, "the demo world has no request task"
    return found


PARAMS: dict[str, Any] = {
    "desk_addition_id": _huachuan_addition,
    "desk_community_id": _huachuan,
    "desk_task_id": _demo_task,
    "desk_lighting_file_id": _huachuan_lighting_file,
    "desk_request_id": _huachuan_request,
    "open311_fmt": lambda: "json",
    "open311_code": _service_code,
}
PARAM_FOR: dict[tuple[str, str], str] = {
    ("service_request", "request_id"): "desk_request_id",
    ("service_request_act", "request_id"): "desk_request_id",
    ("api-1:desk_get_request", "request_id"): "desk_request_id",
    ("open311_request", "request_id"): "desk_request_id",
    **{
        (name, "fmt"): "open311_fmt"
        for name in [
            "open311_discovery",
            "open311_services",
            "open311_service",
            "open311_requests",
            "open311_request",
        ]
    },
    ("open311_service", "code"): "open311_code",
    ("services_lighting_file", "file_id"): "desk_lighting_file_id",
    ("api-1:desk_lighting_file", "file_id"): "desk_lighting_file_id",
    ("api-1:desk_lighting_check", "file_id"): "desk_lighting_file_id",
    ("services_catalogue_item_edit", "item_id"): "desk_addition_id",
    ("services_hot_spots", "community_id"): "desk_community_id",
    ("services_hot_spot_propose", "community_id"): "desk_community_id",
    ("service_request_task_add", "request_id"): "desk_request_id",
    ("service_task_done", "task_id"): "desk_task_id",
    ("api-1:desk_tasks", "request_id"): "desk_request_id",
    ("api-1:desk_task_add", "request_id"): "desk_request_id",
    ("api-1:desk_task_done", "task_id"): "desk_task_id",
}
for _name in [
    "api-1:desk_accept",
    "api-1:desk_transfer",
    "api-1:desk_merge",
    "api-1:desk_escalate",
    "api-1:desk_pause",
    "api-1:desk_resume",
    "api-1:desk_close",
    "api-1:desk_rate",
    "api-1:desk_reopen",
    "api-1:desk_callback",
]:
    PARAM_FOR[(_name, "request_id")] = "desk_request_id"

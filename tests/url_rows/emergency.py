"""URL × persona rows of the emergency response (issue 12). The event is the demo's open drill
in 黄鹂社区 (not 划船社区): its viewers are the district's staff and leader, 黄鹂社区's social
worker and emergency_demo (a member of its emergency team, with households to check)."""

from __future__ import annotations

from tests.url_table import (
    ADMIN,
    API_POST_ONLY,
    API_SIGNED_IN,
    EMERGENCY,
    LEADER,
    OTHER_WORKER,
    PAGE_POST_ONLY,
    SECRETARY,
    SUBDISTRICT,
    WORKER,
    _first,
    everyone,
    only,
    rule,
)

SEES_DRILL = [ADMIN, OTHER_WORKER, LEADER, EMERGENCY]
REPORTS = [ADMIN, OTHER_WORKER, LEADER]

ROWS = {
    "emergency_list": everyone(200),
    "emergency_new": only([ADMIN, SUBDISTRICT]),
    "emergency_buildings": only([SECRETARY, WORKER, OTHER_WORKER]),
    "emergency_manifest": everyone(200, anonymous=200),
    "emergency_sw": everyone(200, anonymous=200),
    "emergency_detail": only(SEES_DRILL),
    "emergency_checklist": only(SEES_DRILL),
    "emergency_close": PAGE_POST_ONLY,
    "emergency_update": PAGE_POST_ONLY,
    "emergency_reassign": PAGE_POST_ONLY,
    "emergency_task_done": PAGE_POST_ONLY,
    "emergency_report_pdf": only(REPORTS),
    "emergency_report_xlsx": only(REPORTS),
    "api-1:list_emergencies": API_SIGNED_IN,
    "api-1:get_emergency": rule(404, 401, _200=SEES_DRILL),
    "api-1:post_checks": API_POST_ONLY,
    "api-1:update_emergency": API_POST_ONLY,
}

PARAMS = {
    "emergency_event_id": _first("emergency.EmergencyEvent", status="open", is_drill=True),
    "emergency_task_id": lambda: 10**9,  # POST-only
}

PARAM_FOR = {
    **{
        (name, "event_id"): "emergency_event_id"
        for name in (
            "emergency_detail",
            "emergency_checklist",
            "emergency_close",
            "emergency_update",
            "emergency_reassign",
            "emergency_task_done",
            "emergency_report_pdf",
            "emergency_report_xlsx",
            "api-1:get_emergency",
            "api-1:post_checks",
            "api-1:update_emergency",
        )
    },
    ("emergency_task_done", "task_id"): "emergency_task_id",
}

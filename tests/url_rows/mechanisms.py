"""URL × persona rows of the mechanisms app (secretary projects, first secretaries)."""

from __future__ import annotations

from typing import Any

from tests.url_table import (
    ADMIN,
    API_POST_ONLY,
    API_SIGNED_IN,
    LEADER,
    OTHER_WORKER,
    PAGE_POST_ONLY,
    SECRETARY,
    SUBDISTRICT,
    UNIT_SECRETARY,
    WORKER,
    _first,
    everyone,
    only,
    rule,
)

OVERSEERS = [ADMIN, SUBDISTRICT, LEADER, SECRETARY]
FUNDS = [ADMIN, SUBDISTRICT, LEADER, SECRETARY, WORKER, OTHER_WORKER]
FUNDS_HERE = [ADMIN, SUBDISTRICT, LEADER, SECRETARY, WORKER]  # 划船社区's ledger

ROWS: dict[str, dict[str, int]] = {
    "mech_projects": everyone(200),
    "mech_project_new": only([SECRETARY, UNIT_SECRETARY]),
    "mech_review": only([ADMIN]),
    "mech_menu": everyone(200),
    "mech_figures": only(OVERSEERS),
    "mech_figures_xlsx": only(OVERSEERS),
    "mech_project": everyone(200),  # a published project: the district's list is public
    "mech_project_action": PAGE_POST_ONLY,
    "mech_postings": everyone(200),
    "mech_results": everyone(200),
    "mech_result_confirm": PAGE_POST_ONLY,
    "mech_posting": everyone(200),
    "mech_posting_action": PAGE_POST_ONLY,
    "mech_centres": everyone(200),
    "mech_centre": everyone(200),
    "mech_centre_action": PAGE_POST_ONLY,
    "mech_lectures": everyone(200),
    "mech_lecture": everyone(200),
    "mech_lecture_action": PAGE_POST_ONLY,
    "mech_funds": only(FUNDS),
    "mech_funds_xlsx": only(FUNDS),
    "mech_fund_ledger": only(FUNDS_HERE),
    "mech_fund_attachment": everyone(404),  # the demo's entries carry no photo
    "mech_progress_photo": everyone(404),  # the demo's progress reports carry no photo
    "mech_cobuilding": everyone(200),
    "mech_need": everyone(200),
    "mech_property": everyone(200),
    "mech_cobuilding_action": PAGE_POST_ONLY,
    "api-1:mech_list_projects": API_SIGNED_IN,
    "api-1:mech_apply": API_SIGNED_IN,  # same path as the list
    "api-1:mech_get_project": API_SIGNED_IN,
    "api-1:mech_review_project": API_POST_ONLY,
    "api-1:mech_progress": API_POST_ONLY,
    "api-1:mech_score": API_POST_ONLY,
    "api-1:mech_result_totals": API_SIGNED_IN,
    "api-1:mech_list_postings": API_SIGNED_IN,
    "api-1:mech_list_lectures": API_SIGNED_IN,
    "api-1:mech_register_lecture": API_POST_ONLY,
    "api-1:mech_book_room": API_POST_ONLY,
    "api-1:mech_need_suggestions": API_SIGNED_IN,
    "api-1:mech_funds": rule(404, 401, _200=FUNDS),
}

PARAMS: dict[str, Any] = {
    "project_id": _first("mechanisms.SecretaryProject", unit__name="划船社区", status="approved"),
    "posting_id": _first("mechanisms.FirstSecretaryPosting", region__name="划船社区"),
    "result_id": _first("mechanisms.FirstSecretaryResult", region__name="划船社区"),
    "centre_id": _first("regions.ServiceCentre", name="和丰创意广场党群服务中心"),
    "lecture_id": _first("mechanisms.Lecture"),
    "need_id": _first("mechanisms.NeedItem", region__name="划船社区"),
    "room_id": _first("mechanisms.Room", centre__name="和丰创意广场党群服务中心"),
    "entry_id": _first("mechanisms.FundEntry", region__name="划船社区"),
    "report_id": _first("mechanisms.ProjectProgress", project__region__name="划船社区"),
}

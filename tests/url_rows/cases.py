"""URL × persona rows of the cases app (老娘舅 mediation, the legal clinic). The PARAMS case
is an agreed case of mediator_demo in 划船社区 (confidential: its mediators, 划船社区's
secretary and the district's justice officer only); the clinic and session are 福明家园's."""

from __future__ import annotations

from typing import Any

from tests.url_table import (
    ADMIN,
    API_POST_ONLY,
    API_SIGNED_IN,
    JUSTICE,
    LAWYER,
    LEADER,
    MEDIATOR,
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

READERS = [MEDIATOR, SECRETARY, JUSTICE]  # the case's mediator, the secretary, justice
FIGURES = [ADMIN, SUBDISTRICT, SECRETARY, WORKER, OTHER_WORKER, LEADER, JUSTICE]

ROWS: dict[str, dict[str, int]] = {
    "mediation_list": only([*FIGURES, MEDIATOR]),  # cases to readers, counts to figures roles
    "mediation_queue": only([MEDIATOR]),
    "mediation_new": only([SECRETARY, WORKER, OTHER_WORKER, MEDIATOR]),
    "mediation_detail": only(READERS),
    "mediation_agreement_pdf": only(READERS),
    "mediation_agreement_scan": everyone(404),  # the demo's agreements carry no scan
    "mediation_action": PAGE_POST_ONLY,
    "cases_figures": only(FIGURES),
    "cases_figures_export": only(FIGURES),
    "clinic_home": everyone(200),
    "clinic_mine": everyone(200),
    "clinic_consultations": only([SECRETARY, LAWYER]),
    "clinic_manage": everyone(404),  # 福明家园社区's desk: no persona works there
    "clinic_session": everyone(200),  # the district's clinics are open to book
    "clinic_action": PAGE_POST_ONLY,
    "cases_referral_handle": PAGE_POST_ONLY,
    "cases_resident_pick": everyone(404),  # without ?field= there is nothing to answer
    "api-1:cases_list_mediations": API_SIGNED_IN,
    "api-1:cases_register_mediation": API_SIGNED_IN,  # same path as the list
    "api-1:cases_get_mediation": rule(404, 401, _200=READERS),
    "api-1:cases_mediation_queue": API_SIGNED_IN,
    "api-1:cases_mediation_figures": rule(404, 401, _200=FIGURES),
    "api-1:cases_clinic_sessions": API_SIGNED_IN,
    "api-1:cases_list_referrals": API_SIGNED_IN,
    **dict.fromkeys(
        [
            "api-1:cases_take_mediation",
            "api-1:cases_assign_mediation",
            "api-1:cases_record_session",
            "api-1:cases_extend_mediation",
            "api-1:cases_agree_mediation",
            "api-1:cases_not_reached",
            "api-1:cases_follow_up",
            "api-1:cases_clinic_book",
            "api-1:cases_clinic_cancel_session",
            "api-1:cases_handle_referral",
        ],
        API_POST_ONLY,
    ),
}

PARAMS: dict[str, Any] = {
    "case_id": _first("cases.MediationCase", mediator__username="mediator_demo", outcome="agreed"),
    "clinic_id": _first("cases.LegalClinic", region__name="福明家园社区"),
    "session_id": _first("cases.ClinicSession", region__name="福明家园社区", status="held"),
    "referral_id": _first("cases.DepartmentReferral", department__code="housing"),
}

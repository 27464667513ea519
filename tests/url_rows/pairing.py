"""URL × persona rows of pairing (党群连心·结对走亲). The pairing is member_demo's first in
划船社区: seen by the staff whose places include 划船社区, the district leader and the cadre; its
visits logged by the cadre or 划船社区's social worker and secretary."""

from __future__ import annotations

from tests.url_table import (
    ADMIN,
    API_POST_ONLY,
    API_SIGNED_IN,
    FIRST_SECRETARY,
    LEADER,
    LIAISON,
    MEMBER,
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

LISTS = [ADMIN, SUBDISTRICT, SECRETARY, WORKER, OTHER_WORKER, LEADER]  # pairing.pairing:view
MANAGERS = [SECRETARY, WORKER, OTHER_WORKER]  # pairing.pairing:manage
CADRE_ROLES = [
    SUBDISTRICT,
    SECRETARY,
    WORKER,
    OTHER_WORKER,
    LIAISON,
    LEADER,
    MEMBER,
    FIRST_SECRETARY,
    UNIT_SECRETARY,
]
SEES_PAIRING = [ADMIN, SUBDISTRICT, SECRETARY, WORKER, LEADER, MEMBER]

ROWS = {
    "pairing_list": only(LISTS),
    "pairing_to_pair": only(LISTS),
    "pairing_new": only(MANAGERS, status=302),  # without ?household=: on to the "to pair" list
    "pairing_mine": only(CADRE_ROLES),
    "pairing_needs": only(MANAGERS),
    "pairing_figures": only(LISTS),
    "pairing_figures_xlsx": only(LISTS),
    "pairing_detail": only(SEES_PAIRING),
    "pairing_visit_new": only([SECRETARY, WORKER, MEMBER]),
    "pairing_end": PAGE_POST_ONLY,
    "pairing_household": only(SEES_PAIRING),
    "pairing_need_turn": only([SECRETARY, WORKER]),
    "pairing_visit_photo": everyone(404),  # the demo's visits carry no photo
    "api-1:list_pairings": API_SIGNED_IN,
    "api-1:list_pairing_visits": rule(404, 401, _200=SEES_PAIRING),
    # the same path as list_pairing_visits (GET lists, POST logs): walked with a GET
    "api-1:post_pairing_visit": rule(404, 401, _200=SEES_PAIRING),
    "api-1:turn_pairing_need": API_POST_ONLY,
}


def _member_pairing() -> int:
    from community365.pairing.models import Pairing

    pairing = (
        Pairing.objects.filter(cadre__username="member_demo", region__name="划船社区").order_by("pk").first()
    )
    assert pairing is not None, "the demo world has no pairing of member_demo"
    return pairing.pk


def _member_household() -> int:
    from community365.pairing.models import Pairing

    return Pairing.objects.get(pk=_member_pairing()).household_id


PARAMS = {
    "pairing_id": _member_pairing,
    "pairing_household_id": _member_household,
    "pairing_need_id": _first("pairing.VisitNeed", region__name="划船社区"),
    "pairing_visit_id": _first("pairing.PairingVisit", region__name="划船社区"),
}

PARAM_FOR = {
    **{
        (name, "pairing_id"): "pairing_id"
        for name in (
            "pairing_detail",
            "pairing_visit_new",
            "pairing_end",
            "api-1:list_pairing_visits",
            "api-1:post_pairing_visit",
        )
    },
    ("pairing_household", "household_id"): "pairing_household_id",
    ("pairing_need_turn", "need_id"): "pairing_need_id",
    ("api-1:turn_pairing_need", "need_id"): "pairing_need_id",
    ("pairing_visit_photo", "visit_id"): "pairing_visit_id",
}

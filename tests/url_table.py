"""The declared answer of every URL pattern to every demo persona (and an anonymous visitor).

Read by ``tests/test_url_table.py``. A row is a url name (namespaced: ``api-1:…``,
``admin:…``) mapped to a *rule*: a dict ``{persona: status}`` built from the groups below, so a
row reads as its permission ("staff of 划船社区", "district figures", …) rather than eleven
numbers. The status is that of a GET (HEAD for downloads) without following redirects:

- 302 — a page that needs a sign-in, to an anonymous visitor (or the back office to non-staff);
- 404 — not visible / not for this user (house rule: never 403 for a page);
- 405 — a POST-only page or API path answered to a GET (the refusal of a write is tested by the
  apps and by the schemathesis run, not here);
- 401 — the JSON API without a token or session.

Path parameters come from ``PARAMS`` (one real object of the demo world each, 划船社区 where
it matters), so "visible" means visible from 划船社区's side: a 黄鹂社区 social worker gets 404
on 划船社区's wish.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

ANONYMOUS = "anonymous"

ADMIN = "admin_district"
SUBDISTRICT = "staff_baizhang"
SECRETARY = "secretary_huachuan"
WORKER = "worker_huachuan"
OTHER_WORKER = "worker_huangli"
LIAISON = "liaison_housing"
LEADER = "leader_demo"
MEMBER = "member_demo"
VOLUNTEER = "volunteer_demo"
RESIDENT = "resident_huachuan"
MEDIATOR = "mediator_demo"
LAWYER = "lawyer_demo"
JUSTICE = "justice_demo"
EMERGENCY = "emergency_demo"
FIRST_SECRETARY = "firstsec_demo"
UNIT_SECRETARY = "unit_secretary_demo"

SIGNED_IN = [
    ADMIN,
    SUBDISTRICT,
    SECRETARY,
    WORKER,
    OTHER_WORKER,
    LIAISON,
    LEADER,
    MEMBER,
    VOLUNTEER,
    RESIDENT,
    MEDIATOR,
    LAWYER,
    JUSTICE,
    EMERGENCY,
    FIRST_SECRETARY,
    UNIT_SECRETARY,
]
EVERYONE = [*SIGNED_IN, ANONYMOUS]
STAFF = [ADMIN, SUBDISTRICT, SECRETARY, WORKER, OTHER_WORKER]
# Staff whose scope includes 划船社区 (the place of the PARAMS objects).
STAFF_HERE = [ADMIN, SUBDISTRICT, SECRETARY, WORKER]
COMMUNITY_STAFF = [SECRETARY, WORKER, OTHER_WORKER]
# Personas whose places lie outside 划船社区 and its subdistrict: they do not see its objects.
ELSEWHERE = [OTHER_WORKER, LAWYER, EMERGENCY, FIRST_SECRETARY]
BACK_OFFICE = [ADMIN, SUBDISTRICT, SECRETARY]  # is_staff: the roles of people.services.BACK_OFFICE_ROLES


def rule(default: int, anonymous: int | None = None, **by_status: list[str]) -> dict[str, int]:
    """rule(404, _200=[ADMIN, WORKER]) → ADMIN and WORKER get 200, every other persona 404, the
    anonymous visitor 302 (the sign-in page) unless said otherwise."""
    answer = dict.fromkeys(SIGNED_IN, default)
    answer[ANONYMOUS] = 302 if anonymous is None else anonymous
    for key, who in by_status.items():
        for persona in who:
            answer[persona] = int(key.lstrip("_"))
    return answer


def everyone(status: int, anonymous: int | None = None) -> dict[str, int]:
    return rule(status, anonymous)


def only(who: list[str], status: int = 200, other: int = 404, anonymous: int | None = None) -> dict[str, int]:
    return rule(other, anonymous, **{f"_{status}": who})


# Sentinel: a pattern that is declared but not requested (Django's own admin object pages need
# an object of every model; the model's list page stands for them, behind the same gate).
NOT_WALKED: dict[str, int] = {}

PAGE_POST_ONLY = everyone(405, anonymous=302)  # @login_required before @require_POST
API_POST_ONLY = everyone(405, anonymous=405)  # ninja answers 405 before authenticating
API_SIGNED_IN = everyone(200, anonymous=401)

LEADERS = [LEADER]
# Roles that read district figures: staff and the district leader (teams.figures:view, and the
# same circle for the wishes and talks figures and every figures export).
FIGURES = [*STAFF, LEADER]

TABLE: dict[str, dict[str, int]] = {
    # --- core, people, regions, audit, inbox ---------------------------------------------------
    "home": everyone(200),
    "healthz": everyone(200, anonymous=200),
    "set_language": everyone(302, anonymous=302),  # a GET just goes back; the switch is a POST
    "login": everyone(302, anonymous=200),  # signed in: on to the home page
    "logout": everyone(405, anonymous=405),
    "account": everyone(200),
    "token_revoke": PAGE_POST_ONLY,
    "resident_search": only(STAFF),
    "accounts": only([ADMIN, SECRETARY]),  # people.role:grant
    "role_grant": PAGE_POST_ONLY,
    "role_revoke": PAGE_POST_ONLY,
    "region_browser": everyone(302),  # one top place: straight to it
    "region_detail": rule(200, _404=ELSEWHERE),
    "audit_log": only([ADMIN]),
    "inbox": everyone(200),
    "inbox_read": PAGE_POST_ONLY,
    "account_unlock": PAGE_POST_ONLY,
    # --- micro-wishes (the PARAMS wish is a confirmed wish of 划船社区) -------------------------
    "wish_board": everyone(200),
    "wish_new": only([SECRETARY, WORKER, OTHER_WORKER, RESIDENT]),
    "my_wishes": everyone(200),
    "my_claims": everyone(200),
    "wish_review": only(STAFF),
    "wish_figures": only(FIGURES),
    "wish_list": only(FIGURES),
    "market_list": everyone(200),
    "market_new": only([ADMIN, SUBDISTRICT]),
    "market_detail": everyone(200),
    "market_manage": PAGE_POST_ONLY,
    "market_live": everyone(200),
    "wish_detail": everyone(200),
    "wish_photo": everyone(404),  # the demo wishes carry no photo
    "wish_action": PAGE_POST_ONLY,
    # --- the three linkages (team, activity: 划船社区's) -----------------------------------------
    "teams_home": everyone(200),
    "team_detail": rule(200, _404=ELSEWHERE),
    "activity_new": only([ADMIN, SUBDISTRICT, SECRETARY, VOLUNTEER]),  # team.manage, or its leader
    "activity_detail": rule(200, _404=ELSEWHERE),
    "activity_sheet_xlsx": only([*STAFF_HERE, VOLUNTEER]),  # organisers and the community's staff
    "my_hours": everyone(200),
    # the user's own service records only (404 with none: of the personas, the party member has
    # some, the lawyer on 福明家园's clinic rota, whose sittings count as service hours, and
    # emergency_demo, with hours from last September's typhoon)
    "records_xlsx": only([MEMBER, LAWYER, EMERGENCY]),
    # a team's records: its leaders and the staff of its place (PARAMS: 划船社区's first team)
    "team_records_xlsx": only([*STAFF_HERE, VOLUNTEER]),
    "certificate_pdf": everyone(404),  # PARAMS: an id no certificate has
    "certificate_check": everyone(200, anonymous=200),  # the public check
    "rota_home": rule(404, _302=STAFF),  # staff: on to their community's rota
    "rota": only(STAFF_HERE),
    "rota_overview": only([ADMIN, SUBDISTRICT]),  # PARAMS: 划船社区's subdistrict
    "my_shifts": only([WORKER, OTHER_WORKER]),  # those on a rota
    "teams_figures": only(FIGURES),
    "party": only([*STAFF, MEMBER]),  # teams.party:view; a member sees their own profile
    # without ?unit= the user's own confirmed record; a unit's report needs teams.party:view
    "party_report_xlsx": only([MEMBER]),
    # --- two-way talks (the PARAMS topic is a submitted topic of 划船社区) ----------------------
    "talk_board": everyone(200),
    "talk_new": only([RESIDENT]),  # residents raise topics
    "talk_detail": everyone(200),
    "talk_edit": everyone(404),  # only its author, while a draft or in signature
    "talk_poster": everyone(404),  # only while the topic collects signatures (PARAMS: submitted)
    "talk_action": PAGE_POST_ONLY,
    "talk_task_inbox": only([LIAISON]),
    "talk_task_action": PAGE_POST_ONLY,
    "talk_queue": only([ADMIN]),
    "talk_figures": only([*FIGURES, LIAISON]),
    "talk_figures_xlsx": only([*FIGURES, LIAISON]),
    # --- the JSON API: the status of a GET on the operation's path ------------------------------
    "api-1:api-root": everyone(404, anonymous=404),
    "api-1:openapi-json": everyone(200, anonymous=200),
    "api-1:openapi-view": everyone(200, anonymous=200),
    "api-1:issue_token": API_POST_ONLY,
    "api-1:revoke_token": API_POST_ONLY,
    "api-1:me": API_SIGNED_IN,
    "api-1:list_persons": API_SIGNED_IN,  # staff see their places' residents, others themselves
    "api-1:get_person": rule(404, 401, _200=[*STAFF_HERE, RESIDENT]),  # PARAMS: resident_huachuan
    "api-1:list_regions": API_SIGNED_IN,
    "api-1:get_region": rule(200, 401, _404=ELSEWHERE),
    "api-1:list_events": API_SIGNED_IN,  # the rows the user may read: none but for admins
    # wishes
    "api-1:list_wishes": API_SIGNED_IN,
    "api-1:create_wish": API_SIGNED_IN,  # same path as list_wishes
    "api-1:get_wish": API_SIGNED_IN,
    **dict.fromkeys(
        [
            "api-1:claim_wish",
            "api-1:contacted",
            "api-1:release",
            "api-1:fulfil",
            "api-1:confirm",
            "api-1:submit",
            "api-1:approve",
            "api-1:return_",
            "api-1:reject",
            "api-1:publish",
            "api-1:withdraw",
            "api-1:create_market",
            "api-1:request_contact",
            "api-1:share_phone",
            "api-1:report_problem",
            "api-1:resubmit",
            "api-1:unlock_user",
            "api-1:add_market_wishes",
            "api-1:invite_to_market",
            "api-1:open_market",
            "api-1:close_market",
        ],
        API_POST_ONLY,
    ),
    "api-1:figures /api/v1/wishes-figures": API_SIGNED_IN,
    "api-1:get_market": API_SIGNED_IN,
    # teams
    "api-1:list_teams": API_SIGNED_IN,
    "api-1:get_team": rule(200, 401, _404=ELSEWHERE),
    "api-1:list_activities": API_SIGNED_IN,
    "api-1:create_activity": API_SIGNED_IN,  # same path as list_activities
    "api-1:get_activity": rule(200, 401, _404=ELSEWHERE),
    # list_signups: organisers and the community's staff; others who see it 422 not_allowed
    "api-1:list_signups": rule(422, 401, _200=[*STAFF_HERE, VOLUNTEER], _404=ELSEWHERE),
    "api-1:sign_up": rule(422, 401, _200=[*STAFF_HERE, VOLUNTEER], _404=ELSEWHERE),
    **dict.fromkeys(
        [
            "api-1:cancel_my_signup",
            "api-1:check_in",
            "api-1:check_out",
            "api-1:self_check_in",
            "api-1:self_check_out",
            "api-1:verify_record",
            "api-1:correct_record",
            "api-1:ask_correction",
            "api-1:rota_remove_shift",
            "api-1:rota_fill",
            "api-1:rota_copy_week",
            "api-1:rota_publish",
            "api-1:request_swap",
            "api-1:decide_swap",
        ],
        API_POST_ONLY,
    ),
    "api-1:list_records": API_SIGNED_IN,
    "api-1:enter_record": API_SIGNED_IN,  # same path as list_records
    "api-1:my_hours": API_SIGNED_IN,
    "api-1:list_certificates": API_SIGNED_IN,
    "api-1:issue_certificate": API_SIGNED_IN,  # same path as list_certificates
    "api-1:certificate_pdf": rule(404, 401),
    "api-1:check_certificate": everyone(422, anonymous=422),  # public; without ?code= → 422
    # without ?start= / ?week= the rota and figures answer 422 (the parameter is required)
    "api-1:rota_shifts": rule(422, 401),
    "api-1:rota_add_shift": rule(422, 401),
    "api-1:rota_coverage": rule(422, 401),
    "api-1:my_shifts": rule(422, 401),
    "api-1:figures /api/v1/teams/figures": rule(422, 401),
    # talks
    "api-1:list_topics": API_SIGNED_IN,
    "api-1:create_topic": API_SIGNED_IN,
    "api-1:get_topic": API_SIGNED_IN,
    "api-1:edit_topic": API_SIGNED_IN,  # same path as get_topic (PATCH)
    **dict.fromkeys(
        [
            "api-1:open_topic",
            "api-1:add_addendum",
            "api-1:sign_topic",
            "api-1:withdraw_signature",
            "api-1:paper_signatures",
            "api-1:submit_topic",
            "api-1:accept_topic",
            "api-1:decline_topic",
            "api-1:merge_topic",
            "api-1:schedule_topic",
            "api-1:record_talk",
            "api-1:rate_topic",
            "api-1:claim_task",
            "api-1:assign_task",
            "api-1:report_progress",
        ],
        API_POST_ONLY,
    ),
    "api-1:list_tasks": API_SIGNED_IN,
    "api-1:get_task": API_SIGNED_IN,
    "api-1:get_figures": rule(404, 401, _200=[*FIGURES, LIAISON]),  # talks.figures:view
}

# Rows that answer wrongly today and are being fixed on other branches (issue 9 item 4, issue 8):
# {url name: personas whose answer differs from the declared one}. The integrator empties this
# after merging; the test fails when a listed row starts answering as declared, so it only shrinks.
KNOWN_FAILURES: dict[str, tuple[str, ...]] = {}


def _admin_rule(name: str) -> dict[str, int] | None:
    if not name.startswith("admin:"):
        return None
    short = name.removeprefix("admin:")
    if short in ("index",) or short.endswith("_changelist"):
        return ADMIN_LIST_RULES.get(short, ADMIN_LIST_DEFAULT)
    return NOT_WALKED


# The back office: its staff get the lists (403 where their roles grant no view permission — Django's
# admin answers so), everybody else the admin's sign-in page.
ADMIN_LIST_DEFAULT = rule(302, _200=BACK_OFFICE)
ADMIN_LIST_RULES: dict[str, dict[str, int]] = {
    "audit_auditevent_changelist": rule(302, _200=[ADMIN], _403=[SUBDISTRICT, SECRETARY]),
    **dict.fromkeys(
        [
            "auth_group_changelist",
            "axes_accessattempt_changelist",
            "axes_accesslog_changelist",
            "axes_accessfailurelog_changelist",
            "django_tasks_database_dbtaskresult_changelist",
        ],
        rule(302, _403=BACK_OFFICE),  # operations staff (superusers) only
    ),
}


def rule_for(name: str) -> dict[str, int] | None:
    if name in TABLE:
        return TABLE[name]
    return _admin_rule(name)


def expected_names() -> list[str]:
    return list(TABLE)


# HEAD is not used: the pages and downloads are @require_GET, which refuses HEAD with 405.
def method_for(name: str) -> str:
    return "GET"


_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def route_params(route: str) -> list[str]:
    return [a or b for a, b in _PARAM.findall(route)]


def _first(model_path: str, **filters: Any) -> Callable[[], int]:
    def pick() -> int:
        from django.apps import apps

        model = apps.get_model(model_path)
        obj = model._default_manager.filter(**filters).order_by("pk").first()
        assert obj is not None, f"the demo world has no {model_path} {filters}"
        return obj.pk

    return pick


HERE = "划船社区"


PARAMS: dict[str, Callable[[], Any]] = {
    "region_id": _first("regions.Region", name=HERE),
    "community_id": _first("regions.Region", name=HERE),
    "subdistrict_id": _first("regions.Region", name="百丈街道"),  # 划船社区's subdistrict
    "wish_id": _first("wishes.Wish", region__name=HERE, status="confirmed"),
    "market_id": _first("wishes.CharityMarket"),
    "topic_id": _first("talks.TalkTopic", region__name=HERE),
    "task_id": _first("talks.TalkTask", topic__region__name=HERE),
    "team_id": _first("teams.Team", region__name=HERE),
    "activity_id": _first("teams.Activity", region__name=HERE),
    "signup_id": _first("teams.Signup", region__name=HERE),
    "record_id": _first("teams.ServiceRecord", region__name=HERE),
    # The demo world issues no certificate: an id no certificate has (its access has its own tests).
    "certificate_id": lambda: 10**9,
    "shift_id": _first("teams.Shift", region__name=HERE),
    "swap_id": lambda: 10**9,  # none in the demo world; swaps are POST-only anyway
    "person_id": _first("people.Person", community__name=HERE),
    "user_id": _first("people.User", username=RESIDENT),
    "assignment_id": _first("people.RoleAssignment", user__username=RESIDENT),
    "token_id": lambda: 10**9,  # POST-only page
    "kind": lambda: "photo",
    "action": lambda: "claim",
    "app_label": lambda: "wishes",
}
# (url name, parameter) → PARAMS key, where a route's parameter name is not the key.
PARAM_FOR: dict[tuple[str, str], str] = {("rota_overview", "region_id"): "subdistrict_id"}


def _merge_app_rows() -> None:
    """Merge the rows, parameters and parameter names of tests/url_rows/<app>.py."""
    import importlib
    import pkgutil

    from tests import url_rows

    for info in sorted(pkgutil.iter_modules(url_rows.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{url_rows.__name__}.{info.name}")
        for attr, target in (("ROWS", TABLE), ("PARAMS", PARAMS), ("PARAM_FOR", PARAM_FOR)):
            extra = getattr(module, attr, {})
            twice = sorted(str(k) for k in set(extra) & set(target))
            if twice and attr != "PARAMS":
                raise ValueError(f"tests/url_rows/{info.name}.py declares {attr} already declared: {twice}")
            for key, value in extra.items():
                # Two apps may name the same parameter only for the same object picker.
                target.setdefault(key, value)


_merge_app_rows()

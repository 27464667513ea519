"""URL × persona rows of supervision (党建责任制, community365/supervision/policies.py).

PARAMS: the talk is with a lagging community of 百丈街道 (not 划船社区: its secretary and social
worker do not see it); the notice is 百丈街道's own notice to 划船社区 and one more of its
communities; the assessment is last year's, published; the community is 划船社区. The demo's
commitments and replies carry no photo (their evidence URLs answer 404)."""

from __future__ import annotations

from tests.url_table import (
    ADMIN,
    API_POST_ONLY,
    LEADER,
    PAGE_POST_ONLY,
    SECRETARY,
    STAFF,
    SUBDISTRICT,
    WORKER,
    everyone,
    only,
    rule,
)

DISTRICT = [ADMIN, LEADER]
READERS = [ADMIN, LEADER, SUBDISTRICT, SECRETARY]  # supervision.record:view (+ reviewers)
NOTICES = [*STAFF, LEADER]  # supervision.notice:view
HERE = [ADMIN, LEADER, SUBDISTRICT, SECRETARY, WORKER]

ROWS = {
    "sup_todo": only(NOTICES),
    "sup_talks": only(READERS),
    "sup_talks_xlsx": only(READERS),
    "sup_talk_new": only(DISTRICT),
    "sup_talk": only([ADMIN, LEADER, SUBDISTRICT]),
    "sup_talk_action": PAGE_POST_ONLY,
    "sup_commitment_evidence": everyone(404),
    "sup_notices": only(NOTICES),
    "sup_notices_xlsx": only(NOTICES),
    "sup_notice_new": only([ADMIN, LEADER, SUBDISTRICT]),
    "sup_notice": only(HERE),
    "sup_notice_action": PAGE_POST_ONLY,
    "sup_reply_evidence": everyone(404),
    "sup_analyses": only([ADMIN, LEADER, SUBDISTRICT]),
    "sup_analysis_new": only(DISTRICT),
    "sup_analysis": only([ADMIN, LEADER, SUBDISTRICT]),
    "sup_assessments": only(READERS),
    "sup_assessment": only(READERS),
    "sup_assessment_xlsx": only(READERS),
    "sup_assessment_community": only(READERS),
    "sup_assessment_action": PAGE_POST_ONLY,
    "api-1:sup_list_talks": rule(404, 401, _200=READERS),
    "api-1:sup_get_talk": rule(404, 401, _200=[ADMIN, LEADER, SUBDISTRICT]),
    "api-1:sup_list_notices": rule(404, 401, _200=NOTICES),
    "api-1:sup_get_notice": rule(404, 401, _200=HERE),
    "api-1:sup_reply": API_POST_ONLY,
    "api-1:sup_list_assessments": rule(404, 401, _200=READERS),
    "api-1:sup_get_assessment": rule(404, 401, _200=READERS),
    "api-1:sup_object": API_POST_ONLY,
}


def _talk_id():
    from community365.supervision.models import SpecialTalk

    return (
        SpecialTalk.objects.filter(region__path__startswith=_baizhang_path())
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def _baizhang_path():
    from community365.regions.models import Region

    return Region.objects.get(name="百丈街道").path


def _notice_id():
    from community365.supervision.models import Notice

    return Notice.objects.filter(region__name="百丈街道").order_by("pk").values_list("pk", flat=True).first()


def _analysis_id():
    from community365.supervision.models import Analysis

    return Analysis.objects.order_by("pk").values_list("pk", flat=True).first()


def _assessment_id():
    from community365.supervision.models import Assessment

    return Assessment.objects.filter(status="published").order_by("year").values_list("pk", flat=True).first()


PARAMS = {
    "talk_id": _talk_id,
    "notice_id": _notice_id,
    "analysis_id": _analysis_id,
    "assessment_id": _assessment_id,
    "commitment_id": lambda: 10**9,
    "reply_id": lambda: 10**9,
}

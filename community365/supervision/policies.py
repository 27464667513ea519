"""Who sees and does what in 党建责任制.

- The district's organisation department (``district_admin``) and the district leaders start
  special talks, write analyses, issue notices, set up and publish the year's assessment, accept
  or return replies and decide objections (``supervision.talk:start`` at the district).
- Subdistrict staff see the talks, notices and results of their communities and may issue
  notices to their own communities; they accept or return the replies to the notices issued from
  their subdistrict (the district decides every notice). They do not start talks.
- A community's secretary sees their community's talks, notices and result; marks commitments
  done, replies to notice items and raises objections.
- A community's social workers see their community's notices (to help prepare replies).
- Reviewers (述职评议): the district admin and leaders, subdistrict staff and community
  secretaries of the district; nobody reviews a community where they hold a role at the
  community or at its subdistrict (their own community).
- Residents, volunteers and party members see nothing (404).
Analyses are district-wide reports: the district admin and leaders and the subdistrict staff of
the district read them."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from community365.core import permissions
from community365.core.actors import SystemActor
from community365.core.errors import NotAllowed, NotFound
from community365.core.ids import MAX_ID, valid_id  # noqa: F401 (the app's policies name them)
from community365.core.roles import Role
from community365.regions.models import Region, RegionKind

from .models import (
    Analysis,
    Assessment,
    AssessmentStatus,
    Notice,
    NoticeRecipient,
    SpecialTalk,
)

DISTRICT = {Role.DISTRICT_ADMIN, Role.DISTRICT_LEADER}
START = permissions.register(
    "supervision.talk:start",
    DISTRICT,
    "Start special talks, analyses and assessments; decide replies and objections",
)
ISSUE = permissions.register(
    "supervision.notice:issue",
    DISTRICT | {Role.SUBDISTRICT_STAFF},
    "Issue supervision notices to the communities in one's place and decide their replies",
)
VIEW = permissions.register(
    "supervision.record:view",
    DISTRICT | {Role.SUBDISTRICT_STAFF, Role.COMMUNITY_SECRETARY},
    "See special talks and assessment results of the communities in one's place",
)
VIEW_NOTICES = permissions.register(
    "supervision.notice:view",
    DISTRICT | {Role.SUBDISTRICT_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER},
    "See the supervision notices of the communities in one's place",
)
ANSWER = permissions.register(
    "supervision.notice:reply",
    {Role.COMMUNITY_SECRETARY},
    "Reply to notices, mark commitments done and object to results for one's community",
)
REVIEW = permissions.register(
    "supervision.report:review",
    DISTRICT | {Role.SUBDISTRICT_STAFF, Role.COMMUNITY_SECRETARY},
    "Score community secretaries' year-end reports (not one's own community)",
)
ANALYSES = permissions.register(
    "supervision.analysis:view",
    DISTRICT | {Role.SUBDISTRICT_STAFF},
    "Read the organisation department's analyses of one's district",
)


def _has(user: Any, perm: permissions.Permission) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, perm.name))


def may_start(user: Any) -> bool:
    return _has(user, START)


def may_issue(user: Any) -> bool:
    return _has(user, ISSUE)


def may_view(user: Any) -> bool:
    return _has(user, VIEW)


def may_view_notices(user: Any) -> bool:
    return _has(user, VIEW_NOTICES)


def may_answer(user: Any) -> bool:
    return bool(permissions.scope_grants(user, ANSWER.name))


def may_review(user: Any) -> bool:
    return bool(permissions.scope_grants(user, REVIEW.name))


def may_read_analyses(user: Any) -> bool:
    return _has(user, ANALYSES)


def may_start_at(user: Any, community: Region) -> bool:
    return permissions.has_perm_at(user, START.name, community.path)


def may_issue_at(user: Any, community: Region) -> bool:
    return permissions.has_perm_at(user, ISSUE.name, community.path)


def _district_ids(user: Any, perm: permissions.Permission) -> set[int]:
    return {g.district_id for g in permissions.scope_grants(user, perm.name)}


# --- visible rows -------------------------------------------------------------------------------
def talks_visible_to(user: Any) -> QuerySet[SpecialTalk]:
    return SpecialTalk.objects.filter(permissions.path_q(permissions.scope_paths(user, VIEW.name)))


def notices_visible_to(user: Any) -> QuerySet[Notice]:
    """Notices addressed to a community in the user's scope, or issued from a place in it."""
    paths = permissions.scope_paths(user, VIEW_NOTICES.name)
    if paths is None:
        return Notice.objects.all()
    addressed = NoticeRecipient.objects.filter(notice=OuterRef("pk")).filter(permissions.path_q(paths))
    return Notice.objects.filter(Q(Exists(addressed)) | permissions.path_q(paths))


def recipients_visible_to(user: Any, notice: Notice) -> QuerySet[NoticeRecipient]:
    """The communities of a notice whose replies the user reads: all of them for whoever issued
    it or sees the whole issuing place, else those in the user's scope."""
    qs = notice.recipients.select_related("region").order_by("region__path")
    paths = permissions.scope_paths(user, VIEW_NOTICES.name)
    if paths is None or any(notice.region.path.startswith(p) for p in paths):
        return qs
    return qs.filter(permissions.path_q(paths))


def analyses_visible_to(user: Any) -> QuerySet[Analysis]:
    if permissions.is_global(user):
        return Analysis.objects.all()
    return Analysis.objects.filter(district_id__in=_district_ids(user, ANALYSES))


def assessments_visible_to(user: Any) -> QuerySet[Assessment]:
    """Published assessments of the user's district (for those who see results or review);
    drafts for the district's deciders and the reviewers."""
    if permissions.is_global(user):
        return Assessment.objects.all()
    deciders = _district_ids(user, START) | _district_ids(user, REVIEW)
    readers = _district_ids(user, VIEW) | deciders
    return Assessment.objects.filter(
        Q(district_id__in=deciders) | Q(district_id__in=readers, status=AssessmentStatus.PUBLISHED)
    )


def communities_visible_to(user: Any) -> QuerySet[Region]:
    return Region.objects.filter(kind=RegionKind.COMMUNITY).filter(
        permissions.path_q(permissions.scope_paths(user, VIEW.name), "path")
    )


def _get(qs: QuerySet[Any], pk: Any, message: str) -> Any:
    if not valid_id(pk):
        raise NotFound(message)
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound(message)
    return obj


def get_visible_talk(user: Any, talk_id: Any) -> SpecialTalk:
    return _get(
        talks_visible_to(user).select_related("region", "district"),
        talk_id,
        _("没有找到这次约谈，或您无权查看。"),
    )


def get_visible_notice(user: Any, notice_id: Any) -> Notice:
    return _get(
        notices_visible_to(user).select_related("region", "district"),
        notice_id,
        _("没有找到这份通报，或您无权查看。"),
    )


def get_visible_analysis(user: Any, analysis_id: Any) -> Analysis:
    return _get(
        analyses_visible_to(user).select_related("district"),
        analysis_id,
        _("没有找到这份分析，或您无权查看。"),
    )


def get_visible_assessment(user: Any, assessment_id: Any) -> Assessment:
    return _get(
        assessments_visible_to(user).select_related("district"),
        assessment_id,
        _("没有找到这次考评，或您无权查看。"),
    )


def get_visible_community(user: Any, community_id: Any) -> Region:
    return _get(communities_visible_to(user), community_id, _("没有这个社区，或您无权查看。"))


# --- decisions ----------------------------------------------------------------------------------
def require_start(user: Any, district: Region) -> str:
    return permissions.require_at(user, START.name, district.path, _("只有区委组织部和区领导可以做这一步。"))


def require_answer(user: Any, community: Region) -> str:
    return permissions.require_at(user, ANSWER.name, community.path, _("只有本社区书记可以做这一步。"))


def require_decide_notice(user: Any, notice: Notice) -> str:
    """The district decides every notice; a subdistrict the notices it issued itself."""
    role = permissions.acting_role(user, START.name, notice.district.path)
    if role:
        return role
    role = permissions.acting_role(user, ISSUE.name, notice.region.path)
    if role and notice.region.kind == RegionKind.SUBDISTRICT:
        return role
    raise NotAllowed(_("只有发文单位可以审核整改答复。"))


def sees_all_results(user: Any, assessment: Assessment) -> bool:
    return isinstance(user, SystemActor) or permissions.has_perm_at(
        user, START.name, assessment.district.path
    )


def own_community_paths(user: Any) -> list[str]:
    """Paths of the places below the district where the user holds any role: a reviewer does not
    review a community under one of them."""
    return [g.path for g in permissions.grants_of(user) if g.region_id != g.district_id]


def is_own_community(user: Any, community: Region) -> bool:
    return any(community.path.startswith(p) for p in own_community_paths(user))

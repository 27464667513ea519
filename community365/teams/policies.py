"""Who may see and do what in the three linkages. Not visible ⇒ 404 (``get_visible_…``);
visible but not allowed ⇒ ``NotAllowed`` with a reason, from the services."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from community365.core import permissions
from community365.core.errors import NotFound
from community365.core.roles import ALL_ROLES, STAFF_ROLES, Role
from community365.regions.models import Region

from .models import (
    Activity,
    Certificate,
    DutyRoster,
    MemberRole,
    PartyMember,
    ServiceRecord,
    Shift,
    ShiftSwap,
    Team,
    TeamMembership,
    UnitReport,
)

ROTA_VIEW = permissions.register("teams.rota:view", STAFF_ROLES, "See duty rotas and coverage")
ROTA_MANAGE = permissions.register(
    "teams.rota:manage",
    {Role.DISTRICT_ADMIN, Role.COMMUNITY_SECRETARY},
    "Edit and publish a community's duty rota; approve shift swaps",
)
ROTA_WORK = permissions.register(
    "teams.rota:work", {Role.SOCIAL_WORKER}, "Be on a rota; ask to swap one's own shifts"
)
PARTY_VIEW = permissions.register("teams.party:view", STAFF_ROLES, "See party members reporting to a place")
PARTY_CONFIRM = permissions.register(
    "teams.party:confirm",
    {Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF, Role.COMMUNITY_SECRETARY},
    "Confirm party members and units reporting to a community",
)
PARTY_REGISTER = permissions.register(
    "teams.party:register", {Role.PARTY_MEMBER}, "Report as a party member to the community where one lives"
)
TEAM_VIEW = permissions.register("teams.team:view", ALL_ROLES, "See volunteer teams and their activities")
TEAM_MANAGE = permissions.register(
    "teams.team:manage",
    {Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF, Role.COMMUNITY_SECRETARY},
    "Found teams, appoint leaders, organise any activity of a team here",
)
RECORD_VIEW = permissions.register(
    "teams.record:view", STAFF_ROLES, "See volunteers' service records under one's places"
)
RECORD_CORRECT = permissions.register(
    "teams.record:correct",
    {Role.DISTRICT_ADMIN},
    "Enter or correct service hours after the 10-working-day window",
)
FIGURES_VIEW = permissions.register(
    "teams.figures:view", STAFF_ROLES | {Role.DISTRICT_LEADER}, "See the three linkages' figures"
)


def _ancestor_paths(paths: list[str]) -> list[str]:
    """Every proper ancestor path of the given paths (teams at a subdistrict serve its communities)."""
    result: set[str] = set()
    for path in paths:
        for end in range(Region.steplen, len(path), Region.steplen):
            result.add(path[:end])
    return sorted(result)


def rosters_visible_to(user: Any) -> QuerySet[DutyRoster]:
    return DutyRoster.objects.filter(permissions.path_q(permissions.scope_paths(user, ROTA_VIEW.name)))


def shifts_visible_to(user: Any) -> QuerySet[Shift]:
    scope = permissions.path_q(permissions.scope_paths(user, ROTA_VIEW.name))
    if getattr(user, "is_authenticated", False) and not permissions.is_global(user):
        scope |= Q(worker_id=user.pk)
    return Shift.objects.filter(scope)


def swaps_visible_to(user: Any) -> QuerySet[ShiftSwap]:
    scope = permissions.path_q(permissions.scope_paths(user, ROTA_MANAGE.name))
    if getattr(user, "is_authenticated", False) and not permissions.is_global(user):
        scope |= Q(requested_by_id=user.pk) | Q(taker_id=user.pk)
    return ShiftSwap.objects.filter(scope)


def get_visible_roster_place(user: Any, region_id: int) -> Region:
    """The community whose rota the user may look at; 404 otherwise."""
    paths = permissions.scope_paths(user, ROTA_VIEW.name)
    region = (
        Region.objects.filter(pk=region_id, kind__in=("community", "cooperative"))
        .filter(permissions.path_q(paths, "path"))
        .first()
    )
    if region is None:
        raise NotFound(_("没有找到该社区的值班表。"))
    return region


def party_members_visible_to(user: Any) -> QuerySet[PartyMember]:
    scope = permissions.path_q(permissions.scope_paths(user, PARTY_VIEW.name))
    if getattr(user, "is_authenticated", False) and not permissions.is_global(user):
        scope |= Q(user_id=user.pk)
    return PartyMember.objects.filter(scope)


def unit_reports_visible_to(user: Any) -> QuerySet[UnitReport]:
    return UnitReport.objects.filter(permissions.path_q(permissions.scope_paths(user, PARTY_VIEW.name)))


def teams_visible_to(user: Any) -> QuerySet[Team]:
    """Teams at or under the user's places, teams at the places above them (a subdistrict's
    lawyers serve its communities), and teams the user belongs to."""
    paths = permissions.scope_paths(user, TEAM_VIEW.name)
    if paths is None:
        return Team.objects.all()
    scope = permissions.path_q(paths) if paths else Q(pk__in=[])
    ancestors = _ancestor_paths(paths)
    if ancestors:
        scope |= Q(region__path__in=ancestors)
    if getattr(user, "is_authenticated", False):
        scope |= Q(
            pk__in=TeamMembership.objects.filter(user_id=user.pk, left_at__isnull=True).values("team_id")
        )
    return Team.objects.filter(scope)


def activities_visible_to(user: Any) -> QuerySet[Activity]:
    return Activity.objects.filter(team__in=teams_visible_to(user))


def records_visible_to(user: Any) -> QuerySet[ServiceRecord]:
    """Staff under their places; team leaders for their teams' activities; everyone their own."""
    scope = permissions.path_q(permissions.scope_paths(user, RECORD_VIEW.name))
    if getattr(user, "is_authenticated", False) and not permissions.is_global(user):
        led = TeamMembership.objects.filter(
            user_id=user.pk, role=MemberRole.LEADER, left_at__isnull=True
        ).values("team_id")
        scope |= Q(volunteer_id=user.pk) | Q(activity__team_id__in=led) | Q(activity__organiser_id=user.pk)
    return ServiceRecord.objects.filter(scope)


def certificates_visible_to(user: Any) -> QuerySet[Certificate]:
    scope = permissions.path_q(permissions.scope_paths(user, RECORD_VIEW.name))
    if getattr(user, "is_authenticated", False) and not permissions.is_global(user):
        scope |= Q(volunteer_id=user.pk)
    return Certificate.objects.filter(scope)


def _get(qs: QuerySet[Any], pk: int, message: str) -> Any:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound(message)
    return obj


def get_visible_team(user: Any, team_id: int) -> Team:
    return _get(teams_visible_to(user).select_related("region"), team_id, _("没有找到该队伍。"))


def get_visible_activity(user: Any, activity_id: int) -> Activity:
    return _get(
        activities_visible_to(user).select_related("team", "region", "organiser"),
        activity_id,
        _("没有找到该活动。"),
    )


def get_visible_record(user: Any, record_id: int) -> ServiceRecord:
    return _get(
        records_visible_to(user).select_related("activity", "volunteer", "region"),
        record_id,
        _("没有找到该服务记录。"),
    )


def get_visible_shift(user: Any, shift_id: int) -> Shift:
    return _get(shifts_visible_to(user).select_related("region", "worker"), shift_id, _("没有找到该班次。"))


def get_visible_swap(user: Any, swap_id: int) -> ShiftSwap:
    return _get(swaps_visible_to(user).select_related("region", "shift"), swap_id, _("没有找到该换班申请。"))


def get_visible_party_member(user: Any, member_id: int) -> PartyMember:
    return _get(
        party_members_visible_to(user).select_related("user", "region", "unit"),
        member_id,
        _("没有找到该党员。"),
    )


def get_visible_certificate(user: Any, certificate_id: int) -> Certificate:
    return _get(certificates_visible_to(user), certificate_id, _("没有找到该证明。"))


def leads_team(user: Any, team: Team) -> bool:
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return False
    return TeamMembership.objects.filter(
        team=team, user_id=user_id, role=MemberRole.LEADER, left_at__isnull=True
    ).exists()


def may_organise(user: Any, activity: Activity) -> bool:
    """The organiser, a leader of the team, or whoever manages teams at its place."""
    if getattr(user, "pk", None) == activity.organiser_id and activity.organiser_id is not None:
        return True
    return leads_team(user, activity.team) or permissions.has_perm_at(
        user, TEAM_MANAGE.name, activity.region.path
    )


def may_lead(user: Any, team: Team) -> bool:
    return leads_team(user, team) or permissions.has_perm_at(user, TEAM_MANAGE.name, team.region.path)


def _has_anywhere(user: Any, name: str) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, name))


def may_open_party_page(user: Any, *, has_profile: bool) -> bool:
    """Staff who see party members, a party member (registered or about to), nobody else: a
    resident gets 404, not an empty staff page."""
    return has_profile or _has_anywhere(user, PARTY_VIEW.name) or _has_anywhere(user, PARTY_REGISTER.name)


def may_see_party_members(user: Any) -> bool:
    return _has_anywhere(user, PARTY_VIEW.name)


def may_export_team_records(user: Any, team: Team) -> bool:
    """A team's service records (with names as the masking rule allows): its leaders, whoever
    manages teams there, and staff who see service records at its place."""
    return may_lead(user, team) or permissions.has_perm_at(user, RECORD_VIEW.name, team.region.path)


def may_open_my_shifts(user: Any) -> bool:
    return (
        _has_anywhere(user, ROTA_WORK.name)
        or Shift.objects.filter(worker_id=getattr(user, "pk", None)).exists()
    )


def may_manage_rota(user: Any, community: Region) -> bool:
    """Edit, fill and publish this community's rota; decide its swaps."""
    return permissions.has_perm_at(user, ROTA_MANAGE.name, community.path)

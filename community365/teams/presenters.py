"""How people appear in the three linkages' lists, pages, API and exports: full names only
where the viewer needs them (themself, the activity's organiser, the place's own workers);
masked otherwise. Phone numbers are never shown here."""

from __future__ import annotations

from typing import Any

from community365.core import permissions
from community365.core.masking import mask_name
from community365.people.models import User

from . import policies
from .models import Activity, MemberRole, TeamMembership


def person_label(user: User, *, full: bool) -> str:
    name = user.display_name or user.username
    return name if full else mask_name(name)


def led_team_ids(viewer: Any) -> set[int]:
    """The teams ``viewer`` leads now, loaded once per user object (i.e. once per request), so
    that a list or export over many activities asks once, not once per activity."""
    if not getattr(viewer, "is_authenticated", False) or getattr(viewer, "pk", None) is None:
        return set()
    cached = getattr(viewer, "_c365_led_teams", None)
    if cached is None:
        cached = set(
            TeamMembership.objects.filter(
                user_id=viewer.pk, role=MemberRole.LEADER, left_at__isnull=True
            ).values_list("team_id", flat=True)
        )
        viewer._c365_led_teams = cached
    return cached


def sees_participants(viewer: Any, activity: Activity) -> bool:
    """The organiser, a leader of the team, whoever manages teams at its place (the circle of
    ``policies.may_organise``) and the place's own workers (contact data). No query of its own
    beyond the viewer's grants and led teams (both once per request); ``activity.region`` should
    come with the activity (select_related)."""
    if getattr(viewer, "pk", None) is not None and viewer.pk == activity.organiser_id:
        return True
    path = activity.region.path
    return (
        permissions.has_perm_at(viewer, policies.TEAM_MANAGE.name, path)
        or permissions.has_perm_at(viewer, "people.person:view_contact", path)
        or activity.team_id in led_team_ids(viewer)
    )


def label_for(viewer: Any, user: User, activity: Activity | None = None, *, need: bool | None = None) -> str:
    if getattr(viewer, "pk", None) == user.pk:
        return person_label(user, full=True)
    if need is None:
        need = activity is not None and sees_participants(viewer, activity)
    return person_label(user, full=need)

"""How people appear in the three linkages' lists, pages, API and exports: full names only
where the viewer needs them (themself, the activity's organiser, the place's own workers);
masked otherwise. Phone numbers are never shown here."""

from __future__ import annotations

from typing import Any

from community365.core import permissions
from community365.core.masking import mask_name
from community365.people.models import User

from . import policies
from .models import Activity


def person_label(user: User, *, full: bool) -> str:
    name = user.display_name or user.username
    return name if full else mask_name(name)


def sees_participants(viewer: Any, activity: Activity) -> bool:
    return policies.may_organise(viewer, activity) or permissions.has_perm_at(
        viewer, "people.person:view_contact", activity.region.path
    )


def label_for(viewer: Any, user: User, activity: Activity | None = None, *, need: bool | None = None) -> str:
    if getattr(viewer, "pk", None) == user.pk:
        return person_label(user, full=True)
    if need is None:
        need = activity is not None and sees_participants(viewer, activity)
    return person_label(user, full=need)

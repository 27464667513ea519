"""The three linkages on the home page's to-do block (see community365.core.todos)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community365.core import permissions, todos
from community365.core.roles import Role

from . import policies, selectors
from .models import DutyRoster


@todos.provider(order=30)
def teams_todos(user: Any) -> Iterator[todos.Item]:
    communities = [
        g.region_id
        for g in permissions.scope_grants(user, policies.ROTA_MANAGE.name)
        if g.role == Role.COMMUNITY_SECRETARY
    ]
    if communities:
        today = timezone.localdate()
        monday = today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(days=7)
        sunday = monday + datetime.timedelta(days=6)
        for roster in DutyRoster.objects.filter(region_id__in=communities).select_related("region"):
            # A week of required slots: one query for the shifts, a bounded loop of 7 × slots.
            holes = selectors.coverage_holes(roster, monday, sunday)
            query = urlencode({"week": monday, "check_start": monday, "check_end": sunday})
            label = (
                _("下周值班空缺") if len(communities) == 1 else f"{_('下周值班空缺')} · {roster.region.name}"
            )
            yield todos.Count(
                "teams.rota_holes",
                label,
                len(holes),
                reverse("rota", args=[roster.region_id]) + f"?{query}#holes",
            )
    if any(g.role in (Role.VOLUNTEER, Role.PARTY_MEMBER) for g in permissions.grants_of(user)):
        upcoming = policies.activities_visible_to(user).filter(
            ends_at__gte=timezone.now(),
            status="open",
            pk__in=selectors.my_signups(user).values("activity_id"),
        )
        yield todos.Count(
            "teams.next_activities",
            _("我报名的近期活动"),
            upcoming.count(),
            reverse("teams_home") + "?mine=1#upcoming",
        )

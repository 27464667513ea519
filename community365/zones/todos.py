"""整片建强 on the home page: the organisation department sees how many of this year's targets
are behind (the targets page marks exactly those with ``data-row``); a community's secretary
whose community has no brand yet is asked to write it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community365.core import permissions, todos
from community365.core.roles import Role

from . import policies, selectors
from .models import Brand


@todos.provider(order=25)
def zones_todos(user: Any) -> Iterator[todos.Item]:
    grants = permissions.grants_of(user)
    if any(g.role == Role.DISTRICT_ADMIN for g in grants):
        district = policies.district_of(user)
        if district is not None:
            year = timezone.localdate().year
            behind = selectors.behind_count(user, district, year)
            if behind:
                yield todos.Count(
                    "zones.targets_behind",
                    _("整片建强未达到的目标"),
                    behind,
                    f"{reverse('zones_targets')}?year={year}#targets",
                )
    secretary = next((g for g in grants if g.role == Role.COMMUNITY_SECRETARY), None)
    if secretary is not None and not Brand.objects.filter(community_id=secretary.region_id).exists():
        yield todos.Action(
            "zones.brand",
            _("填写本社区的特色品牌"),
            reverse("zones_brand", args=[secretary.region_id]),
            _("一社一特：让居民知道本社区的特色"),
        )

"""整片建强 on the home page: the organisation department is offered this year's targets and
progress as a first step (an Action: counting the targets behind means evaluating every
subdistrict — eight queries — which the home page's budget of one query per count does not allow;
the targets page marks the ones behind); a community's secretary whose community has no brand
yet is asked to write it (one query); a resident, volunteer or party member is offered the
brand of their community (no query)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community365.core import permissions, todos
from community365.core.roles import CITIZEN_ROLES, STAFF_ROLES, Role
from community365.regions.models import Region

from .models import Brand


@todos.provider(order=25)
def zones_todos(user: Any) -> Iterator[todos.Item]:
    grants = permissions.grants_of(user)
    if any(g.role == Role.DISTRICT_ADMIN for g in grants):
        yield todos.Action(
            "zones.targets",
            _("整片建强：今年目标进度"),
            f"{reverse('zones_targets')}?year={timezone.localdate().year}",
            _("示范片区、达标和示范街道，哪些还没达到"),
        )
    secretary = next((g for g in grants if g.role == Role.COMMUNITY_SECRETARY), None)
    if secretary is not None and not Brand.objects.filter(community_id=secretary.region_id).exists():
        yield todos.Action(
            "zones.brand",
            _("填写本社区的特色品牌"),
            reverse("zones_brand", args=[secretary.region_id]),
            _("一社一特：让居民知道本社区的特色"),
        )
    if not any(g.role in STAFF_ROLES for g in grants):
        # a role held at a community (a volunteer may hold one at a subdistrict): the path's depth
        citizen = next(
            (g for g in grants if g.role in CITIZEN_ROLES and len(g.path) == 3 * Region.steplen), None
        )
        if citizen is not None:
            yield todos.Action(
                "zones.my_brand",
                _("本社区的特色品牌"),
                reverse("zones_brand", args=[citizen.region_id]),
                _("一社一特：看看本社区的特色"),
            )

"""The service desk on the home page's to-do block (see community365.core.todos). Each count is
one query; its URL opens the desk's list filtered to exactly those rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community365.core import permissions, todos
from community365.core.roles import Role
from community365.regions.models import COMMUNITY_KINDS, Region

from . import policies, selectors
from .models import RequestStatus


def _list(**params: Any) -> str:
    return reverse("services_home") + "?" + urlencode(params)


@todos.provider(order=15)
def desk_todos(user: Any) -> Iterator[todos.Item]:
    if permissions.scope_paths(user, policies.RAISE.name):
        yield todos.Action(
            "desk.new", _("我要反映"), reverse("service_request_new"), _("楼道灯、下水道、开证明……社区按时办")
        )
        mine = policies.requests_visible_to(user).filter(author_id=user.pk)
        to_rate = mine.filter(status=RequestStatus.CLOSED).count()
        if to_rate:
            yield todos.Count(
                "desk.to_rate", _("待您评价的诉求"), to_rate, _list(status=RequestStatus.CLOSED, mine=1)
            )
        waiting = mine.filter(status=RequestStatus.WAITING).count()
        if waiting:
            yield todos.Count(
                "desk.waiting", _("需要您补充的诉求"), waiting, _list(status=RequestStatus.WAITING, mine=1)
            )
    if permissions.scope_paths(user, policies.HANDLE.name) != [] or policies.liaison_departments(user):
        visible = policies.requests_visible_to(user)
        submitted = visible.filter(status=RequestStatus.SUBMITTED).count()
        if submitted:
            yield todos.Count(
                "desk.to_accept", _("待受理的诉求"), submitted, _list(status=RequestStatus.SUBMITTED)
            )
        late = visible.filter(
            status__in=[RequestStatus.SUBMITTED, RequestStatus.ACCEPTED], resolution_due__lt=timezone.now()
        ).count()
        if late:
            yield todos.Count("desk.overdue", _("逾期未办结的诉求"), late, _list(overdue=1))
    # Hot spots are flagged to the community's secretary: the same category recurring at the same
    # stairwell, building or grid in the last three months, not yet started as a wish, a project
    # or a topic (deskflow). The count opens the hot-spot page's "not yet proposed" section.
    for grant in permissions.scope_grants(user, policies.PROPOSE.name):
        if grant.role != Role.COMMUNITY_SECRETARY:
            continue
        community = Region.objects.filter(pk=grant.region_id, kind__in=list(COMMUNITY_KINDS)).first()
        if community is None:
            continue
        period = selectors.hot_spot_period({})
        new = sum(1 for spot in selectors.hot_spots_of(community, period) if not spot.proposals)
        if new:
            url = reverse("services_hot_spots", args=[community.pk]) + "#new"
            yield todos.Count(f"desk.hot_spots.{community.pk}", _("新出现的诉求热点"), new, url)
    # The requests where a task is given to this social worker and still open (deskflow).
    # (Tasks go to social workers only: no query for anyone else.)
    if any(g.role == Role.SOCIAL_WORKER for g in permissions.scope_grants(user, policies.HANDLE.name)):
        with_tasks = (
            policies.requests_visible_to(user).filter(pk__in=selectors.my_open_task_requests(user)).count()
        )
        if with_tasks:
            yield todos.Count("desk.my_tasks", _("有任务分给我的诉求"), with_tasks, _list(tasks="mine"))

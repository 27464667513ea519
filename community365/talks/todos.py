"""Two-way talks on the home page's to-do block (see community365.core.todos).

Each count is one query, and the URL opens the board or inbox filtered to exactly those rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community365.core import permissions, todos

from . import policies, selectors
from .models import TopicStatus


def _board(**params: Any) -> str:
    return reverse("talk_board") + "?" + urlencode(params)


@todos.provider(order=20)
def talk_todos(user: Any) -> Iterator[todos.Item]:
    day = selectors.today()
    person = getattr(user, "person", None)  # cached on the user by the first provider
    if (
        person is not None
        and person.verified_at is not None
        and permissions.has_perm_at(user, policies.RAISE.name, person.community.path)
    ):
        yield todos.Action(
            "talks.new", _("我要点题"), reverse("talk_new"), _("10 位居民联署，请领导来面对面谈")
        )
        waiting = (
            policies.topics_visible_to(user)
            .filter(status=TopicStatus.SIGNING, region_id=person.community_id)
            .exclude(pk__in=selectors.signed_by(user))
        )
        yield todos.Count(
            "talks.sign",
            _("本社区等您联署的点题"),
            waiting.count(),
            _board(status=TopicStatus.SIGNING, community=person.community_id, unsigned=1),
        )
    if permissions.scope_grants(user, policies.DECIDE.name):
        visible = policies.topics_visible_to(user)
        yield todos.Count(
            "talks.decide",
            _("待受理的点题"),
            visible.filter(status=TopicStatus.SUBMITTED).count(),
            _board(status=TopicStatus.SUBMITTED),
        )
        yield todos.Count(
            "talks.schedule",
            _("已受理、待安排约谈"),
            visible.filter(status=TopicStatus.ACCEPTED).count(),
            _board(status=TopicStatus.ACCEPTED),
        )
        yield todos.Count(
            "talks.late",
            _("有任务超期未办完的点题"),
            visible.filter(tasks__done_at__isnull=True, tasks__deadline__lt=day).distinct().count(),
            _board(measure="late"),
        )
    if permissions.scope_grants(user, policies.LEAD.name):
        yield todos.Count(
            "talks.hold",
            _("邀请您出席、待举行的约谈"),
            policies.topics_visible_to(user)
            .filter(status=TopicStatus.SCHEDULED, invited_leader_id=user.pk)
            .count(),
            _board(status=TopicStatus.SCHEDULED, leader=user.pk),
        )
    departments = policies.liaison_departments(user)
    if departments:
        tasks = policies.inbox_tasks_of(user)
        yield todos.Count(
            "talks.claim",
            _("待认领的任务"),
            tasks.filter(department__isnull=True).count(),
            reverse("talk_task_inbox") + "#to-claim",
        )
        yield todos.Count(
            "talks.overdue",
            _("本部门超期的任务"),
            tasks.filter(department_id__in=departments, done_at__isnull=True, deadline__lt=day).count(),
            reverse("talk_task_inbox") + "?overdue=1#carrying",
        )

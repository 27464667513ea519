"""Emergency response on the home page's to-do block (see community365.core.todos)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community365.core import permissions, todos

from . import policies
from .models import CheckAssignment, EmergencyEvent, EmergencyTask, EventStatus, TaskStatus


@todos.provider(order=15)
def emergency_todos(user: Any) -> Iterator[todos.Item]:
    """During an open event: the households the user still has to check (one query)."""
    mine = CheckAssignment.objects.filter(assignee_id=user.pk, event__status=EventStatus.OPEN, status="")
    first = mine.order_by("event_id").values_list("event_id", flat=True).first()
    if first is not None:
        yield todos.Count(
            "emergency.to_check",
            _("应急入户排查：待排查的户"),
            mine.filter(event_id=first).count(),
            reverse("emergency_checklist", args=[first]),
        )


@todos.provider(order=16)
def emergency_task_todos(user: Any) -> Iterator[todos.Item]:
    """For the community's staff during an open event: the needs found at the doors still open
    (those of the first open event with any, as listed under #tasks on its board)."""
    if not permissions.scope_grants(user, policies.MANAGE.name):
        return
    paths = policies.manage_paths(user)
    open_tasks = EmergencyTask.objects.filter(
        permissions.path_q(paths), status=TaskStatus.OPEN, event__status=EventStatus.OPEN
    )
    first = open_tasks.order_by("event_id").values_list("event_id", flat=True).first()
    if first is None:
        return
    event = EmergencyEvent.objects.get(pk=first)
    yield todos.Count(
        "emergency.tasks",
        _("应急帮扶需求：待处理"),
        EmergencyTask.objects.filter(
            event=event,
            status=TaskStatus.OPEN,
            assignment__in=policies.assignments_manageable(user, event),
        ).count(),
        reverse("emergency_detail", args=[first]) + "#tasks",
    )

"""Emergency response on the home page's to-do block (see community365.core.todos)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community365.core import todos

from .models import CheckAssignment, EventStatus


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

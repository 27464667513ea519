"""The desk's pieces on other apps' pages (deskflow).

``{% desk_worker_load community loads %}``: each social worker's load at the desk, shown on
the rota's workload section (teams/rota.html) beside the shifts per person. One grouped query for
all the workers of the page (``selectors.worker_loads``); each figure opens the desk's list of
those requests (deskflow)."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone

from community365.core import charts, permissions

from .. import policies, selectors

register = template.Library()


def month_bounds(today: datetime.date) -> tuple[datetime.datetime, datetime.datetime, str]:
    start = today.replace(day=1)
    end = charts.next_month(start)
    aware = [timezone.make_aware(datetime.datetime.combine(d, datetime.time.min)) for d in (start, end)]
    return aware[0], aware[1], start.strftime("%Y-%m")


def load_rows(
    user: Any, community: Any, workers: list[Any], today: datetime.date | None = None
) -> dict[str, Any]:
    if not permissions.has_perm_at(user, policies.VIEW.name, community.path):
        return {"rows": [], "shown": False}
    start, end, month = month_bounds(today or timezone.localdate())
    base = reverse("services_home")
    rows = []
    for load in selectors.worker_loads(community, workers, start, end):
        common = {"community": community.pk, "holder": load.worker.pk}
        rows.append(
            {
                "load": load,
                "open_url": f"{base}?{urlencode({**common, 'status': 'open'})}",
                "overdue_url": f"{base}?{urlencode({**common, 'overdue': 1})}",
                "resolved_url": f"{base}?"
                + urlencode({**common, "status": "resolved", "closed_from": month, "closed_to": month}),
            }
        )
    return {"rows": rows, "shown": True, "month": month}


@register.inclusion_tag("desk/_worker_load.html", takes_context=True)
def desk_worker_load(context: Any, community: Any, loads: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    workers = [row.worker for row in loads or []]
    return load_rows(user, community, workers)


@register.inclusion_tag("desk/_department_tasks.html", takes_context=True)
def desk_department_tasks(context: Any) -> dict[str, Any]:
    """``{% desk_department_tasks %}`` on the departments' inbox (talks/inbox.html): the open tasks
    of requests given to the liaison's departments, by due time."""
    request = context.get("request")
    tasks, count = selectors.department_open_tasks(getattr(request, "user", None))
    now = timezone.now()
    return {"tasks": [(t, t.due_at < now) for t in tasks], "count": count}

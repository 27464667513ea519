from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet

from community365.core.charts import day_start

from .models import AuditEvent
from .policies import audit_events_visible_to

# The trail grows with every write: its lists count matches only up to this many (a COUNT over a
# LIMIT, not over the district's whole history), and say "more than" beyond it.
COUNT_CAP = 10_000


def audit_search(
    user: Any,
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    result: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    qs = audit_events_visible_to(user)
    if actor:
        qs = qs.filter(actor_label__startswith=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if result:
        qs = qs.filter(result=result)
    # Whole days in the local time zone, as a range on the indexed column (not a date cast of it).
    if since:
        qs = qs.filter(occurred_at__gte=day_start(since))
    if until:
        qs = qs.filter(occurred_at__lt=day_start(until + datetime.timedelta(days=1)))
    return qs.order_by("-occurred_at", "-id")

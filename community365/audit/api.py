from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from community365.core.api import PageParams, paginate_capped

from .models import AuditResult
from .presenters import present
from .selectors import COUNT_CAP, audit_search

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    occurred_at: datetime.datetime
    actor_label: str
    acting_role: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    ip: str | None
    channel: str
    result: str
    message: str


class AuditPage(Schema):
    items: list[AuditEventOut]
    count: int = Field(description="matching events, counted up to 10,000 (see count_capped)")
    count_capped: bool = Field(
        False, description="more events match than count says: narrow by date, actor or action"
    )


class AuditFilter(Schema):
    actor: str = Field("", max_length=150)
    action: str = Field("", max_length=80)
    object_type: str = Field("", max_length=60)
    object_id: str = Field("", max_length=40)
    result: AuditResult | None = Field(None, description="ok, refused or failed")
    since: datetime.date | None = None
    until: datetime.date | None = None


@router.get("/audit/events", response=AuditPage)
def list_events(request: HttpRequest, filters: Query[AuditFilter], page: Query[PageParams]) -> Any:
    """The audit trail of the user's district (district admins); read-only, newest first."""
    events, count, capped = paginate_capped(audit_search(request.user, **filters.dict()), page, COUNT_CAP)
    return {
        "items": [present(request.user, event) for event in events],
        "count": count,
        "count_capped": capped,
    }

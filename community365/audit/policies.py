from __future__ import annotations

from typing import Any

from community365.core import permissions
from community365.core.roles import Role

from .models import AuditEvent

VIEW = permissions.register("audit.event:view", {Role.DISTRICT_ADMIN}, "Read the audit trail of the district")


def audit_events_visible_to(user: Any) -> Any:
    """District admins read the trail of their own district(s)."""
    qs = AuditEvent.objects.all()
    if permissions.is_global(user):
        return qs
    districts = {g.district_id for g in permissions.scope_grants(user, VIEW.name)}
    return qs.filter(district_id__in=districts) if districts else qs.none()


def can_view_audit(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, VIEW.name))

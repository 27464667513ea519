"""How the audit trail is shown: residents' names are masked for every reader without
``people.person:view_contact`` where the event happened (the district admin, who reads the
trail, has no need of full names). Used by the admin (list and detail), the audit page and
the API alike. The stored row keeps what happened; only its presentation is masked."""

from __future__ import annotations

from typing import Any

from community365.core import permissions
from community365.core.masking import mask_name, mask_phone

from .models import AuditEvent, AuditResult

# Events whose object is a person: their ``object_repr`` is that person's name.
PERSONAL_TYPES = frozenset({"people.user", "people.person"})
# Keys of ``changes`` that hold a name or a phone number.
NAME_KEYS = frozenset({"name", "display_name", "first_name", "last_name", "wisher", "claimant"})
PHONE_KEYS = frozenset({"phone"})
VIEW_CONTACT = "people.person:view_contact"


def sees_names(viewer: Any, event: AuditEvent) -> bool:
    if permissions.is_global(viewer):
        return True
    return bool(event.region_path) and permissions.has_perm_at(viewer, VIEW_CONTACT, event.region_path)


def shown_repr(viewer: Any, event: AuditEvent) -> str:
    if event.object_type not in PERSONAL_TYPES or sees_names(viewer, event):
        return event.object_repr
    if event.action == "people.user:login" and event.result == AuditResult.FAILED:
        # A failed sign-in names the user name that was tried, not a person: the admin needs
        # it to see an attack.
        return event.object_repr
    return mask_name(event.object_repr)


def _mask_value(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _mask_value(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_value(key, v) for v in value]
    if isinstance(value, str) and key in NAME_KEYS:
        return mask_name(value)
    if isinstance(value, str) and key in PHONE_KEYS:
        return mask_phone(value)
    return value


def shown_changes(viewer: Any, event: AuditEvent) -> Any:
    if sees_names(viewer, event):
        return event.changes
    return _mask_value("", event.changes)


def present(viewer: Any, event: AuditEvent) -> AuditEvent:
    """The same event with its personal data masked for ``viewer`` (an unsaved copy in memory;
    the row itself cannot be changed)."""
    event.object_repr = shown_repr(viewer, event)
    event.changes = shown_changes(viewer, event)
    return event

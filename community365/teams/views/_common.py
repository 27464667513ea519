"""Helpers shared by the teams pages: 404 for the invisible, running a service for a form,
parsing query values."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.utils.dateparse import parse_date

from community365.core import permissions
from community365.core.errors import DomainError, NotFound
from community365.regions.models import Region


def _visible(loader: Callable[[], Any]) -> Any:
    try:
        return loader()
    except NotFound:
        raise Http404 from None


def _act(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    """Run a service for a form; a refusal is shown as a message. True when it worked."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    if done:
        messages.success(request, done)
    return True


def _date(value: str | None, default: datetime.date) -> datetime.date:
    """A date from a query or form value; a malformed or impossible one ("2026-13-45") falls
    back to the default rather than raising."""
    try:
        parsed = parse_date(value or "") if value else None
    except ValueError:
        parsed = None
    return parsed or default


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _contact(user: Any, region: Region) -> bool:
    return permissions.has_perm_at(user, "people.person:view_contact", region.path)

"""The request a service runs in, for the audit trail: address and request id.

Set by `RequestContextMiddleware` (pages, API, admin) and by management commands; services
never take the request as an argument."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from community365.people.models import User


@dataclass(frozen=True)
class RequestMeta:
    ip: str | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    channel: str = "system"  # page, api, admin, command


_current: contextvars.ContextVar[RequestMeta | None] = contextvars.ContextVar("c365_request", default=None)


def current_request_meta() -> RequestMeta:
    return _current.get() or RequestMeta()


@contextmanager
def request_meta(meta: RequestMeta) -> Iterator[RequestMeta]:
    token = _current.set(meta)
    try:
        yield meta
    finally:
        _current.reset(token)


def signed_in_user(request: object) -> User:
    """The user of a request that ``login_required`` or API auth has already let through."""
    from community365.people.models import User as UserModel

    user = getattr(request, "user", None)
    if not isinstance(user, UserModel):
        raise PermissionError("no signed-in user")
    return user

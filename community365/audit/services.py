"""Writing to the audit trail. ``audit_record`` is called by every service inside its
transaction; ``service`` wraps a service function so that its refusals are audited too."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.db import models, transaction

from community365.core.actors import SystemActor, actor_label
from community365.core.context import current_request_meta
from community365.core.errors import DomainError

from .models import AuditEvent, AuditResult

P = ParamSpec("P")
R = TypeVar("R")


def _place_of(target: Any) -> tuple[int | None, str]:
    """District id and region path of an object, for filtering the trail by place."""
    if target is None:
        return None, ""
    region = None
    if getattr(target, "_meta", None) is not None and target._meta.label_lower == "regions.region":
        region = target
    else:
        region = getattr(target, "region", None)
    district_id = getattr(target, "district_id", None)
    path = getattr(region, "path", "") if region is not None else ""
    if region is not None and district_id is None:
        district_id = region.district_id or region.pk
    return district_id, path


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    role: str = "",
    result: str = AuditResult.OK,
    message: str = "",
    changes: dict[str, Any] | None = None,
    district_id: int | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    event = audit_build(
        actor=actor,
        action=action,
        target=target,
        role=role,
        result=result,
        message=message,
        changes=changes,
        district_id=district_id,
        object_repr=object_repr,
    )
    event.save(force_insert=True)
    return event


def audit_build(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    role: str = "",
    result: str = AuditResult.OK,
    message: str = "",
    changes: dict[str, Any] | None = None,
    district_id: int | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """The audit row ``audit_record`` writes, unsaved: bulk paths (the full-size demo) build
    one per record exactly as the service would and insert them with ``audit_record_many``."""
    meta = current_request_meta()
    place_district, path = _place_of(target)
    if district_id is None and place_district is None:
        place_district = actor_district_id(actor)
    user = None if isinstance(actor, SystemActor) or actor is None or not actor.is_authenticated else actor
    return AuditEvent(
        actor=user,
        actor_label=actor_label(actor)[:150],
        acting_role=role[:40],
        action=action[:80],
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None and target.pk is not None else "",
        object_repr=(object_repr if object_repr is not None else (str(target) if target is not None else ""))[
            :200
        ],
        district_id=district_id if district_id is not None else place_district,
        region_path=path,
        ip=meta.ip,
        channel=meta.channel,
        request_id=meta.request_id,
        result=result,
        message=message[:300],
        changes=_jsonable(changes or {}),
    )


def audit_record_many(events: list[AuditEvent], *, batch_size: int = 2000) -> None:
    """Insert audit rows built by ``audit_build`` (in the caller's transaction)."""
    AuditEvent.objects.bulk_create(events, batch_size=batch_size)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def service(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run a service in one transaction; when it refuses (a DomainError), roll back its work and
    record the refusal in the audit trail in a transaction of its own, then re-raise."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                with transaction.atomic():
                    return fn(*args, **kwargs)
            except DomainError as exc:
                # The object acted on: the first model passed besides the actor.
                target = next(
                    (v for k, v in kwargs.items() if k != "actor" and isinstance(v, models.Model)), None
                )
                if target is not None and target.pk is None:
                    target = None
                # The service's own work is rolled back; the refusal is kept (when the caller
                # itself runs in a transaction, it stands or falls with it).
                with transaction.atomic():
                    _record_refusal(kwargs.get("actor"), action, target, exc)
                raise

        wrapper.action = action  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _record_refusal(actor: Any, action: str, target: models.Model | None, exc: DomainError) -> None:
    audit_record(actor=actor, action=action, target=target, result=AuditResult.REFUSED, message=exc.message)


def actor_district_id(actor: Any) -> int | None:
    """The district of the actor's first role: where an event about an object without a place
    (an account, a token) is filed, so that the district admin sees it."""
    from community365.core.permissions import grants_of

    grants = grants_of(actor)
    return grants[0].district_id if grants else None

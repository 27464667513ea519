"""Archiving old audit rows: the only path by which rows leave the audit table.

Rows older than the retention period (6 months, the Cybersecurity Law's minimum) are written to a
JSON Lines file with a SHA-256 checksum beside it (``sha256sum -c`` format), then removed in the
same transaction under a permit that the database triggers check. The archive records its own
audit row. Operator procedure: ``docs/security.md``."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.core.errors import InvalidInput

from .models import AuditEvent
from .services import audit_record, service

RETENTION_MONTHS = 6


@contextmanager
def archive_permit() -> Iterator[None]:
    """Let DELETE (and TRUNCATE) through the triggers, for this transaction only. Must be used
    inside ``transaction.atomic``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("archive_permit needs a transaction")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('community365.audit_archive', 'on', true)")
            try:
                yield
            finally:
                cursor.execute("SELECT set_config('community365.audit_archive', 'off', true)")
        elif connection.vendor == "sqlite":
            cursor.execute("INSERT INTO audit_archive_permit (granted) VALUES (1)")
            try:
                yield
            finally:
                cursor.execute("DELETE FROM audit_archive_permit")
        else:  # pragma: no cover - only the two supported databases
            yield


def retention_limit(today: datetime.date) -> datetime.date:
    """The first day that must still be kept: ``today`` less six calendar months."""
    month = today.month - RETENTION_MONTHS
    year = today.year
    if month < 1:
        month += 12
        year -= 1
    day = min(today.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return datetime.date(year, month, day)


def event_row(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "acting_role": event.acting_role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "district_id": event.district_id,
        "region_path": event.region_path,
        "ip": event.ip,
        "channel": event.channel,
        "request_id": event.request_id,
        "result": event.result,
        "message": event.message,
        "changes": event.changes,
    }


def trail_checksum(queryset: Any = None) -> tuple[int, str]:
    """Row count and SHA-256 of the trail (in id order), e.g. to compare a restored copy."""
    digest = hashlib.sha256()
    count = 0
    for event in (
        (queryset if queryset is not None else AuditEvent.objects.all())
        .order_by("id")
        .iterator(chunk_size=2000)
    ):
        digest.update(json.dumps(event_row(event), ensure_ascii=False, sort_keys=True).encode() + b"\n")
        count += 1
    return count, digest.hexdigest()


@dataclass(frozen=True)
class ArchiveResult:
    path: Path
    checksum_path: Path
    count: int
    sha256: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path) -> bool:
    """Does the archive file still match the checksum written beside it?"""
    checksum_path = path.with_name(path.name + ".sha256")
    expected = checksum_path.read_text(encoding="utf-8").split()[0]
    return sha256_of(path) == expected


@service("audit.event:archive")
def audit_archive(*, actor: Any, before: datetime.date, out_dir: Path) -> ArchiveResult:
    """Move every audit row that occurred before ``before`` (local date) into an archive file."""
    limit = retention_limit(timezone.localdate())
    if before > limit:
        raise InvalidInput(
            _("审计记录须保存至少 6 个月：只能归档 %(d)s 之前的记录。") % {"d": limit.isoformat()},
            field="before",
        )
    cutoff = timezone.make_aware(datetime.datetime.combine(before, datetime.time.min))
    rows = AuditEvent.objects.filter(occurred_at__lt=cutoff)
    last_id = rows.order_by("-id").values_list("id", flat=True).first()
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = out_dir / f"audit-before-{before.isoformat()}-{stamp}.jsonl"
    digest = hashlib.sha256()
    count = 0
    with path.open("wb") as handle:
        if last_id is not None:
            for event in rows.filter(id__lte=last_id).order_by("id").iterator(chunk_size=2000):
                line = json.dumps(event_row(event), ensure_ascii=False, sort_keys=True).encode() + b"\n"
                handle.write(line)
                digest.update(line)
                count += 1
        handle.flush()
        os.fsync(handle.fileno())
    checksum = digest.hexdigest()
    checksum_path = path.with_name(path.name + ".sha256")
    checksum_path.write_text(f"{checksum}  {path.name}\n", encoding="utf-8")
    # The file is on disk before a row goes; if anything below fails, the rows stay.
    if last_id is not None:
        ids_sql, params = rows.filter(id__lte=last_id).values("id").query.sql_with_params()
        with archive_permit(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id IN ({ids_sql})", params)  # noqa: S608
            if cursor.rowcount != count:
                raise RuntimeError("audit archive: rows changed while archiving")
    audit_record(
        actor=actor,
        action="audit.event:archive",
        message=f"archived {count} events before {before.isoformat()}",
        changes={"before": before.isoformat(), "count": count, "file": path.name, "sha256": checksum},
    )
    return ArchiveResult(path=path, checksum_path=checksum_path, count=count, sha256=checksum)

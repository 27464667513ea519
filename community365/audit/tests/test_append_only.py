"""The audit trail cannot be rewritten below the ORM (issue 9, item 2): the database refuses
UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the audit table; only ``audit_archive``
removes rows, old ones, after writing them to a checksummed file."""

from __future__ import annotations

import datetime
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from community365.audit.archive import retention_limit, sha256_of, trail_checksum, verify
from community365.audit.models import AuditEvent, AuditResult
from community365.audit.services import audit_record
from community365.core.actors import SystemActor

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("test")
TABLE = AuditEvent._meta.db_table


@pytest.fixture
def event() -> AuditEvent:
    return audit_record(actor=SYSTEM, action="test.thing:do", message="original")


def refused(sql: str, params: list | None = None) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params or [])


def test_base_manager_update_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent._base_manager.filter(pk=event.pk).update(message="rewritten")
    assert AuditEvent.objects.get(pk=event.pk).message == "original"


def test_raw_update_is_refused(event):
    refused(f"UPDATE {TABLE} SET message = 'rewritten' WHERE id = %s", [event.pk])  # noqa: S608
    assert AuditEvent.objects.get(pk=event.pk).message == "original"


def test_raw_delete_is_refused(event):
    refused(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])  # noqa: S608
    refused(f"DELETE FROM {TABLE}")  # noqa: S608
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_truncate_is_refused_on_postgresql(event):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    refused(f"TRUNCATE {TABLE}")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_retention_limit_is_six_calendar_months():
    assert retention_limit(datetime.date(2026, 11, 30)) == datetime.date(2026, 5, 30)
    assert retention_limit(datetime.date(2026, 8, 31)) == datetime.date(2026, 2, 28)
    assert retention_limit(datetime.date(2026, 3, 15)) == datetime.date(2025, 9, 15)


def _old_events(n: int, when: datetime.datetime) -> list[int]:
    with time_machine.travel(when, tick=False):
        return [audit_record(actor=SYSTEM, action="test.old:do", message=f"old {i}").pk for i in range(n)]


def test_archive_moves_only_old_rows_into_a_checksummed_file(tmp_path):
    today = timezone.localdate()
    old_ids = _old_events(3, timezone.now() - datetime.timedelta(days=400))
    recent = audit_record(actor=SYSTEM, action="test.recent:do")
    before = today - datetime.timedelta(days=300)
    total = AuditEvent.objects.count()

    call_command(
        "audit_archive", "--before", before.isoformat(), "--out", str(tmp_path), stdout=io.StringIO()
    )

    assert not AuditEvent.objects.filter(pk__in=old_ids).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    # Everything younger stays (the demo's rows, the recent one) and the archive's own row is added.
    assert AuditEvent.objects.count() == total - 3 + 1
    (archive,) = tmp_path.glob("audit-before-*.jsonl")
    lines = [json.loads(line) for line in archive.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in lines] == old_ids
    assert lines[0]["message"] == "old 0"
    checksum_file = archive.with_name(archive.name + ".sha256")
    assert checksum_file.read_text().split() == [sha256_of(archive), archive.name]
    assert verify(archive)
    call_command("audit_archive", "--verify", str(archive), stdout=io.StringIO())
    own = AuditEvent.objects.filter(action="audit.event:archive").latest("id")
    assert own.result == AuditResult.OK and own.changes["count"] == 3
    assert own.changes["sha256"] == sha256_of(archive)
    # The permit ended with the archive: deleting is refused again.
    refused(f"DELETE FROM {TABLE} WHERE id = %s", [recent.pk])  # noqa: S608


def test_a_tampered_archive_fails_verification(tmp_path):
    _old_events(1, timezone.now() - datetime.timedelta(days=400))
    before = timezone.localdate() - datetime.timedelta(days=300)
    call_command(
        "audit_archive", "--before", before.isoformat(), "--out", str(tmp_path), stdout=io.StringIO()
    )
    (archive,) = tmp_path.glob("audit-before-*.jsonl")
    archive.write_text(archive.read_text(encoding="utf-8").replace("old 0", "nothing"), encoding="utf-8")
    with pytest.raises(CommandError, match="does not match"):
        call_command("audit_archive", "--verify", str(archive))


def test_archive_refuses_rows_younger_than_six_months(tmp_path):
    old_ids = _old_events(1, timezone.now() - datetime.timedelta(days=400))
    too_recent = timezone.localdate() - datetime.timedelta(days=150)
    count, checksum = trail_checksum()
    with pytest.raises(CommandError, match="6 个月"):
        call_command("audit_archive", "--before", too_recent.isoformat(), "--out", str(tmp_path))
    assert AuditEvent.objects.filter(pk__in=old_ids).exists()
    assert list(tmp_path.iterdir()) == []
    refusal = AuditEvent.objects.filter(action="audit.event:archive").latest("id")
    assert refusal.result == AuditResult.REFUSED
    # Nothing else changed: the trail up to the refusal reads the same.
    assert trail_checksum(AuditEvent.objects.filter(pk__lt=refusal.pk)) == (count, checksum)

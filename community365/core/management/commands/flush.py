"""Django's ``flush``, able to empty the append-only audit table outside production (tests and
the demo reset with it). Under production settings the audit triggers stand and ``flush``
fails on the audit table: old audit rows leave only through ``audit_archive``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections, transaction


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        if not settings.ALLOW_DEMO_DATA:
            return super().handle(**options)
        from community365.audit.archive import archive_permit

        database = options["database"]
        with transaction.atomic(using=database):
            if connections[database].vendor in ("postgresql", "sqlite"):
                with archive_permit():
                    return super().handle(**options)
            return super().handle(**options)

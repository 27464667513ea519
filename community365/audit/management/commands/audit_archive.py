"""Move audit rows older than a date (at least 6 months back) into a checksummed archive file.

python manage.py audit_archive --before 2026-01-01 --out /srv/c365/audit-archive
python manage.py audit_archive --verify /srv/c365/audit-archive/audit-before-….jsonl
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from community365.audit.archive import audit_archive, verify
from community365.core.actors import SystemActor
from community365.core.errors import DomainError


class Command(BaseCommand):
    help = "Archive audit rows older than --before (≥ 6 months ago) to --out, with a SHA-256 checksum."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--before", help="archive rows that occurred before this date (YYYY-MM-DD)")
        parser.add_argument("--out", help="directory for the archive file and its .sha256")
        parser.add_argument("--verify", help="check an archive file against its .sha256 and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verify"]:
            path = Path(options["verify"])
            if not verify(path):
                raise CommandError(f"{path}: checksum does not match")
            self.stdout.write(f"{path}: OK")
            return
        if not options["before"] or not options["out"]:
            raise CommandError("--before and --out are required")
        try:
            before = datetime.date.fromisoformat(options["before"])
        except ValueError:
            raise CommandError("--before must be a date, YYYY-MM-DD") from None
        try:
            result = audit_archive(
                actor=SystemActor("audit_archive"), before=before, out_dir=Path(options["out"])
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"archived {result.count} events to {result.path} (sha256 {result.sha256})")

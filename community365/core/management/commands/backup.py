"""Back up the database and the uploaded files into one archive with a manifest.

python manage.py backup --out var/backups/          # a dated .tar.gz in that directory
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from community365.core.backup import BackupError, backup, read_manifest


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup / pg_dump -Fc) and media files, with a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", default="var/backups", help="archive file or directory (default var/backups)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup(Path(options["out"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = read_manifest(path)
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{path}: {len(manifest['tables'])} tables, {rows} rows, {manifest['media_files']} files, "
            f"audit {manifest['audit']['count']} events sha256 {manifest['audit']['sha256']}"
        )

"""Restore a backup archive and check it against its manifest (row counts, audit checksum).

    python manage.py restore var/backups/community365-….tar.gz --force   # over the configured database
    python manage.py restore ARCHIVE --sqlite-path var/restored.sqlite3    # into another SQLite file
    python manage.py restore ARCHIVE --pg-database c365_restored           # into another (empty) database

Stop the server and the worker first when restoring over the configured database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from community365.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive (database and media files) and verify it against its manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument(
            "--sqlite-path", help="restore into this SQLite file instead of the configured one"
        )
        parser.add_argument("--pg-database", help="restore into this PostgreSQL database instead")
        parser.add_argument("--media-root", help="restore the files here instead of MEDIA_ROOT")
        parser.add_argument("--force", action="store_true", help="replace an existing database")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore(
                Path(options["archive"]),
                sqlite_path=Path(options["sqlite_path"]) if options["sqlite_path"] else None,
                pg_database=options["pg_database"],
                media_root=Path(options["media_root"]) if options["media_root"] else None,
                force=options["force"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"restored {sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables and "
            f"{manifest['media_files']} files; row counts and audit checksum match the manifest"
        )

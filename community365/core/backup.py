"""Backup and restore of a deployment: the database (SQLite through the online backup API, safe
while the server runs in WAL mode; PostgreSQL with ``pg_dump -Fc`` / ``pg_restore``) and the
uploaded files, in one ``.tar.gz`` with a ``manifest.json`` (row counts per table, the audit
trail's count and SHA-256). A restore checks the restored database against the manifest and
fails loudly if anything differs. Operator procedure: README "A real deployment" and
``docs/security.md``."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    pass


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _audit_sql(quote: Any) -> str:
    from community365.audit.models import AuditEvent

    # Every column as text, so that the same rows give the same checksum whichever driver reads them.
    columns = ", ".join(f"CAST({quote(f.column)} AS TEXT)" for f in AuditEvent._meta.concrete_fields)
    return f"SELECT {columns} FROM {quote(AuditEvent._meta.db_table)} ORDER BY {quote('id')}"  # noqa: S608


def summarise(cursor: Any) -> tuple[dict[str, int], dict[str, Any]]:
    """Row counts per table and the audit trail's count and SHA-256, read through ``cursor``
    (a cursor on the live database, on a staged copy or on a restored one)."""
    quote = connection.ops.quote_name
    counts = {}
    for table in _tables():
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    digest = hashlib.sha256()
    count = 0
    cursor.execute(_audit_sql(quote))
    while rows := cursor.fetchmany(2000):
        for row in rows:
            digest.update(json.dumps(list(row), ensure_ascii=False).encode() + b"\n")
            count += 1
    return counts, {"count": count, "sha256": digest.hexdigest()}


def summarise_live() -> tuple[dict[str, int], dict[str, Any]]:
    # Django's PostgreSQL connections already run in UTC.
    with connection.cursor() as cursor:
        return summarise(cursor)


def summarise_sqlite(path: Path) -> tuple[dict[str, int], dict[str, Any]]:
    db = sqlite3.connect(path)
    try:
        return summarise(db.cursor())
    finally:
        db.close()


def summarise_postgresql(name: str) -> tuple[dict[str, int], dict[str, Any]]:
    import psycopg

    db = connection.settings_dict
    params = {
        k: v
        for k, v in {
            "host": db.get("HOST"),
            "port": db.get("PORT"),
            "user": db.get("USER"),
            "password": db.get("PASSWORD"),
        }.items()
        if v
    }
    with psycopg.connect(dbname=name, **params) as conn, conn.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
        return summarise(cursor)


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def backup(out: Path, *, media_root: Path | None = None) -> Path:
    """Write a backup archive; ``out`` is a file name or a directory (a dated name is made)."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if out.is_dir() or not out.suffix:
        out.mkdir(parents=True, exist_ok=True)
        out = out / f"community365-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
    out.parent.mkdir(parents=True, exist_ok=True)
    db = connection.settings_dict
    with tempfile.TemporaryDirectory() as work:
        staging = Path(work)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "media_files": 0,
        }
        # The manifest describes the copy itself, not the live database a moment later.
        if connection.vendor == "sqlite":
            # A connection of its own: it reads one committed snapshot (WAL lets writers go on),
            # and SQLite refuses a backup from a connection that is itself writing.
            source = sqlite3.connect(db["NAME"], timeout=20)
            target = sqlite3.connect(staging / "db.sqlite3")
            try:
                with target:
                    source.backup(target)
            finally:
                source.close()
                target.close()
            manifest["database_file"] = "db.sqlite3"
            manifest["tables"], manifest["audit"] = summarise_sqlite(staging / "db.sqlite3")
        elif connection.vendor == "postgresql":
            if connection.in_atomic_block:
                raise BackupError("a backup must run outside a transaction (it exports one snapshot)")
            # pg_dump reads the snapshot this transaction exported, so the counts taken here are
            # exactly what the dump holds.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                _run(
                    [
                        "pg_dump",
                        "-Fc",
                        "--no-owner",
                        f"--snapshot={snapshot}",
                        "-f",
                        str(staging / "db.dump"),
                        db["NAME"],
                    ],
                    _pg_env(db),
                )
                cursor.execute("SET LOCAL TIME ZONE 'UTC'")
                manifest["tables"], manifest["audit"] = summarise(cursor)
            manifest["database_file"] = "db.dump"
        else:
            raise BackupError(f"unsupported database: {connection.vendor}")
        with tarfile.open(out, "w:gz") as archive:
            archive.add(staging / manifest["database_file"], arcname=manifest["database_file"])
            if media_root.is_dir():
                for path in sorted(media_root.rglob("*")):
                    if path.is_file():
                        archive.add(path, arcname=f"media/{path.relative_to(media_root)}")
                        manifest["media_files"] += 1
            data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
    return out


def read_manifest(archive_path: Path) -> dict[str, Any]:
    with tarfile.open(archive_path, "r:gz") as archive:
        member = archive.extractfile("manifest.json")
        if member is None:
            raise BackupError("no manifest.json in the archive")
        return json.loads(member.read())


def restore(
    archive_path: Path,
    *,
    sqlite_path: Path | None = None,
    pg_database: str | None = None,
    media_root: Path | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Restore an archive into a database (by default the configured one; ``sqlite_path`` or
    ``pg_database`` name another) and its files into ``media_root``; then compare the restored
    row counts and audit checksum with the manifest. Returns the manifest."""
    manifest = read_manifest(archive_path)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    db = dict(connection.settings_dict)
    with tempfile.TemporaryDirectory() as work:
        staging = Path(work)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(staging, filter="data")
        db_file = staging / manifest["database_file"]
        if manifest["vendor"] == "sqlite":
            target = Path(sqlite_path or db["NAME"])
            if target.exists() and target.stat().st_size and not force:
                raise BackupError(f"{target} exists: stop the server and pass --force to replace it")
            target.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            source = sqlite3.connect(db_file)
            destination = sqlite3.connect(target)
            with destination:
                source.backup(destination)
            source.close()
            destination.close()
            counts, audit = summarise_sqlite(target)
        elif manifest["vendor"] == "postgresql":
            name = pg_database or db["NAME"]
            command = ["pg_restore", "--no-owner", "--exit-on-error", "-d", name, str(db_file)]
            if force:
                command[1:1] = ["--clean", "--if-exists"]
            _run(command, _pg_env(db))
            # pg_restore brings the rows, not the planner's statistics: until ANALYZE the
            # planner guesses, and a guess at 360,000 residents costs seconds a page.
            _run(["vacuumdb", "--analyze-only", "--quiet", "-d", name], _pg_env(db))
            counts, audit = summarise_postgresql(name)
        else:
            raise BackupError(f"unsupported database in archive: {manifest['vendor']}")
        media = staging / "media"
        if media.is_dir():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(media, media_root, dirs_exist_ok=True)
    if counts != manifest["tables"]:
        differ = sorted(
            t for t in set(counts) | set(manifest["tables"]) if counts.get(t) != manifest["tables"].get(t)
        )
        raise BackupError(f"restored row counts differ from the manifest: {', '.join(differ[:10])}")
    if audit != manifest["audit"]:
        raise BackupError("restored audit trail does not match the manifest's checksum")
    return manifest

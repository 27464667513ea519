"""Backup and restore are proven (issue 9, item 12): the demo is backed up, restored into a
fresh database, and the restored row counts and audit checksum equal the original's."""

from __future__ import annotations

import io
import subprocess
import tarfile
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from community365.core.backup import read_manifest, summarise_live, summarise_sqlite

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    (root / "wishes" / "2026" / "03").mkdir(parents=True)
    (root / "wishes" / "2026" / "03" / "radio.jpg").write_bytes(b"\xff\xd8 a photo")
    settings.MEDIA_ROOT = root
    return root


def _backup(tmp_path) -> tuple:
    out = io.StringIO()
    call_command("backup", "--out", str(tmp_path / "backups"), stdout=out)
    (archive,) = (tmp_path / "backups").glob("community365-*.tar.gz")
    return archive, read_manifest(archive)


# A backup reads one committed snapshot outside any transaction, as the command does in a
# deployment: these tests commit (the demo comes back from the session's snapshot afterwards).
@pytest.mark.django_db(transaction=True)
def test_backup_manifest_describes_the_database(tmp_path, media, demo_world):
    archive, manifest = _backup(tmp_path)
    assert manifest["vendor"] == connection.vendor
    tables, audit = summarise_live()
    assert manifest["tables"] == tables
    assert manifest["tables"]["audit_auditevent"] > 0 and manifest["tables"]["people_person"] > 0
    assert manifest["audit"] == audit and audit["count"] == tables["audit_auditevent"]
    with tarfile.open(archive) as tar:
        assert "media/wishes/2026/03/radio.jpg" in tar.getnames()
    assert manifest["media_files"] == 1


def test_sqlite_backup_restores_into_a_fresh_database(tmp_path, media):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path")
    archive, _manifest = _backup(tmp_path)
    restored = tmp_path / "restored.sqlite3"
    restored_media = tmp_path / "restored-media"
    call_command(
        "restore",
        str(archive),
        "--sqlite-path",
        str(restored),
        "--media-root",
        str(restored_media),
        stdout=io.StringIO(),
    )
    assert summarise_sqlite(restored) == summarise_live()
    # The restored copy keeps the append-only triggers.
    import sqlite3

    copy = sqlite3.connect(restored)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        copy.execute("DELETE FROM audit_auditevent")
    copy.close()
    assert (restored_media / "wishes/2026/03/radio.jpg").read_bytes() == b"\xff\xd8 a photo"
    # Restoring over an existing database needs --force.
    with pytest.raises(CommandError, match="--force"):
        call_command(
            "restore", str(archive), "--sqlite-path", str(restored), "--media-root", str(restored_media)
        )


@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_into_a_fresh_database(tmp_path, media, demo_world):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL path")
    archive, _manifest = _backup(tmp_path)
    name = f"c365_restore_{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        "PGHOST": str(db.get("HOST") or ""),
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": str(db.get("USER") or ""),
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    import os

    env = {**os.environ, **{k: v for k, v in env.items() if v}}
    subprocess.run(["createdb", name], check=True, env=env)
    try:
        call_command(
            "restore",
            str(archive),
            "--pg-database",
            name,
            "--media-root",
            str(tmp_path / "m"),
            stdout=io.StringIO(),
        )
    finally:
        subprocess.run(["dropdb", "--if-exists", name], check=False, env=env)


def test_a_restore_that_does_not_match_its_manifest_fails(tmp_path, media):
    if connection.vendor != "sqlite":
        pytest.skip("tampering is shown on the SQLite file")
    archive, manifest = _backup(tmp_path)
    # An archive whose manifest claims one more audit row than the database holds.
    manifest["tables"]["audit_auditevent"] += 1
    import json

    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            if member.name == "manifest.json":
                data = json.dumps(manifest).encode()
                member.size = len(data)
                target.addfile(member, io.BytesIO(data))
            else:
                target.addfile(member, source.extractfile(member))
    with pytest.raises(CommandError, match="differ"):
        call_command(
            "restore",
            str(tampered),
            "--sqlite-path",
            str(tmp_path / "t.sqlite3"),
            "--media-root",
            str(tmp_path / "m"),
        )

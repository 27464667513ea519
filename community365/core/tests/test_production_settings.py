"""Production refuses to start with weak secrets (issue 9, item 11). Each case imports the
production settings in a fresh interpreter, as a server start would."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

STRONG = "k" * 24 + "-0123456789abcdef"  # 41 bytes
STRONG_2 = "h" * 24 + "-fedcba9876543210"


def start(**environ: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "ID_HASH_KEY", "DJANGO_SETTINGS_MODULE")
    }
    env.update(environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{settings.BASE_DIR / 'var' / 'settings-check.sqlite3'}")
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.prod"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_strong_secrets_start():
    result = start(SECRET_KEY=STRONG, ID_HASH_KEY=STRONG_2)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "environ, name",
    [
        ({"ID_HASH_KEY": STRONG_2}, "SECRET_KEY"),
        ({"SECRET_KEY": STRONG}, "ID_HASH_KEY"),
        ({"SECRET_KEY": "short", "ID_HASH_KEY": STRONG_2}, "SECRET_KEY"),
        ({"SECRET_KEY": STRONG, "ID_HASH_KEY": "k"}, "ID_HASH_KEY"),
        # 31 bytes: one short of the limit.
        ({"SECRET_KEY": STRONG, "ID_HASH_KEY": "x" * 31}, "ID_HASH_KEY"),
        ({"SECRET_KEY": STRONG, "ID_HASH_KEY": STRONG}, "must differ"),
    ],
)
def test_weak_or_missing_secrets_refuse_to_start(environ, name):
    result = start(**environ)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr


def test_32_bytes_is_enough():
    assert start(SECRET_KEY=STRONG, ID_HASH_KEY="y" * 32).returncode == 0


def test_connections_are_kept_with_health_checks_unless_pooled(monkeypatch, tmp_path):
    from config.settings.base import database_from_env

    monkeypatch.delenv("DATABASE_URL", raising=False)
    sqlite = database_from_env(tmp_path / "x.sqlite3")
    assert sqlite["CONN_MAX_AGE"] > 0 and sqlite["CONN_HEALTH_CHECKS"] is True
    monkeypatch.setenv("DATABASE_URL", "postgres://c365@127.0.0.1:5432/c365")
    plain = database_from_env(tmp_path / "x.sqlite3", pool=False)
    assert plain["CONN_MAX_AGE"] > 0 and plain["CONN_HEALTH_CHECKS"] is True
    pooled = database_from_env(tmp_path / "x.sqlite3", pool=True)
    assert pooled["CONN_MAX_AGE"] == 0 and "pool" in pooled["OPTIONS"]

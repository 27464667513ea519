"""Connections and logs (issue 10 item 4): the pool can be switched on in every settings module,
and Django's 4xx warnings follow LOG_LEVEL."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.utils.log import configure_logging

from config.settings.base import BASE_DIR, logging_config

PG_URL = "postgres://postgres@127.0.0.1:5432/c365_never_opened"


def _database_of(module: str, **env: str) -> dict:
    """The default database as ``module`` configures it under ``env`` (a fresh interpreter:
    settings are read once per process)."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DB_POOL", "DATABASE_URL", "CONN_MAX_AGE")}
    clean.update(SECRET_KEY="x" * 40, ID_HASH_KEY="y" * 40, **env)
    code = (
        "import importlib, json, sys; m = importlib.import_module(sys.argv[1]); "
        "print(json.dumps(m.DATABASES['default'], default=str))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, module],
        env=clean,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


@pytest.mark.parametrize("module", ["config.settings.dev", "config.settings.test", "config.settings.prod"])
def test_every_settings_module_takes_the_pool(module):
    pooled = _database_of(module, DATABASE_URL=PG_URL, DB_POOL="1")
    assert "pool" in pooled["OPTIONS"] and pooled["CONN_MAX_AGE"] == 0
    plain = _database_of(module, DATABASE_URL=PG_URL, DB_POOL="0")
    assert "pool" not in plain.get("OPTIONS", {})
    assert plain["CONN_MAX_AGE"] > 0 and plain["CONN_HEALTH_CHECKS"] is True


@pytest.fixture
def restore_logging():
    yield
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


@pytest.mark.parametrize(("level", "warns"), [("ERROR", False), ("WARNING", True), ("info", True)])
def test_4xx_warnings_follow_the_log_level(restore_logging, level, warns):
    # As Django starts: its defaults first (django.* at INFO), then the project's LOGGING.
    configure_logging(settings.LOGGING_CONFIG, logging_config(level))
    request_log = logging.getLogger("django.request")
    assert request_log.isEnabledFor(logging.WARNING) is warns  # "Not Found: /…", "Method Not Allowed"
    assert request_log.isEnabledFor(logging.ERROR)  # a 500 is always told

"""Every response carries the Content-Security-Policy; production turns on HSTS, the TLS
redirect and secure cookies from the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("path", ["/", "/login/", "/wishes/", "/api/v1/docs", "/no-such-page/", "/healthz"])
def test_every_response_has_the_csp(client_for, path):
    response = client_for("worker_huachuan").get(path)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_api_json_has_the_csp(api_for):
    response = api_for("worker_huachuan").get("/api/v1/me")
    assert "Content-Security-Policy" in response


def test_templates_hold_no_inline_script_or_style():
    """The CSP forbids them; a new template with one would break silently in the browser."""
    import re

    offenders = []
    pattern = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|\sstyle=\"|\son[a-z]+=\""
    )
    dirs = [ROOT / "templates", *sorted((ROOT / "community365").glob("*/templates"))]
    for directory in dirs:
        for path in directory.rglob("*.html"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def prod_settings(**env: str) -> dict[str, object]:
    code = (
        "import json, django; from django.conf import settings; django.setup(); print(json.dumps({k: "
        "getattr(settings, k, None) for k in ['SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER', 'CSP_POLICY']}))"
    )
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "x" * 50,
        "ID_HASH_KEY": "y" * 40,
        "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "prod-settings-probe.sqlite3"),
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_reads_hsts_and_tls_redirect_from_the_environment():
    values = prod_settings(
        SECURE_HSTS_SECONDS="31536000", SECURE_SSL_REDIRECT="true", SECURE_PROXY_SSL_HEADER="1"
    )
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["CSP_POLICY"] == settings.CSP_POLICY


def test_production_without_tls_settings_sends_no_hsts():
    values = prod_settings()
    assert values["SECURE_HSTS_SECONDS"] == 0 and values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_hsts_header_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")

"""The test suite: SQLite in memory unless DATABASE_URL names PostgreSQL; fast hashing."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, database_from_env, env

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-use-anywhere-0123456789"
ID_HASH_KEY = "test-only-id-hash-key"
ALLOW_DEMO_DATA = True
ALLOWED_HOSTS = ["*"]
DATABASES = {"default": database_from_env(BASE_DIR / "var" / "test.sqlite3")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file (not :memory:) so that threads and the live server share one database; one per
    # test process, so that two runs on one machine do not meet.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-run-{os.getpid()}.sqlite3")}
else:
    # A test database is thrown away: its commits need not wait for the disk (the demo's build
    # alone commits some thousands of times). Never set outside the tests.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = "-c synchronous_commit=off"
# The bearer token is read from the database on every request (its cache has tests of its own).
API_TOKEN_CACHE_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEMO_PASSWORD = env("DEMO_PASSWORD", "demo-365-pass")

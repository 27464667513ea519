"""Local development and `make demo`: SQLite in var/, verbose errors, demo data allowed."""

from .base import *  # noqa: F403
from .base import env

DEBUG = True
SECRET_KEY = env("SECRET_KEY", "dev-only-not-secret-0c1d2e3f4a5b6c7d8e9f")
ID_HASH_KEY = env("ID_HASH_KEY", "dev-only-id-hash-key")
ALLOW_DEMO_DATA = True

"""Production: everything secret comes from the environment; PostgreSQL with a pool."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR, database_from_env, env, env_bool

DEBUG = False
# Secrets must be long and random: a short key can be guessed offline (sessions, password reset
# links, the ID-number hashes). `python -c "import secrets; print(secrets.token_urlsafe(48))"`.
MIN_SECRET_BYTES = 32
for _name in ("SECRET_KEY", "ID_HASH_KEY"):
    if not env(_name):
        raise ImproperlyConfigured(f"{_name} must be set in the environment for production")
    if len(env(_name).encode()) < MIN_SECRET_BYTES:
        raise ImproperlyConfigured(
            f"{_name} is too short: at least {MIN_SECRET_BYTES} bytes of random text are required"
        )
if env("SECRET_KEY") == env("ID_HASH_KEY"):
    raise ImproperlyConfigured("SECRET_KEY and ID_HASH_KEY must differ")
SECRET_KEY = env("SECRET_KEY")
ID_HASH_KEY = env("ID_HASH_KEY")
DATABASES = {
    "default": database_from_env(BASE_DIR / "var" / "community365.sqlite3", pool=env_bool("DB_POOL", True))
}
ALLOW_DEMO_DATA = False
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
# Behind TLS (the reverse proxy terminates it): set these in the environment, see .env.example.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's health check speaks plain HTTP
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    # Only when the proxy always sets X-Forwarded-Proto (otherwise a client could forge it).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if env("REDIS_URL"):
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": env("REDIS_URL")}}
STATIC_ROOT = BASE_DIR / "staticfiles"

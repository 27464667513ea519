"""Settings shared by every environment. Values that differ per deployment come from the
environment (see `.env.example`); `dev`, `test` and `prod` refine this module."""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY")
# ID-card numbers are stored only as a keyed hash; the key is separate from SECRET_KEY so that
# rotating session secrets never breaks de-duplication.
ID_HASH_KEY = env("ID_HASH_KEY")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "treebeard",
    "ninja",  # serves the API docs (Swagger UI) from local static files, not a CDN
    "community365.core",
    "community365.audit",
    "community365.regions",
    "community365.people",
    "community365.notifications",
    "community365.wishes",
    "community365.teams",
    "community365.talks",
    "community365.desk",
    "community365.cases",
    "community365.emergency",
    "community365.mechanisms",
    "community365.benchmarking",
    "community365.pairing",
    "community365.zones",
    "community365.supervision",
    "community365.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "community365.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "community365.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "community365.core.middleware.SessionRefreshMiddleware",
    "community365.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "people.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "community365.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default (embedded, WAL, IMMEDIATE transactions so that writers queue instead of
# failing with "database is locked"); PostgreSQL through DATABASE_URL in production.
DEFAULT_SQLITE_PATH = BASE_DIR / "var" / "community365.sqlite3"
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA busy_timeout=20000;"
    ),
}


# Without the pool, a connection is kept between requests (SQLite would rerun its PRAGMAs and
# PostgreSQL its handshake on every request) and checked before reuse. The pool and persistent
# connections exclude each other.
CONN_MAX_AGE = int(env("CONN_MAX_AGE", "600"))


def database_from_env(default_sqlite: Path, pool: bool | None = None) -> dict[str, Any]:
    """The default database from DATABASE_URL (SQLite at ``default_sqlite`` without one). The
    pool serves PostgreSQL only; ``pool=None`` follows DB_POOL, so every settings module (dev,
    test, prod) can run with the pool."""
    if pool is None:
        pool = env_bool("DB_POOL")
    url = env("DATABASE_URL")
    persistent = {"CONN_MAX_AGE": CONN_MAX_AGE, "CONN_HEALTH_CHECKS": True}
    if not url:
        default_sqlite.parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite),
            "OPTIONS": dict(SQLITE_OPTIONS),
            **persistent,
        }
    config: dict[str, Any] = dict(dj_database_url.parse(url))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = dict(SQLITE_OPTIONS)
        config.update(persistent)
    elif config["ENGINE"] == "django.db.backends.postgresql" and pool:
        config["OPTIONS"] = {"pool": {"min_size": 2, "max_size": int(env("DB_POOL_MAX", "20"))}}
        config["CONN_MAX_AGE"] = 0
    else:
        config.update(persistent)
    return config


DATABASES = {"default": database_from_env(DEFAULT_SQLITE_PATH)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work ------------------------------------------------------------------------
TASKS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Authentication (等保 level 3 practice) -------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "community365.people.throttle.AddressThrottleBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "community365.people.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "community365.people.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in lock-out (docs/security.md): 5 failed sign-ins lock that user name *from that address*
# for 30 minutes (pages, admin and API) — an attacker elsewhere cannot lock a colleague out. An
# address with 20 failures in 10 minutes, across any user names (password spraying), waits until
# its failures fall out of the window. A secretary or the district admin can unlock an account.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The same address the audit trail records (REMOTE_ADDR unless a proxy is declared).
AXES_CLIENT_IP_CALLABLE = "community365.core.middleware.client_ip"
SIGNIN_ADDRESS_FAILURE_LIMIT = int(env("SIGNIN_ADDRESS_FAILURE_LIMIT", "20"))
SIGNIN_ADDRESS_WINDOW_MINUTES = int(env("SIGNIN_ADDRESS_WINDOW_MINUTES", "10"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Idle sessions end after 30 minutes. The session is not written on every page view (that took
# SQLite's writer lock each time): SessionRefreshMiddleware renews it at most once a minute, so
# a session ends between 29 and 30 minutes after the last request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
API_TOKEN_LIFETIME_DAYS = int(env("API_TOKEN_LIFETIME_DAYS", "30"))
# A read (GET) may use what the same bearer token opened this many seconds ago in this process;
# writes always check the database (community365/people/token_cache.py, docs/security.md). 0: off.
API_TOKEN_CACHE_SECONDS = float(env("API_TOKEN_CACHE_SECONDS", "5"))
API_TOKEN_CACHE_SIZE = int(env("API_TOKEN_CACHE_SIZE", "10000"))

# --- Response headers (docs/security.md) ----------------------------------------------------
# Only the site's own files run or style a page: no inline script or style, no CDN, no eval.
# The pages satisfy it (tests/browser/test_csp.py fails on any violation).
CSP_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
CSP_PATH_POLICIES: dict[str, str] = {}
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Limits on input ------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
API_MAX_PAGE_SIZE = 200

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files (all local: no CDN) -------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# --- Micro-wishes ----------------------------------------------------------------------------
WISH_MAX_OPEN_PER_RESIDENT = int(env("WISH_MAX_OPEN_PER_RESIDENT", "2"))
WISH_MAX_ACTIVE_CLAIMS = int(env("WISH_MAX_ACTIVE_CLAIMS", "3"))
WISH_CONTACT_DAYS = int(env("WISH_CONTACT_DAYS", "7"))
WISH_WARN_DAYS = int(env("WISH_WARN_DAYS", "5"))
NOTIFICATION_CHANNELS = env_list(
    "NOTIFICATION_CHANNELS", "community365.notifications.channels.ConsoleChannel"
)
MEDIA_ROOT = BASE_DIR / "var" / "media"
# The PDF faces cut to the common characters (core/pdf.py, `manage.py pdf_fonts`): a document
# made from them is several times faster. An empty value turns the cut faces off.
PDF_FONT_CACHE_DIR = env("PDF_FONT_CACHE_DIR", str(BASE_DIR / "var" / "cache" / "fonts")) or None
# --- Two-way talks --------------------------------------------------------------------------
# The percent a task's progress status carries by default (a department may give its own).
TALKS_STATUS_PERCENT = {"planned": 0, "started": 30, "advancing": 60, "done": 100}

# --- Demo -----------------------------------------------------------------------------------
DEMO_PASSWORD = env("DEMO_PASSWORD", "demo-365-pass")
ALLOW_DEMO_DATA = False


def logging_config(level: str) -> dict[str, Any]:
    """Everything at ``level`` and above to the console. Django's own loggers ("django", and so
    "django.request" with its 404/405 warnings) are given the same level: Django's defaults set
    them to INFO and they propagate to the console, so LOG_LEVEL=ERROR would otherwise still
    print a warning for every 4xx answer."""
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"console": {"class": "logging.StreamHandler", "level": level}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"level": level},
            "django.request": {"level": level},
            "django.server": {"level": level},
        },
    }


LOGGING = logging_config(env("LOG_LEVEL", "WARNING"))

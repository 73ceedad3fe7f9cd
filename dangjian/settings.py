"""Settings, driven by the environment.

DATABASE_URL selects PostgreSQL; without it a SQLite file under var/ is used (WAL mode).
SECRET_KEY is generated into var/ for local use and is required when DEBUG is off.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DANGJIAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    # `make run` serves the local demo with DEBUG off and a key kept in var/ (DANGJIAN_LOCAL=1);
    # a deployment must bring its own.
    if not DEBUG and not env_bool("DANGJIAN_LOCAL", False):
        raise ImproperlyConfigured("DEBUG 关闭时必须通过环境变量 SECRET_KEY 提供密钥。")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "treebeard",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "dangjian.shell",
    "dangjian.audit",
    "dangjian.orgs",
    "dangjian.people",
    "dangjian.accounts",
    "dangjian.workcal",
    "dangjian.meetings",
    "dangjian.development",
    "dangjian.orglife",
    "dangjian.mobilization",
    "dangjian.interchange",
    "dangjian.stats",
    "dangjian.documents",
    "dangjian.training",
    "dangjian.appraisal",
    "dangjian.dues",
    "dangjian.transfers",
    "dangjian.talent",
    "dangjian.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "dangjian.shell.middleware.RefuseNulMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "dangjian.accounts.middleware.IdleSessionMiddleware",
    "dangjian.accounts.middleware.NoStoreMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dangjian.audit.middleware.RequestIdMiddleware",
    # Last, so that it turns any response of a locked-out request into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dangjian.shell.context_processors.navigation",
            ],
        },
    },
]

SQLITE_PATH = VAR_DIR / "dangjian.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# The lockout check runs before the password check (django-axes); see "Logins and sessions" below.
AUTHENTICATION_BACKENDS = [
    "dangjian.accounts.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "dangjian.accounts.validators.ForbiddenWordsValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "dangjian" / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
# Secure cookies wherever the site is served over HTTPS (DANGJIAN_HTTPS below turns them on);
# `make run` serves plain http on 127.0.0.1, where a secure cookie would never come back.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
X_FRAME_OPTIONS = "DENY"

# Logins and sessions (docs/deployment.md lists these variables).
# A session ends after DANGJIAN_SESSION_IDLE_SECONDS without a request (IdleSessionMiddleware
# pushes the expiry forward, writing the session at most once a SESSION_REFRESH_SECONDS) and when
# the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("DANGJIAN_SESSION_IDLE_SECONDS", 2 * 60 * 60))
SESSION_REFRESH_SECONDS = min(300, SESSION_COOKIE_AGE // 10)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
DANGJIAN_API_TOKEN_DAYS = int(os.environ.get("DANGJIAN_API_TOKEN_DAYS", 90))

# django-axes: after AXES_FAILURE_LIMIT failures an account, and separately an address, is locked
# for the cool-off time. Bad API tokens count as failures of their address.
AXES_FAILURE_LIMIT = int(os.environ.get("DANGJIAN_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("DANGJIAN_LOGIN_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = "dangjian.accounts.security.lockout_parameters"
AXES_LOCKOUT_CALLABLE = "dangjian.accounts.security.lockout_response"
# A successful login must not wipe the address's count, or one valid account would unlock guessing.
AXES_RESET_ON_SUCCESS = False
# Behind N trusted proxies REMOTE_ADDR is the proxy: then the client is the Nth address from the
# right of X-Forwarded-For (the part the proxies appended; the client may forge the rest).
DANGJIAN_PROXY_COUNT = int(os.environ.get("DANGJIAN_PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "dangjian.accounts.security.client_ip"

# HTTPS: DANGJIAN_HTTPS=1 when a TLS proxy (nginx) sets X-Forwarded-Proto in front of the app.
# Off by default: `make run` serves plain http on 127.0.0.1.
if env_bool("DANGJIAN_HTTPS", False):
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DANGJIAN_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (django-csp): no inline or eval'd script anywhere; the few inline style
# attributes in the templates stay allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
if env_bool("DANGJIAN_FAST_HASHER", False):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

NINJA_PAGINATION_PER_PAGE = 50

# Background work goes through the Django Tasks API (django-tasks backport; `django.tasks` on
# Django 6). The database backend needs no extra service: run `dangjian db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

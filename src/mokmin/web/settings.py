"""Django settings, all derived from :mod:`mokmin.config` (environment variables documented in docs/settings.md)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from mokmin import config as mokmin_config
from mokmin.web.dburl import database_settings

CONFIG = mokmin_config.load()
(CONFIG.home / "static").mkdir(parents=True, exist_ok=True)
WEB_DIR = Path(__file__).resolve().parent

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = [*CONFIG.allowed_hosts, "testserver"] if not CONFIG.production else list(CONFIG.allowed_hosts)
CSRF_TRUSTED_ORIGINS = list(CONFIG.csrf_trusted_origins)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves Swagger UI's files locally instead of from a CDN
    "rules",
    "mokmin.web.core",
    "mokmin.web.accounts",
    "mokmin.web.audit",
    "mokmin.web.jobs",
    "mokmin.web.mileage",
    "mokmin.web.knowledge",
    "mokmin.web.datahub",
    "mokmin.web.analysis",
    "mokmin.web.connections",
    "mokmin.web.qa",
    "mokmin.web.clubs",
    "mokmin.web.proposals",
    "mokmin.web.evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mokmin.web.errors.MokminErrorMiddleware",
]

ROOT_URLCONF = "mokmin.web.urls"
WSGI_APPLICATION = "mokmin.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mokmin.web.core.context.navigation",
            ],
        },
    },
]

DATABASES = {"default": database_settings(CONFIG.database_url, CONFIG.sqlite_path)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "mokmin.web.accounts.backends.LockoutModelBackend",
    "rules.permissions.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "mokmin.web.accounts.passwords.CharacterKindsValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

MOKMIN_LOGIN_MAX_FAILURES = CONFIG.login_max_failures
MOKMIN_LOGIN_LOCKOUT_MINUTES = CONFIG.login_lockout_minutes

# Idle timeout: the cookie lives for the timeout and every request renews it.
SESSION_COOKIE_AGE = CONFIG.session_timeout_minutes * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if CONFIG.production:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = CONFIG.language
LANGUAGES = [("ko", _("한국어")), ("en", _("English"))]
LOCALE_PATHS = [WEB_DIR / "locale"]
TIME_ZONE = CONFIG.time_zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = CONFIG.home / "static"
STATICFILES_DIRS = [WEB_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MOKMIN_CONFIG = CONFIG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"mokmin": {"handlers": ["console"], "level": "INFO"}},
}

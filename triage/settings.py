"""One settings module, read from the environment (see README for the variables)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from triage.platform.env import (
    env_bool,
    env_database,
    env_hosts,
    env_int,
    env_origins,
    env_str,
    env_url_path,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (or DJANGO_SECRET_KEY_FILE), "
            "or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-only-key"  # noqa: S105  # nosec B105  # DEBUG only

ALLOWED_HOSTS = env_hosts(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. Set it to the site's host names, comma-separated "
        "(e.g. triage.example.org), or set DJANGO_DEBUG=true for local development."
    )
CSRF_TRUSTED_ORIGINS = env_origins("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Where the admin lives; moving it off /admin/ keeps it out of drive-by scans.
ADMIN_URL = env_url_path("DJANGO_ADMIN_URL", "admin/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "formtools",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "simple_history",  # who changed which section, source, rule or condition, and when
    "triage",
]

# The header-setting middleware comes before WhiteNoise so static files carry the headers too.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compresses HTML (a summary: 31 KB -> about 8 KB). Safe against BREACH: Django pads each
    # compressed response with random bytes, and the one secret on our pages, the CSRF token,
    # is masked afresh for every response. WhiteNoise's own .gz files are left as they are.
    "django.middleware.gzip.GZipMiddleware",
    "triage.platform.middleware.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware (Django's documented place). Under i18n_patterns
    # with prefix_default_language=False an unprefixed address is always English and /es/ is
    # always Spanish, whatever the browser's Accept-Language says.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # records the admin who edits
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "triage.urls"
WSGI_APPLICATION = "triage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "triage.summary.context_processors.service",
                "triage.summary.context_processors.language_switch",
            ],
        },
    },
]

# DATABASE_URL: postgres://user:password@host:5432/name (psycopg 3), or SQLite when unset.
DATABASES = {"default": env_database("DATABASE_URL", BASE_DIR / "db.sqlite3")}

# django-axes counts failed sign-ins (admin and staff) and refuses more for a while.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out attempts
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Five failures for one username lock that username only at the address they came from: a
# stranger who knows a colleague's username cannot lock them out of their own desk. On top,
# one address with many failures whatever the usernames (password spraying) is locked too:
# throttle.SIGN_IN_FAILURES_PER_ADDRESS, counted by the handler below.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "triage.platform.throttle.SignInHandler"
# A lockout ends on time even if someone keeps trying.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "triage.platform.errors.locked_out"
# Parsed: no port, an IPv6 client by its /64; a bad forwarded value is a 400, never a 500.
AXES_CLIENT_IP_CALLABLE = "triage.platform.throttle.client_ip"
# Every failed sign-in is listed for admins (Axes: access failures), per username, with the
# address; purge_expired deletes these and axes' other records after SIGN_IN_RECORD_RETENTION.
AXES_ENABLE_ACCESS_FAILURE_LOG = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English and neutral Latin-American Spanish (README, Languages). English addresses are unprefixed;
# Spanish lives under /es/ (triage/urls.py). Every Spanish text is translated, awaiting clinical
# review.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Answers live in the session until the summary is saved; an anonymous questionnaire gets a
# generous timeout rather than a timeout warning: nobody is rushed while reading a question.
SESSION_ENGINE = "triage.platform.sessions"  # database sessions, updated in one statement
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24, minimum=600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms send the token as a hidden field
CSRF_FAILURE_VIEW = "triage.platform.errors.csrf_failure"

# --- HTTPS and security headers ------------------------------------------------------------
# Local development (DEBUG) runs over plain http, so cookies, HSTS and redirects to https apply
# only in production. The variables are parsed either way, so a typo fails early.
BEHIND_TLS_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY", False)
# Trust X-Forwarded-Proto only behind a proxy that sets it (and strips it from clients).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
_ssl_redirect = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
_hsts_seconds = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
_hsts_preload = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = _ssl_redirect and not DEBUG
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain http
SECURE_HSTS_SECONDS = 0 if DEBUG else _hsts_seconds
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = _hsts_preload and not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # links to trial registries do not say where from
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SILENCED_SYSTEM_CHECKS = []
if not SECURE_HSTS_PRELOAD:
    # Asking browsers to preload HSTS is a commitment for the whole domain; the operator opts
    # in with DJANGO_SECURE_HSTS_PRELOAD=true.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
if not DEBUG and not _ssl_redirect:
    # DJANGO_SECURE_SSL_REDIRECT=false says the proxy in front redirects http to https itself.
    SILENCED_SYSTEM_CHECKS.append("security.W008")

# No inline script and nothing from other sites: everything is served from /static/. The one
# inline style carries the per-response nonce: the printed summary's page margins name its
# reference code, which a static stylesheet cannot know. Bootstrap draws checkbox and radio
# marks with data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Permissions-Policy (triage.middleware): the app uses none of these browser features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

SUMMARY_RETENTION_DAYS = env_int("SUMMARY_RETENTION_DAYS", 30, minimum=1)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

"""Strict environment parsing: a bad value stops start-up with a message naming the variable."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_str(name: str, default: str = "") -> str:
    """A value, or the contents of the file named by NAME_FILE (for secrets files)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        if os.environ.get(name):
            raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both")
        try:
            with open(path, encoding="utf-8") as fh:
                return fh.read().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path!r}: {exc}") from None
    return os.environ.get(name, default)


def env_hosts(name: str, default: list[str]) -> list[str]:
    """Host names for ALLOWED_HOSTS: names, not URLs (a common mistake that locks everyone out)."""
    hosts = env_list(name, default)
    for host in hosts:
        ipv6 = host.startswith("[") and host.endswith("]")
        if "/" in host or (":" in host and not ipv6):
            raise ImproperlyConfigured(
                f"{name} takes host names such as example.org, not {host!r} "
                "(no scheme, port or path)"
            )
    return hosts


def env_origins(name: str, default: list[str]) -> list[str]:
    """Origins for CSRF_TRUSTED_ORIGINS: scheme and host, such as https://example.org."""
    origins = env_list(name, default)
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path not in {"", "/"}:
            raise ImproperlyConfigured(
                f"{name} takes origins such as https://example.org, not {origin!r}"
            )
    return origins


def env_url_path(name: str, default: str) -> str:
    """A URL prefix such as "admin/" or "staff-admin/": no leading slash, one trailing slash."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    value = raw.strip()
    if value.startswith("/") or not value.endswith("/") or "//" in value or " " in value:
        raise ImproperlyConfigured(
            f"{name} must look like 'site-admin/' (no leading slash, one trailing slash), "
            f"not {raw!r}"
        )
    return value


DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


def env_database(name: str, sqlite_path: Path) -> dict:
    """DATABASES["default"] from a URL: PostgreSQL (psycopg 3) or SQLite; SQLite when unset."""
    raw = os.environ.get(name, "").strip()
    url = raw or f"sqlite:///{sqlite_path}"
    scheme = urlsplit(url).scheme
    if scheme not in DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"{name} must be a postgres:// or sqlite:// URL, not one starting {scheme + ':'!r}"
        )
    try:
        # No health check (a SELECT 1 before each request's first query): a connection that
        # fails is marked and closed by Django at the end of that request (one friendly 503),
        # and the next request connects afresh, so the round trip is not paid on every request.
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=False)
    except ValueError:
        raise ImproperlyConfigured(f"{name} is not a valid database URL") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name a database, e.g. postgres://user@host/triage")
    return config


def settings_or_exit() -> None:
    """Read the settings now and, if the environment is wrong, stop with one line naming the
    variable and exit status 1, without a traceback (manage.py and gunicorn.conf.py call it
    before anything else, so an operator sees the mistake, not Python's internals)."""
    import sys

    from django.conf import settings

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triage.settings")
    try:
        settings.INSTALLED_APPS  # noqa: B018  # importing the settings reads the environment
    except ImproperlyConfigured as exc:
        message = " ".join(str(exc).split())
        sys.stderr.write(f"Configuration error: {message}\n")
        sys.stderr.flush()
        raise SystemExit(1) from None

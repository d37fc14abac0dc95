"""Ready to deploy: strict environment, production settings, security headers, locked-down
sign-in, friendly error pages, static files and `check --deploy`.

Start-up behaviour is tested in a subprocess with a controlled environment, because settings
are read once, at import.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.management import call_command
from django.http import Http404, HttpRequest
from django.templatetags.static import static
from django.test import Client
from django.urls import path, reverse, reverse_lazy

from triage import urls as triage_urls
from triage.platform import errors

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_KEY = secrets.token_urlsafe(50)


def production_env(**overrides: str | None) -> dict[str, str]:
    """A clean environment with only the production variables README asks for."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "triage.settings",
        "DJANGO_SECRET_KEY": PRODUCTION_KEY,
        "DJANGO_ALLOWED_HOSTS": "triage.example.org",
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def start(env: dict[str, str], code: str = "") -> subprocess.CompletedProcess:
    """Set Django up with `env`, then run `code` (which may print JSON)."""
    program = "import django; django.setup()\nfrom django.conf import settings\n" + code
    return subprocess.run(
        [sys.executable, "-c", program],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_in(env: dict[str, str], *names: str) -> dict:
    result = start(
        env,
        f"import json; print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))",
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- start-up: the environment ---------------------------------------------------------------


def test_it_refuses_to_start_without_a_secret_key():
    result = start(production_env(DJANGO_SECRET_KEY=None), "print(settings.SECRET_KEY)")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "insecure-development-only-key" not in result.stdout


def test_an_empty_secret_key_is_no_secret_key():
    result = start(production_env(DJANGO_SECRET_KEY=""))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_it_reads_the_secret_key_from_a_secrets_file(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text(PRODUCTION_KEY + "\n")
    env = production_env(DJANGO_SECRET_KEY=None, DJANGO_SECRET_KEY_FILE=str(secret))
    assert settings_in(env, "SECRET_KEY") == {"SECRET_KEY": PRODUCTION_KEY}


def test_an_unreadable_secrets_file_is_a_clear_error(tmp_path):
    env = production_env(DJANGO_SECRET_KEY=None, DJANGO_SECRET_KEY_FILE=str(tmp_path / "nope"))
    result = start(env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY_FILE: cannot read" in result.stderr


def test_a_secret_key_and_a_secrets_file_together_are_refused(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("from-the-file")
    result = start(production_env(DJANGO_SECRET_KEY_FILE=str(secret)))
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY or DJANGO_SECRET_KEY_FILE, not both" in result.stderr


def test_it_refuses_to_start_in_production_without_allowed_hosts():
    result = start(production_env(DJANGO_ALLOWED_HOSTS=None))
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be true or false"),
        ("DJANGO_BEHIND_TLS_PROXY", "sometimes", "DJANGO_BEHIND_TLS_PROXY must be true or false"),
        ("DJANGO_SECURE_SSL_REDIRECT", "nah", "DJANGO_SECURE_SSL_REDIRECT must be true or false"),
        ("DJANGO_SECURE_HSTS_SECONDS", "a year", "DJANGO_SECURE_HSTS_SECONDS must be a whole"),
        ("SUMMARY_RETENTION_DAYS", "thirty", "SUMMARY_RETENTION_DAYS must be a whole number"),
        ("SUMMARY_RETENTION_DAYS", "0", "SUMMARY_RETENTION_DAYS must be at least 1"),
        ("DJANGO_ALLOWED_HOSTS", "https://triage.example.org", "DJANGO_ALLOWED_HOSTS takes host"),
        ("DJANGO_ALLOWED_HOSTS", "triage.example.org:443", "DJANGO_ALLOWED_HOSTS takes host"),
        ("DJANGO_CSRF_TRUSTED_ORIGINS", "triage.example.org", "DJANGO_CSRF_TRUSTED_ORIGINS takes"),
        ("DATABASE_URL", "mysql://u@db/triage", "DATABASE_URL must be a postgres:// or sqlite://"),
        ("DATABASE_URL", "postgres://u@db:notaport/triage", "DATABASE_URL is not a valid"),
        ("DATABASE_URL", "postgres://u@db", "DATABASE_URL must name a database"),
        ("DJANGO_ADMIN_URL", "/admin", "DJANGO_ADMIN_URL must look like"),
    ],
)
def test_a_bad_value_is_a_clear_start_up_error(name, value, message):
    result = start(production_env(**{name: value}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_a_database_error_message_does_not_show_the_password():
    result = start(production_env(DATABASE_URL="postgres://u:hunter2@db:bad/triage"))
    assert result.returncode != 0
    assert "hunter2" not in result.stderr


def test_database_url_selects_postgresql_through_psycopg_and_sqlite_when_unset():
    code = "import json; print(json.dumps(settings.DATABASES['default'], default=str))"
    env = production_env(DATABASE_URL="postgres://triage:pw@db.internal:5433/triage")
    pg = json.loads(start(env, code).stdout)
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["HOST"], pg["PORT"], pg["NAME"], pg["USER"]) == (
        "db.internal",
        5433,
        "triage",
        "triage",
    )
    assert pg["CONN_MAX_AGE"] == 60  # persistent connections...
    assert pg["CONN_HEALTH_CHECKS"] is False  # ...without a SELECT 1 round trip per request
    lite = json.loads(start(production_env(DATABASE_URL=None), code).stdout)
    assert lite["ENGINE"] == "django.db.backends.sqlite3"
    assert lite["NAME"].endswith("db.sqlite3")
    empty = json.loads(start(production_env(DATABASE_URL=""), code).stdout)
    assert empty["ENGINE"] == "django.db.backends.sqlite3"


def test_production_is_the_default_and_turns_on_https_only_settings():
    got = settings_in(
        production_env(),
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "STORAGES",
    )
    assert got["DEBUG"] is False
    assert got["SECURE_SSL_REDIRECT"] is True
    assert got["SECURE_HSTS_SECONDS"] >= 31536000
    assert got["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert got["SESSION_COOKIE_SECURE"] is True
    assert got["CSRF_COOKIE_SECURE"] is True
    assert got["SECURE_PROXY_SSL_HEADER"] is None  # X-Forwarded-Proto is not trusted by default
    assert got["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_behind_a_tls_proxy_it_trusts_x_forwarded_proto_and_the_redirect_can_be_left_to_it():
    env = production_env(DJANGO_BEHIND_TLS_PROXY="true", DJANGO_SECURE_SSL_REDIRECT="false")
    got = settings_in(env, "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT")
    assert got == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_SSL_REDIRECT": False,
    }


def test_local_development_with_debug_keeps_plain_http_working():
    env = production_env(DJANGO_DEBUG="true", DJANGO_SECRET_KEY=None, DJANGO_ALLOWED_HOSTS=None)
    got = settings_in(
        env,
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "ALLOWED_HOSTS",
    )
    assert got == {
        "DEBUG": True,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "[::1]"],
    }


def test_the_admin_url_can_be_moved_by_a_setting():
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    moved = start(production_env(DJANGO_ADMIN_URL="site-admin-7f3/"), code)
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.strip() == "/site-admin-7f3/"
    default = start(production_env(), code)
    assert default.stdout.strip() == "/admin/"


# --- check --deploy --------------------------------------------------------------------------


def test_check_deploy_passes_with_production_settings():
    result = manage(production_env(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_passes_behind_a_proxy_that_redirects_to_https_itself():
    env = production_env(DJANGO_BEHIND_TLS_PROXY="true", DJANGO_SECURE_SSL_REDIRECT="false")
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_with_a_weak_secret_key():
    result = manage(
        production_env(DJANGO_SECRET_KEY="short"), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


# --- headers and cookies -----------------------------------------------------------------------

SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def assert_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.headers.get(name))
    csp = response.headers["Content-Security-Policy"]
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in csp.split(";") if part.strip()
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert not re.search(r"https?:|\*", csp), "no third-party sources"
    policy = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


@pytest.mark.django_db
@pytest.mark.usefixtures("loaded_rules")
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/", 200),
        ("/questions/condition/", 200),
        ("/healthz", 200),
        ("/no-such-page/", 404),
        (reverse_lazy("admin:login"), 200),
        ("/staff/login/", 200),
    ],
)
def test_every_response_carries_the_security_headers(client, url, status):
    response = client.get(str(url), secure=True)
    assert response.status_code == status
    assert_security_headers(response)


def test_a_static_file_carries_the_security_headers_too(settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/css/site.css", secure=True)
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.django_db
def test_the_admin_itself_carries_the_headers(admin_client):
    response = admin_client.get(reverse("admin:index"), secure=True)
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.django_db
@pytest.mark.usefixtures("loaded_rules")
def test_session_and_csrf_cookies_are_secure_httponly_and_lax(client, staff_user):
    response = client.get("/questions/condition/", secure=True)
    assert response.status_code == 200
    cookies = dict(response.cookies)
    answered = client.post(
        "/questions/condition/",
        {"questionnaire_wizard-current_step": "condition", "condition-answer": "lupus"},
        secure=True,
    )
    cookies.update(answered.cookies)  # the answers so far, in a signed cookie
    signed_in = client.post(
        "/staff/login/", {"username": "ward", "password": "correct horse battery"}, secure=True
    )
    cookies.update(signed_in.cookies)  # a session: only for staff and editors
    for name in ("sessionid", "csrftoken", "wizard_questionnaire_wizard"):
        cookie = cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name


@pytest.mark.django_db
@pytest.mark.usefixtures("loaded_rules")
def test_plain_http_is_redirected_to_https_in_production(settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"


@pytest.mark.django_db
def test_behind_a_tls_proxy_x_forwarded_proto_makes_the_request_secure(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = Client().get("/healthz", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_template_has_inline_script_or_style():
    """The CSP has no 'unsafe-inline', so an inline script, style or handler would be blocked;
    the one inline style allowed carries the response's CSP nonce (the print margins)."""
    offenders = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"<style\b(?![^>]*\bnonce=\"\{\{ request\.csp_nonce \}\}\")",
            r"\sstyle\s*=",
            r"\son[a-z]+\s*=",
            r"javascript:",
        ):
            offenders += [
                f"{template.relative_to(ROOT)}: {m.group(0)}" for m in re.finditer(pattern, text)
            ]
    assert offenders == []


# --- static files ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_static_files_are_hashed_compressed_and_cached_for_a_long_time(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    url = static("css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url)
    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip", secure=True)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1)) >= 31536000
    assert_security_headers(response)


# --- sign-in throttling --------------------------------------------------------------------------


@pytest.fixture
def staff_user(db):
    return User.objects.create_user("ward", password="correct horse battery", is_staff=True)


@pytest.mark.parametrize("login_url", ["/admin/login/", "/staff/login/"])
def test_sign_in_is_locked_after_repeated_failures_with_a_clear_message(
    client, staff_user, settings, login_url
):
    for attempt in range(1, settings.AXES_FAILURE_LIMIT):
        response = client.post(login_url, {"username": "ward", "password": f"guess {attempt}"})
        assert response.status_code == 200, attempt  # the form again, with its error
    response = client.post(login_url, {"username": "ward", "password": "last guess"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-in attempts" in page
    assert "Wait 15 minutes" in page
    assert 'class="site-header' in page  # in the site's layout
    # Even the right password is refused until the lockout ends.
    response = client.post(login_url, {"username": "ward", "password": "correct horse battery"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("login_url", ["/admin/login/", "/staff/login/"])
def test_the_right_password_still_signs_in_before_the_limit(client, staff_user, login_url):
    client.post(login_url, {"username": "ward", "password": "wrong"})
    response = client.post(login_url, {"username": "ward", "password": "correct horse battery"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)


def test_tests_sign_in_with_a_request_or_force_login(client, staff_user):
    """django-axes needs the request: tests pass one to client.login, or use force_login."""
    assert client.login(request=HttpRequest(), username="ward", password="correct horse battery")


# --- error pages --------------------------------------------------------------------------------


def _bad_request(request):
    raise SuspiciousOperation("bad-request-detail")


def _forbidden(request):
    raise PermissionDenied("forbidden-detail")


def _missing(request):
    raise Http404("missing-detail")


def _crash(request):
    raise RuntimeError("crash-detail with SECRET_KEY")


urlpatterns = [
    *triage_urls.urlpatterns,
    path("test-errors/400/", _bad_request),
    path("test-errors/403/", _forbidden),
    path("test-errors/404/", _missing),
    path("test-errors/500/", _crash),
]
handler400 = triage_urls.handler400
handler403 = triage_urls.handler403
handler404 = triage_urls.handler404
handler500 = triage_urls.handler500


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("status", "title"),
    [
        (400, "Sorry, we could not understand that request"),
        (403, "You cannot open this page"),
        (404, "Page not found"),
        (500, "Sorry, there is a problem with the service"),
    ],
)
def test_error_pages_are_friendly_and_show_no_internals(status, title):
    client = Client(raise_request_exception=False)
    response = client.get(f"/test-errors/{status}/", secure=True)
    assert response.status_code == status
    page = response.content.decode()
    assert title in page
    assert 'class="site-header' in page and "Information only" in page  # the site's layout
    assert "-detail" not in page
    for leak in ("Traceback", "SECRET_KEY", "settings.py", "DJANGO_", "Request Method"):
        assert leak not in page
    assert_security_headers(response)


@pytest.mark.django_db
def test_an_unknown_host_gets_the_friendly_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Sorry, we could not understand that request" in response.content.decode()


def test_the_500_page_needs_no_request_session_or_database():
    response = errors.server_error(None)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert 'class="site-header' in page


def test_the_500_page_falls_back_to_plain_html_if_its_template_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("template broke")

    monkeypatch.setattr(errors.loader, "render_to_string", broken)
    response = errors.server_error(None)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()

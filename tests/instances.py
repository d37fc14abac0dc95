"""Real app instances over HTTP, for the two-instance test and benchmarks/load.py: a fresh
PostgreSQL database, gunicorn processes on loopback ports, a cookie-keeping client, a patient's
journey and an editor's change through the admin's own forms (a real login and POST).

No Django import: the callers may be outside Django (the benchmark) or must not share its
state with the servers (the test).
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from triage.engine import questions

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PREFIX = "questionnaire_wizard"
EDITOR = ("scale-editor", "a-long-password-for-the-test-editor-9417")
SUMMARY_PATH = re.compile(r"^/summary/([0-9a-f-]{36})/$")


# --- database and processes ---------------------------------------------------------------


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """A clean environment for an instance: none of the caller's DJANGO_* variables."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "triage.settings",
        "DJANGO_SECRET_KEY": "instances-only-secret-key-" + "x" * 40,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        **extra,
    }


def create_database(admin_url: str, name: str) -> None:
    """Drop and create database `name` on the server of `admin_url` (any database there)."""
    import psycopg

    with psycopg.connect(admin_url, dbname="postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: Mapping[str, str], *args: str, stdin: str | None = None, root: Path = ROOT) -> None:
    subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=root,
        env=dict(env),
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    )


CREATE_EDITOR = """
from django.contrib.auth.models import Group, User
user = User.objects.create_user({name!r}, password={password!r}, is_staff=True)
user.groups.add(Group.objects.get(name="Content editors"))
"""


def prepare(env: Mapping[str, str], *, collectstatic: bool, root: Path = ROOT) -> None:
    """Migrate, load the shipped rules, add a content editor (and collect static files)."""
    manage(env, "migrate", "-v0", root=root)
    manage(env, "load_rules", "-v0", root=root)
    editor = CREATE_EDITOR.format(name=EDITOR[0], password=EDITOR[1])
    manage(env, "shell", stdin=editor, root=root)
    if collectstatic:
        manage(env, "collectstatic", "--noinput", "-v0", root=root)


def start_gunicorn(
    env: Mapping[str, str], port: int, workers: int, root: Path = ROOT
) -> subprocess.Popen:
    config = ["-c", "gunicorn.conf.py"] if (root / "gunicorn.conf.py").exists() else []
    return subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            *config,
            "triage.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=root,
        env=dict(env),
    )


def wait_ready(process: subprocess.Popen, port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the instance on port {port} exited ({process.returncode})")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz", headers={"Host": HOST})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the instance on port {port} did not answer in {seconds:.0f} s")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


# --- a browser, of sorts ------------------------------------------------------------------


class Client:
    """Keeps cookies; each request may go to another instance, as behind a round-robin
    balancer (`ports` are taken in turn; one keep-alive connection per port)."""

    def __init__(self, ports: list[int], record=None):
        self.ports = list(ports)
        self.turn = 0
        self.cookies: dict[str, str] = {}
        self.conns: dict[int, http.client.HTTPConnection] = {}
        self.record = record  # record(kind, seconds, status, port)

    def _conn(self, port: int) -> http.client.HTTPConnection:
        if port not in self.conns:
            self.conns[port] = http.client.HTTPConnection(HOST, port, timeout=30)
        return self.conns[port]

    def request(self, method: str, path: str, kind: str = "", body=None, port: int | None = None):
        if port is None:
            port = self.ports[self.turn % len(self.ports)]
            self.turn += 1
        headers = {"Host": HOST, "Accept-Encoding": "gzip"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{port}{path}"
        started = time.perf_counter()
        try:
            conn = self._conn(port)
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conns.pop(port).close()
            if self.record:
                self.record(kind, time.perf_counter() - started, 0, port)
            raise ConnectionError(str(exc)) from None
        if self.record:
            self.record(kind, time.perf_counter() - started, response.status, port)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        if response.getheader("Content-Encoding") == "gzip":
            import gzip

            content = gzip.decompress(content)
        location = response.getheader("Location")
        if location:
            location = urlsplit(location).path or location
        return response.status, location, content.decode("utf-8", "replace")

    def close(self) -> None:
        for conn in self.conns.values():
            conn.close()
        self.conns.clear()


class _Forms(HTMLParser):
    """Every form's fields as a browser would submit them (no button pressed)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.textarea: tuple[str, list[str]] | None = None
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"id": a.get("id", ""), "action": a.get("action"), "fields": []})
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            fields.append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self.textarea = (a["name"], [])
        elif tag == "select" and a.get("name"):
            self.select, self.options = a["name"], []
        elif tag == "option" and self.select is not None:
            self.options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            name, parts = self.textarea
            text = "".join(parts)
            self.forms[-1]["fields"].append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = [v for v, selected in self.options if selected] or [
                v for v, _ in self.options[:1]
            ]
            self.forms[-1]["fields"].extend((self.select, v) for v in chosen)
            self.select = None


def forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


# --- what people do -----------------------------------------------------------------------


def answer_all(client: Client, answers: Mapping[str, object]) -> str:
    """Answer every question that applies; return the check-answers page (or raise)."""
    status, _, page = client.request("GET", "/questions/condition/", "question GET")
    if status != 200:
        raise JourneyFailed(f"first question: {status}")
    for q in questions.applicable(answers):
        body = {
            "csrfmiddlewaretoken": token(page),
            f"{PREFIX}-current_step": q.key,
            f"{q.key}-answer": answers[q.key],
        }
        status, location, page = client.request(
            "POST", f"/questions/{q.key}/", "question POST", body
        )
        if status != 302 or not location:
            raise JourneyFailed(f"answer {q.key}: {status}")
        status, _, page = client.request("GET", location, "question GET")
        if status != 200:
            raise JourneyFailed(f"after {q.key}: {status}")
    return page


def confirm(client: Client, check_page: str) -> str:
    """Confirm on check answers; return the summary's path."""
    status, location, _ = client.request(
        "POST", "/questions/check/", "confirm POST", {"csrfmiddlewaretoken": token(check_page)}
    )
    if status != 302 or not location or not SUMMARY_PATH.match(location):
        raise JourneyFailed(f"confirm: {status} {location}")
    return location


class JourneyFailed(Exception):
    pass


def sign_in(client: Client, port: int, admin: str = "/admin/") -> None:
    login = f"{admin}login/"
    _, _, page = client.request("GET", login, port=port)
    status, _, _ = client.request(
        "POST",
        login,
        body={
            "csrfmiddlewaretoken": token(page),
            "username": EDITOR[0],
            "password": EDITOR[1],
            "next": admin,
        },
        port=port,
    )
    if status != 302:
        raise RuntimeError(f"the editor could not sign in on port {port} ({status})")


def change_section(client: Client, port: int, slug: str, admin: str = "/admin/", **fields: str):
    """Change a section the way an editor does: open its change form in the admin, edit the
    fields, save, and confirm the effect if the admin asks. Returns when the save returned."""
    _, _, listing = client.request("GET", f"{admin}triage/section/?q={slug}", port=port)
    match = re.search(rf'href="({re.escape(admin)}triage/section/(\d+)/change/[^"]*)"', listing)
    if not match:
        raise RuntimeError(f"section {slug!r} not found in the admin")
    change = f"{admin}triage/section/{match.group(2)}/change/"
    _, _, page = client.request("GET", change, port=port)
    form = next(f for f in forms(page) if f["id"] == "section_form")
    posted = [(k, fields.get(k, v)) for k, v in form["fields"]]
    status, _, page = client.request("POST", change, body=posted, port=port)
    if status == 200 and "_confirm_effect" in page:  # the admin asks to confirm the effect
        confirmation = next(
            f for f in forms(page) if any(k == "_confirm_effect" for k, _ in f["fields"])
        )
        status, _, page = client.request("POST", change, body=confirmation["fields"], port=port)
    if status != 302:
        raise RuntimeError(f"the admin did not save {slug!r} ({status}): {page[:300]}")

"""A configuration error stops both entry points (manage.py and gunicorn) with one line that
names the variable and a non-zero exit status, never a Python traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
PORT = int(os.environ.get("TRIAGE_TEST_PORT", "8690"))

GOOD = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "DJANGO_SECRET_KEY": "a-long-enough-startup-test-key-" + "k" * 40,
    "DJANGO_ALLOWED_HOSTS": "triage.example.org",
}
ERRORS = {
    "missing secret key": ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY"),
    "bad DATABASE_URL": ({"DATABASE_URL": "mysql://u@db/triage"}, "DATABASE_URL"),
    "unparsable DATABASE_URL": ({"DATABASE_URL": "postgres://u@db:port/x"}, "DATABASE_URL"),
    "malformed boolean": ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
}
ENTRY_POINTS = {
    "manage.py": [sys.executable, "manage.py", "check"],
    # The bind address is never reached: the master reads the settings first.
    "gunicorn": [str(GUNICORN), "triage.wsgi", "--bind", f"127.0.0.1:{PORT}"],
}


def run(command: list[str], overrides: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = {**GOOD, **overrides}
    env = {name: value for name, value in env.items() if value is not None}
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("error", ERRORS)
def test_a_configuration_error_is_one_line_naming_the_variable(entry, error):
    overrides, variable = ERRORS[error]
    result = run(ENTRY_POINTS[entry], overrides)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: ")
    assert variable in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_a_good_configuration_gets_past_the_check():
    """The same commands do start when nothing is wrong (so the test above can fail)."""
    result = run(ENTRY_POINTS["manage.py"], {"DJANGO_DEBUG": "false"})
    assert result.returncode == 0, result.stderr

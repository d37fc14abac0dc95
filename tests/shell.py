"""Management commands run in a subprocess, as a person at a shell would run them: what they
print, on which stream, and their exit status."""

import subprocess
import sys

from tests.fixture_rows import ROOT


def run_manage(*arguments, stdin_text=""):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        input=stdin_text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"},
        check=False,
    )


def run_evaluate(stdin_text, *flags):
    return run_manage("evaluate", *flags, stdin_text=stdin_text)

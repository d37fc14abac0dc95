"""Ways in that several test files use: a signed-in clinic staff browser, and the `evaluate`
command run in a subprocess as a person at a shell would run it."""

import subprocess
import sys

from django.contrib.auth.models import Group, User
from django.test import Client

from tests.shipped import ROOT
from triage.clinic.views import STAFF_GROUP


def staff_client(username="nurse"):
    user = User.objects.create_user(username, password="a long test password")
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    user.groups.add(group)
    browser = Client()
    browser.force_login(user)
    return browser


def run_evaluate(stdin_text, *flags):
    """Run the real command in a subprocess, as a person at a shell would."""
    return subprocess.run(
        [sys.executable, "manage.py", "evaluate", *flags],
        input=stdin_text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"},
        check=False,
    )

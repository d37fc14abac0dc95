"""Test settings: the real settings, with a throwaway secret so no variable must be set."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-never-used-in-production")

from triage import settings as base

globals().update({name: getattr(base, name) for name in dir(base) if name.isupper()})

# Tests serve static files from the source folders; production uses collectstatic's manifest.
STORAGES = {
    **base.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

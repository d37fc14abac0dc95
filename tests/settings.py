"""Test settings: the real settings, with a throwaway secret so no variable must be set."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-never-used-in-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from triage import settings as base

globals().update({name: getattr(base, name) for name in dir(base) if name.isupper()})

# Tests serve static files from the source folders; production uses collectstatic's manifest.
STORAGES = {
    **base.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The test client speaks plain http; tests that need https pass secure=True. The production
# default (redirect to https) is checked in tests/test_deploy.py with the real settings.
SECURE_SSL_REDIRECT = False

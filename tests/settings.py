"""Test settings: the real settings, with a throwaway secret so no variable must be set.

The suite ignores the developer's shell: every variable the settings read is removed before
they are read (a `DJANGO_DEBUG=true` left exported would otherwise change what is tested), so
only DATABASE_URL chooses the database, on purpose. Tests that need other values start a
subprocess with an environment of their own (tests/test_deploy.py).
"""

import os

SHELL_VARIABLES = ("DJANGO_", "SESSION_COOKIE_AGE", "SUMMARY_RETENTION_DAYS")
for _name in list(os.environ):
    if _name.startswith(SHELL_VARIABLES) and _name != "DJANGO_SETTINGS_MODULE":
        del os.environ[_name]

os.environ["DJANGO_SECRET_KEY"] = "test-only-secret-key-never-used-in-production"
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"

from triage import settings as base  # noqa: E402

globals().update({name: getattr(base, name) for name in dir(base) if name.isupper()})

# Tests serve static files from the source folders; production uses collectstatic's manifest.
STORAGES = {
    **base.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The test client speaks plain http; tests that need https pass secure=True. The production
# default (redirect to https) is checked in tests/test_deploy.py with the real settings.
SECURE_SSL_REDIRECT = False

# Each staff or editor sign-in and create_user hashes a password; the production hasher
# (PBKDF2, about half a second on this machine) is slow by design, which tests do not need.
# Production keeps Django's default hashers: triage/settings.py names none.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

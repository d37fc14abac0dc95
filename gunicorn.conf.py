"""gunicorn reads this file from the directory it starts in (or with `-c gunicorn.conf.py`).

It reads the Django settings in the master process before any worker starts, so a
configuration error (a missing DJANGO_SECRET_KEY, a bad DATABASE_URL, a malformed boolean)
stops gunicorn at once with one line naming the variable and exit status 1, instead of a
traceback in every worker it would keep restarting.

Forwarded headers are trusted only behind a TLS-terminating proxy (DJANGO_BEHIND_TLS_PROXY).
Left to itself gunicorn believes X-Forwarded-Proto, X-Forwarded-Ssl and X-Forwarded-Protocol
from 127.0.0.1 and marks the request https, so any local process (or a proxy that passes the
client's headers on) could make a plain-http request look secure: Django would then send HSTS
and secure-only behaviour over http. Without the setting, no address and no header is trusted.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from triage.platform.env import settings_or_exit

settings_or_exit()

from django.conf import settings  # noqa: E402  (read after the check above)

if settings.BEHIND_TLS_PROXY:
    # The proxy's address; set FORWARDED_ALLOW_IPS when it is not on this machine.
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
else:
    forwarded_allow_ips = ""
    secure_scheme_headers = {}  # also for a Unix socket, which gunicorn always trusts

wsgi_app = "triage.wsgi:application"

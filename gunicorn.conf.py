"""gunicorn reads this file from the directory it starts in (or with `-c gunicorn.conf.py`).

It reads the Django settings in the master process before any worker starts, so a
configuration error (a missing DJANGO_SECRET_KEY, a bad DATABASE_URL, a malformed boolean)
stops gunicorn at once with one line naming the variable and exit status 1, instead of a
traceback in every worker it would keep restarting.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from triage.platform.env import settings_or_exit

settings_or_exit()

wsgi_app = "triage.wsgi:application"

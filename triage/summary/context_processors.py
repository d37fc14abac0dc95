import time

from django.conf import settings
from django.db import DatabaseError
from django.utils.translation import gettext

from triage.platform import languages
from triage.summary.registries import NOT_APPROVAL
from triage.summary.translations import spanish_available

# How long a process trusts its last answer on whether Spanish may be offered: the switcher is
# on every page, and question pages otherwise make no database query at all. An edit that makes
# a mandatory translation stale hides the link within this time; until then a Spanish page
# still shows the English text with its notice.
RECHECK_SECONDS = 60
_offered: dict[str, float | bool] = {"until": 0.0, "value": False}


def service(request):
    return {
        "retention_days": settings.SUMMARY_RETENTION_DAYS,
        "not_approval": gettext(NOT_APPROVAL),
    }


def spanish_offered() -> bool:
    now = time.monotonic()
    if now >= _offered["until"]:
        try:
            value = spanish_available()
        except DatabaseError:  # the page explaining an outage must still render
            return False
        _offered.update(until=now + RECHECK_SECONDS, value=value)
    return bool(_offered["value"])


def language_switch(request):
    """The switcher, offering Spanish only while the mandatory sections have current Spanish
    translations (a summary would otherwise open with English where it matters most)."""
    context = languages.switcher(request)
    if context["switch_language"]["code"] != settings.LANGUAGE_CODE and not spanish_offered():
        context["switch_language"] = None
    return context

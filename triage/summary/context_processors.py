from django.conf import settings
from django.utils.translation import gettext

from triage.summary.registries import NOT_APPROVAL


def service(request):
    return {
        "retention_days": settings.SUMMARY_RETENTION_DAYS,
        "not_approval": gettext(NOT_APPROVAL),
    }

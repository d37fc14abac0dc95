"""The pages Django shows when a request goes wrong (settings and urls point here).

Their words are in the page catalogue (triage/pages.py), except the 500 and 503 pages, which
are templates rendered without the request, so that nothing that failed can fail again.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

from triage.platform.pages import show

logger = logging.getLogger(__name__)


def bad_request(request, exception=None):
    return show(request, "bad_request")


def permission_denied(request, exception=None):
    return show(request, "permission_denied")


def not_found(request, exception=None):
    return show(request, "not_found")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return show(request, "csrf_failure")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a sign-in attempt after too many failures (AXES_LOCKOUT_CALLABLE)."""
    return show(
        request,
        "locked_out",
        status=settings.AXES_HTTP_RESPONSE_CODE,
        limit=settings.AXES_FAILURE_LIMIT,
        minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    )


# Used only if even 500.html cannot be rendered (say, a broken template or static manifest).
PLAIN_500 = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    "<title>Sorry, there is a problem with the service</title></head><body>"
    "<h1>Sorry, there is a problem with the service</h1>"
    '<p>Please try again later. <a href="/">Go to the start page</a></p></body></html>'
)


def server_error(request):
    """The 500 page in the site's layout, rendered without the request, so no context
    processor, session or database query can fail a second time; never a stack trace.

    When the error is the database going away (a restart, a failover), the person gets a
    503 that says so and to try again shortly; Django closes the failed connection when the
    request ends and the next request connects afresh, so the app recovers without a restart.
    """
    unavailable = isinstance(sys.exc_info()[1], OperationalError | InterfaceError)
    template = "503.html" if unavailable else "500.html"
    try:
        html = loader.render_to_string(
            template, {"retention_days": settings.SUMMARY_RETENTION_DAYS}
        )
    except Exception:
        logger.exception("Could not render %s", template)
        html = PLAIN_500
    if unavailable:
        response = HttpResponse(html, status=503)
        response["Retry-After"] = "10"
        return response
    return HttpResponseServerError(html)

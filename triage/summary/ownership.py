"""Which summaries this browser made: the only thing that lets a browser open a summary by
its id, and what Back and "Start again" lead to once the questionnaire is finished.

The ids travel in a signed cookie (triage/platform/cookies.py), like the unfinished answers,
so an anonymous visitor has no session row on our server. It lasts as long as a summary is
kept. A deleted summary's id stays, so this browser is told it was deleted (410), not that
it never existed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from triage.models import Submission
from triage.platform import cookies

COOKIE = "triage_summaries"
SALT = "triage.summary.ownership"
KEPT = 20  # the newest summaries this browser made; older ones open by their private link


def _max_age() -> int:
    return settings.SUMMARY_RETENTION_DAYS * 24 * 60 * 60


def owned(request: HttpRequest) -> list[str]:
    """The ids of the summaries this browser made, oldest first (read once per request)."""
    cached = getattr(request, "_triage_owned", None)
    if cached is not None:
        return cached
    value = cookies.read(request, COOKIE, salt=SALT, max_age=_max_age())
    ids = []
    if isinstance(value, list):
        for item in value:
            try:
                ids.append(str(uuid.UUID(str(item))))
            except ValueError:
                continue
    request._triage_owned = ids  # type: ignore[attr-defined]
    return ids


def _save(request: HttpRequest, response: HttpResponse, ids: list[str]) -> None:
    request._triage_owned = ids  # type: ignore[attr-defined]
    cookies.write(response, COOKIE, ids, salt=SALT, max_age=_max_age())


def remember(request: HttpRequest, response: HttpResponse, submission: Submission) -> None:
    _save(request, response, [*owned(request), str(submission.id)][-KEPT:])


def owns(request: HttpRequest, pk) -> bool:
    return str(pk) in owned(request)


def live_summary_url(request: HttpRequest, prefer: str | None = None) -> str | None:
    """The address of a summary this browser finished that can still be opened: `prefer`
    when it is one of them, else the newest. None when there is none (no database query when
    this browser never finished one)."""
    ids = owned(request)
    if not ids:
        return None
    live = Submission.objects.filter(
        pk__in=ids, deleted_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created")
    found = [str(pk) for pk in live.values_list("pk", flat=True)]
    if not found:
        return None
    pk = prefer if prefer in found else found[0]
    return reverse("triage:summary", kwargs={"pk": pk})

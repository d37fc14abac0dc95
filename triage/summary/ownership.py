"""Which summaries this browser made: the only thing that lets a browser open a summary by
its id, and what Back and "Start again" lead to once the questionnaire is finished."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from triage.models import Submission

SUBMISSIONS = "triage_submissions"
KEPT = 20  # the newest summaries this browser made; older ones open by their private link


def remember(request: HttpRequest, submission: Submission) -> None:
    session = request.session
    session[SUBMISSIONS] = [*session.get(SUBMISSIONS, []), str(submission.id)][-KEPT:]


def owns(request: HttpRequest, pk) -> bool:
    return str(pk) in request.session.get(SUBMISSIONS, [])


def live_summary_url(request: HttpRequest, prefer: str | None = None) -> str | None:
    """The address of a summary this browser finished that can still be opened: `prefer`
    when it is one of them, else the newest. None when there is none (no database query when
    this browser never finished one)."""
    owned = request.session.get(SUBMISSIONS)
    if not owned:
        return None
    live = Submission.objects.filter(
        pk__in=owned, deleted_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created")
    ids = [str(pk) for pk in live.values_list("pk", flat=True)]
    if not ids:
        return None
    pk = prefer if prefer in ids else ids[0]
    return reverse("triage:summary", kwargs={"pk": pk})

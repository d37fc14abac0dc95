"""One way to reach a finished summary for every road: the browser that made it, the patient's
private link, or clinic staff after a lookup. Each road answers with the summary, or with the
page that says why not (404 for one never made or not yours, 410 for one deleted or expired)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext

from triage.models import Submission
from triage.platform import throttle
from triage.platform.pages import show
from triage.summary import ownership, private_links


@dataclass(frozen=True)
class Access:
    """How this summary was reached, so its links stay on the same road."""

    kind: str  # "session", "link" or "staff"
    summary_url: str
    sheet_url: str
    delete_url: str | None  # None where nobody may delete (staff)
    fhir_url: str  # the answers as a FHIR QuestionnaireResponse, for a clinic's record
    compare_url: str = ""  # "Compare your options" (summary/comparison.py)


# Each road's URL names (summary, sheet, delete, FHIR download, comparison) and the key its
# URLs take.
ROADS = {
    "session": (
        (
            "triage:summary",
            "triage:sheet",
            "triage:delete",
            "triage:fhir-response",
            "triage:compare",
        ),
        "pk",
    ),
    "link": (
        (
            "triage:link",
            "triage:link-sheet",
            "triage:link-delete",
            "triage:link-fhir-response",
            "triage:link-compare",
        ),
        "token",
    ),
    "staff": (
        ("staff:summary", "staff:sheet", None, "staff:fhir-response", "staff:compare"),
        "reference",
    ),
}
KEYS = {"pk": "pk", "token": "private_token", "reference": "reference"}


def road(kind: str, submission: Submission) -> Access:
    """The addresses a summary reached this way links to."""
    names, key = ROADS[kind]
    value = getattr(submission, KEYS[key])
    summary_url, sheet_url, delete_url, fhir_url, compare_url = (
        reverse(name, kwargs={key: value}) if name else None for name in names
    )
    return Access(kind, summary_url, sheet_url, delete_url, fhir_url, compare_url)


def gone(request: HttpRequest, submission: Submission | None) -> HttpResponse:
    """410: the summary existed and does not any more. Says which, and what to do next."""
    if submission is not None and submission.is_deleted:
        return show(
            request,
            "summary_deleted",
            date=date_format(submission.deleted_at, gettext("j F Y")),
            code=submission.display_reference,
        )
    return show(request, "summary_expired", days=settings.SUMMARY_RETENTION_DAYS)


def own_submission(request: HttpRequest, pk) -> tuple[Submission | None, HttpResponse | None]:
    """The patient's own summary (made in this browser), or the page that explains why not."""
    submission = Submission.objects.filter(pk=pk).first()
    if submission is None or not ownership.owns(request, pk):
        return None, show(request, "summary_not_found")
    if submission.is_deleted or submission.is_expired:
        return None, gone(request, submission)
    return submission, None


def linked_submission(
    request: HttpRequest, token: str
) -> tuple[Submission | None, HttpResponse | None]:
    """The summary a private link opens.

    A link that carries our MAC is never counted or refused: it was issued, so it is either
    the summary (200) or a summary that has gone (410). A link without it was never issued:
    a 404, counted in a bucket of its own (guesses from one address), so guessing links can
    neither be fast nor hold up a real link or a staff lookup from the same address.
    """
    if not private_links.was_issued(token):
        address = throttle.address_hash(request)
        wait = throttle.link_guess_wait(address)
        if wait is not None:
            limit = throttle.LINK_GUESSES_PER_ADDRESS
            refused = show(request, "too_many_links", minutes=limit.minutes)
            refused["Retry-After"] = str(wait)
            return None, refused
        throttle.record_lookup(
            request, code=throttle.PRIVATE_LINK, outcome="bad_link", address=address
        )
        return None, show(request, "link_not_found")
    submission = Submission.objects.filter(private_token=token).first()
    if submission is None or submission.is_deleted or submission.is_expired:
        return None, gone(request, submission)
    return submission, None

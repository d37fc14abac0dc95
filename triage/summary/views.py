"""The summary pages on the patient's roads (this browser and the private link): the summary,
the sheet and deleting it. Clinic staff reach the same pages through triage/clinic."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from triage.models import Submission
from triage.platform.languages import keep_english, summary_language_redirect
from triage.summary.access import Access, linked_submission, own_submission, road
from triage.summary.comparison import compare_page
from triage.summary.context import summary_context
from triage.summary.sheet import sheet_context


def _summary_page(request, submission: Submission, access: Access) -> HttpResponse:
    context = summary_context(submission, request=request, access=access)
    return render(request, "triage/summary.html", context)


def _sheet_page(request, submission: Submission, access: Access) -> HttpResponse:
    context = sheet_context(submission, request=request, access=access)
    return render(request, "triage/sheet.html", context)


def _delete_page(request, submission: Submission, access: Access) -> HttpResponse:
    """Ask once, then delete at once: the link, the code and the sheet stop working."""
    if request.method == "POST":
        submission.erase()
        return redirect(access.summary_url)
    return render(
        request, "triage/delete_confirm.html", {"submission": submission, "access": access}
    )


def _on_link(request: HttpRequest, token: str, page) -> HttpResponse:
    """A page reached by the private link: opened in the summary's language unless English was
    chosen, and its links stay on the link's road."""
    submission, refused = linked_submission(request, token)
    if refused:
        return refused
    return summary_language_redirect(request, submission) or page(
        request, submission, keep_english(request, road("link", submission))
    )


@require_http_methods(["GET"])
def summary(request: HttpRequest, pk) -> HttpResponse:
    submission, refused = own_submission(request, pk)
    return refused or _summary_page(request, submission, road("session", submission))


@require_http_methods(["GET"])
def sheet(request: HttpRequest, pk) -> HttpResponse:
    submission, refused = own_submission(request, pk)
    return refused or _sheet_page(request, submission, road("session", submission))


@require_http_methods(["GET", "POST"])
def delete_summary(request: HttpRequest, pk) -> HttpResponse:
    submission, refused = own_submission(request, pk)
    return refused or _delete_page(request, submission, road("session", submission))


@require_http_methods(["GET"])
def link_summary(request: HttpRequest, token: str) -> HttpResponse:
    return _on_link(request, token, _summary_page)


@require_http_methods(["GET"])
def link_sheet(request: HttpRequest, token: str) -> HttpResponse:
    return _on_link(request, token, _sheet_page)


@require_http_methods(["GET", "POST"])
def link_delete(request: HttpRequest, token: str) -> HttpResponse:
    return _on_link(request, token, _delete_page)


@require_http_methods(["GET", "POST"])
def compare(request: HttpRequest, pk) -> HttpResponse:
    """Compare your options; POST saves what matters to the person."""
    submission, refused = own_submission(request, pk)
    return refused or compare_page(request, submission, road("session", submission))


@require_http_methods(["GET", "POST"])
def link_compare(request: HttpRequest, token: str) -> HttpResponse:
    return _on_link(request, token, compare_page)

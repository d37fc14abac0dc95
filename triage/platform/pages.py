"""Every page that explains a problem, in one catalogue: its status, its words, its way on.

The texts are wrapped for translation (gettext_lazy), so this is where a translation starts.
A view names a page by its key and fills in what only it knows (a link to a question, a
number); the journey's detours (engine/journey.py) use their value as the key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GO_TO_START = _("Go to the start page")
NEXT_UNANSWERED = _("Go to the next question you have not answered")


@dataclass(frozen=True)
class Page:
    status: int
    title: str | Promise
    message: str | Promise  # may hold {placeholders}, filled in by the view
    link_text: str | Promise = ""
    link: str | None = None  # a URL name; a view may pass the address itself instead


PAGES: dict[str, Page] = {
    # The questionnaire (triage/views.py, triage/confirm.py; keys of journey.Detour).
    "unknown_step": Page(
        404,
        _("Page not found"),
        _("There is no question at this address."),
        GO_TO_START,
        "triage:start",
    ),
    "session_ended": Page(
        400,
        _("Your answers are no longer available"),
        _(
            "This can happen if you have not used the questionnaire for 24 hours, if your "
            "browser does not keep cookies, or if you opened this page from a bookmark. "
            "We do not store unfinished answers, so you will need to start again."
        ),
        _("Start again"),
        "triage:start",
    ),
    "finished": Page(
        200,
        _("You have finished the questionnaire"),
        _(
            "Your answers were saved and your summary is ready. To answer the questions "
            "differently, you can start again from your summary."
        ),
        _("Go to your summary"),
    ),
    "inactive_step": Page(
        404,
        _("This question does not apply to your answers"),
        _("Based on your earlier answers, we do not need to ask this question."),
        _("Check your answers"),
    ),
    "out_of_order": Page(
        400,
        _("Answer the earlier questions first"),
        _("You need to answer the questions in order. Your answers so far are saved."),
        NEXT_UNANSWERED,
    ),
    "incomplete": Page(
        400,
        _("You have not answered every question yet"),
        _("Your answers so far are saved."),
        NEXT_UNANSWERED,
    ),
    "not_earlier": Page(
        400,
        _("Sorry, we could not go back"),
        _("That is not an earlier question. Your answers are saved."),
        _("Return to the question"),
    ),
    "unreadable_answer": Page(
        400,
        _("Sorry, we could not read your answer"),
        _(
            "The page you sent was incomplete or out of date. Your earlier answers are "
            "saved. Go back to the question and answer it again."
        ),
        _("Go back to the question"),
        "triage:start",
    ),
    "invalid_answers": Page(
        400,
        _("Sorry, we could not use your answers"),
        _("Something in your answers was not valid ({error}). Please check them."),
        _("Check your answers"),
    ),
    # Clinic staff (triage/staff.py).
    "not_clinic_staff": Page(
        403,
        _("This page is for clinic staff"),
        _(
            "Your account is not in the clinic staff group. Ask your administrator "
            "if you need to look up patients' summaries."
        ),
    ),
    "too_many_lookups": Page(
        429,
        _("Too many lookups"),
        _(
            "You have looked up a lot of codes in a short time, so lookups are paused "
            "for up to {minutes} minutes. This protects patients' summaries from being guessed."
        ),
        _("Try again later"),
        "staff:lookup",
    ),
    "look_up_first": Page(
        404,
        _("Look the code up first"),
        _("Type the patient's reference code to open their summary."),
        _("Look up a code"),
        "staff:lookup",
    ),
    # Summaries (triage/summary/): this browser's address, the private link, gone ones.
    "summary_not_found": Page(
        404,
        _("We could not find that summary"),
        _(
            "This address only opens a summary in the browser that finished the "
            "questionnaire. On another device, use the private link shown with the summary."
        ),
        _("Start the questionnaire"),
        "triage:start",
    ),
    "link_not_found": Page(
        404,
        _("We could not find that summary"),
        _(
            "Check that the whole private link was copied. It is a long web address that "
            "ends with a mix of 32 letters, numbers and symbols."
        ),
        _("Start the questionnaire"),
        "triage:start",
    ),
    "too_many_links": Page(
        429,
        _("Too many attempts"),
        _(
            "A lot of links that do not work have been opened from here in a short time, so "
            "such links are not checked for up to {minutes} minutes. This protects patients' "
            "summaries from being guessed. A private link that works still opens its summary."
        ),
        _("Try again later"),
        "triage:start",
    ),
    "summary_deleted": Page(
        410,
        _("This summary has been deleted"),
        _(
            "The answers and the summary were deleted on {date}. The private link, the "
            "reference code {code} and the appointment sheet no longer work."
        ),
        _("Start the questionnaire again"),
        "triage:start",
    ),
    "summary_expired": Page(
        410,
        _("This summary has expired"),
        _(
            "We delete summaries {days} days after they are made, so that no answers are kept "
            "for long. The private link, the reference code and the appointment sheet no "
            "longer work. You can answer the questions again to get a new summary."
        ),
        _("Start the questionnaire again"),
        "triage:start",
    ),
    # Errors Django hands to triage/errors.py.
    "bad_request": Page(
        400,
        _("Sorry, we could not understand that request"),
        _("Something in the request was not valid."),
        GO_TO_START,
        "triage:start",
    ),
    "permission_denied": Page(
        403,
        _("You cannot open this page"),
        _("You do not have permission to see this page."),
        GO_TO_START,
        "triage:start",
    ),
    "not_found": Page(
        404,
        _("Page not found"),
        _("If you typed the web address, check it is correct."),
        GO_TO_START,
        "triage:start",
    ),
    "csrf_failure": Page(
        403,
        _("Sorry, your answer could not be sent"),
        _(
            "This can happen if your browser blocks cookies or if the page was open for a long "
            "time. Your earlier answers are saved if your browser keeps cookies."
        ),
        _("Carry on with the questionnaire"),
        "triage:resume",
    ),
    "locked_out": Page(
        429,  # the view passes settings.AXES_HTTP_RESPONSE_CODE
        _("Too many failed sign-in attempts"),
        _(
            "To protect the accounts, signing in to an account from here is paused after "
            "{limit} failed attempts, and signing in to any account from here after many. "
            "Wait {minutes} minutes and try again, or ask an administrator to unlock your "
            "account."
        ),
        GO_TO_START,
        "triage:start",
    ),
}


def show(
    request: HttpRequest,
    key: str,
    *,
    link: str | None = None,
    status: int | None = None,
    **values: object,
) -> HttpResponse:
    """The catalogue's page `key`, with `values` filled into its message."""
    page = PAGES[key]
    if link is None and page.link:
        link = reverse(page.link)
    return problem(
        request,
        status=page.status if status is None else status,
        title=str(page.title),
        message=str(page.message).format(**values) if values else str(page.message),
        link=link,
        link_text=str(page.link_text),
    )


def problem(
    request: HttpRequest,
    *,
    status: int,
    title: str,
    message: str,
    link: str | None = None,
    link_text: str = "",
) -> HttpResponse:
    """A plain page that says what went wrong and what to do next, with its own status."""
    context = {"title": title, "message": message, "link": link, "link_text": link_text}
    return render(request, "triage/problem.html", context, status=status)

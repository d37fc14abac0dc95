"""The end of the questionnaire: check answers, confirm, and the way back in afterwards.

Once confirmed, the wizard's storage (a signed cookie) is emptied and the summary belongs to
this browser (its id is kept in another signed cookie, triage/summary/ownership.py). Pages behind the summary's Back button then lead to that summary,
never to "start again"; and "Start again" asks first, because it clears the answers.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.views.decorators.http import require_http_methods

from triage.engine import journey, questions
from triage.platform import cookies
from triage.platform.pages import show
from triage.summary import ownership
from triage.summary.services import submission_create

CHANGE_FLAG = "triage_changing"
PREFIX = "questionnaire_wizard"  # the wizard's prefix; formtools stores it as wizard_<prefix>
STORAGE_KEY = f"wizard_{PREFIX}"


class CheckAnswersMixin:
    """Check answers (GET) and confirm (POST) for QuestionnaireWizard."""

    @cached_property
    def summary_url(self) -> str | None:
        return ownership.live_summary_url(self.request)

    @property
    def finished(self) -> bool:
        """Nothing is stored for a journey, but this browser has a summary to go back to."""
        return not self.started and self.summary_url is not None

    def check_answers(self) -> HttpResponse:
        detour = journey.check_detour(self.answers(), started=self.started, finished=self.finished)
        if detour:
            return self.take_detour(detour)
        self.storage.set_flag(CHANGE_FLAG, True)
        answers = self.answers()
        rows = [
            {
                "key": q.key,
                "label": questions.tr(q.check_label),
                "answer": q.answer_text(answers[q.key]),  # type: ignore[arg-type]
                "url": self.step_url(q.key) + "?change=1",
            }
            for q in questions.applicable(answers)
        ]
        return render(
            self.request,
            "triage/check.html",
            {"rows": rows, "back_url": self.step_url(rows[-1]["key"])},
        )

    def confirm(self) -> HttpResponse:
        detour = journey.check_detour(self.answers(), started=self.started, finished=self.finished)
        if detour:
            return self.take_detour(detour)
        return self.done(form_list=None)

    def done(self, form_list, **kwargs) -> HttpResponse:
        """Save the checked answers as a summary owned by this browser, and show it.

        formtools calls done() after its own last step; here confirm() does, once the person
        has checked their answers. The stored answers go: the summary holds them now.
        """
        try:
            submission = submission_create(
                answers=self.answers(), language=translation.get_language() or "en"
            )
        except questions.AnswerError as exc:
            return show(
                self.request, "invalid_answers", link=self.step_url(journey.CHECK), error=exc
            )
        self.storage.reset()
        response = redirect("triage:summary", pk=submission.id)
        ownership.remember(self.request, response, submission)
        return response


@require_http_methods(["GET", "POST"])
def start_again(request: HttpRequest) -> HttpResponse:
    """Ask before clearing the answers; a finished summary stays until it expires or is
    deleted, and Cancel goes back to it."""
    if request.method == "POST":
        response = redirect("triage:question", step=journey.FIRST)
        if STORAGE_KEY in request.COOKIES:
            cookies.clear(response, STORAGE_KEY)
        return response
    summary = ownership.live_summary_url(request, prefer=request.GET.get("summary"))
    context = {"summary_url": summary, "cancel_url": summary or reverse("triage:resume")}
    return render(request, "triage/start_again.html", context)

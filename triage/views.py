"""The patient journey: start page, one question per page, check answers, summary.

The questionnaire is a django-formtools NamedUrlSessionWizardView whose step names are the
question keys. Its POST handling is our own, because the stock one falls into the traps listed
in docs/architecture.md: "Previous" drops what was chosen, a missing management form
is an unhandled SuspiciousOperation, an unknown step name raises KeyError, conditions that read
the wizard recurse, and done() resets the answers before the person has checked them.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlSessionWizardView

from triage.engine import questions
from triage.forms import FORMS, QuestionForm
from triage.models import Submission
from triage.services import submission_create

logger = logging.getLogger(__name__)

CHECK = "check"
CHANGE_FLAG = "triage_changing"
SUBMISSIONS = "triage_submissions"


def problem(
    request: HttpRequest,
    *,
    status: int,
    title: str,
    message: str,
    link: str | None = None,
    link_text: str = "",
) -> HttpResponse:
    """A plain page that says what went wrong and what to do next, with a 4xx status."""
    context = {"title": title, "message": message, "link": link, "link_text": link_text}
    return render(request, "triage/problem.html", context, status=status)


@require_safe  # GET, and HEAD for uptime checks
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "triage/start.html")


class QuestionnaireWizard(NamedUrlSessionWizardView):
    form_list = [(q.key, FORMS[q.key]) for q in questions.QUESTIONS]
    condition_dict = {
        q.key: (lambda wizard, q=q: questions.applies(q, wizard.answers()))
        for q in questions.QUESTIONS
        if q.asked_when
    }
    template_name = "triage/question.html"
    storage_name = "triage.wizard_storage.QuietSessionStorage"
    http_method_names = ["get", "post"]

    # --- reading the stored answers -------------------------------------------------------

    def answers(self) -> dict[str, object]:
        """The valid answers stored so far, in order, stopping at the first missing one.

        Reads raw step data with the questionnaire's own check (the forms validated it when it
        was stored; building nine forms per request cost more than the page), never through
        get_form_list(), so conditions can call it without recursion. formtools clears
        `_cleaned_data_cache_*` attributes after every saved step, which keeps this cache honest.
        """
        cached = getattr(self, "_cleaned_data_cache_answers", None)
        if cached is not None:
            return cached
        answers: dict[str, object] = {}
        for question in questions.QUESTIONS:
            if not questions.applies(question, answers):
                continue
            data = self.storage.get_step_data(question.key)
            if data is None:
                break
            raw = data.getlist(f"{self.get_form_prefix(question.key)}-answer")
            try:
                answers[question.key] = question.clean(
                    raw if question.multiple else (raw[0] if len(raw) == 1 else None)
                )
            except questions.AnswerError:
                break
        self._cleaned_data_cache_answers = answers
        return answers

    def first_missing(self) -> str | None:
        """The first question that still needs an answer, or None when all are answered."""
        answers = self.answers()
        for question in questions.applicable(answers):
            if question.key not in answers:
                return question.key
        return None

    def active_steps(self) -> list[str]:
        return [q.key for q in questions.applicable(self.answers())]

    def drop_inactive(self) -> None:
        """Forget answers to questions that no longer apply, so they are never used."""
        active = set(self.active_steps())
        for key in questions.KEYS:
            if key not in active:
                self.storage.forget_step(key)

    def has_started(self) -> bool:
        return bool(self.storage.data.get(self.storage.step_data_key))

    # --- routing ----------------------------------------------------------------------------

    def step_url(self, step: str) -> str:
        return reverse("triage:question", kwargs={"step": step})

    def out_of_order(self, step: str) -> HttpResponse | None:
        """A clear 4xx page when `step` cannot be shown yet, or None when it can."""
        active = self.active_steps()
        if step not in questions.BY_KEY:
            return problem(
                self.request,
                status=404,
                title="Page not found",
                message="There is no question at this address.",
                link=reverse("triage:start"),
                link_text="Go to the start page",
            )
        if not self.has_started():
            return self.session_ended()
        if step not in active:
            return problem(
                self.request,
                status=404,
                title="This question does not apply to your answers",
                message="Based on your earlier answers, we do not need to ask this question.",
                link=reverse("triage:question", kwargs={"step": CHECK}),
                link_text="Check your answers",
            )
        missing = self.first_missing()
        if missing is not None and active.index(step) > active.index(missing):
            return problem(
                self.request,
                status=400,
                title="Answer the earlier questions first",
                message="You need to answer the questions in order. Your answers so far are saved.",
                link=self.step_url(missing),
                link_text="Go to the next question you have not answered",
            )
        return None

    def session_ended(self) -> HttpResponse:
        return problem(
            self.request,
            status=400,
            title="Your answers are no longer available",
            message=(
                "This can happen if you have not used the questionnaire for 24 hours, if your "
                "browser does not keep cookies, or if you opened this page from a bookmark. "
                "We do not store unfinished answers, so you will need to start again."
            ),
            link=reverse("triage:start"),
            link_text="Start again",
        )

    def get(self, request, *args, **kwargs):
        step = kwargs.get("step")
        if step is None:
            if "reset" in request.GET:
                self.storage.reset()
                request.session.pop(CHANGE_FLAG, None)
                self.storage.current_step = self.steps.first
                return redirect(self.step_url(self.steps.first))
            return redirect(self.step_url(self.first_missing() or CHECK))
        if step == CHECK:
            return self.check_answers()
        if step == self.steps.first and not self.has_started():
            # The first question is where a fresh journey begins.
            request.session.pop(CHANGE_FLAG, None)
            self.storage.current_step = step
            return self.render(self.get_form(step=step))
        refused = self.out_of_order(step)
        if refused:
            return refused
        if "change" in request.GET:
            request.session[CHANGE_FLAG] = True
        self.storage.current_step = step
        return self.render(self.get_form(step=step, data=self.storage.get_step_data(step)))

    def post(self, request, *args, **kwargs):
        step = kwargs.get("step")
        if step == CHECK:
            return self.confirm()
        management = ManagementForm(request.POST, prefix=self.prefix)
        if not management.is_valid() or management.cleaned_data["current_step"] != step:
            return problem(
                request,
                status=400,
                title="Sorry, we could not read your answer",
                message=(
                    "The page you sent was incomplete or out of date. Your earlier answers are "
                    "saved. Go back to the question and answer it again."
                ),
                link=self.step_url(step) if step in questions.BY_KEY else reverse("triage:start"),
                link_text="Go back to the question",
            )
        if not (step == self.steps.first and not self.has_started()):
            refused = self.out_of_order(step)
            if refused:
                return refused
        self.storage.current_step = step
        form = self.get_form(step=step, data=request.POST)

        goto = request.POST.get("wizard_goto_step")
        if goto:
            return self.go_back(step, goto, form)

        if not form.is_valid():
            return self.render(form, status=400 if form.is_tampered() else 200)
        self.save_step(step, form)
        following = self.next_step(step)
        if following != CHECK:
            self.storage.current_step = following  # so the GET that follows writes nothing
        return redirect(self.step_url(following))

    def process_step(self, form):
        """Keep only this question's answer, not the whole POST (tokens, stray fields)."""
        name = form.add_prefix("answer")
        return {name: form.data.getlist(name)}

    def save_step(self, step: str, form: QuestionForm) -> None:
        self.storage.set_step_data(step, self.process_step(form))
        for attr in [a for a in vars(self) if a.startswith("_cleaned_data_cache_")]:
            delattr(self, attr)
        self.drop_inactive()

    def next_step(self, step: str) -> str:
        """The next question; when changing an answer, straight back to check answers unless
        the new answer brought up a follow-up question."""
        missing = self.first_missing()
        if self.request.session.get(CHANGE_FLAG):
            return missing or CHECK
        active = self.active_steps()
        later = active[active.index(step) + 1 :]
        return later[0] if later else (missing or CHECK)

    def go_back(self, step: str, goto: str, form: QuestionForm) -> HttpResponse:
        """Back keeps a valid choice made on this page, then shows the earlier question."""
        active = self.active_steps()
        if goto not in active or active.index(goto) >= active.index(step):
            return problem(
                self.request,
                status=400,
                title="Sorry, we could not go back",
                message="That is not an earlier question. Your answers are saved.",
                link=self.step_url(step),
                link_text="Return to the question",
            )
        if form.is_valid():
            self.save_step(step, form)
        self.storage.current_step = goto
        return redirect(self.step_url(goto))

    # --- check answers and confirm ------------------------------------------------------------

    def check_answers(self) -> HttpResponse:
        if not self.has_started():
            return self.session_ended()
        missing = self.first_missing()
        if missing is not None:
            return problem(
                self.request,
                status=400,
                title="You have not answered every question yet",
                message="Your answers so far are saved.",
                link=self.step_url(missing),
                link_text="Go to the next question you have not answered",
            )
        if not self.request.session.get(CHANGE_FLAG):
            self.request.session[CHANGE_FLAG] = True
        answers = self.answers()
        rows = [
            {
                "key": q.key,
                "label": q.check_label,
                "answer": q.answer_text(answers[q.key]),  # type: ignore[arg-type]
                "url": self.step_url(q.key) + "?change=1",
            }
            for q in questions.applicable(answers)
        ]
        last = rows[-1]["key"]
        return render(
            self.request,
            "triage/check.html",
            {"rows": rows, "back_url": self.step_url(last)},
        )

    def confirm(self) -> HttpResponse:
        if not self.has_started():
            return self.session_ended()
        if self.first_missing() is not None:
            return self.check_answers()
        try:
            submission = submission_create(answers=self.answers())
        except questions.AnswerError as exc:
            return problem(
                self.request,
                status=400,
                title="Sorry, we could not use your answers",
                message=f"Something in your answers was not valid ({exc}). Please check them.",
                link=self.step_url(CHECK),
                link_text="Check your answers",
            )
        self.storage.reset()
        session = self.request.session
        session.pop(CHANGE_FLAG, None)
        session[SUBMISSIONS] = [*session.get(SUBMISSIONS, []), str(submission.id)][-20:]
        return redirect("triage:summary", pk=submission.id)

    # --- rendering ----------------------------------------------------------------------------

    def render(self, form=None, **kwargs):
        status = kwargs.pop("status", 200)
        response = super().render(form, **kwargs)
        response.status_code = status
        return response

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        question = form.question
        step = question.key
        active = self.active_steps()
        index = active.index(step) if step in active else 0
        changing = bool(self.request.session.get(CHANGE_FLAG))
        context.update(
            {
                "question": question,
                "first_input_id": question.key,
                "management_field": f"{self.prefix}-current_step",
                "back_step": active[index - 1] if index > 0 and not changing else None,
                "back_url": (
                    self.step_url(CHECK)
                    if changing
                    else reverse("triage:start")
                    if index == 0
                    else None
                ),
                "changing": changing,
            }
        )
        return context

    def done(self, form_list, **kwargs):  # pragma: no cover - confirm() replaces done()
        raise NotImplementedError


questionnaire = QuestionnaireWizard.as_view(url_name="triage:question", done_step_name=CHECK)


def _owned(request: HttpRequest, pk) -> bool:
    return str(pk) in request.session.get(SUBMISSIONS, [])


def _own_submission(request: HttpRequest, pk) -> tuple[Submission | None, HttpResponse | None]:
    """The patient's own summary, or the page that explains why it cannot be shown."""
    submission = Submission.objects.filter(pk=pk).first()
    if submission is None or not _owned(request, pk):
        return None, problem(
            request,
            status=404,
            title="We could not find that summary",
            message=(
                "A summary can only be opened in the browser that finished the questionnaire. "
                "It may also have been deleted."
            ),
            link=reverse("triage:start"),
            link_text="Start the questionnaire",
        )
    if submission.is_deleted:
        return None, problem(
            request,
            status=410,
            title="Your answers have been deleted",
            message=(
                f"The summary and your answers have been deleted. The reference code "
                f"{submission.display_reference} no longer works."
            ),
            link=reverse("triage:start"),
            link_text="Start the questionnaire again",
        )
    if submission.is_expired:
        return None, problem(
            request,
            status=410,
            title="This summary has expired",
            message="We delete summaries after a set time so that no answers are kept for long.",
            link=reverse("triage:start"),
            link_text="Start the questionnaire again",
        )
    return submission, None


@require_http_methods(["GET"])
def summary(request: HttpRequest, pk) -> HttpResponse:
    submission, refused = _own_submission(request, pk)
    if refused:
        return refused
    return render(request, "triage/summary.html", summary_context(submission))


@require_http_methods(["GET", "POST"])
def delete_summary(request: HttpRequest, pk) -> HttpResponse:
    """Ask once, then delete at once: the code stops working straight away."""
    submission, refused = _own_submission(request, pk)
    if refused:
        return refused
    if request.method == "POST":
        submission.erase()
        return redirect("triage:summary", pk=submission.pk)
    return render(request, "triage/delete_confirm.html", {"submission": submission})


def summary_context(submission: Submission) -> dict:
    answers: Mapping[str, object] = submission.answers
    rows = [
        {"label": q.check_label, "answer": q.answer_text(answers[q.key])}  # type: ignore[arg-type]
        for q in questions.applicable(answers)
        if q.key in answers
    ]
    return {"submission": submission, "cards": submission.result, "rows": rows}


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return problem(
        request,
        status=403,
        title="Sorry, your answer could not be sent",
        message=(
            "This can happen if your browser blocks cookies or if the page was open for a long "
            "time. Your earlier answers are saved if your browser keeps cookies."
        ),
        link=reverse("triage:resume"),
        link_text="Carry on with the questionnaire",
    )


def bad_request(request, exception=None):
    return problem(
        request,
        status=400,
        title="Sorry, we could not understand that request",
        message="Something in the request was not valid.",
        link=reverse("triage:start"),
        link_text="Go to the start page",
    )


def not_found(request, exception=None):
    return problem(
        request,
        status=404,
        title="Page not found",
        message="If you typed the web address, check it is correct.",
        link=reverse("triage:start"),
        link_text="Go to the start page",
    )


def permission_denied(request, exception=None):
    return problem(
        request,
        status=403,
        title="You cannot open this page",
        message="You do not have permission to see this page.",
        link=reverse("triage:start"),
        link_text="Go to the start page",
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
    503 that says so and to try again shortly; the connection is re-made on a later request
    (CONN_HEALTH_CHECKS), so the app recovers without a restart.
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


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a sign-in attempt after too many failures (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return problem(
        request,
        status=settings.AXES_HTTP_RESPONSE_CODE,
        title="Too many failed sign-in attempts",
        message=(
            f"To protect the accounts, signing in is paused after {settings.AXES_FAILURE_LIMIT} "
            f"failed attempts. Wait {minutes} minutes and try again, or ask an administrator "
            "to unlock your account."
        ),
        link=reverse("triage:start"),
        link_text="Go to the start page",
    )

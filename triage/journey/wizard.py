"""The patient journey: start page, one question per page, check answers, summary.

QuestionnaireWizard (django-formtools, step names = question keys) is an adapter: the journey's
decisions are in engine/journey.py, check answers and confirm in confirm.py, the words of every
detour in pages.py. Its GET and POST are our own, for the reasons in docs/architecture.md.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlWizardView

from triage.engine import journey, questions
from triage.engine.journey import CHECK, Detour
from triage.journey.confirm import CHANGE_FLAG, PREFIX, CheckAnswersMixin
from triage.journey.forms import FORMS, QuestionForm
from triage.platform.pages import show


@require_safe  # GET, and HEAD for uptime checks
@cache_control(no_cache=True)  # the one page meant to be found: no answers on it
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "triage/start.html")


class QuestionnaireWizard(CheckAnswersMixin, NamedUrlWizardView):
    form_list = [(q.key, FORMS[q.key]) for q in questions.QUESTIONS]
    condition_dict = {
        q.key: (lambda wizard, q=q: questions.applies(q, wizard.answers()))
        for q in questions.QUESTIONS
        if q.asked_when
    }
    template_name = "triage/question.html"
    storage_name = "triage.journey.storage.SignedCookieStorage"  # no server-side row
    http_method_names = ["get", "post"]
    _answers: dict[str, object] | None = None  # cached per request by answers()

    def get_prefix(self, request, *args, **kwargs) -> str:
        return PREFIX

    def answers(self) -> dict[str, object]:
        """The valid answers stored so far, in order, stopping at the first missing one.

        Reads raw step data with the questionnaire's own check (the forms validated it when it
        was stored; building nine forms per request cost more than the page), never through
        get_form_list(), so conditions can call it without recursion. Cached per request;
        save_step() drops the cache when it stores an answer (formtools' own post() would, but
        this view replaces it).
        """
        if self._answers is None:
            data = {key: self.storage.get_step_data(key) for key in questions.KEYS}
            self._answers = journey.read_answers(
                lambda key: None if data[key] is None else data[key].getlist(f"{key}-answer")
            )
        return self._answers

    @property
    def started(self) -> bool:
        return bool(self.storage.data.get(self.storage.step_data_key))

    def step_url(self, step: str) -> str:
        return reverse("triage:question", kwargs={"step": step})

    def take_detour(self, detour: Detour, step: str = CHECK) -> HttpResponse:
        """The catalogue page for `detour`, linking to the way on."""
        if detour in (Detour.OUT_OF_ORDER, Detour.INCOMPLETE):
            link = self.step_url(journey.first_missing(self.answers()) or CHECK)
        elif detour in (Detour.INACTIVE, Detour.NOT_EARLIER):
            link = self.step_url(step)  # check answers, or the question Back was pressed on
        else:  # the summary, or the catalogue's own link (the start page)
            link = self.summary_url if detour is Detour.FINISHED else None
        return show(self.request, detour.value, link=link)

    def detour(self, step: str) -> Detour | None:
        return journey.detour(step, self.answers(), started=self.started, finished=self.finished)

    def get(self, request, *args, **kwargs):
        step = kwargs.get("step")
        if step is None:
            if "reset" in request.GET:  # summaries made before "Start again" asked first
                return redirect("triage:start_again")
            return redirect(self.step_url(journey.first_missing(self.answers()) or CHECK))
        if step == CHECK:
            return self.check_answers()
        detour = self.detour(step)
        if detour:
            return self.take_detour(detour)
        if not self.started:  # the first question, where a fresh journey begins
            self.storage.set_flag(CHANGE_FLAG, False)
        elif "change" in request.GET:
            self.storage.set_flag(CHANGE_FLAG, True)
        self.storage.current_step = step
        return self.render(self.get_form(step=step, data=self.storage.get_step_data(step)))

    def post(self, request, *args, **kwargs):
        step = kwargs.get("step")
        if step == CHECK:
            return self.confirm()
        management = ManagementForm(request.POST, prefix=self.prefix)
        if not management.is_valid() or management.cleaned_data["current_step"] != step:
            link = self.step_url(step) if step in questions.BY_KEY else None
            return show(request, "unreadable_answer", link=link)
        detour = self.detour(step)
        if detour:
            return self.take_detour(detour)
        self.storage.current_step = step
        form = self.get_form(step=step, data=request.POST)
        goto = request.POST.get("wizard_goto_step")
        if goto:
            return self.go_back(step, goto, form)
        if not form.is_valid():
            return self.render(form, status=400 if form.is_tampered() else 200)
        self.save_step(step, form)
        changing = self.storage.flag(CHANGE_FLAG)
        following = journey.next_step(step, self.answers(), changing=changing)
        if following != CHECK:
            self.storage.current_step = following  # so the GET that follows writes nothing
        return redirect(self.step_url(following))

    def process_step(self, form):
        """Keep only this question's answer, not the whole POST (tokens, stray fields)."""
        name = form.add_prefix("answer")
        return {name: form.data.getlist(name)}

    def save_step(self, step: str, form: QuestionForm) -> None:
        """Store the answer and forget answers to questions that no longer apply."""
        self.storage.set_step_data(step, self.process_step(form))
        self._answers = None
        active = set(journey.active_steps(self.answers()))
        for key in questions.KEYS:
            if key not in active:
                self.storage.forget_step(key)

    def go_back(self, step: str, goto: str, form: QuestionForm) -> HttpResponse:
        """Back keeps a valid choice made on this page, then shows the earlier question."""
        detour = journey.back_detour(step, goto, self.answers())
        if detour:
            return self.take_detour(detour, step)
        if form.is_valid():
            self.save_step(step, form)
        self.storage.current_step = goto
        return redirect(self.step_url(goto))

    def render(self, form=None, **kwargs):
        status = kwargs.pop("status", 200)
        response = super().render(form, **kwargs)
        response.status_code = status
        return response

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        question = form.question
        changing = self.storage.flag(CHANGE_FLAG)
        back_step = None if changing else journey.previous_step(question.key, self.answers())
        back_url = self.step_url(CHECK) if changing else None
        if not changing and back_step is None:
            back_url = reverse("triage:start")
        context.update(question=question, first_input_id=question.key, changing=changing)
        context.update(back_step=back_step, back_url=back_url)
        context["management_field"] = f"{self.prefix}-current_step"
        return context


questionnaire = QuestionnaireWizard.as_view(url_name="triage:question", done_step_name=CHECK)

"""One form per question, made from the declaration in questions.py.

The markup is our own (templates/triage/forms/question_fieldset.html): crispy-bootstrap5's
radios cannot put the question as the h1 inside the legend or give the first radio the id the
error summary links to, and rendering through crispy's layout cost 0.8 ms a page for output
we threw away (benchmarks, docs/performance.md). crispy still renders the staff forms.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from triage.engine.questions import QUESTIONS, Question, tr

# Codes a person can cause with a normal browser; any other error means a tampered request.
USER_ERROR_CODES = {"required", "exclusive"}


class QuestionForm(forms.Form):
    question: Question

    def selected(self) -> set[str]:
        """The values to show as chosen: what was just posted, or what was stored."""
        value = self["answer"].value()
        if value is None:
            return set()
        return {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}

    def choice_rows(self) -> list[dict]:
        """Each choice as the template needs it: the first input carries the question's key
        as its id, which is where the error summary links to."""
        q = self.question
        selected = self.selected()
        rows = []
        first_exclusive = q.exclusive[0] if q.multiple and q.exclusive else None
        for index, choice in enumerate(q.choices):
            input_id = q.key if index == 0 else f"{q.key}-{choice.value}"
            rows.append(
                {
                    "id": input_id,
                    "value": choice.value,
                    "label": tr(choice.label),
                    "hint": tr(choice.hint),
                    "checked": choice.value in selected,
                    "exclusive": q.multiple and choice.value in q.exclusive,
                    "divider": choice.value == first_exclusive,  # "or" before the ones alone
                }
            )
        return rows

    def is_tampered(self) -> bool:
        codes = {e.code for errors in self.errors.as_data().values() for e in errors}
        return bool(codes - USER_ERROR_CODES)

    def clean_answer(self):
        value = self.cleaned_data["answer"]
        q = self.question
        alone = [v for v in q.exclusive if v in value] if q.multiple else []
        if alone and len(value) > 1:
            label = tr(q.label_for(alone[0]))
            raise forms.ValidationError(
                _("Select '%(label)s' on its own, or select what the offer included")
                % {"label": label},
                code="exclusive",
            )
        return value


def form_for(question: Question) -> type[QuestionForm]:
    choices = [(c.value, c.label) for c in question.choices]
    messages = {
        "required": gettext_lazy(question.error),
        "invalid_choice": gettext_lazy("Select one of the answers on this page"),
        "invalid_list": gettext_lazy("Select one or more of the answers on this page"),
    }
    field: forms.Field
    if question.multiple:
        field = forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, error_messages=messages
        )
    else:
        field = forms.ChoiceField(
            choices=choices, widget=forms.RadioSelect, error_messages=messages
        )
    return type(
        f"{question.key.title().replace('_', '')}Form",
        (QuestionForm,),
        {"question": question, "answer": field},
    )


FORMS: dict[str, type[QuestionForm]] = {q.key: form_for(q) for q in QUESTIONS}

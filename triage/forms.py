"""One form per question, made from the declaration in questions.py.

The markup comes from our own crispy template (templates/triage/forms/question_fieldset.html):
crispy-bootstrap5's radios cannot put the question as the h1 inside the legend or give the
first radio the id the error summary links to, so its template is replaced for these forms.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from triage.questions import QUESTIONS, Question

# Codes a person can cause with a normal browser; any other error means a tampered request.
USER_ERROR_CODES = {"required", "exclusive"}


class QuestionForm(forms.Form):
    question: Question

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.template = "triage/forms/question_fieldset.html"

    @property
    def bound_answer(self):
        return self["answer"]

    def selected(self) -> set[str]:
        """The values to show as chosen: what was just posted, or what was stored."""
        value = self["answer"].value()
        if value is None:
            return set()
        return {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}

    def is_tampered(self) -> bool:
        codes = {e.code for errors in self.errors.as_data().values() for e in errors}
        return bool(codes - USER_ERROR_CODES)

    def clean_answer(self):
        value = self.cleaned_data["answer"]
        q = self.question
        if q.multiple and q.exclusive in value and len(value) > 1:
            label = q.label_for(q.exclusive)
            raise forms.ValidationError(
                f"Select '{label}' on its own, or select what the offer included",
                code="exclusive",
            )
        return value


def form_for(question: Question) -> type[QuestionForm]:
    choices = [(c.value, c.label) for c in question.choices]
    messages = {
        "required": question.error,
        "invalid_choice": "Select one of the answers on this page",
        "invalid_list": "Select one or more of the answers on this page",
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

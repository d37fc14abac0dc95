"""Admin tools around the rules: "Try the rules", answering exactly as a patient would."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View

from triage.authoring.ruleset import load_ruleset
from triage.engine import comparison, questions
from triage.models import Rule
from triage.summary.cards import build_cards
from triage.summary.comparison import grid_view

EDIT_PERMISSIONS = ("triage.change_rule", "triage.change_section")


def can_author(user) -> bool:
    return any(user.has_perm(p) for p in EDIT_PERMISSIONS)


class TryForm(forms.Form):
    """One field per question, with the patient's choices. A question that does not apply to
    the answers above it is dropped, as the questionnaire would skip it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for q in questions.QUESTIONS:
            choices = [(c.value, c.label) for c in q.choices]
            help_text = q.hint
            if q.asked_when:
                asked = questions.BY_KEY[q.asked_when.question]
                labels = ", ".join(asked.label_for(v) for v in sorted(q.asked_when.values))
                help_text = f"Asked only when \u201c{asked.check_label}\u201d is {labels}."
            if q.multiple:
                field: forms.Field = forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple, required=False
                )
            else:
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, required=False)
            field.label = q.text
            field.help_text = help_text
            self.fields[q.key] = field

    def clean(self):
        cleaned = super().clean()
        answers: dict[str, object] = {}
        for q in questions.QUESTIONS:
            if not questions.applies(q, answers):
                continue
            value = cleaned.get(q.key)
            if not value:
                self.add_error(q.key, q.error)
                continue
            answers[q.key] = value
        if not self.errors:
            try:
                self.answers = questions.validate_answers(answers)
            except questions.AnswerError as exc:
                raise forms.ValidationError(str(exc)) from None
        return cleaned


class TryRules(View):
    model_admin = None

    def get(self, request):
        if not can_author(request.user):
            raise PermissionDenied
        submitted = any(q.key in request.GET for q in questions.QUESTIONS)
        form = TryForm(request.GET if submitted else None)
        ruleset = load_ruleset()
        cards: list[dict] = []
        grid = None
        if submitted and form.is_valid():
            if ruleset.grid is not None:  # the comparison these answers would get, as stored
                grid = grid_view(comparison.for_answers(ruleset.grid, form.answers))
            keys = {r.key: r.pk for r in Rule.objects.only("pk", "key")}
            for card in build_cards(form.answers, ruleset):
                card["rule_links"] = [
                    (key, reverse("admin:triage_rule_change", args=[keys[key]]))
                    for key in card["rules"]
                    if key in keys
                ]
                cards.append(card)
        context = {
            **self.model_admin.admin_site.each_context(request),
            "title": "Try the rules",
            "opts": Rule._meta,
            "form": form,
            "cards": cards,
            "grid": grid,
            "submitted": submitted,
            "version": ruleset.version,
        }
        return TemplateResponse(request, "admin/triage/try_rules.html", context)

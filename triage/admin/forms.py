"""Admin forms for sections and rules: every edit is checked before it is saved.

Field by field, a form refuses what it can see alone (an unknown question or value, a value that
belongs to another question, advice in a section's text, switching off a mandatory section).
Then the inline formset (sources of a section, conditions of a rule), which Django validates
after the parent form, builds the *candidate* ruleset, the current one with this edit applied,
without saving anything, and refuses it if any name is unknown, a section lacks a source or
gives advice, or a principle of the contract would break over any answer combination. If the
edit would change any patient's summary, the formset asks for confirmation first: the admin
shows the effect (``ModelAdmin.render_change_form``) and saves only when the same edit comes
back confirmed.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.forms.models import BaseInlineFormSet

from triage.authoring import readability, verdict
from triage.authoring.files import ordered_values
from triage.authoring.ruleset import load_ruleset
from triage.engine import advice, questions, rules
from triage.engine.safety import MANDATORY
from triage.models import Condition, Rule, Section, Source

CONFIRM = "_confirm_effect"  # POST key carrying "current-version:candidate-version"


def _advice_error(text: str) -> None:
    found = list(dict.fromkeys(advice.find_advice(text)))
    if found:
        quoted = ", ".join(f"\u201c{p}\u201d" for p in found)
        raise ValidationError(
            f"This gives advice about a person's own treatment: {quoted}. Say what is known "
            "instead, or write \u2018ask your specialist team about \u2026\u2019.",
            code="advice",
        )


class ParentForm(forms.ModelForm):
    """Lets the inline formset find the form of the object it belongs to."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance._authoring_form = self


class SectionForm(ParentForm):
    class Meta:
        model = Section
        fields = [
            "slug",
            "title",
            "summary",
            "body",
            "indicator",
            "last_reviewed",
            "next_review",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].strip = False  # a final newline is part of the stored text

    def _original_slug(self) -> str | None:
        if not self.instance.pk:
            return None
        return Section.objects.filter(pk=self.instance.pk).values_list("slug", flat=True).first()

    def clean_title(self):
        _advice_error(self.cleaned_data["title"])
        return self.cleaned_data["title"]

    def clean_summary(self):
        _advice_error(self.cleaned_data["summary"])
        return self.cleaned_data["summary"]

    def clean_body(self):
        _advice_error(self.cleaned_data["body"])
        return self.cleaned_data["body"].replace("\r\n", "\n")  # browsers post CRLF

    def clean_active(self):
        active = self.cleaned_data.get("active")
        if not active and self._original_slug() in MANDATORY:
            raise ValidationError(
                "This section is mandatory: every summary shows it, so it cannot be switched "
                "off. Improve its text instead."
            )
        return active

    def clean(self):
        cleaned = super().clean()
        summary, body = cleaned.get("summary"), cleaned.get("body")
        self.reading_warnings: list[str] = []
        if summary is not None and body is not None:
            for finding in readability.check(summary, body):
                if finding.refused:
                    self.add_error(
                        finding.field, ValidationError(finding.message, code=finding.code)
                    )
                else:
                    self.reading_warnings.append(finding.message)
        last, nxt = cleaned.get("last_reviewed"), cleaned.get("next_review")
        if last and nxt and nxt <= last:
            self.add_error("next_review", "The next review must come after the last review.")
        return cleaned


DOI = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)


class SourceForm(forms.ModelForm):
    url = forms.CharField(
        label="URL or DOI",
        max_length=500,
        help_text="A web address (https://…), or a DOI such as 10.1038/bmt.2011.185.",
    )

    class Meta:
        model = Source
        fields = ["position", "label", "url", "year", "checked"]

    def clean_url(self):
        value = self.cleaned_data["url"].strip()
        match = DOI.match(value)
        if match:
            return f"https://doi.org/{match.group(1)}"
        URLValidator(schemes=["https", "http"])(value)
        return value

    def clean(self):
        cleaned = super().clean()
        # A source added or edited needs its date; rows saved before sources had dates are
        # listed by verify_rules instead, so an unrelated edit is not blocked by them.
        dated = cleaned.get("year") or cleaned.get("checked")
        if self.has_changed() and cleaned.get("label") and not dated:
            raise ValidationError(
                "Give the year the source was published or, for an undated web page, the "
                "date it was last checked, so readers can see how old it is.",
                code="undated",
            )
        return cleaned


class ValuesField(forms.MultipleChoiceField):
    """Answer values as "question:value" choices, grouped by question; the form checks them
    against the chosen question, so any string is accepted here and named there."""

    def valid_value(self, value):
        return True


def value_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    groups = []
    for key, values in questions.rule_question_values().items():
        question = questions.BY_KEY.get(key)
        label = questions.rule_question_label(key)
        options = [(f"{key}:{v}", question.label_for(v) if question else v) for v in values]
        groups.append((label, options))
    return groups


def question_choices() -> list[tuple[str, str]]:
    return [(key, questions.rule_question_label(key)) for key in questions.rule_question_values()]


class ConditionForm(forms.ModelForm):
    question = forms.ChoiceField(
        choices=question_choices,
        error_messages={"invalid_choice": "Unknown question \u201c%(value)s\u201d."},
    )
    operator = forms.ChoiceField(choices=list(rules.OPERATOR_WORDS.items()))
    values = ValuesField(
        choices=value_choices,
        help_text="Only the answers of the chosen question apply.",
        widget=forms.SelectMultiple(attrs={"size": 8, "class": "condition-values"}),
    )

    class Meta:
        model = Condition
        fields = ["question", "operator", "values"]

    class Media:
        js = ["js/admin_conditions.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].widget.attrs["class"] = "condition-question"
        if self.instance.pk and not self.is_bound:
            stored = self.instance.values if isinstance(self.instance.values, list) else []
            self.initial["values"] = [f"{self.instance.question}:{v}" for v in stored]

    def clean_values(self):
        question = self.cleaned_data.get("question")
        if question is None:  # already refused as an unknown question
            return []
        allowed = questions.rule_question_values()[question]
        values: list[str] = []
        for item in self.cleaned_data["values"]:
            key, _, value = item.rpartition(":")
            key = key or question
            if key not in questions.rule_question_values():
                raise ValidationError(f"Unknown question \u201c{key}\u201d in \u201c{item}\u201d.")
            if key != question:
                raise ValidationError(
                    f"\u201c{value}\u201d is an answer to \u201c{key}\u201d, not to "
                    f"\u201c{question}\u201d."
                )
            if value not in allowed:
                raise ValidationError(
                    f"Unknown value \u201c{value}\u201d for \u201c{question}\u201d."
                )
            values.append(value)
        return ordered_values(question, values)


class RuleForm(ParentForm):
    section = forms.ModelChoiceField(
        queryset=Section.objects.order_by("slug"),
        to_field_name="slug",
        error_messages={"invalid_choice": "Unknown section \u201c%(value)s\u201d."},
    )

    class Meta:
        model = Rule
        fields = ["key", "section", "description", "priority", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:  # the field is keyed by slug, not id
            self.initial["section"] = self.instance.section.slug

    def clean_section(self):
        section = self.cleaned_data["section"]
        if section.slug in MANDATORY:
            raise ValidationError(
                f"\u201c{section.slug}\u201d is always shown and takes no rules; choose another "
                "section."
            )
        return section


class CheckedFormSet(BaseInlineFormSet):
    """An inline formset that checks the whole ruleset with its parent's edit applied."""

    def live_forms(self):
        for form in self.forms:
            if not form.cleaned_data or (self.can_delete and self._should_delete_form(form)):
                continue
            yield form

    def candidate(self, current: rules.RuleSet) -> tuple[rules.RuleSet, list[rules.Refusal]]:
        """The ruleset with this edit applied, and what is wrong with the edited object alone."""
        raise NotImplementedError

    def clean(self):
        super().clean()
        self.ruleset_errors: list[str] = []
        self.effect: verdict.Effect | None = None
        self.token = ""
        self.needs_confirmation = False
        parent_form = getattr(self.instance, "_authoring_form", None)
        if parent_form is None or parent_form.errors or any(self.errors):
            return
        current = load_ruleset()
        candidate, own = self.candidate(current)
        found = list({r.message: r for r in own + verdict.refusals(candidate)}.values())
        if found:
            self.ruleset_errors = [r.message for r in found]
            raise ValidationError([ValidationError(r.message, code=r.code) for r in found])
        found_effect = verdict.effect(current, candidate)
        if found_effect.none:
            self.instance._change_reason = "No patient's summary changes"
            return
        self.effect = found_effect
        self.token = f"{current.version}:{candidate.version}"
        self.instance._change_reason = (
            f"Changes the summary for {found_effect.changed:,} of {found_effect.total:,} "
            "answer combinations"
        )
        if self.data.get(CONFIRM) != self.token:
            self.needs_confirmation = True
            raise ValidationError(
                "Check what this change does to patients' summaries, then confirm it.",
                code="confirm",
            )


class SourceFormSet(CheckedFormSet):
    def candidate(self, current):
        section: Section = self.instance
        new = rules.Section.from_row(section, [f.instance for f in self.live_forms()])
        own = rules.problems(rules.RuleSet.build([new], []))
        old_slug = None
        own_rules: list[rules.Rule] = []
        if section.pk:
            old_slug = Section.objects.filter(pk=section.pk).values_list("slug", flat=True).first()
            own_rules = [
                r.to_engine()
                for r in Rule.objects.filter(section_id=section.pk, active=True)
                .select_related("section")
                .prefetch_related("conditions")
            ]
        if not section.active:
            return verdict.with_section(current, None, old_slug=old_slug), own
        return (
            verdict.with_section(current, new, old_slug=old_slug, rules_of_section=own_rules),
            own,
        )


class ConditionFormSet(CheckedFormSet):
    def candidate(self, current):
        rule: Rule = self.instance
        new = rules.Rule.from_row(rule, [f.instance for f in self.live_forms()])
        alone = rules.RuleSet.build([rule.section.to_engine()], [new])
        own = [p for p in rules.problems(alone) if p.message.startswith(f"rule {rule.key!r}")]
        old_key = None
        if rule.pk:
            old_key = Rule.objects.filter(pk=rule.pk).values_list("key", flat=True).first()
        shown = new if rule.section.active else None  # a switched-off section shows nothing
        return verdict.with_rule(current, shown, old_key=old_key), own

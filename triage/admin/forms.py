"""Admin forms for sections and rules: every edit is checked before it is saved.

A form refuses only what is about its own input: a date order, a URL or DOI, a source without
its date, an answer value posted under another question. Everything the ruleset is checked for
(unknown names, advice, hard text, a mandatory section switched off, a broken principle) is
the one verdict's (``authoring.verdict``): the inline formset (sources of a section, conditions
of a rule), which Django validates after the parent form, builds the *candidate* ruleset, the
current one with this edit applied, without saving anything, asks the verdict about it, and
shows each refusal beside the field it is about, or above the form when it is about the
ruleset as a whole. If the edit would change any patient's summary, the formset asks for
confirmation first: the admin shows the effect (``ModelAdmin.render_change_form``) and saves
only when the same edit comes back confirmed. The confirmation carries a signed token that says
this very edit passed every check and the proof, and what it changes: the confirmed save proves
and counts nothing again, on whichever server process it lands (under a second).
"""

from __future__ import annotations

import re

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from triage.authoring import readability, verdict
from triage.authoring.files import ordered_values
from triage.authoring.ruleset import load_ruleset
from triage.engine import questions, rules
from triage.models import Condition, Rule, Section, Source

CONFIRM = "_confirm_effect"  # POST key carrying the signed token below
CONFIRM_SALT = "triage.admin.confirm"
CONFIRM_MAX_AGE = 60 * 60  # seconds an editor may take to confirm


def vouch(current: rules.RuleSet, candidate: rules.RuleSet, effect: verdict.Effect) -> str:
    """The confirmation token: this edit, from `current` to `candidate` (by fingerprint),
    passed every check and the proof and changes `effect.changed` of `effect.total` answer
    combinations. Signed, so no one can make one for an edit that was not checked."""
    payload = [current.version, candidate.version, effect.changed, effect.total]
    return signing.dumps(payload, salt=CONFIRM_SALT)


def vouched(token: str | None, current: rules.RuleSet, candidate: rules.RuleSet):
    """(changed, total) when `token` vouches for this very edit on this very ruleset; None
    otherwise (no token, tampered, older than an hour, or the rules changed meanwhile)."""
    try:
        before, after, changed, total = signing.loads(
            token or "", salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if (before, after) != (current.version, candidate.version) or not current.version:
        return None
    return changed, total


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

    def clean_body(self):
        return self.cleaned_data["body"].replace("\r\n", "\n")  # browsers post CRLF

    def clean(self):
        cleaned = super().clean()
        summary, body = cleaned.get("summary"), cleaned.get("body")
        self.reading_warnings: list[str] = []  # saved, with a warning (refusals: the verdict's)
        if summary is not None and body is not None:
            self.reading_warnings = readability.warnings_for(summary, body)
        last, nxt = cleaned.get("last_reviewed"), cleaned.get("next_review")
        if last and nxt and nxt <= last:
            self.add_error("next_review", _("The next review must come after the last review."))
        return cleaned


DOI = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)


class SourceForm(forms.ModelForm):
    url = forms.CharField(
        label=gettext_lazy("URL or DOI"),
        max_length=500,
        help_text=gettext_lazy("A web address (https://…), or a DOI such as 10.1038/bmt.2011.185."),
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
                _(
                    "Give the year the source was published or, for an undated web page, the "
                    "date it was last checked, so readers can see how old it is."
                ),
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


class QuestionField(forms.ChoiceField):
    """A question key, chosen from the questionnaire's; the verdict names an unknown one."""

    def valid_value(self, value):
        return True


class ConditionForm(forms.ModelForm):
    question = QuestionField(choices=question_choices)
    operator = forms.ChoiceField(choices=list(rules.OPERATOR_WORDS.items()))
    values = ValuesField(
        choices=value_choices,
        help_text=gettext_lazy("Only the answers of the chosen question apply."),
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
        """The values posted as "question:value", each under this condition's question; which
        values the question has is the verdict's to say."""
        question = self.cleaned_data.get("question")
        values: list[str] = []
        for item in self.cleaned_data["values"]:
            key, _sep, value = item.rpartition(":")
            if key and key != question:
                raise ValidationError(
                    _(
                        "\u201c%(value)s\u201d is an answer to \u201c%(key)s\u201d, not to \u201c%(question)s\u201d."
                    )
                    % {"value": value, "key": key, "question": question}
                )
            values.append(value)
        return ordered_values(str(question), values)


class RuleForm(ParentForm):
    section = forms.ModelChoiceField(
        queryset=Section.objects.order_by("slug"),
        to_field_name="slug",
        error_messages={"invalid_choice": gettext_lazy("Unknown section \u201c%(value)s\u201d.")},
    )

    class Meta:
        model = Rule
        fields = ["key", "section", "description", "priority", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:  # the field is keyed by slug, not id
            self.initial["section"] = self.instance.section.slug


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

    def form_for(self, refusal: rules.Refusal) -> forms.Form | None:
        """The form (the parent's, or one of this formset's) that `refusal` is about, if any."""
        raise NotImplementedError

    def place(self, refusals: list[rules.Refusal]) -> list[rules.Refusal]:
        """Show each refusal about this edit beside the field it names; return the others,
        which are about the ruleset as a whole (a principle) or another part of it."""
        rest = []
        for refusal in refusals:
            form = self.form_for(refusal)
            if form is not None and refusal.field in form.fields:
                form.add_error(refusal.field, ValidationError(refusal.message, code=refusal.code))
            else:
                rest.append(refusal)
        return rest

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
        counts = None if own else vouched(self.data.get(CONFIRM), current, candidate)
        if counts is not None:  # confirmed: checked, proved and counted when it was shown
            self.instance._change_reason = (
                f"Changes the summary for {counts[0]:,} of {counts[1]:,} answer combinations"
            )
            return
        found = list(dict.fromkeys(own + verdict.refusals(candidate)))
        if found:
            rest = self.place(found)
            self.ruleset_errors = [r.message for r in rest]
            raise ValidationError(
                [ValidationError(r.message, code=r.code) for r in rest]
                or [
                    ValidationError(
                        _("This change was not saved: see the fields marked."), code="refused"
                    )
                ]
            )
        found_effect = verdict.effect(current, candidate)
        if found_effect.none:
            self.instance._change_reason = "No patient's summary changes"
            return
        self.effect = found_effect
        self.token = vouch(current, candidate, found_effect)
        self.needs_confirmation = True
        raise ValidationError(
            _("Check what this change does to patients' summaries, then confirm it."),
            code="confirm",
        )


class SourceFormSet(CheckedFormSet):
    def candidate(self, current):
        section: Section = self.instance
        new = rules.Section.from_row(section, [f.instance for f in self.live_forms()])
        own = verdict.row_refusals(rules.RuleSet.build([new], []), section=new.slug)
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

    def form_for(self, refusal):
        if refusal.section and refusal.section == self.instance.slug:
            return self.instance._authoring_form
        return None


class ConditionFormSet(CheckedFormSet):
    def candidate(self, current):
        rule: Rule = self.instance
        new = rules.Rule.from_row(rule, [f.instance for f in self.live_forms()])
        alone = rules.RuleSet.build([rule.section.to_engine()], [new])
        own = verdict.row_refusals(alone, rule=rule.key)
        old_key = None
        if rule.pk:
            old_key = Rule.objects.filter(pk=rule.pk).values_list("key", flat=True).first()
        shown = new if rule.section.active else None  # a switched-off section shows nothing
        return verdict.with_rule(current, shown, old_key=old_key), own

    def form_for(self, refusal):
        if not refusal.rule or refusal.rule != self.instance.key:
            return None
        if not refusal.question:
            return self.instance._authoring_form
        asked = (f for f in self.live_forms() if f.cleaned_data.get("question") == refusal.question)
        return next(asked, None)

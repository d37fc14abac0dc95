"""Content translations in the admin: one row per translated section, option, row or cell and
language, with its history, its status ("Translated, awaiting clinical review" until a
clinician fluent in the language has checked it) and whether it is stale (its English has
changed since: the English is then shown to readers, with a notice).

Every save is checked by the one verdict (``verdict.refusals`` of the current ruleset with this
translation in it), so the admin refuses what ``load_rules`` refuses, with the same words,
beside the text they are about: a Spanish directive phrase, a word that ranks a grid option,
Spanish too hard to read, a key that names nothing.
"""

from __future__ import annotations

import threading

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from triage.authoring import translations as checks
from triage.authoring import verdict, versions
from triage.authoring.ruleset import load_ruleset
from triage.engine import translations as engine
from triage.engine.rules import RuleSet
from triage.models import Translation

_page = threading.local()  # the ruleset one change list or change page is judged against
TEXT_FIELDS = ("title", "summary", "body", "question", "text", "outcome", "who", "time_frame")
CURRENT, STALE = "current", "stale"


def _english(ruleset: RuleSet, kind: str, key: str) -> dict[str, str] | None:
    return checks.english_of(ruleset, kind, key)


class TranslationForm(forms.ModelForm):
    """The texts one at a time (those of the translation's kind), and whether it was made
    from the English as it is now (then its fingerprint is recorded, and it is current)."""

    title = forms.CharField(required=False, help_text=gettext_lazy("Section or option."))
    summary = forms.CharField(required=False, help_text=gettext_lazy("Section: the key point."))
    body = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=gettext_lazy("Section: Markdown, as the English."),
    )
    question = forms.CharField(required=False, help_text=gettext_lazy("Comparison row."))
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Comparison cell; keep the UK:, EU: and US: line prefixes."),
    )
    outcome = forms.CharField(required=False)
    who = forms.CharField(required=False)
    time_frame = forms.CharField(required=False)
    from_current_english = forms.BooleanField(
        required=False,
        initial=True,
        label=gettext_lazy("Translated from the English as it is now"),
        help_text=gettext_lazy(
            "Tick when this translation says what the current English says: it then becomes "
            "current and is shown. Leave unticked to save a draft of a stale translation."
        ),
    )

    class Meta:
        model = Translation
        fields = ["kind", "key", "language", "translator", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        texts = self.instance.texts if isinstance(self.instance.texts, dict) else {}
        for name in TEXT_FIELDS:
            self.fields[name].initial = texts.get(name, "")
        if self.instance.pk:
            ruleset = load_ruleset()
            current = not checks.is_stale(ruleset, self.instance.to_engine())
            self.fields["from_current_english"].initial = current

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        kind = cleaned["kind"]
        wanted = engine.KINDS.get(kind, ())
        texts = {name: cleaned.get(name) or "" for name in wanted}
        ruleset = load_ruleset()
        english = _english(ruleset, kind, cleaned["key"])
        fingerprint = self.instance.source_fingerprint or ""
        if cleaned.get("from_current_english") and english is not None:
            fingerprint = engine.fingerprint(kind, english)
        self.instance.texts = texts
        self.instance.source_fingerprint = fingerprint
        new = engine.Translation(
            kind=kind,
            key=cleaned["key"],
            language=cleaned["language"],
            texts=texts,
            source_fingerprint=fingerprint,
            translator=cleaned.get("translator") or "",
            status=cleaned["status"],
        )
        old = (
            (self.instance.language, self.instance.kind, self.instance.key)
            if self.instance.pk
            else None
        )
        drop = {old, (new.language, new.kind, new.key)}
        kept = [t for t in ruleset.translations if (t.language, t.kind, t.key) not in drop]
        candidate = RuleSet.build(
            ruleset.sections.values(), ruleset.rules, ruleset.grid, [*kept, new]
        )
        for refusal in verdict.refusals(candidate):
            field = refusal.field if refusal.field in self.fields else None
            self.add_error(field, ValidationError(refusal.message, code=refusal.code))
        return cleaned


class StaleFilter(admin.SimpleListFilter):
    """Translations whose English has changed since they were made (or that name nothing any
    more), as ``authoring.translations`` decides it: read in Python (a few hundred rows)."""

    title = gettext_lazy("English changed since")
    parameter_name = "freshness"

    def lookups(self, request, model_admin):
        return [
            (STALE, _("Stale: the English changed, English is shown")),
            (CURRENT, _("Current: shown")),
        ]

    def queryset(self, request, queryset):
        if self.value() not in (STALE, CURRENT):
            return queryset
        ruleset = load_ruleset()
        stale = [t.pk for t in queryset if checks.is_stale(ruleset, t.to_engine())]
        if self.value() == STALE:
            return queryset.filter(pk__in=stale)
        return queryset.exclude(pk__in=stale)


@admin.register(Translation)
class TranslationAdmin(SimpleHistoryAdmin):
    form = TranslationForm
    list_display = ["__str__", "kind", "language", "status", "freshness", "translator", "updated"]
    list_filter = [StaleFilter, "status", "kind", "language"]
    search_fields = ["key", "translator"]
    readonly_fields = ["english", "source_fingerprint", "freshness"]
    fieldsets = [
        (None, {"fields": ["kind", "key", "language", "status", "translator"]}),
        (
            gettext_lazy("Texts"),
            {
                "fields": list(TEXT_FIELDS),
                "description": gettext_lazy(
                    "Fill in the texts of this kind only: a section has a title, key point "
                    "(summary) and body; an option a title; a row a question; a cell a text and, "
                    "with a number, what happened, who and over what time. Written by people, "
                    "never by a machine translation service, and reviewed by a clinician fluent "
                    "in the language before real use."
                ),
            },
        ),
        (
            gettext_lazy("The English it was translated from"),
            {"fields": ["from_current_english", "source_fingerprint", "freshness", "english"]},
        ),
    ]

    def changelist_view(self, request, extra_context=None):
        _page.ruleset = load_ruleset()  # once for the page, not once a row
        try:
            return super().changelist_view(request, extra_context)
        finally:
            _page.ruleset = None

    @admin.display(description=gettext_lazy("English changed since?"))
    def freshness(self, obj):
        if obj is None or not obj.pk:
            return "-"
        ruleset = getattr(_page, "ruleset", None) or load_ruleset()
        if checks.is_stale(ruleset, obj.to_engine()):
            return format_html("<strong>{}</strong>", _("Stale: English shown instead"))
        return _("Current")

    @admin.display(description=gettext_lazy("The English now"))
    def english(self, obj):
        if obj is None or not obj.pk:
            return "-"
        found = _english(load_ruleset(), obj.kind, obj.key)
        if found is None:
            return _("Nothing: this key names no section, option, row or cell")
        rows = format_html_join(
            "", "<dt>{}</dt><dd style='white-space: pre-wrap'>{}</dd>", found.items()
        )
        return format_html("<dl>{}</dl>", rows)

    def save_model(self, request, obj, form, change):
        obj._change_reason = _("Checked by the verdict")
        super().save_model(request, obj, form, change)
        versions.record(load_ruleset(), recorded_by="admin", user=request.user)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        versions.record(load_ruleset(), recorded_by="admin", user=request.user)

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied  # a revert would skip the verdict
        return super().history_form_view(request, object_id, version_id, extra_context)

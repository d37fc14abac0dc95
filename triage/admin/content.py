"""Sections and rules edited safely in the admin, with their history.

Every edit of a section (with its sources) or a rule (with its conditions) is checked as a whole
ruleset before it is saved (see ``triage.admin.forms``); an edit that changes patients' summaries is
shown first (how many answer combinations, with examples) and saved only once confirmed.
Deleting is checked the same way. History comes from django-simple-history, read-only here:
reverting an old version would skip the checks.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin

from triage.admin import views
from triage.admin.filters import ReviewFilter
from triage.admin.forms import (
    CONFIRM,
    ConditionForm,
    ConditionFormSet,
    RuleForm,
    SectionForm,
    SourceForm,
    SourceFormSet,
    vouch,
    vouched,
)
from triage.authoring import reviews, verdict, versions
from triage.authoring.ruleset import load_ruleset
from triage.engine.rules import OPERATOR_WORDS
from triage.engine.slugs import MANDATORY
from triage.models import Condition, Rule, Section, Source
from triage.platform.markdown import render_markdown


def try_url(answers) -> str:
    return reverse("admin:triage_rule_try") + "?" + urlencode(answers, doseq=True)


class AuthoringAdmin(SimpleHistoryAdmin):
    """What sections and rules share: checked saves and deletes, confirmation, history."""

    change_form_template = "admin/triage/change_form.html"
    delete_confirmation_template = "admin/triage/delete_confirmation.html"
    object_history_template = "admin/triage/object_history.html"
    object_history_list_template = "admin/triage/object_history_list.html"
    child_model: type = Source
    child_fk = ""

    # --- saving -------------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        for inline in context.get("inline_admin_formsets", []):
            formset = inline.formset
            if getattr(formset, "needs_confirmation", False) and not form.errors:
                return self.render_confirmation(request, context, formset, obj)
            context["ruleset_errors"] = getattr(formset, "ruleset_errors", [])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def render_confirmation(self, request, context, formset, obj):
        opts = self.model._meta
        posted = [
            (key, value)
            for key, values in request.POST.lists()
            if key not in {"csrfmiddlewaretoken", CONFIRM}
            for value in values
        ]
        if obj is not None and obj.pk:
            back = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        else:
            back = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        effect = formset.effect
        return TemplateResponse(
            request,
            "admin/triage/confirm_change.html",
            {
                **self.admin_site.each_context(request),
                "title": "Check the effect of this change",
                "opts": opts,
                "object": obj or formset.instance,
                "effect": effect,
                "examples": _examples(effect, load_ruleset()),
                "posted": posted,
                "confirm_name": CONFIRM,
                "token": formset.token,
                "cancel_url": back,
            },
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        versions.record(load_ruleset(), recorded_by="admin", user=request.user)

    # --- deleting -----------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, each checked
        return actions

    def without(self, obj, current):
        raise NotImplementedError

    def delete_view(self, request, object_id, extra_context=None):
        """Deleting is checked like saving, and only when "Yes" is pressed: the GET is Django's
        plain question and proves nothing, so no one can slow the site by opening it. The POST
        runs the verdict (kept by the candidate's fingerprint); when patients' summaries would
        change it shows the effect and asks again, with a signed token that lets the delete go
        through without proving anything a second time."""
        obj = self.get_object(request, unquote(object_id))
        if (
            request.method == "POST"
            and obj is not None
            and self.has_delete_permission(request, obj)
        ):
            current = load_ruleset()
            candidate = self.without(obj, current)
            if vouched(request.POST.get(CONFIRM), current, candidate) is None:
                opts = self.model._meta
                change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
                refused = verdict.refusals(candidate)
                if refused:
                    for refusal in refused:
                        messages.error(request, f"{obj} cannot be deleted: {refusal.message}")
                    return HttpResponseRedirect(change)
                found = verdict.effect(current, candidate)
                if not found.none:
                    return TemplateResponse(
                        request,
                        "admin/triage/confirm_change.html",
                        {
                            **self.admin_site.each_context(request),
                            "title": _("Check the effect of deleting this"),
                            "opts": opts,
                            "object": obj,
                            "effect": found,
                            "examples": _examples(found, current),
                            "posted": [("post", "yes")],
                            "confirm_name": CONFIRM,
                            "token": vouch(current, candidate, found),
                            "cancel_url": change,
                            "deleting": True,
                        },
                    )
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        versions.record(load_ruleset(), recorded_by="admin", user=request.user)

    # --- history ------------------------------------------------------------------------

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":  # a revert would skip every check: edit the row instead
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        records = list(
            self.child_model.history.filter(**{self.child_fk: unquote(object_id)})
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:300]
        )
        by_id = defaultdict(list)
        for record in records:
            by_id[record.id].append(record)
        for chain in by_id.values():
            for newer, older in itertools.pairwise(chain):
                newer.changes = [(c.field, c.old, c.new) for c in newer.diff_against(older).changes]
        context = {
            "child_history": records,
            "child_name": self.child_model._meta.verbose_name_plural,
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)


def _examples(effect, ruleset):
    """Effect examples for templates: answers in words and section titles."""
    if effect is None:
        return []

    def title(slug):
        try:
            return ruleset.section(slug).title
        except KeyError:
            return slug

    out = []
    for ex in effect.examples:
        out.append(
            {
                "answers": ex.in_words,
                "combinations": ex.combinations,
                "combinations_text": f"{ex.combinations:,}",
                "before": [(s, title(s), s in ex.removed, s in ex.changed) for s in ex.before],
                "after": [(s, title(s), s in ex.added, s in ex.changed) for s in ex.after],
                "added": ex.added,
                "removed": ex.removed,
                "changed": sorted(ex.changed.items()),
                "moved": ex.moved,
                "try_url": try_url(ex.answers),
            }
        )
    return out


# --- sections ---------------------------------------------------------------------------


class SourceInline(admin.TabularInline):
    model = Source
    form = SourceForm
    formset = SourceFormSet
    extra = 0
    min_num = 1


@admin.register(Section)
class SectionAdmin(AuthoringAdmin):
    form = SectionForm
    list_display = ["slug", "title", "indicator", "next_review", "review_status", "active"]
    list_filter = [ReviewFilter, "indicator", "active"]
    search_fields = ["slug", "title", "body"]
    inlines = [SourceInline]
    child_model = Source
    child_fk = "section_id"
    fieldsets = [
        (None, {"fields": ["slug", "title", "summary", "indicator", "active"]}),
        (
            "Text",
            {
                "fields": ["body", "preview"],
                "description": "Markdown. Say what is known; never tell a person what to do "
                "about their own treatment. Raw HTML and scripts are removed when shown.",
            },
        ),
        ("Review", {"fields": ["last_reviewed", "next_review"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = ["preview"]
        if obj is not None and obj.slug in MANDATORY:
            fields.append("slug")
        return fields

    @admin.display(description="How patients see the text (after saving)")
    def preview(self, obj):
        return mark_safe(render_markdown(obj.body or ""))  # noqa: S308  # nosec B308 B703 (nh3)

    @admin.display(description=gettext_lazy("Review"), ordering="next_review")
    def review_status(self, obj):
        state = reviews.state(obj.next_review)
        if state == reviews.OVERDUE:
            return format_html("<strong>{}</strong>", reviews.LABELS[state])
        if state == reviews.SOON:
            days = reviews.days_left(obj.next_review)
            return ngettext("Due in %(days)d day", "Due in %(days)d days", days) % {"days": days}
        return reviews.LABELS[state]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.slug in MANDATORY:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for warning in getattr(form, "reading_warnings", []):  # readability: saved, but hard
            messages.warning(request, warning)

    def without(self, obj, current):
        return verdict.with_section(current, None, old_slug=obj.slug)


# --- rules ------------------------------------------------------------------------------


class ConditionInline(admin.TabularInline):
    model = Condition
    form = ConditionForm
    formset = ConditionFormSet
    extra = 0

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0


@admin.register(Rule)
class RuleAdmin(AuthoringAdmin):
    form = RuleForm
    list_display = ["key", "section", "priority", "active", "conditions_text"]
    list_filter = ["active", "section"]
    search_fields = ["key", "description", "section__slug"]
    list_select_related = ["section"]
    inlines = [ConditionInline]
    child_model = Condition
    child_fk = "rule_id"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("conditions")

    @admin.display(description="Conditions (all must hold)")
    def conditions_text(self, obj):
        parts = [
            f"{c.question} {OPERATOR_WORDS.get(c.operator, c.operator)} "
            f"{', '.join(map(str, c.values))}"
            for c in obj.conditions.all()
        ]
        return "; ".join(parts) or "always"

    def get_urls(self):
        view = self.admin_site.admin_view(views.TryRules.as_view(model_admin=self))
        return [path("try/", view, name="triage_rule_try"), *super().get_urls()]

    def without(self, obj, current):
        return verdict.with_rule(current, None, old_key=obj.key)

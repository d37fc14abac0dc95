"""The comparison grid edited like sections: options (columns), rows (questions) and cells, each
with its history, sources and review dates, every save and delete checked by the one verdict.

A form builds the *candidate* ruleset, the current one with this edit applied to its grid, and
refuses it when ``verdict.refusals`` finds anything (principle 12, a missing source, a cell above
reading grade 8, a ranking word, an unknown name...), naming the cell, beside the field it
concerns where there is one. Deleting is checked the same way. Saved summaries keep the grid they
were made with (``Submission.comparison``), so an edit here changes only summaries made after it.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin

from triage.admin.filters import ReviewFilter
from triage.admin.forms import DOI
from triage.authoring import comparison as authoring
from triage.authoring import reviews, verdict, versions
from triage.authoring.ruleset import load_ruleset
from triage.engine import comparison as grid_engine
from triage.engine import questions
from triage.models import Cell, GridRow, Option

# Which form field a refusal is shown beside (the rest go above the form).
FIELD_OF = {
    "grid-too-hard": "text",
    "grid-no-text": "text",
    "grid-no-source": "source_url",
    "grid-number-range": "per_100",
    "grid-number-incomplete": "per_100",
    "grid-benefit-without-harm": "per_100",
    "grid-study-type": "study_type",
    "grid-unknown-condition": "condition",
}


def condition_choices() -> list[tuple[str, str]]:
    question = questions.BY_KEY["condition"]
    return [(c.value, f"{c.label} ({c.value})") for c in question.choices]


class CheckedGridForm(forms.ModelForm):
    """Builds the grid with this edit in it and asks the one verdict about the whole ruleset."""

    def candidate(self, grid: grid_engine.Grid) -> grid_engine.Grid:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        current = load_ruleset()
        candidate = authoring.with_grid(current, self.candidate(current.grid))
        for refusal in verdict.refusals(candidate):
            field = refusal.field or FIELD_OF.get(refusal.code)  # the refusal names its field
            if field not in self.fields:
                field = None
            self.add_error(field, ValidationError(refusal.message, code=refusal.code))
        return cleaned


class OptionForm(CheckedGridForm):
    conditions = forms.MultipleChoiceField(
        choices=condition_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Leave all unticked to show this column for every condition."),
    )

    class Meta:
        model = Option
        fields = ["slug", "title", "order", "conditions", "offered_only", "active"]

    def candidate(self, grid):
        d = self.cleaned_data
        new = grid_engine.Option(
            slug=d.get("slug") or self.instance.slug,  # read-only for the unproven-clinic column
            title=d["title"],
            order=d["order"],
            conditions=tuple(d.get("conditions") or ()),
            active=d["active"],
            offered_only=d["offered_only"],
        )
        old = self.instance.slug if self.instance.pk else None
        return authoring.grid_with(grid, option=new, old=old)


class GridRowForm(CheckedGridForm):
    class Meta:
        model = GridRow
        fields = ["slug", "question", "order"]

    def candidate(self, grid):
        d = self.cleaned_data
        new = grid_engine.Row(
            slug=d.get("slug") or self.instance.slug, question=d["question"], order=d["order"]
        )
        old = self.instance.slug if self.instance.pk else None
        return authoring.grid_with(grid, row=new, old=old)


class CellForm(CheckedGridForm):
    condition = forms.ChoiceField(
        choices=lambda: [
            ("", _("Every condition without a cell of its own")),
            *condition_choices(),
        ],
        required=False,
    )
    source_url = forms.CharField(
        label=gettext_lazy("Source URL or DOI"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("A web address (https://…), or a DOI such as 10.1038/bmt.2011.185."),
    )

    class Meta:
        model = Cell
        fields = [
            "option",
            "row",
            "condition",
            "text",
            "per_100",
            "outcome",
            "who",
            "time_frame",
            "study",
            "year",
            "study_type",
            "source_label",
            "source_url",
            "last_reviewed",
            "next_review",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def clean_source_url(self):
        value = (self.cleaned_data.get("source_url") or "").strip()
        match = DOI.match(value)
        if match:
            return f"https://doi.org/{match.group(1)}"
        if value:
            URLValidator(schemes=["https", "http"])(value)
        return value

    def clean(self):
        cleaned = self.cleaned_data
        last, nxt = cleaned.get("last_reviewed"), cleaned.get("next_review")
        if last and nxt and nxt <= last:
            self.add_error("next_review", _("The next review must come after the last review."))
        return super().clean()

    def candidate(self, grid):
        d = self.cleaned_data
        new = grid_engine.Cell(
            option=d["option"].slug,
            row=d["row"].slug,
            condition=d.get("condition") or "",
            text=d["text"],
            per_100=d.get("per_100"),
            outcome=d.get("outcome") or "",
            who=d.get("who") or "",
            time_frame=d.get("time_frame") or "",
            study=d.get("study") or "",
            year=d.get("year"),
            study_type=d.get("study_type") or "none",
            source_label=d.get("source_label") or "",
            source_url=d.get("source_url") or "",
            last_reviewed=d["last_reviewed"].isoformat(),
            next_review=d["next_review"].isoformat(),
        )
        old = None
        if self.instance.pk:
            stored = Cell.objects.select_related("option", "row").get(pk=self.instance.pk)
            old = stored.to_engine().key
        return authoring.grid_with(grid, cell=new, old=old)


class GridAdmin(SimpleHistoryAdmin):
    """What options, rows and cells share: a checked delete, the version recorded after each
    change, and history that can be read but not reverted (a revert would skip the checks)."""

    object_history_list_template = "admin/triage/object_history_list.html"  # with each change

    def without(self, obj, grid: grid_engine.Grid) -> grid_engine.Grid:
        raise NotImplementedError

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, each checked
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_delete_permission(request, obj):
            current = load_ruleset()
            candidate = authoring.with_grid(current, self.without(obj, current.grid))
            refused = verdict.refusals(candidate)
            if refused:
                for refusal in refused:
                    messages.error(
                        request,
                        _("%(object)s cannot be deleted: %(reason)s")
                        % {"object": obj, "reason": refusal.message},
                    )
                opts = self.model._meta
                return HttpResponseRedirect(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
                )
        return super().delete_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        obj._change_reason = _("Checked by the verdict; summaries already made keep their grid")
        super().save_model(request, obj, form, change)
        versions.record(load_ruleset(), recorded_by="admin", user=request.user)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        versions.record(load_ruleset(), recorded_by="admin", user=request.user)

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Option)
class OptionAdmin(GridAdmin):
    form = OptionForm
    list_display = ["slug", "title", "order", "conditions_text", "offered_only", "active"]
    list_filter = ["active", "offered_only"]
    search_fields = ["slug", "title"]

    @admin.display(description=gettext_lazy("Shown for"))
    def conditions_text(self, obj):
        listed = obj.conditions if isinstance(obj.conditions, list) else []
        return ", ".join(map(str, listed)) or _("every condition")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.slug == grid_engine.UNPROVEN:
            return ["slug"]  # principle 12: people who were offered a treatment always see it
        return []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.slug == grid_engine.UNPROVEN:
            return False
        return super().has_delete_permission(request, obj)

    def without(self, obj, grid):
        return authoring.grid_without(grid, option=obj.slug)


@admin.register(GridRow)
class GridRowAdmin(GridAdmin):
    form = GridRowForm
    list_display = ["slug", "question", "order"]
    search_fields = ["slug", "question"]

    def without(self, obj, grid):
        return authoring.grid_without(grid, row=obj.slug)


@admin.register(Cell)
class CellAdmin(GridAdmin):
    form = CellForm
    list_display = [
        "__str__",
        "short_text",
        "per_100",
        "study_type",
        "next_review",
        "review_status",
    ]
    list_filter = [ReviewFilter, "option", "row", "condition", "study_type"]
    list_select_related = ["option", "row"]
    search_fields = ["text", "study", "source_label", "option__slug", "row__slug"]
    fieldsets = [
        (None, {"fields": ["option", "row", "condition", "text"]}),
        (
            gettext_lazy("Number (benefit and harm rows)"),
            {
                "fields": [
                    "per_100",
                    "outcome",
                    "who",
                    "time_frame",
                    "study",
                    "year",
                    "study_type",
                ],
                "description": gettext_lazy(
                    "X in 100 people, who they are and over what time. Leave the number empty "
                    "where no reliable number exists, and say so and why in the text. A benefit "
                    "number is refused unless the same option's harm cell has a number with a "
                    "time frame (principle 12)."
                ),
            },
        ),
        (gettext_lazy("Source"), {"fields": ["source_label", "source_url"]}),
        (gettext_lazy("Review"), {"fields": ["last_reviewed", "next_review"]}),
    ]

    @admin.display(description=gettext_lazy("Text"))
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"

    @admin.display(description=gettext_lazy("Review"), ordering="next_review")
    def review_status(self, obj):
        state = reviews.state(obj.next_review)  # as sections are judged (authoring/reviews.py)
        if state == reviews.OVERDUE:
            return format_html("<strong>{}</strong>", reviews.LABELS[state])
        if state == reviews.SOON:
            days = reviews.days_left(obj.next_review)
            return ngettext("Due in %(days)d day", "Due in %(days)d days", days) % {"days": days}
        return reviews.LABELS[state]

    def without(self, obj, grid):
        return authoring.grid_without(grid, cell=obj.to_engine().key)

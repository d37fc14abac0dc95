"""The "Compare your options" page of a summary, on every road, and "What matters to you".

The grid is the one stored with the summary when it was made (``Submission.comparison``, built
by ``engine.comparison.for_answers``), so it never changes under the person's feet when an
editor changes the grid later; a summary made before the comparison existed says so. This
module only turns the stored grid into words and pictures: the X-in-100 sentence, the study
line, the numbered sources and the 10 x 10 picture of 100 people (``icon_array``).

"What matters to you": on the patient's roads (this browser and the private link) the person
may mark up to three rows; the POST stores them as ``Submission.priorities``, the appointment
sheet prints them, and nothing else reads them (never the rules, never a score). Staff see
them read-only.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from triage.engine import comparison as grid_engine
from triage.engine.rules import source_when
from triage.models import Submission
from triage.summary.access import Access, road
from triage.summary.translations import content_language, localised_grid

STUDY_TYPES = {
    "rct": gettext_lazy("randomised trial"),
    "registry": gettext_lazy("registry"),
    "case_series": gettext_lazy("case series"),
    "meta_analysis": gettext_lazy("studies pooled together"),
    "review": gettext_lazy("review"),
    "none": gettext_lazy("no published study"),
}
ICON = "icon-person"  # the <symbol> every icon array uses (templates/triage/includes/compare_grid.html)

# --- words -----------------------------------------------------------------------------------


def frequency_words(per_100: float) -> str:
    """ "fewer than 1 in 100", "about 83 in 100" or "2 in 100"."""
    found = grid_engine.frequency(per_100)
    if found.below_one:
        return _("fewer than 1 in 100")
    if found.about:
        return _("about %(count)s in 100") % {"count": found.count}
    return _("%(count)s in 100") % {"count": found.count}


def frequency_sentence(cell: Mapping) -> str:
    """The sentence under a picture of 100 people, and its accessible name: how many, who the
    100 are, what happened to them, over what time."""
    words = frequency_words(float(cell["per_100"]))
    parts = {
        "frequency": words[:1].upper() + words[1:],
        "who": cell.get("who") or _("people in the study"),
        "outcome": cell.get("outcome") or "",
        "time": cell.get("time_frame") or "",
    }
    if parts["outcome"] and parts["time"]:
        return _("%(frequency)s %(who)s %(outcome)s, %(time)s.") % parts
    if parts["outcome"]:
        return _("%(frequency)s %(who)s %(outcome)s.") % parts
    if parts["time"]:
        return _("%(frequency)s %(who)s, %(time)s.") % parts
    return _("%(frequency)s %(who)s.") % parts


def study_line(cell: Mapping) -> str:
    """Where a number comes from: "Randomised trial: MIST, 2019"."""
    kind = str(STUDY_TYPES.get(cell.get("study_type") or "none", STUDY_TYPES["none"]))
    study = ", ".join(str(p) for p in (cell.get("study"), cell.get("year")) if p)
    if not study:
        return kind[:1].upper() + kind[1:]
    return _("%(kind)s: %(study)s") % {"kind": kind[:1].upper() + kind[1:], "study": study}


def icon_array(count: int, label: str) -> str:
    """A picture of 100 people as inline SVG: `count` filled from the top left, the rest
    outlined, so the difference does not rest on colour; currentColor keeps it readable in
    forced-colours mode (site.css). The sentence is its accessible name."""
    # Only whole numbers and the constants below go into the icons' markup. The symbol draws
    # one person in a 10 x 10 square at its origin; each <use> moves it to its place.
    places = grid_engine.icon_positions(int(count))

    def group(filled: bool) -> str:
        uses = "".join(
            f'<use href="#{ICON}" x="{i.column * 10:d}" y="{i.row * 10:d}"/>'
            for i in places
            if i.filled is filled
        )
        if not uses:
            return ""
        if filled:
            return f'<g class="icon-array__filled" fill="currentColor">{uses}</g>'
        return (
            '<g class="icon-array__empty" fill="none" stroke="currentColor" '
            f'stroke-width="0.8">{uses}</g>'
        )

    icons = group(True) + group(False)
    return format_html(
        '<svg class="icon-array" data-count="{}" data-of="100" role="img" aria-label="{}" '
        'viewBox="0 0 100 100" focusable="false">{}</svg>',
        int(count),
        label,
        mark_safe(icons),  # noqa: S308  # nosec B308 B703 (integers and constants only)
    )


# --- the page --------------------------------------------------------------------------------


def _cell_view(stored: Mapping | None, column: Mapping, row_slug: str, note: dict) -> dict:
    view: dict[str, object] = {"option": column["slug"], "option_title": column["title"]}
    if stored is None:
        return {**view, "missing": True}
    view.update(text=stored.get("text", ""), number_row=row_slug in grid_engine.NUMBER_ROWS)
    # In another language: the English, with a short notice, where no current translation exists.
    view.update(notice=stored.get("notice", ""), language=stored.get("language", "en"))
    if stored.get("per_100") is not None:
        found = grid_engine.frequency(float(stored["per_100"]))
        sentence = frequency_sentence(stored)
        view["number"] = {
            "count": found.count,
            "words": frequency_words(float(stored["per_100"])),
            "sentence": sentence,
            "svg": icon_array(found.count, sentence),
        }
        view["study"] = study_line(stored)
    url = stored.get("source_url") or ""
    if url:
        view["source"] = note.setdefault(
            url,
            {
                "number": len(note) + 1,
                "label": stored.get("source_label") or url,
                "url": url,
                "when": source_when(stored.get("year"), ""),
            },
        )
    return view


def grid_view(stored: Mapping | None) -> dict:
    """The stored grid ready for the template: columns, rows of cell views, numbered sources
    and the review dates of the cells shown."""
    if not stored or not stored.get("columns"):
        return {
            "columns": [],
            "rows": [],
            "sources": [],
            "reviewed": "",
            "next_review": "",
            "language": "en",
        }
    columns = stored["columns"]
    notes: dict[str, dict] = {}
    rows = []
    reviewed, due = [], []
    for row in stored.get("rows", []):
        cells = []
        for column, cell in zip(columns, row["cells"], strict=True):
            cells.append(_cell_view(cell, column, row["slug"], notes))
            if cell:
                reviewed.append(cell.get("last_reviewed") or "")
                due.append(cell.get("next_review") or "")
        rows.append(
            {
                "slug": row["slug"],
                "question": row["question"],
                "notice": row.get("notice", ""),
                "cells": cells,
            }
        )
    return {
        "language": stored.get("language", "en"),
        "columns": columns,
        "rows": rows,
        "sources": list(notes.values()),
        "reviewed": min((d for d in reviewed if d), default=""),
        "next_review": min((d for d in due if d), default=""),
    }


def shown_grid(submission: Submission, language: str | None = None) -> Mapping | None:
    """The grid stored with this summary, in `language` (by default the page's:
    ``translations.content_language``)."""
    return localised_grid(
        submission.comparison,
        content_language(submission, language),
        (submission.answers or {}).get("region", ""),
    )


def row_questions(submission: Submission, language: str | None = None) -> dict[str, str]:
    """Row slug -> the row's question, as stored with this summary (in `language`)."""
    stored = shown_grid(submission, language) or {}
    return {row["slug"]: row["question"] for row in stored.get("rows", [])}


def priority_questions(submission: Submission, language: str | None = None) -> list[str]:
    """The rows the person marked, in their questions' words, in the grid's order."""
    questions = row_questions(submission, language)
    marked = set(submission.priorities or [])
    return [text for slug, text in questions.items() if slug in marked]


class PrioritiesForm(forms.Form):
    """Up to three of the rows this summary shows; none is fine (the question is optional)."""

    priorities = forms.MultipleChoiceField(
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Choose from the questions in the list. “%(value)s” is not one of them."
            ),
            "invalid_list": gettext_lazy("Choose from the questions in the list."),
        },
    )

    def __init__(self, *args, questions: Mapping[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priorities"].choices = list(questions.items())

    def clean_priorities(self) -> list[str]:
        chosen = list(dict.fromkeys(self.cleaned_data["priorities"]))
        if len(chosen) > grid_engine.MAX_PRIORITIES:
            raise forms.ValidationError(
                ngettext(
                    "Choose up to %(max)s question. You chose %(count)s.",
                    "Choose up to %(max)s questions. You chose %(count)s.",
                    grid_engine.MAX_PRIORITIES,
                )
                % {"max": grid_engine.MAX_PRIORITIES, "count": len(chosen)},
                code="too_many",
            )
        order = list(self.fields["priorities"].choices)
        rank = {slug: i for i, (slug, _) in enumerate(order)}
        return sorted(chosen, key=rank.__getitem__)


def comparison_context(
    submission: Submission,
    *,
    request: HttpRequest | None = None,
    access: Access | None = None,
    form: PrioritiesForm | None = None,
    language: str | None = None,
) -> dict:
    access = access or road("session", submission)
    questions = row_questions(submission, language)
    chosen = form.data.getlist("priorities") if form is not None and form.is_bound else None
    marked = set(chosen if chosen is not None else submission.priorities or [])
    return {
        "submission": submission,
        "access": access,
        "staff_view": access.kind == "staff",
        "grid": grid_view(shown_grid(submission, language)),
        "choices": [
            {"slug": slug, "question": text, "checked": slug in marked}
            for slug, text in questions.items()
        ],
        "priorities": priority_questions(submission, language),
        "max_priorities": grid_engine.MAX_PRIORITIES,
        "form": form,
        "error": (form.errors.get("priorities") or [""])[0] if form is not None else "",
        "saved": bool(request is not None and request.GET.get("saved")),
    }


def compare_page(request: HttpRequest, submission: Submission, access: Access) -> HttpResponse:
    """GET shows the grid; POST (the patient's roads only) saves what matters to the person
    and comes back to the page, or shows the page again with the problem (400)."""
    if request.method == "POST":
        form = PrioritiesForm(request.POST, questions=row_questions(submission))
        if form.is_valid():
            submission.priorities = form.cleaned_data["priorities"]
            submission.save(update_fields=["priorities"])
            return redirect(f"{access.compare_url}?saved=1#what-matters")
        context = comparison_context(submission, request=request, access=access, form=form)
        return render(request, "triage/compare.html", context, status=400)
    context = comparison_context(submission, request=request, access=access)
    return render(request, "triage/compare.html", context)

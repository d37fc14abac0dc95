"""What a summary page shows, built from a stored summary: key points first (one sentence per
shown section, linking to it), then the answers, then the sections in full, with every source
numbered once for the end of the print."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from triage.engine import questions
from triage.engine.regions import region_first
from triage.engine.slugs import TOURISM_WARNING
from triage.models import Submission
from triage.summary import registries
from triage.summary.access import Access, road
from triage.summary.translations import content_language, localised_cards


def named_signs(card: Mapping, answers: Mapping[str, object]) -> list[str]:
    """The warning signs the engine named for the tourism warning (principle 11); summaries
    stored before the engine named them get the same words from their answers."""
    if card.get("slug") != TOURISM_WARNING:
        return []
    return list(card.get("named") or questions.named_signs(answers))


def join_words(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def signs_intro(signs: list[str]) -> str:
    return ngettext(
        "The offer you told us about has a warning sign of an unproven clinic",
        "The offer you told us about has warning signs of an unproven clinic",
        len(signs),
    )


def key_point(card: Mapping, signs: list[str]) -> str:
    """One plain sentence for a section: its summary, or, for the tourism warning when the
    person ticked warning signs, those signs in their own words."""
    if signs:
        return f"{signs_intro(signs)}: {join_words(signs)}."
    return str(card.get("summary", ""))


def source_notes(cards: list[dict]) -> list[dict]:
    """Every web address the summary cites, once, numbered, for the end of the print."""
    numbers: dict[str, int] = {}
    for card in cards:
        for link in [*card.get("registry_links", []), *card.get("sources", [])]:
            numbers.setdefault(link["url"], len(numbers) + 1)
    return [{"number": n, "url": url} for url, n in numbers.items()]


def summary_context(
    submission: Submission,
    *,
    request: HttpRequest | None = None,
    access: Access | None = None,
    language: str | None = None,
) -> dict:
    """The summary page's context. Its sections are in `language` ("en" for the staff's
    "Print in English"; by default the page's language, ``translations.content_language``):
    each stored card translated where a translation of its stored English exists, else in
    English with ``card.notice`` (in Spanish) and ``card.language`` "en" (principle 13)."""
    answers: Mapping[str, object] = submission.answers
    access = access or road("session", submission)
    notes = source_notes(submission.result)
    note_number = {n["url"]: n["number"] for n in notes}
    shown_in = content_language(submission, language)
    cards = []
    for card in localised_cards(submission.result, shown_in):
        # parts about one region each ("What is approved in the UK", ...): theirs first
        card["detail"] = region_first(str(card.get("detail", "")), answers.get("region"))
        card["signs"] = named_signs(card, answers)
        card["key_point"] = key_point(card, card["signs"])
        card["signs_intro"] = signs_intro(card["signs"]) if card["signs"] else ""
        card["numbered_sources"] = [
            {**s, "note": note_number.get(s["url"])} for s in card.get("sources", [])
        ]
        card["numbered_registry_links"] = [
            {**s, "note": note_number.get(s["url"])} for s in card.get("registry_links", [])
        ]
        cards.append(card)
    rows = [
        {"label": label, "answer": answer} for label, answer in questions.answers_in_words(answers)
    ]
    staff_view = access.kind == "staff"
    # The private link is the patient's: it opens the summary with no lookup recorded and
    # can delete it, so it never appears on a page (or a printout) reached by clinic staff.
    link = (
        None if staff_view else reverse("triage:link", kwargs={"token": submission.private_token})
    )
    if link and request:
        link = request.build_absolute_uri(link)
    return {
        "submission": submission,
        "cards": cards,
        "rows": rows,
        "signs": [s for c in cards for s in c["signs"]],
        "notes": notes,
        "access": access,
        "staff_view": staff_view,
        "private_link": link,
        "not_approval": registries.NOT_APPROVAL,
        # "Compare your options" (summary/comparison.py), when this summary stored a grid.
        "compare_url": access.compare_url if (submission.comparison or {}).get("columns") else "",
        "retention_days": settings.SUMMARY_RETENTION_DAYS,
        "content_language": shown_in,
    }

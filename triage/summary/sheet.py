"""The one-page appointment sheet: the answers in a few lines, the key points, two registry
links and five questions to ask.

The questions are read from the `questions-to-ask` section's text.

The section groups its questions under `###` headings. The sheet takes the first question of
each group, then the second of each, and so on, until it has five: editors put the question
most worth asking first in each group, and the sheet follows the text as they order it, so no
question is copied into code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import ngettext

from triage.engine import questions
from triage.engine.advice import normalise
from triage.engine.slugs import NOT_MEDICAL_ADVICE, QUESTIONS_TO_ASK
from triage.models import Submission
from triage.summary import registries
from triage.summary.access import Access
from triage.summary.comparison import priority_questions
from triage.summary.context import summary_context

HOW_MANY = 5
HEADING = re.compile(r"^ {0,3}#{1,6}\s")
ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+\.)\s+(?P<text>.+)$")


def question_groups(body: str) -> list[list[str]]:
    """The list items of a Markdown text, grouped by the heading above them."""
    groups: list[list[str]] = [[]]
    for line in (body or "").splitlines():
        if HEADING.match(line):
            groups.append([])
        elif match := ITEM.match(line):
            groups[-1].append(" ".join(normalise(match["text"]).split()))
    return [g for g in groups if g]


def key_questions(body: str, how_many: int = HOW_MANY) -> list[str]:
    groups = question_groups(body)
    picked: list[str] = []
    for depth in range(max(map(len, groups), default=0)):
        for group in groups:
            if depth < len(group) and len(picked) < how_many:
                picked.append(group[depth])
    return picked


def answers_line(answers: Mapping[str, object], signs: list[str]) -> str:
    """The answers in a few lines for the sheet; ticked warning signs are counted here
    because the key points name them."""
    parts = []
    for question in questions.applicable(answers):
        if question.key not in answers:
            continue
        answer = question.answer_text(answers[question.key])  # type: ignore[arg-type]
        if question.multiple and signs:
            answer = ngettext(
                "%(count)d warning sign (named below)",
                "%(count)d warning signs (named below)",
                len(signs),
            ) % {"count": len(signs)}
        parts.append(f"{questions.tr(question.check_label)}: {answer}")
    return "; ".join(parts)


def sheet_context(
    submission: Submission,
    *,
    request: HttpRequest,
    access: Access,
    language: str | None = None,
) -> dict:
    """The sheet in `language` (by default the page's; "en" for the staff's "Print in
    English"): key points, questions and priorities follow it (summary/translations.py)."""
    context = summary_context(submission, request=request, access=access, language=language)
    cards = context["cards"]
    by_slug = {c["slug"]: c for c in cards}
    trials = [c for c in cards if c.get("registry_links")]
    asking = by_slug.get(QUESTIONS_TO_ASK)
    notice = by_slug.get(NOT_MEDICAL_ADVICE, {})
    context.update(
        {
            "answers_line": answers_line(submission.answers, context["signs"]),
            "key_cards": [c for c in cards if c["slug"] != NOT_MEDICAL_ADVICE],
            "registry_links": [
                {**link, "site": urlsplit(link["url"]).netloc.removeprefix("www.")}
                for link in (trials[0]["registry_links"][:2] if trials else [])
            ],
            "registry_search": registries.plain_terms(str(submission.answers.get("condition")))
            + " stem cell",
            "key_questions": key_questions(asking["detail"]) if asking else [],
            "notice": notice.get("summary", ""),
            # What the person marked in "Compare your options", in the rows' own words.
            "priorities": priority_questions(submission, language),
            # The comparison's address on paper, for the patient's roads: a private link's
            # secret is the patient's to give, never printed from the staff road.
            "compare_link": request.build_absolute_uri(
                reverse("triage:link-compare", kwargs={"token": submission.private_token})
            )
            if context["compare_url"] and access.kind != "staff"
            else "",
        }
    )
    return context

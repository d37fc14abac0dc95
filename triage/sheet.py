"""The appointment sheet's pick of questions, read from the `questions-to-ask` section's text.

The section groups its questions under `###` headings. The sheet takes the first question of
each group, then the second of each, and so on, until it has five: editors put the question
most worth asking first in each group, and the sheet follows the text as they order it, so no
question is copied into code.
"""

from __future__ import annotations

import re

from triage.engine.advice import normalise

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

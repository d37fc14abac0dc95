"""The size of the answer space, by arithmetic over the questionnaire's declaration.

An independent count to hold ``principles.space_size()`` (a walk over the answers) to: a
single-choice question multiplies by its number of values; the multi-choice one by every
value that stands alone plus every non-empty set of the others; a question asked only for some
answers of an earlier one counts only under those answers.
"""

from __future__ import annotations

import math
from collections import defaultdict

from triage.engine import questions


def options(q: questions.Question) -> int:
    if not q.multiple:
        return len(q.values)
    return len(q.exclusive) + 2 ** (len(q.values) - len(q.exclusive)) - 1


def from_the_declaration() -> int:
    asked_after: dict[str, list[questions.Question]] = defaultdict(list)
    for q in questions.QUESTIONS:
        if q.asked_when:
            asked_after[q.asked_when.question].append(q)
    total = 1
    for q in questions.QUESTIONS:
        if q.asked_when:
            continue  # counted under the answer that asks it
        if q.key not in asked_after:
            total *= options(q)
            continue
        total *= sum(
            math.prod(options(d) for d in asked_after[q.key] if d.asked_when.holds({q.key: v}))
            for v in q.values
        )
    return total

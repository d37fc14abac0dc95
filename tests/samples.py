"""A small sample of complete answer sets that still covers what a walk or a mapping can tell
apart: every path through the questionnaire, every value of every question, and every answer
the multi-choice question accepts.

The rules' whole answer space is proved by ``principles.verify`` (tests/test_principles.py);
tests whose subject is not the rules (the journey's order, the FHIR mapping) walk this sample
instead of two thousand rule classes.
"""

from __future__ import annotations

import itertools
from functools import cache

from triage.engine import questions


def options(question: questions.Question) -> list[object]:
    """Every answer a person can give to `question`: one value, or for a multi-choice question
    a value that stands alone or any non-empty set of the others, in the order listed."""
    if not question.multiple:
        return list(question.values)
    others = [v for v in question.values if v not in question.exclusive]
    sets: list[object] = [[v] for v in question.exclusive]
    for size in range(1, len(others) + 1):
        sets.extend(list(chosen) for chosen in itertools.combinations(others, size))
    return sets


def gates() -> list[questions.Question]:
    """The questions whose answer decides whether a later question is asked."""
    keys = {q.asked_when.question for q in questions.QUESTIONS if q.asked_when}
    return [q for q in questions.QUESTIONS if q.key in keys]


def _complete(fixed: dict[str, object], turn: int) -> dict[str, object]:
    """A complete answer set with `fixed` answers; every other question that applies takes its
    `turn`-th option, so consecutive turns go through each question's options."""
    answers: dict[str, object] = {}
    for question in questions.QUESTIONS:
        if not questions.applies(question, answers):
            continue
        if question.key in fixed:
            answers[question.key] = fixed[question.key]
        else:
            choices = options(question)
            answers[question.key] = choices[turn % len(choices)]
    return questions.validate_answers(answers)


@cache
def _covering() -> tuple[dict[str, object], ...]:
    sample: list[dict[str, object]] = []
    for turn, values in enumerate(itertools.product(*(q.values for q in gates()))):
        sample.append(_complete(dict(zip((q.key for q in gates()), values, strict=True)), turn))
    for question in questions.QUESTIONS:
        if not question.asked_when:
            continue
        opener = {question.asked_when.question: sorted(question.asked_when.values)[0]}
        seen = [a[question.key] for a in sample if question.key in a]
        for turn, option in enumerate(options(question)):
            if option not in seen:
                sample.append(_complete({**opener, question.key: option}, turn))
    return tuple(sample)


def covering() -> list[dict[str, object]]:
    """Complete answer sets covering every combination of the gate answers (so every path),
    every value of every question and every answer to a question asked only sometimes."""
    return [dict(answers) for answers in _covering()]


def paths(sample: list[dict[str, object]]) -> set[tuple[str, ...]]:
    """The distinct sequences of questions the people in `sample` are asked."""
    return {tuple(q.key for q in questions.applicable(answers)) for answers in sample}


def covers_every_answer(sample: list[dict[str, object]]) -> bool:
    """Whether every answer to every question (every set, for a multi-choice one) is given
    somewhere in `sample`."""
    for question in questions.QUESTIONS:
        given = [answers[question.key] for answers in sample if question.key in answers]
        if any(option not in given for option in options(question)):
            return False
    return True

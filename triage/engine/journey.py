"""The questionnaire journey's decisions: which questions apply, where a person goes next, and
why a page cannot be shown to them yet.

Pure, like the rules engine: the wizard view only reads the session and the request, asks this
module, and turns the answer into a redirect or a page. So the journey's edge cases (skipped
steps, expired sessions, a finished summary behind the Back button) are tested without HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import Enum

from triage.engine import questions

CHECK = "check"  # the step name of "check your answers", after the last question
FIRST = questions.QUESTIONS[0].key


class Detour(Enum):
    """Why a requested page cannot be shown; each value is a key of the page catalogue."""

    UNKNOWN = "unknown_step"  # no question has this name
    NOT_STARTED = "session_ended"  # nothing stored: the session expired or was never begun
    FINISHED = "finished"  # nothing stored, but this browser finished a summary
    INACTIVE = "inactive_step"  # the question does not apply to the answers given
    OUT_OF_ORDER = "out_of_order"  # an earlier question still needs an answer
    INCOMPLETE = "incomplete"  # check answers before every question is answered
    NOT_EARLIER = "not_earlier"  # "Back" asked for a step that is not an earlier one


def read_answers(stored: Callable[[str], Sequence[str] | None]) -> dict[str, object]:
    """The valid answers stored so far, in order, stopping at the first missing or invalid one.

    `stored(key)` gives the raw values saved for a question, or None when there are none.
    Questions that do not apply to the earlier answers are skipped, so a stale answer to one
    of them is never read.
    """
    answers: dict[str, object] = {}
    for question in questions.QUESTIONS:
        if not questions.applies(question, answers):
            continue
        raw = stored(question.key)
        if raw is None:
            break
        try:
            answers[question.key] = question.clean(
                list(raw) if question.multiple else (raw[0] if len(raw) == 1 else None)
            )
        except questions.AnswerError:
            break
    return answers


def active_steps(answers: Mapping[str, object]) -> list[str]:
    """The questions this person is asked, in order."""
    return [q.key for q in questions.applicable(answers)]


def first_missing(answers: Mapping[str, object]) -> str | None:
    """The first question that still needs an answer, or None when all are answered."""
    for key in active_steps(answers):
        if key not in answers:
            return key
    return None


def next_step(step: str, answers: Mapping[str, object], *, changing: bool = False) -> str:
    """Where to go after answering `step`: the next question, or check answers.

    When changing an answer from check answers, go straight back there unless the new answer
    brought up a question that still needs an answer.
    """
    missing = first_missing(answers)
    if changing:
        return missing or CHECK
    active = active_steps(answers)
    later = active[active.index(step) + 1 :] if step in active else []
    return later[0] if later else (missing or CHECK)


def previous_step(step: str, answers: Mapping[str, object]) -> str | None:
    """The question before `step`, or None for the first (whose Back goes to the start page)."""
    active = active_steps(answers)
    index = active.index(step) if step in active else 0
    return active[index - 1] if index > 0 else None


def detour(
    step: str, answers: Mapping[str, object], *, started: bool, finished: bool = False
) -> Detour | None:
    """Why question `step` cannot be shown or answered now, or None when it can.

    `started`: something is stored for this journey. `finished`: this browser owns a summary
    that can still be opened, so a page behind the summary's Back button leads back to it.
    The first question always opens when nothing is stored: that is where a journey begins.
    """
    if step not in questions.BY_KEY:
        return Detour.UNKNOWN
    if not started:
        if step == FIRST:
            return None
        return Detour.FINISHED if finished else Detour.NOT_STARTED
    active = active_steps(answers)
    if step not in active:
        return Detour.INACTIVE
    missing = first_missing(answers)
    if missing is not None and active.index(step) > active.index(missing):
        return Detour.OUT_OF_ORDER
    return None


def check_detour(
    answers: Mapping[str, object], *, started: bool, finished: bool = False
) -> Detour | None:
    """Why check answers (or confirming them) cannot be shown now, or None when it can."""
    if not started:
        return Detour.FINISHED if finished else Detour.NOT_STARTED
    if first_missing(answers) is not None:
        return Detour.INCOMPLETE
    return None


def back_detour(step: str, goto: str, answers: Mapping[str, object]) -> Detour | None:
    """Why "Back" from `step` to `goto` cannot be taken: only an earlier question is a way back."""
    active = active_steps(answers)
    if goto not in active or step not in active or active.index(goto) >= active.index(step):
        return Detour.NOT_EARLIER
    return None

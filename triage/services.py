"""Writes: the one place a finished questionnaire becomes a stored summary."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction

from triage.cards import build_cards
from triage.engine import questions
from triage.models import Submission
from triage.private_links import new_token
from triage.selectors import active_ruleset


def submission_create(*, answers: Mapping[str, object]) -> Submission:
    """Validate complete answers, build the summary and store both with the ruleset version.

    Raises questions.AnswerError for answers that break the contract, so an incomplete or
    tampered journey is never stored.
    """
    cleaned = questions.validate_answers(dict(answers))
    ruleset = active_ruleset()
    cards = build_cards(cleaned, ruleset)
    for attempt in range(5):
        try:
            with transaction.atomic():
                return Submission.objects.create(
                    answers=cleaned,
                    result=cards,
                    ruleset_version=ruleset.version,
                    private_token=new_token(),
                )
        except IntegrityError:  # a code (or, in theory, a token) already in use: draw again
            if attempt == 4:
                raise
    raise AssertionError("unreachable")

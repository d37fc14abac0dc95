"""Writes a finished questionnaire as a stored summary: validation, the write and the ruleset
version record in one place, not in signal receivers."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.db import DatabaseError, IntegrityError, transaction

from triage.authoring import versions
from triage.authoring.ruleset import active_ruleset
from triage.engine import comparison, questions, rules
from triage.models import RulesetVersion, Submission
from triage.summary.cards import build_cards
from triage.summary.private_links import new_token

logger = logging.getLogger(__name__)


def submission_create(*, answers: Mapping[str, object], language: str = "en") -> Submission:
    """Validate complete answers, build the summary and store both with the ruleset version,
    recording that version (with what it contained) the first time a summary uses it.

    Raises questions.AnswerError for answers that break the contract, so an incomplete or
    tampered journey is never stored.
    """
    cleaned = questions.validate_answers(dict(answers))
    ruleset = active_ruleset()
    cards = build_cards(cleaned, ruleset)
    # The comparison is stored like the cards: the grid this person saw, whatever is edited later.
    grid = comparison.for_answers(ruleset.grid, cleaned) if ruleset.grid is not None else None
    for attempt in range(5):
        try:
            with transaction.atomic():
                submission = Submission.objects.create(
                    answers=cleaned,
                    result=cards,
                    comparison=grid,
                    ruleset_version=ruleset.version,
                    private_token=new_token(),
                    language=language,
                )
            break
        except IntegrityError:  # a reference code already in use: draw another
            if attempt == 4:
                raise
    _record_version(ruleset)
    return submission


def _record_version(ruleset: rules.RuleSet) -> None:
    try:
        with transaction.atomic():
            if not RulesetVersion.objects.filter(version=ruleset.version).exists():
                versions.record(ruleset, recorded_by="submission")
    except DatabaseError:  # never stop a patient's summary being saved
        logger.exception("Could not record ruleset version %s", ruleset.version)

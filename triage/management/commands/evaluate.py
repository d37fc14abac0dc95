"""Print the summary cards for an answers document, or for a FHIR QuestionnaireResponse with
--fhir (JSON from a file or stdin)."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from triage.authoring.ruleset import load_ruleset
from triage.engine import fhir, questions
from triage.summary.cards import cards_document


class Command(BaseCommand):
    help = (
        "Evaluate an answers document (or, with --fhir, a QuestionnaireResponse to the "
        "stem-cell-triage Questionnaire) against the active rules and print the cards as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="JSON file (default: stdin)")
        parser.add_argument(
            "--fhir",
            action="store_true",
            dest="response",
            help="read a FHIR R4 QuestionnaireResponse instead of an answers document",
        )

    def handle(self, *args, file=None, response=False, **options):
        try:
            if file:
                with open(file, encoding="utf-8") as fh:
                    raw = fh.read()
            else:
                raw = sys.stdin.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file or 'stdin'}: {exc}") from None
        try:
            document = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise CommandError(f"invalid JSON: {exc}") from None
        try:
            if response:
                answers = fhir.from_response(document)
            else:
                answers = questions.validate_answers(document)
        except questions.AnswerError as exc:
            kind = "QuestionnaireResponse" if response else "answers"
            raise CommandError(f"invalid {kind}: {exc}") from None
        out = cards_document(answers, load_ruleset())
        self.stdout.write(json.dumps(out, indent=2, ensure_ascii=False))

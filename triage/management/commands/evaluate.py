"""Print the summary cards for an answers document (JSON from a file or stdin)."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from triage.cards import build_cards
from triage.engine import questions
from triage.selectors import load_ruleset

CARD_FIELDS = ("slug", "title", "summary", "detail", "indicator", "source", "links", "reasons")


class Command(BaseCommand):
    help = "Evaluate an answers document against the active rules and print the cards as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="answers JSON file (default: stdin)")

    def handle(self, *args, file=None, **options):
        try:
            if file:
                with open(file, encoding="utf-8") as fh:
                    raw = fh.read()
            else:
                raw = sys.stdin.read()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        try:
            document = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CommandError(f"invalid JSON: {exc}") from None
        try:
            answers = questions.validate_answers(document)
        except questions.AnswerError as exc:
            raise CommandError(f"invalid answers: {exc}") from None
        ruleset = load_ruleset()
        cards = [{key: card[key] for key in CARD_FIELDS} for card in build_cards(answers, ruleset)]
        out = {"ruleset_version": ruleset.version, "cards": cards}
        self.stdout.write(json.dumps(out, indent=2, ensure_ascii=False))

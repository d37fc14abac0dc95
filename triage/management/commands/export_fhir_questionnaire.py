"""Write the questionnaire as a FHIR R4 Questionnaire, the same JSON that
GET /fhir/Questionnaire/stem-cell-triage serves, to publish it or load it into a form server."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from triage.engine import fhir


class Command(BaseCommand):
    help = "Print the stem-cell-triage FHIR R4 Questionnaire as JSON, or write it to a file."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="file to write (default: stdout)")

    def handle(self, *args, output=None, **options):
        text = json.dumps(fhir.questionnaire(), indent=2, ensure_ascii=False) + "\n"
        if not output:
            self.stdout.write(text, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}") from None
        self.stderr.write(f"Wrote Questionnaire version {fhir.version()} to {output}")

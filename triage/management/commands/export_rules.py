"""Write the rules and sections in the database as fixture files, ready for a diff in git."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from triage.authoring import files as ruleset_files
from triage.authoring.ruleset import load_ruleset


class Command(BaseCommand):
    help = (
        "Write the current rules and sections to DIR/sections.json and DIR/rules.json "
        "(default: fixtures/), sorted by natural key and indented, so edits made in the admin "
        "can go back into git as a readable diff. load_rules of the result rebuilds the same "
        "ruleset version."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", nargs="?", default=str(Path(settings.BASE_DIR) / "fixtures")
        )

    def handle(self, *args, directory, **options):
        paths = ruleset_files.write_database(Path(directory))
        for path in paths:
            self.stdout.write(f"Wrote {path}")
        self.stdout.write(f"Ruleset version {load_ruleset().version}.")

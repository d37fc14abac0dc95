"""Validate and load rules and sections from fixture files, all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from triage import principles, rules
from triage.models import Condition, Rule, Section, Source
from triage.selectors import clear_ruleset_cache, load_ruleset

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


class Refused(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Validate and load rules and sections. With no FILE, the fixtures/ folder replaces "
        "every rule and section; with FILEs, those rows are added or updated. Nothing is "
        "changed unless the whole result passes validation and every principle."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="fixture files (default: fixtures/*.json)")

    def handle(self, *args, files, **options):
        replace = not files
        paths = [Path(f) for f in files] or sorted(FIXTURES_DIR.glob("*.json"))
        if not paths:
            raise CommandError(f"no fixture files found in {FIXTURES_DIR}")
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        try:
            with transaction.atomic():
                if replace:
                    Condition.objects.all().delete()
                    Rule.objects.all().delete()
                    Source.objects.all().delete()
                    Section.objects.all().delete()
                for path in paths:
                    self.load(path)
                report = self.check_loaded()
        except Refused as exc:
            clear_ruleset_cache()
            raise CommandError(f"Refused, nothing was changed: {exc}") from None
        clear_ruleset_cache()
        self.stdout.write(
            f"Loaded {len(paths)} file(s): {Section.objects.count()} sections, "
            f"{Rule.objects.count()} rules. Every principle holds over "
            f"{report.combinations:,} answer combinations ({report.classes:,} classes)."
        )

    def load(self, path: Path) -> None:
        try:
            with path.open(encoding="utf-8") as fh:
                # Parse first so a syntax error names the file, not a traceback.
                list(serializers.deserialize("json", fh.read(), handle_forward_references=True))
            call_command("loaddata", str(path), verbosity=0)
        except Exception as exc:  # loaddata wraps many error types; all mean "refuse"
            message = str(exc).strip().splitlines()[-1] if str(exc).strip() else repr(exc)
            raise Refused(f"{path.name}: {message}") from None

    def check_loaded(self) -> principles.Report:
        ruleset = load_ruleset()
        found = rules.problems(ruleset)
        if found:
            raise Refused("; ".join(found))
        report = principles.verify(ruleset, stop_after=1)
        if report.violations:
            raise Refused(str(report.violations[0]))
        return report

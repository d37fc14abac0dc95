"""Validate and load rules and sections from fixture files, all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from triage.authoring import readability
from triage.authoring import translations as content_translations
from triage.authoring.loading import RulesetRefused, ruleset_load
from triage.authoring.ruleset import load_ruleset
from triage.models import Cell, Rule, Section, Translation

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = (
        "Validate and load rules, sections and the comparison grid. With no FILE, the fixtures/ folder replaces "
        "every rule and section; with FILEs, those rows are added or updated. Nothing is "
        "changed unless the whole result passes validation and every principle."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="fixture files (default: fixtures/*.json)")

    def handle(self, *args, files, **options):
        paths = [Path(f) for f in files] or sorted(FIXTURES_DIR.glob("*.json"))
        if not paths:
            raise CommandError(f"no fixture files found in {FIXTURES_DIR}")
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        try:
            report = ruleset_load(paths, replace=not files)
        except RulesetRefused as exc:
            if not exc.refusals:  # an unreadable file or row: one line per problem
                raise CommandError(_("Refused, nothing was changed: %s") % exc) from None
            reasons = [f"[{r.code}] {r.message}" for r in exc.refusals]
            raise CommandError(
                _("Refused, nothing was changed:") + "\n" + "\n".join(reasons)
            ) from None
        ruleset = load_ruleset()
        for warning in readability.warnings(ruleset.sections.values()):
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        for warning in content_translations.warnings(ruleset):
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        self.stdout.write(
            f"Loaded {len(paths)} file(s): {Section.objects.count()} sections, "
            f"{Rule.objects.count()} rules, {Cell.objects.count()} comparison cells, "
            f"{Translation.objects.count()} translations. Every "
            "principle holds over "
            f"{report.combinations:,} answer combinations ({report.classes:,} classes)."
        )

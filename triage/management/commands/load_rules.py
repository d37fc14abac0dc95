"""Validate and load rules and sections from fixture files, all or nothing."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from triage import authoring, readability, versions
from triage.engine import principles, rules
from triage.models import Condition, Rule, Section, Source
from triage.selectors import clear_ruleset_cache, load_ruleset

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
MODEL_ORDER = ["triage.section", "triage.source", "triage.rule", "triage.condition"]


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
                self.load(paths, replace=replace)
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

    def load(self, paths: list[Path], replace: bool) -> None:
        """Read every file, then load all rows in dependency order in one loaddata call, so a
        file may refer to sections defined in another file whatever the names sort as."""
        rows: list[dict] = []
        for path in paths:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise Refused(f"{path.name}: not a readable JSON fixture ({exc})") from None
            if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
                raise Refused(f"{path.name}: a fixture is a JSON list of objects")
            for row in data:
                if row.get("model") not in MODEL_ORDER:
                    raise Refused(f"{path.name}: unexpected model {row.get('model')!r}")
            rows.extend(data)
        rows.sort(key=lambda row: MODEL_ORDER.index(row["model"]))
        self.check_references(rows, replace)
        with tempfile.TemporaryDirectory() as tmp:
            combined = Path(tmp) / "rules_and_sections.json"
            combined.write_text(json.dumps(rows), encoding="utf-8")
            try:
                call_command("loaddata", str(combined), verbosity=0)
            except Exception as exc:  # loaddata wraps many error types; all of them mean "refuse"
                lines = [line for line in str(exc).splitlines() if line.strip()]
                raise Refused(lines[-1] if lines else repr(exc)) from None

    def check_references(self, rows: list[dict], replace: bool) -> None:
        """Name a reference to a section or rule that does not exist, before loaddata would
        fail on it with a database error."""
        sections = {r["fields"].get("slug") for r in rows if r["model"] == "triage.section"}
        rule_keys = {r["fields"].get("key") for r in rows if r["model"] == "triage.rule"}
        if not replace:
            sections |= set(Section.objects.values_list("slug", flat=True))
            rule_keys |= set(Rule.objects.values_list("key", flat=True))
        for row in rows:
            fields = row.get("fields") or {}
            if row["model"] in ("triage.source", "triage.rule"):
                ref = (fields.get("section") or [None])[0]
                if ref not in sections:
                    name = fields.get("key") or fields.get("label")
                    raise Refused(f"{row['model']} {name!r}: unknown section {ref!r}")
            if row["model"] == "triage.condition":
                ref = (fields.get("rule") or [None])[0]
                if ref not in rule_keys:
                    raise Refused(f"condition on {fields.get('question')!r}: unknown rule {ref!r}")

    def check_loaded(self) -> principles.Report:
        ruleset = load_ruleset()
        found = (
            rules.problems(ruleset)
            + authoring.mandatory_problems(ruleset)
            + readability.refusals(ruleset.sections.values())
        )
        if found:
            raise Refused("; ".join(found))
        for warning in readability.warnings(ruleset.sections.values()):
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        report = principles.verify(ruleset, stop_after=1)
        if report.violations:
            raise Refused(str(report.violations[0]))
        versions.record_loaded(ruleset)  # version and history rows, inside the transaction
        return report

"""Fixture files become the rules and sections in use: all or nothing, checked by the one
verdict, with the version recorded inside the same transaction."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from triage.authoring import verdict, versions
from triage.authoring.ruleset import clear_ruleset_cache, load_ruleset
from triage.engine import principles, rules
from triage.models import Cell, Condition, GridRow, Option, Rule, Section, Source

MODEL_ORDER = [
    "triage.section",
    "triage.source",
    "triage.rule",
    "triage.condition",
    "triage.option",
    "triage.gridrow",
    "triage.cell",
]


class RulesetRefused(Exception):
    """Fixture files that must not be loaded; nothing was changed. `refusals` holds the
    ruleset's refusals when the files were readable but the result was not acceptable."""

    def __init__(self, message: str, refusals: Iterable[rules.Refusal] = ()):
        super().__init__(message)
        self.refusals = list(refusals)


def ruleset_load(paths: list[Path], *, replace: bool) -> principles.Report:
    """Load fixture files, all or nothing: with `replace`, they become every rule and section;
    otherwise their rows are added or updated. The result must pass ``verdict.refusals``
    (the admin's and the system check's test) or RulesetRefused is raised and the database is
    as it was. Records the version loaded and a history row for each row it changed."""
    try:
        with transaction.atomic():
            if replace:
                Condition.objects.all().delete()
                Rule.objects.all().delete()
                Source.objects.all().delete()
                Section.objects.all().delete()
                Cell.objects.all().delete()
                GridRow.objects.all().delete()
                Option.objects.all().delete()
            _load_rows(_read_rows(paths), replace=replace)
            ruleset = load_ruleset()
            found = verdict.assess(ruleset)
            if found.refusals:
                message = "; ".join(r.message for r in found.refusals)
                raise RulesetRefused(message, found.refusals)
            versions.record_loaded(ruleset)  # version and history rows, inside the transaction
    finally:
        clear_ruleset_cache()
    assert found.report is not None  # the checks passed, so the proof ran
    return found.report


def _read_rows(paths: list[Path]) -> list[dict]:
    rows: list[dict] = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RulesetRefused(f"{path.name}: not a readable JSON fixture ({exc})") from None
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise RulesetRefused(f"{path.name}: a fixture is a JSON list of objects")
        for row in data:
            if row.get("model") not in MODEL_ORDER:
                raise RulesetRefused(f"{path.name}: unexpected model {row.get('model')!r}")
        rows.extend(data)
    return rows


def _load_rows(rows: list[dict], *, replace: bool) -> None:
    """All rows in dependency order in one loaddata call, so a file may refer to sections
    defined in another file whatever the names sort as."""
    rows = sorted(rows, key=lambda row: MODEL_ORDER.index(row["model"]))
    _check_references(rows, replace)
    with tempfile.TemporaryDirectory() as tmp:
        combined = Path(tmp) / "rules_and_sections.json"
        combined.write_text(json.dumps(rows), encoding="utf-8")
        try:
            call_command("loaddata", str(combined), verbosity=0)
        except Exception as exc:  # loaddata wraps many error types; all of them mean "refuse"
            lines = [line for line in str(exc).splitlines() if line.strip()]
            raise RulesetRefused(lines[-1] if lines else repr(exc)) from None


def _check_references(rows: list[dict], replace: bool) -> None:
    """Name a reference to a section or rule that does not exist, before loaddata would fail
    on it with a database error."""
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
                raise RulesetRefused(f"{row['model']} {name!r}: unknown section {ref!r}")
        if row["model"] == "triage.condition":
            ref = (fields.get("rule") or [None])[0]
            if ref not in rule_keys:
                raise RulesetRefused(
                    f"condition on {fields.get('question')!r}: unknown rule {ref!r}"
                )
    _check_grid_references(rows, replace)


def _check_grid_references(rows: list[dict], replace: bool) -> None:
    """A comparison cell must name an option and a row that exist."""
    options = {r["fields"].get("slug") for r in rows if r["model"] == "triage.option"}
    grid_rows = {r["fields"].get("slug") for r in rows if r["model"] == "triage.gridrow"}
    if not replace:
        options |= set(Option.objects.values_list("slug", flat=True))
        grid_rows |= set(GridRow.objects.values_list("slug", flat=True))
    for row in rows:
        if row["model"] != "triage.cell":
            continue
        fields = row.get("fields") or {}
        option = (fields.get("option") or [None])[0]
        grid_row = (fields.get("row") or [None])[0]
        name = f"{option}/{grid_row}"
        if option not in options:
            raise RulesetRefused(f"triage.cell {name!r}: unknown option {option!r}")
        if grid_row not in grid_rows:
            raise RulesetRefused(f"triage.cell {name!r}: unknown row {grid_row!r}")

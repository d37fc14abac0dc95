"""Fixture files become the rules and sections in use: all or nothing, checked by the one
verdict, with the version recorded inside the same transaction."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from triage.authoring import files, verdict, versions
from triage.authoring.ruleset import clear_ruleset_cache, load_ruleset
from triage.engine import principles, rules

# The models a fixture may hold, in load order: the fixture format's table (``files.FORMATS``).
MODEL_ORDER = list(files.FORMATS)


class RulesetRefused(Exception):
    """Fixture files that must not be loaded; nothing was changed. `refusals` holds the
    ruleset's refusals when the files were readable but the result was not acceptable."""

    def __init__(self, message: str, refusals: Iterable[rules.Refusal] = ()):
        super().__init__(message)
        self.refusals = list(refusals)


def ruleset_load(paths: list[Path], *, replace: bool) -> principles.Report:
    """Load fixture files, all or nothing: with `replace`, they become every rule and section;
    otherwise their rows are added or updated. The files are read by ``files.read`` (a bad row
    is named by file and row), and the result must pass ``verdict.refusals`` (the admin's and
    the system check's test), or RulesetRefused is raised and the database is as it was.
    Records the version loaded and a history row for each row it changed."""
    try:
        with transaction.atomic():
            try:
                rows = files.read(paths, known={} if replace else _stored_keys())
            except files.FixtureError as exc:
                raise RulesetRefused(str(exc)) from None
            if replace:
                for label in reversed(MODEL_ORDER):
                    apps.get_model(label).objects.all().delete()
            _load_rows(rows)
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


def _stored_keys() -> dict[str, list[str]]:
    """The natural keys already in the database of every model a fixture row may refer to."""
    referred = {model for fmt in files.FORMATS.values() for model in fmt.refers.values()}
    return {
        label: list(
            apps.get_model(label).objects.values_list(files.FORMATS[label].key[0], flat=True)
        )
        for label in referred
    }


def _load_rows(rows: list[files.Row]) -> None:
    """All rows in dependency order in one loaddata call, so a file may refer to sections
    defined in another file whatever the names sort as."""
    ordered = sorted(rows, key=lambda row: MODEL_ORDER.index(row.model))
    with tempfile.TemporaryDirectory() as tmp:
        combined = Path(tmp) / "rules_and_sections.json"
        combined.write_text(json.dumps([row.as_fixture() for row in ordered]), encoding="utf-8")
        try:
            call_command("loaddata", str(combined), verbosity=0)
        except Exception as exc:  # loaddata wraps many error types; all of them mean "refuse"
            lines = [line for line in str(exc).splitlines() if line.strip()]
            raise RulesetRefused(lines[-1] if lines else repr(exc)) from None

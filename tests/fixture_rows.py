"""The shipped fixture rows, and edited copies of them, for tests that load or check files."""

import copy
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").glob("*.json"))
SECTIONS_FILE = next(p for p in FIXTURES if p.name == "sections.json")
# The rows of sections.json: every section and source as shipped.
SECTION_ROWS = json.loads(SECTIONS_FILE.read_text(encoding="utf-8"))


def shipped_rows():
    """Every row of fixtures/, a fresh copy each time."""
    return [r for p in FIXTURES for r in json.loads(p.read_text(encoding="utf-8"))]


def shipped_row(model, key):
    """A fresh copy of the shipped row of `model` ("triage.section") whose slug or key is `key`."""
    for row in shipped_rows():
        if row["model"] == model and key in (row["fields"].get("slug"), row["fields"].get("key")):
            return row
    raise AssertionError(f"no {model} {key!r} in fixtures/")


def shipped_section_row(slug):
    return shipped_row("triage.section", slug)


def with_fields(row, **fields):
    """A copy of `row` with `fields` changed."""
    changed = copy.deepcopy(row)
    changed["fields"].update(fields)
    return changed

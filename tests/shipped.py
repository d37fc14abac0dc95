"""Where the shipped rules and sections are: the fixture files `make run` loads."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").glob("*.json"))
SECTIONS_FILE = next(p for p in FIXTURES if p.name == "sections.json")
# The rows of sections.json: every section and source as shipped.
SECTION_ROWS = json.loads(SECTIONS_FILE.read_text(encoding="utf-8"))

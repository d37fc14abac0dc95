"""The rules and sections in the database, as fixture files a person can review in a diff.

Two files, the shape of the shipped ``fixtures/``: ``sections.json`` (each section followed by its
sources) and ``rules.json`` (each rule followed by its conditions). Rows are sorted by natural
key, keys within a row keep the fixtures' order, values follow the questionnaire's order, and
the text is indented with real characters, so an edit in the admin shows up as a small diff.
Inactive rows are exported too: the files are the whole state, and ``load_rules`` of them
rebuilds the same ruleset version.
"""

from __future__ import annotations

from pathlib import Path

from triage.authoring import condition_row, dump, rule_row, section_row, source_row
from triage.models import Rule, Section

FILES = ("sections.json", "rules.json")


def section_rows() -> list[dict]:
    rows: list[dict] = []
    for s in Section.objects.order_by("slug").prefetch_related("sources"):
        rows.append(
            section_row(
                s.slug,
                s.title,
                s.summary,
                s.body,
                s.indicator,
                s.last_reviewed.isoformat(),
                s.next_review.isoformat(),
                s.active,
            )
        )
        rows.extend(
            source_row(
                s.slug,
                source.position,
                source.label,
                source.url,
                source.year,
                source.checked.isoformat() if source.checked else "",
            )
            for source in sorted(s.sources.all(), key=lambda x: x.position)
        )
    return rows


def rule_rows() -> list[dict]:
    rows: list[dict] = []
    for r in Rule.objects.order_by("key").select_related("section").prefetch_related("conditions"):
        rows.append(rule_row(r.key, r.section.slug, r.priority, r.active, r.description))
        rows.extend(
            condition_row(
                r.key,
                c.question,
                c.operator,
                map(str, c.values if isinstance(c.values, list) else [c.values]),
            )
            for c in sorted(r.conditions.all(), key=lambda x: x.question)
        )
    return rows


def write(directory: Path) -> list[Path]:
    """Write sections.json and rules.json into `directory` (made if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in zip(FILES, (section_rows(), rule_rows()), strict=True):
        path = directory / name
        path.write_text(dump(rows), encoding="utf-8")
        written.append(path)
    return written

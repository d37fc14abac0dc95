"""The fixture format of rules and sections, read and written in one place.

Reading needs no database: ``load_files`` turns fixture files into an engine RuleSet, so the
exhaustive principle tests and ``verify_rules FILE`` can prove a file before it is loaded.
Writing has two sources, the engine's RuleSet (the snapshot kept with each ruleset version)
and the database (``export_rules``), walked into the same rows by the same builders: sorted by
natural key, keys within a row in the shipped fixtures' order, values in the questionnaire's
order, text indented with real characters, so an edit in the admin shows up as a small diff.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from triage.engine import questions, rules

FILES = ("sections.json", "rules.json", "comparison.json")

# --- reading ------------------------------------------------------------------------------


def ruleset_from_objects(objects: Iterable[dict], active_only: bool = True) -> rules.RuleSet:
    objects = list(objects)  # walked twice: once here, once for the grid
    sections: dict[str, dict] = {}
    sources: dict[str, list[tuple[int, rules.Source]]] = {}
    rule_rows: dict[str, dict] = {}
    conditions: dict[str, list[rules.Condition]] = {}
    for obj in objects:
        model, fields = obj["model"], obj["fields"]
        if model == "triage.section":
            sections[fields["slug"]] = fields
        elif model == "triage.source":
            sources.setdefault(fields["section"][0], []).append(
                (
                    fields.get("position", 1),
                    rules.Source(
                        fields["label"],
                        fields["url"],
                        fields.get("year"),
                        fields.get("checked") or "",
                    ),
                )
            )
        elif model == "triage.rule":
            rule_rows[fields["key"]] = fields
        elif model == "triage.condition":
            conditions.setdefault(fields["rule"][0], []).append(
                rules.Condition(
                    fields["question"], fields.get("operator", "in"), frozenset(fields["values"])
                )
            )
    built_sections = [
        rules.Section(
            slug=slug,
            title=f["title"],
            summary=f["summary"],
            body=f["body"],
            indicator=f.get("indicator", "info"),
            sources=tuple(s for _, s in sorted(sources.get(slug, []), key=lambda p: p[0])),
            last_reviewed=f["last_reviewed"],
            next_review=f["next_review"],
        )
        for slug, f in sections.items()
        if f.get("active", True) or not active_only
    ]
    live = {s.slug for s in built_sections}
    built_rules = [
        rules.Rule(
            key=key,
            section=f["section"][0],
            priority=f.get("priority", 100),
            active=f.get("active", True),
            conditions=tuple(sorted(conditions.get(key, []), key=lambda c: c.question)),
        )
        for key, f in rule_rows.items()
        if not active_only or (f.get("active", True) and f["section"][0] in live)
    ]
    # The comparison grid's rows (options, rows, cells) are read in authoring/comparison.py.
    from triage.authoring.comparison import grid_from_objects

    return rules.RuleSet.build(built_sections, built_rules, grid_from_objects(objects))


def load_files(paths: Iterable[Path]) -> rules.RuleSet:
    objects: list[dict] = []
    for path in paths:
        objects.extend(json.loads(Path(path).read_text(encoding="utf-8")))
    return ruleset_from_objects(objects)


# --- writing: one walk, two sources ---------------------------------------------------------


def ordered_values(question: str, values: Iterable[str]) -> list[str]:
    """Values in the questionnaire's order (unknown ones last, sorted): a stable, readable list."""
    declared = questions.rule_question_values().get(question, ())
    values = set(values)
    return [v for v in declared if v in values] + sorted(values - set(declared))


def section_rows(
    section: rules.Section, *, active: bool = True, positions: Iterable[int] | None = None
) -> list[dict]:
    """A section row, in the shipped fixtures' key order, then a row per source (numbered from
    1 unless the stored `positions` are given)."""
    s = section
    fields = {
        "slug": s.slug,
        "title": s.title,
        "summary": s.summary,
        "body": s.body,
        "indicator": s.indicator,
        "last_reviewed": s.last_reviewed,
        "next_review": s.next_review,
        "active": active,
    }
    rows = [{"model": "triage.section", "fields": fields}]
    numbers = positions if positions is not None else range(1, len(s.sources) + 1)
    for position, source in zip(numbers, s.sources, strict=True):
        fields = {"section": [s.slug], "position": position, "label": source.label}
        fields.update(url=source.url, year=source.year, checked=source.checked or None)
        rows.append({"model": "triage.source", "fields": fields})
    return rows


def rule_rows(rule: rules.Rule, *, description: str | None = None) -> list[dict]:
    """A rule row (with its description when there is one to keep), then its conditions."""
    fields: dict[str, object] = {"key": rule.key, "section": [rule.section]}
    if description is not None:
        fields["description"] = description
    fields.update(priority=rule.priority, active=rule.active)
    rows = [{"model": "triage.rule", "fields": fields}]
    for c in sorted(rule.conditions, key=lambda c: c.question):
        fields = {"rule": [rule.key], "question": c.question, "operator": c.operator}
        fields["values"] = ordered_values(c.question, c.values)
        rows.append({"model": "triage.condition", "fields": fields})
    return rows


def ruleset_objects(ruleset: rules.RuleSet) -> list[dict]:
    """The engine's ruleset as fixture rows, sections then rules, each sorted by natural key:
    ``ruleset_from_objects`` gives the same version back."""
    rows: list[dict] = []
    for slug in sorted(ruleset.sections):
        rows.extend(section_rows(ruleset.sections[slug]))
    for rule in sorted(ruleset.rules, key=lambda r: r.key):
        rows.extend(rule_rows(rule))
    from triage.authoring.comparison import grid_rows

    rows.extend(grid_rows(ruleset.grid))
    return rows


def database_objects() -> tuple[list[dict], list[dict], list[dict]]:
    """Every section (with its sources) and every rule (with its conditions) in the database,
    switched off or not, as the rows of sections.json and rules.json: the files are the whole
    state, and ``load_rules`` of them rebuilds the same ruleset version."""
    from triage.models import Rule, Section  # the reading half needs no database

    sections: list[dict] = []
    for s in Section.objects.order_by("slug").prefetch_related("sources"):
        positions = [source.position for source in s.sources.all()]
        sections.extend(section_rows(s.to_engine(), active=s.active, positions=positions))
    found: list[dict] = []
    for r in Rule.objects.order_by("key").select_related("section").prefetch_related("conditions"):
        found.extend(rule_rows(r.to_engine(), description=r.description))
    from triage.authoring.comparison import database_grid, grid_rows

    return sections, found, grid_rows(database_grid())


def dump(rows: list[dict]) -> str:
    """Fixture text that diffs well: two-space indent, real characters, a final newline."""
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def write_database(directory: Path) -> list[Path]:
    """Write sections.json, rules.json and comparison.json from the database into `directory`
    (made if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in zip(FILES, database_objects(), strict=True):
        path = directory / name
        path.write_text(dump(rows), encoding="utf-8")
        written.append(path)
    return written

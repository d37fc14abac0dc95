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

FILES = ("sections.json", "rules.json")

# --- reading ------------------------------------------------------------------------------


def ruleset_from_objects(objects: Iterable[dict], active_only: bool = True) -> rules.RuleSet:
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
                (fields.get("position", 1), rules.Source(fields["label"], fields["url"]))
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
    return rules.RuleSet.build(built_sections, built_rules)


def load_files(paths: Iterable[Path]) -> rules.RuleSet:
    objects: list[dict] = []
    for path in paths:
        objects.extend(json.loads(Path(path).read_text(encoding="utf-8")))
    return ruleset_from_objects(objects)


# --- writing: one builder per kind of row --------------------------------------------------


def ordered_values(question: str, values: Iterable[str]) -> list[str]:
    """Values in the questionnaire's order (unknown ones last, sorted): a stable, readable list."""
    declared = questions.rule_question_values().get(question, ())
    values = set(values)
    return [v for v in declared if v in values] + sorted(values - set(declared))


def section_row(slug, title, summary, body, indicator, last_reviewed, next_review, active):
    fields = {
        "slug": slug,
        "title": title,
        "summary": summary,
        "body": body,
        "indicator": indicator,
        "last_reviewed": last_reviewed,
        "next_review": next_review,
        "active": active,
    }
    return {"model": "triage.section", "fields": fields}


def source_row(section: str, position: int, label: str, url: str) -> dict:
    fields = {"section": [section], "position": position, "label": label, "url": url}
    return {"model": "triage.source", "fields": fields}


def rule_row(key: str, section: str, priority: int, active: bool, description=None) -> dict:
    fields = {"key": key, "section": [section]}
    if description is not None:
        fields["description"] = description
    fields.update(priority=priority, active=active)
    return {"model": "triage.rule", "fields": fields}


def condition_row(rule: str, question: str, operator: str, values) -> dict:
    fields = {
        "rule": [rule],
        "question": question,
        "operator": operator,
        "values": ordered_values(question, values),
    }
    return {"model": "triage.condition", "fields": fields}


# --- writing: the two sources ---------------------------------------------------------------


def ruleset_objects(ruleset: rules.RuleSet) -> list[dict]:
    """The engine's ruleset as fixture rows, sections then rules, each sorted by natural key:
    ``ruleset_from_objects`` gives the same version back."""
    rows: list[dict] = []
    for slug in sorted(ruleset.sections):
        s = ruleset.sections[slug]
        rows.append(
            section_row(
                s.slug,
                s.title,
                s.summary,
                s.body,
                s.indicator,
                s.last_reviewed,
                s.next_review,
                True,
            )
        )
        rows.extend(
            source_row(slug, position, source.label, source.url)
            for position, source in enumerate(s.sources, start=1)
        )
    for rule in sorted(ruleset.rules, key=lambda r: r.key):
        rows.append(rule_row(rule.key, rule.section, rule.priority, rule.active))
        rows.extend(
            condition_row(rule.key, c.question, c.operator, c.values)
            for c in sorted(rule.conditions, key=lambda c: c.question)
        )
    return rows


def database_objects() -> tuple[list[dict], list[dict]]:
    """Every section (with its sources) and every rule (with its conditions) in the database,
    switched off or not, as the rows of sections.json and rules.json: the files are the whole
    state, and ``load_rules`` of them rebuilds the same ruleset version."""
    from triage.models import Rule, Section  # the reading half needs no database

    sections: list[dict] = []
    for s in Section.objects.order_by("slug").prefetch_related("sources"):
        sections.append(
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
        sections.extend(
            source_row(s.slug, source.position, source.label, source.url)
            for source in sorted(s.sources.all(), key=lambda x: x.position)
        )
    rule_rows: list[dict] = []
    for r in Rule.objects.order_by("key").select_related("section").prefetch_related("conditions"):
        rule_rows.append(rule_row(r.key, r.section.slug, r.priority, r.active, r.description))
        rule_rows.extend(
            condition_row(r.key, c.question, c.operator, c.to_engine().values)
            for c in sorted(r.conditions.all(), key=lambda x: x.question)
        )
    return sections, rule_rows


def dump(rows: list[dict]) -> str:
    """Fixture text that diffs well: two-space indent, real characters, a final newline."""
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def write_database(directory: Path) -> list[Path]:
    """Write sections.json and rules.json from the database into `directory` (made if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in zip(FILES, database_objects(), strict=True):
        path = directory / name
        path.write_text(dump(rows), encoding="utf-8")
        written.append(path)
    return written

"""Read rules and sections straight from fixture files into an engine RuleSet.

No database needed: the exhaustive principle tests and `verify_rules`-style checks can prove
a fixture file before it is ever loaded.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from triage.engine import rules


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
    return rules.RuleSet.build(built_sections, built_rules)


def load_files(paths: Iterable[Path]) -> rules.RuleSet:
    objects: list[dict] = []
    for path in paths:
        objects.extend(json.loads(Path(path).read_text(encoding="utf-8")))
    return ruleset_from_objects(objects)

"""Safe authoring: what an edit to a rule or section would do, before it is saved.

Pure Python, no Django import. The admin builds a *candidate* ruleset from the current one and
an unsaved edit (``with_section``, ``with_rule``), asks what is wrong with it (``refusals``) and,
if nothing is, what it would change for patients (``effect``). ``load_rules``, ``verify_rules``
and the system check use ``refusals`` too, so every way in refuses the same things.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from triage.engine import principles, questions
from triage.engine.rules import Rule, RuleSet, Section, Shown, evaluate, problems
from triage.engine.safety import MANDATORY

# The contract's principles in a line each (docs/contract.md), for messages.
PRINCIPLES = {
    1: "every summary starts with 'not-medical-advice' and contains 'approved-protocols'",
    2: "a red flag, or an offer received, shows 'tourism-warning' right after the mandatory "
    "sections",
    3: "where HSCT is described, 'hsct-risks' is shown too",
    4: "the condition's evidence section is always shown",
    5: "Crohn's with a fistula shows 'msc-how-it-works', 'msc-safety' and 'evidence-crohns'",
    6: "refractory relapsing MS or systemic sclerosis shows the HSCT sections",
    7: "a low or unsure risk answer shows 'weighing-risks', and the risk answer never hides "
    "safety information",
    8: "'clinical-trials' and 'questions-to-ask' are always shown",
    9: "every shown section says why it is shown",
}


# --- answers in words ---------------------------------------------------------------------


def answers_in_words(answers: Mapping[str, object]) -> list[tuple[str, str]]:
    """(question, answer) pairs as a patient would read them, in questionnaire order."""
    out = []
    for question in questions.QUESTIONS:
        if question.key in answers:
            out.append((question.check_label, question.answer_text(answers[question.key])))  # type: ignore[arg-type]
    return out


def answers_sentence(answers: Mapping[str, object]) -> str:
    return "; ".join(f"{q}: {a}" for q, a in answers_in_words(answers))


# --- candidates ---------------------------------------------------------------------------


def with_section(
    current: RuleSet,
    new: Section | None,
    *,
    old_slug: str | None = None,
    rules_of_section: Iterable[Rule] = (),
) -> RuleSet:
    """`current` with the section `old_slug` replaced by `new` (or added, when `old_slug` is
    None; or removed or switched off, when `new` is None). `rules_of_section` are the section's
    active rules, which show it again when it is switched back on."""
    replaced = {old_slug} if old_slug else set()
    if new is not None:
        replaced.add(new.slug)
    sections = [s for slug, s in current.sections.items() if slug not in replaced]
    kept = [r for r in current.rules if r.section not in replaced]
    if new is not None:
        sections.append(new)
        own = {r.key: dataclasses.replace(r, section=new.slug) for r in rules_of_section}
        kept = [r for r in kept if r.key not in own] + list(own.values())
    return RuleSet.build(sections, kept)


def with_rule(current: RuleSet, new: Rule | None, *, old_key: str | None = None) -> RuleSet:
    """`current` with the rule `old_key` replaced by `new` (or added, or removed when `new` is
    None or switched off)."""
    drop = {old_key} if old_key else set()
    if new is not None:
        drop.add(new.key)
    kept = [r for r in current.rules if r.key not in drop]
    if new is not None and new.active:
        kept.append(new)
    return RuleSet.build(current.sections.values(), kept)


# --- what is refused ----------------------------------------------------------------------


def mandatory_problems(ruleset: RuleSet) -> list[str]:
    """The mandatory sections must be there and switched on: editors may improve their text,
    never remove them."""
    return [
        f"section {slug!r} is mandatory: it cannot be deleted or switched off"
        for slug in MANDATORY
        if slug not in ruleset.sections
    ]


def describe_violation(violation: principles.Violation) -> str:
    return (
        f"principle {violation.principle} ({PRINCIPLES.get(violation.principle, '')}) would "
        f"no longer hold: {violation.message}. For example, for these answers: "
        f"{answers_sentence(violation.answers)}"
    )


def refusals(ruleset: RuleSet, *, in_words: bool = True) -> list[str]:
    """Why this ruleset must not be used: unknown names, missing sources, advice, a missing
    mandatory section, or else the first principle that breaks, with an answer set that breaks
    it. Empty when it may be used."""
    found = problems(ruleset) + mandatory_problems(ruleset)
    if found:
        return found
    report = principles.verify(ruleset, stop_after=1)
    if report.violations:
        first = report.violations[0]
        return [describe_violation(first) if in_words else str(first)]
    return []


# --- what an edit changes -----------------------------------------------------------------

CONTENT_FIELDS = {
    "title": "title",
    "summary": "summary",
    "body": "text",
    "indicator": "indicator",
    "sources": "sources",
    "last_reviewed": "last-reviewed date",
    "next_review": "next-review date",
}


@dataclass
class Example:
    answers: dict[str, object]
    combinations: int  # how many answer sets this example stands for
    before: list[str]
    after: list[str]
    added: list[str]
    removed: list[str]
    changed: dict[str, list[str]]  # slug -> what changed in it (text, reasons, ...)
    moved: bool = False  # same sections, in a different order

    @property
    def in_words(self) -> list[tuple[str, str]]:
        return answers_in_words(self.answers)


@dataclass
class Effect:
    changed: int  # answer combinations whose summary would be different
    total: int
    examples: list[Example] = field(default_factory=list)

    @property
    def none(self) -> bool:
        return self.changed == 0

    @property
    def changed_text(self) -> str:
        return f"{self.changed:,}"

    @property
    def total_text(self) -> str:
        return f"{self.total:,}"

    @property
    def percent(self) -> str:
        share = 100 * self.changed / self.total if self.total else 0
        return f"{share:.1f}" if share >= 0.1 or not share else "<0.1"


def _content_changes(old: Section, new: Section) -> list[str]:
    return [
        label for name, label in CONTENT_FIELDS.items() if getattr(old, name) != getattr(new, name)
    ]


def _compare(before: list[Shown], after: list[Shown], old: RuleSet, new: RuleSet):
    b = [s.slug for s in before]
    a = [s.slug for s in after]
    added = [s for s in a if s not in b]
    removed = [s for s in b if s not in a]
    changed: dict[str, list[str]] = {}
    reasons_before = {s.slug: s.reasons() for s in before}
    for item in after:
        if item.slug not in reasons_before:
            continue
        what = _content_changes(old.section(item.slug), new.section(item.slug))
        if item.reasons() != reasons_before[item.slug]:
            what.append("why it is shown")
        if what:
            changed[item.slug] = what
    moved = not added and not removed and a != b
    return b, a, added, removed, changed, moved


def effect(before: RuleSet, after: RuleSet, *, limit: int = 3) -> Effect:
    """How many answer combinations would get a different summary (other sections, another
    order, other text or other reasons) if `after` replaced `before`, with up to `limit`
    examples of different kinds."""
    # Classes fine enough for both rulesets: no rule of either can tell their members apart.
    both = RuleSet(sections={}, rules=before.rules + after.rules)
    total = changed = 0
    examples: dict[tuple, Example] = {}
    for answers, weight in principles.answer_classes(both):
        total += weight
        old_items = evaluate(answers, before)
        new_items = evaluate(answers, after)
        b, a, added, removed, what, moved = _compare(old_items, new_items, before, after)
        if not (added or removed or what or moved):
            continue
        changed += weight
        kind = (tuple(added), tuple(removed), tuple(sorted(what)), moved)
        if kind in examples:
            examples[kind].combinations += weight
        elif len(examples) < limit:
            examples[kind] = Example(dict(answers), weight, b, a, added, removed, what, moved)
    return Effect(changed=changed, total=total, examples=list(examples.values()))


# --- what can never happen ----------------------------------------------------------------


@dataclass
class Coverage:
    unreachable_sections: list[str]
    silent_rules: list[str]  # active rules whose conditions never all hold


def coverage(ruleset: RuleSet) -> Coverage:
    shown: set[str] = set()
    fired: set[str] = set()
    for answers, _ in principles.answer_classes(ruleset):
        for item in evaluate(answers, ruleset):
            shown.add(item.slug)
            fired.update(item.rules)
    return Coverage(
        unreachable_sections=sorted(set(ruleset.sections) - shown),
        silent_rules=sorted(r.key for r in ruleset.rules if r.active and r.key not in fired),
    )


# --- fixture rows -------------------------------------------------------------------------


def ordered_values(question: str, values: Iterable[str]) -> list[str]:
    """Values in the questionnaire's order (unknown ones last, sorted): a stable, readable list."""
    declared = questions.rule_question_values().get(question, ())
    values = set(values)
    return [v for v in declared if v in values] + sorted(values - set(declared))


def section_row(slug, title, summary, body, indicator, last_reviewed, next_review, active):
    """One fixture row of each kind, in the shipped fixtures' key order (shared by the version
    snapshots here and export.py, so both write the same shape)."""
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


def ruleset_objects(ruleset: RuleSet) -> list[dict]:
    """The engine's ruleset as fixture rows (the shape of fixtures/), sections then rules, each
    sorted by natural key: ``ruleset_files.ruleset_from_objects`` gives the same version back."""
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


def dump(rows: list[dict]) -> str:
    """Fixture text that diffs well: two-space indent, real characters, a final newline."""
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"

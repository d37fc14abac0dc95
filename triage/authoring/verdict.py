"""Safe authoring: what an edit to a rule or section would do, before it is saved.

Pure Python, no Django import. The admin builds a *candidate* ruleset from the current one and
an unsaved edit (``with_section``, ``with_rule``), asks what is wrong with it (``refusals``) and,
if nothing is, what it would change for patients (``effect``). ``load_rules`` (through
``authoring.loading.ruleset_load``), ``verify_rules`` and the system check call ``refusals`` too, so every
way in refuses the same things with the same codes and words.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from triage.authoring import comparison, readability, translations
from triage.engine import principles, questions
from triage.engine.questions import answers_in_words
from triage.engine.rules import Refusal, Rule, RuleSet, Section, Shown, evaluate, problems
from triage.engine.slugs import MANDATORY

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
    return translations.still_named(
        RuleSet.build(sections, kept, current.grid, current.translations)
    )


def with_rule(current: RuleSet, new: Rule | None, *, old_key: str | None = None) -> RuleSet:
    """`current` with the rule `old_key` replaced by `new` (or added, or removed when `new` is
    None or switched off)."""
    drop = {old_key} if old_key else set()
    if new is not None:
        drop.add(new.key)
    kept = [r for r in current.rules if r.key not in drop]
    if new is not None and new.active:
        kept.append(new)
    return RuleSet.build(current.sections.values(), kept, current.grid, current.translations)


# --- what is refused ----------------------------------------------------------------------


def mandatory_refusals(ruleset: RuleSet) -> list[Refusal]:
    """The mandatory sections must be there and switched on: editors may improve their text,
    never remove them."""
    return [
        Refusal(
            "mandatory-missing",
            f"section {slug!r} is mandatory: it cannot be deleted or switched off",
            field="active",
            section=slug,
        )
        for slug in MANDATORY
        if slug not in ruleset.sections
    ]


Check = Callable[[RuleSet], list[Refusal]]

# What a ruleset is checked for before anything else; each check is one function from a ruleset
# to its refusals (each saying which section or rule, and which field, it is about), so another
# check is one more entry here, and every way in refuses it alike.
CHECKS: list[Check] = [
    problems,
    mandatory_refusals,
    readability.ruleset_refusals,
    comparison.refusals,  # the comparison grid: principle 12, sources, reading grade, ranking
    translations.refusals,  # content translations: names, advice and reading in their language
]


def checked(ruleset: RuleSet) -> list[Refusal]:
    """What the CHECKS find, in their order."""
    return [refusal for check in CHECKS for refusal in check(ruleset)]


def row_refusals(alone: RuleSet, *, section: str = "", rule: str = "") -> list[Refusal]:
    """What the CHECKS refuse in one section or rule, from a ruleset holding it (and, for a
    rule, its section): a switched-off row is not in the candidate, but what it says and names
    must be sound before it is saved, as it may be switched back on."""
    return [
        r for r in checked(alone) if (section and r.section == section) or (rule and r.rule == rule)
    ]


@dataclass(frozen=True)
class Assessment:
    refusals: list[Refusal]
    report: principles.Report | None  # the proof, when the checks let it run


# --- kept by fingerprint ---------------------------------------------------------------------
# The verdict and the effect depend on nothing but the rulesets' content, and a built ruleset's
# version is a hash of that content: both are kept by version, so the same candidate (an edit
# posted again, then confirmed; a delete asked about twice) is proved and counted once per
# process. An unbuilt ruleset (version "") is never kept.
KEPT = 32
_kept: OrderedDict[Hashable, object] = OrderedDict()
_kept_lock = threading.Lock()


def _keep(key: Hashable, versions: tuple[str, ...], compute: Callable[[], object]):
    if not all(versions):
        return compute()
    with _kept_lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    value = compute()
    with _kept_lock:
        _kept[key] = value
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value


def forget() -> None:
    """Drop every kept verdict and effect (tests that change how the proof runs)."""
    with _kept_lock:
        _kept.clear()


def assess(ruleset: RuleSet, *, stop_after: int = 1) -> Assessment:
    """Whatever the CHECKS find (unknown names, missing sources, advice, a missing mandatory
    section...) or, when they find nothing, the principles that break over the whole answer
    space (the first `stop_after` violations; 0 for all), each with an answer set that breaks
    it. A proof over unknown names would mean nothing, so it runs only when the checks pass.
    Kept by the ruleset's fingerprint (its version)."""
    key = ("assess", ruleset.version, stop_after)
    return _keep(key, (ruleset.version,), lambda: _assess(ruleset, stop_after))


def _assess(ruleset: RuleSet, stop_after: int) -> Assessment:
    found = checked(ruleset)
    if found:
        return Assessment(found, None)
    report = principles.verify(ruleset, stop_after=stop_after)
    return Assessment([Refusal(v.code, v.describe()) for v in report.violations], report)


def refusals(ruleset: RuleSet) -> list[Refusal]:
    """Why this ruleset must not be used; empty when it may be. The admin, ``load_rules``,
    ``verify_rules`` and the system check all ask this (or ``assess``), so each refuses the
    same things with the same codes and words."""
    return assess(ruleset).refusals


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
    language = questions.active_language()
    reasons_before = {s.slug: s.reasons(language) for s in before}
    for item in after:
        if item.slug not in reasons_before:
            continue
        what = _content_changes(old.section(item.slug), new.section(item.slug))
        if item.reasons(language) != reasons_before[item.slug]:
            what.append("why it is shown")
        if what:
            changed[item.slug] = what
    moved = not added and not removed and a != b
    return b, a, added, removed, changed, moved


def effect(before: RuleSet, after: RuleSet, *, limit: int = 3) -> Effect:
    """How many answer combinations would get a different summary (other sections, another
    order, other text or other reasons) if `after` replaced `before`, with up to `limit`
    examples of different kinds. Kept by the two rulesets' fingerprints."""
    key = ("effect", before.version, after.version, limit)
    return _keep(key, (before.version, after.version), lambda: _effect(before, after, limit))


def _effect(before: RuleSet, after: RuleSet, limit: int) -> Effect:
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

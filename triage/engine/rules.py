"""The rules engine: answers in, ordered sections with their reasons out.

Pure Python, no Django import, so every rule and principle can be tested without a database.
Rules are data (rows in the admin, JSON in ``fixtures/``); this module gives them meaning:

* a rule fires when **all** its conditions hold (a rule with no conditions always fires);
* a section is shown when **any** of its active rules fires;
* a condition on a question that was not answered is **false**, on purpose: a question that
  was skipped by the questionnaire's own routing says nothing about the person, so it cannot
  show (or, with ``not_in``, hide behind a negation) a section;
* the two mandatory sections are added here, not by data, so no edit can remove them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cached_property, lru_cache, partial

from triage.engine import advice, questions
from triage.engine.comparison import Grid
from triage.engine.questions import _, tr
from triage.engine.safety import BUILTIN
from triage.engine.slugs import MANDATORY, TOURISM_WARNING
from triage.engine.translations import Translation

# Indicators as in CDS Hooks cards, with the words an editor reads in the admin.
INDICATORS = {"info": "Information", "warning": "Warning", "critical": "Critical"}


def _holds(answer: object, values: frozenset[str], negate: bool) -> bool:
    """`in`: the answer (or, for a list, any chosen value) is one of the values.
    `not_in`: the answer (or every chosen value) is none of them."""
    hit = not values.isdisjoint(answer) if isinstance(answer, list) else answer in values
    return hit is not negate


OPERATORS = {"in": False, "not_in": True}  # operator name -> whether the test is negated
OPERATOR_WORDS = {"in": "is one of", "not_in": "is none of"}  # as an editor reads them
_MISSING = object()


# --- from rows --------------------------------------------------------------------------
# Sections, sources, rules and conditions reach the engine from fixture rows, database rows and
# an admin form's unsaved edit; the ``from_row`` builders below are the only place they are
# made, each reading the fields the fixture format names from a mapping or from attributes.


def _reader(row: object) -> Callable[[str], object]:
    if isinstance(row, Mapping):
        return row.get
    return lambda name: getattr(row, name, None)


def _iso(value: object) -> str:
    """A date as the ISO text the engine keeps: a date (database, form) or text (fixture)."""
    if not value:
        return ""
    return value if isinstance(value, str) else value.isoformat()  # type: ignore[attr-defined]


def _named(reference: object) -> str:
    """The key a reference names: ["hsct-risks"] in a fixture, a row with a natural key in the
    database or a form, or the key itself."""
    if isinstance(reference, list | tuple):
        return str(reference[0])
    natural_key = getattr(reference, "natural_key", None)
    return str(natural_key()[0]) if natural_key else str(reference)


def _given(**fields: object) -> dict[str, object]:
    """The fields a row has a value for; the dataclass's default stands for the others."""
    return {name: value for name, value in fields.items() if value is not None}


@dataclass(frozen=True)
class Source:
    label: str
    url: str
    year: int | None = None  # the year the work was published
    checked: str = ""  # ISO date an undated web page was last checked

    @classmethod
    def from_row(cls, row: object) -> Source:
        get = _reader(row)
        return cls(
            label=str(get("label")),
            url=str(get("url")),
            year=get("year") or None,  # type: ignore[arg-type]
            checked=_iso(get("checked")),
        )

    @property
    def when(self) -> str:
        """How old the source is, in words: "2019", or "undated, checked 30 November 2026"."""
        return source_when(self.year, self.checked)


def source_when(year: object, checked: object) -> str:
    """A source's date in words, from its year or (for an undated web page) its checked date;
    "undated" when it has neither."""
    if year:
        return str(year)
    if checked:
        try:
            day = date.fromisoformat(str(checked))
        except ValueError:
            return "undated"
        return f"undated, checked {day.day} {day:%B %Y}"
    return "undated"


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    summary: str
    body: str  # Markdown
    indicator: str = "info"
    sources: tuple[Source, ...] = ()
    last_reviewed: str = ""  # ISO dates, kept as text so the engine needs no date handling
    next_review: str = ""

    @classmethod
    def from_row(cls, row: object, sources: Iterable[object]) -> Section:
        """A section from its row and its sources' rows (in any order: ``position`` orders them)."""
        get = _reader(row)
        ordered = sorted(sources, key=lambda source: _reader(source)("position") or 1)  # type: ignore[arg-type,return-value]
        return cls(
            **_given(  # type: ignore[arg-type]
                slug=get("slug"),
                title=get("title"),
                summary=get("summary"),
                body=get("body"),
                indicator=get("indicator") or None,
                sources=tuple(Source.from_row(source) for source in ordered),
                last_reviewed=_iso(get("last_reviewed")),
                next_review=_iso(get("next_review")),
            )
        )


@dataclass(frozen=True)
class Condition:
    question: str
    operator: str
    values: frozenset[str]

    @classmethod
    def from_row(cls, row: object) -> Condition:
        get = _reader(row)
        values = get("values")
        listed = values if isinstance(values, list | tuple) else [values]
        return cls(str(get("question")), str(get("operator") or "in"), frozenset(map(str, listed)))


@dataclass(frozen=True)
class Rule:
    key: str
    section: str
    conditions: tuple[Condition, ...] = ()
    priority: int = 100
    active: bool = True

    @classmethod
    def from_row(cls, row: object, conditions: Iterable[object]) -> Rule:
        """A rule from its row and its conditions' rows (kept in order of question)."""
        get = _reader(row)
        built = sorted((Condition.from_row(c) for c in conditions), key=lambda c: c.question)
        return cls(
            **_given(  # type: ignore[arg-type]
                key=get("key"),
                section=_named(get("section")),
                conditions=tuple(built),
                priority=get("priority"),
                active=get("active"),
            )
        )


@dataclass(frozen=True)
class RuleSet:
    sections: Mapping[str, Section]
    rules: tuple[Rule, ...]
    version: str = field(default="")
    # The comparison grid (engine/comparison.py); None for a ruleset built without one (tests,
    # snapshots from before the grid), which leaves principle 12 nothing to check.
    grid: Grid | None = None
    # Content translations (engine/translations.py): shown in place of the English they were
    # made from, checked by the same verdict as the English.
    translations: tuple[Translation, ...] = ()

    @classmethod
    def build(
        cls,
        sections: Iterable[Section],
        rules: Iterable[Rule],
        grid: Grid | None = None,
        translations: Iterable[Translation] = (),
    ) -> RuleSet:
        """Make a ruleset whose version is a hash of everything that can change a summary."""
        by_slug = {s.slug: s for s in sections}
        ordered = tuple(sorted(rules, key=lambda r: r.key))
        kept = tuple(sorted(translations, key=lambda t: (t.language, t.kind, t.key)))
        version = content_version(by_slug, ordered, grid, kept)
        return cls(sections=by_slug, rules=ordered, version=version, grid=grid, translations=kept)

    @cached_property
    def compiled(self) -> tuple[tuple[Rule, tuple[tuple[str, frozenset[str], bool], ...]], ...]:
        """The rules that can fire, with their conditions as plain tuples: built once per
        ruleset so evaluate() does no lookups it can avoid."""
        return tuple(
            (rule, tuple((c.question, c.values, OPERATORS[c.operator]) for c in rule.conditions))
            for rule in self.rules
            if rule.active and rule.section not in MANDATORY and rule.section in self.sections
        )

    def section(self, slug: str) -> Section:
        """A section's content; the mandatory ones fall back to the built-in text."""
        if slug in self.sections:
            return self.sections[slug]
        return builtin_section(slug)


def builtin_section(slug: str) -> Section:
    """The built-in text of a mandatory section, shown when its row is missing or switched off."""
    data = BUILTIN[slug]
    return Section.from_row({"slug": slug, **data}, data["sources"])


def content_version(
    sections: Mapping[str, Section],
    rules: tuple[Rule, ...],
    grid: Grid | None = None,
    translations: tuple[Translation, ...] = (),
) -> str:
    payload: dict[str, object] = {
        "sections": [asdict(sections[k]) for k in sorted(sections)],
        "rules": [
            {
                **{k: v for k, v in asdict(r).items() if k != "conditions"},
                "conditions": sorted(
                    [c.question, c.operator, sorted(c.values)] for c in r.conditions
                ),
            }
            for r in rules
        ],
    }
    if grid is not None:  # absent for rulesets without a grid, so their versions stay the same
        payload["grid"] = grid.payload()
    if translations:  # absent without translations, so earlier versions stay the same
        payload["translations"] = [t.as_row() for t in translations]
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


@dataclass(frozen=True)
class Match:
    """A condition that held, with the answer that made it hold."""

    question: str
    operator: str
    values: tuple[str, ...]
    answer: str | tuple[str, ...]

    def reason(self) -> str:
        """The condition in plain words, built from the person's own answer."""
        return _reason(self.question, self.answer, questions.active_language())


@lru_cache(maxsize=4096)
def _reason(question_key: str, answer: str | tuple[str, ...], language: str | None) -> str:
    """Kept per language: the whole-answer-space proof asks for the same few hundred reasons
    millions of times, and each costs several gettext lookups."""
    derived = questions.DERIVED.get(question_key)
    if derived is not None:
        return tr(derived.reason_yes if answer == "yes" else derived.reason_no)
    question = questions.BY_KEY[question_key]
    return tr(question.reason).format(answer=question.quoted(answer))


@dataclass(frozen=True)
class Shown:
    slug: str
    rules: tuple[str, ...]  # keys of the rules that fired; empty for mandatory sections
    matches: tuple[Match, ...]
    mandatory: bool = False
    # The tourism warning only: the warning signs the person ticked, in their own words
    # (principle 11), named before the general list.
    named: tuple[str, ...] = ()

    def reasons(self, language: str | None = None) -> list[str]:
        """Why it is shown, in the active language; a caller that asks for many reasons at
        once, like the whole-answer-space proof, passes it, looked up once."""
        language = language or questions.active_language()
        if self.mandatory:
            return [_said(_("it is shown to everyone who uses this tool"), language)]
        if not self.matches:
            return [_said(_("it applies to everyone, whatever their answers"), language)]
        seen: dict[str, None] = {}
        for m in self.matches:
            seen[_reason(m.question, m.answer, language)] = None
        return list(seen)


@lru_cache(maxsize=64)
def _said(text: str, language: str | None) -> str:
    return tr(text)


def _firing(facts: Mapping[str, object], ruleset: RuleSet):
    """The active rules whose conditions all hold for these facts, with their conditions."""
    for rule, conditions in ruleset.compiled:
        for question, values, negate in conditions:
            answer = facts.get(question, _MISSING)
            if answer is _MISSING or not _holds(answer, values, negate):
                break
        else:
            yield rule, conditions


def sections_shown(answers: Mapping[str, object], ruleset: RuleSet) -> set[str]:
    """The slugs `evaluate` would show, without their order or reasons: for checks that ask
    only whether a section is there, over many answers."""
    facts = questions.facts(answers)
    return set(MANDATORY) | {rule.section for rule, _conditions in _firing(facts, ruleset)}


def evaluate(answers: Mapping[str, object], ruleset: RuleSet) -> list[Shown]:
    """The sections for these answers: mandatory first, then the tourism warning when shown,
    then the rest by the best (lowest) priority of the rules that fired, then by slug."""
    facts = questions.facts(answers)
    fired: dict[str, list[tuple[Rule, list[Match]]]] = {}
    for rule, conditions in _firing(facts, ruleset):
        matches = [
            Match(
                question=question,
                operator="not_in" if negate else "in",
                values=tuple(sorted(values)),
                answer=tuple(a) if isinstance(a := facts[question], list) else a,  # type: ignore[arg-type]
            )
            for question, values, negate in conditions
        ]
        fired.setdefault(rule.section, []).append((rule, matches))

    shown = [Shown(slug=slug, rules=(), matches=(), mandatory=True) for slug in MANDATORY]
    rest = []
    for slug, hits in fired.items():
        item = Shown(
            slug=slug,
            rules=tuple(r.key for r, _ in hits),
            matches=tuple(m for _, ms in hits for m in ms),
            named=questions.named_signs(answers) if slug == TOURISM_WARNING else (),
        )
        rank = 0 if slug == TOURISM_WARNING else 1
        rest.append(((rank, min(r.priority for r, _ in hits), slug), item))
    shown.extend(item for _, item in sorted(rest, key=lambda pair: pair[0]))
    return shown


@dataclass(frozen=True)
class Refusal:
    """Why a ruleset must not be used: a stable code (for tests, logs and system-check ids), a
    message in plain words (for the editor or operator who has to fix it), and what it is
    about, so the admin can show it beside the field to fix: the field as the fixture format
    and the admin's forms name it ("body", "active", "values"...), in the section `section` or
    the rule `rule` (and its condition on `question`); all empty for the ruleset as a whole."""

    code: str
    message: str
    field: str = ""
    section: str = ""
    rule: str = ""
    question: str = ""
    # A content translation it is about: "language:kind:key" (engine/translations.py).
    translation: str = ""

    def __str__(self) -> str:
        return self.message


def problems(ruleset: RuleSet) -> list[Refusal]:
    """Everything wrong with a ruleset's references and content, in plain words."""
    allowed = questions.rule_question_values()
    out = [p for _, section in sorted(ruleset.sections.items()) for p in _section_problems(section)]
    for rule in ruleset.rules:
        out.extend(_rule_problems(rule, ruleset, allowed))
    return out


def _section_problems(section: Section) -> Iterator[Refusal]:
    where = f"section {section.slug!r}"
    about = partial(Refusal, section=section.slug)
    if section.indicator not in INDICATORS:
        yield about(
            "unknown-indicator", f"{where}: unknown indicator {section.indicator!r}", "indicator"
        )
    if not section.sources:
        yield about("no-source", f"{where}: needs at least one source", "sources")
    for name in ("title", "body"):
        if not getattr(section, name).strip():
            yield about("no-text", f"{where}: needs a {name}", name)
    for name in ("title", "summary", "body"):
        for phrase in dict.fromkeys(advice.find_advice(getattr(section, name))):
            yield about(
                "advice",
                f"{where}: the {name} gives advice about a person's own treatment: "
                f"\u201c{phrase}\u201d (say what is known instead, or \u2018ask your "
                "specialist team about \u2026\u2019)",
                name,
            )


def _rule_problems(
    rule: Rule, ruleset: RuleSet, allowed: Mapping[str, tuple[str, ...]]
) -> Iterator[Refusal]:
    where = f"rule {rule.key!r}"
    about = partial(Refusal, rule=rule.key)
    if rule.section not in ruleset.sections:
        yield about("unknown-section", f"{where}: unknown section {rule.section!r}", "section")
    elif rule.section in MANDATORY:
        yield about(
            "rule-on-mandatory",
            f"{where}: section {rule.section!r} is always shown and takes no rules",
            "section",
        )
    seen = set()
    for cond in rule.conditions:
        asked = cond.question
        condition = partial(about, question=asked)
        if asked not in allowed:
            yield condition("unknown-question", f"{where}: unknown question {asked!r}", "question")
            continue
        if asked in seen:
            yield condition(
                "repeated-question", f"{where}: more than one condition on {asked!r}", "question"
            )
        seen.add(asked)
        if cond.operator not in OPERATORS:
            yield condition(
                "unknown-operator", f"{where}: unknown operator {cond.operator!r}", "operator"
            )
        if not cond.values:
            yield condition(
                "no-values", f"{where}: condition on {asked!r} lists no values", "values"
            )
        for value in sorted(cond.values - set(allowed[asked])):
            yield condition(
                "unknown-value", f"{where}: unknown value {value!r} for {asked!r}", "values"
            )

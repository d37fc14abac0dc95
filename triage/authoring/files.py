"""The fixture format of rules and sections, read and written in one place.

Reading needs no database: ``read`` checks every row of the files against ``FORMATS`` and names
the file and row of anything wrong, so ``load_rules``, ``verify_rules FILE`` and the exhaustive
principle tests all read a file the same way, and ``load_files`` turns it into an engine
RuleSet that can be proved before it is loaded.
Writing has two sources, the engine's RuleSet (the snapshot kept with each ruleset version)
and the database (``export_rules``), walked into the same rows by the same builders: sorted by
natural key, keys within a row in the shipped fixtures' order, values in the questionnaire's
order, text indented with real characters, so an edit in the admin shows up as a small diff.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from triage.engine import questions, rules
from triage.engine.translations import KINDS, Translation

FILES = ("sections.json", "rules.json", "comparison.json")
# Content translations, one pair of files per language: sections, then the comparison grid.
TRANSLATION_FILES = {"section": "{language}-sections.json", "grid": "{language}-comparison.json"}

# --- the format ---------------------------------------------------------------------------


def _is_date(value: object) -> bool:
    try:
        datetime.date.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Kind:
    """What a field holds: how a message names it, and the test a value must pass."""

    name: str
    fits: Callable[[object], bool]


TEXT = Kind("text", lambda v: isinstance(v, str))
DATE = Kind("a date such as 2026-11-30", _is_date)
DATE_OR_NULL = Kind("a date such as 2026-11-30, or null", lambda v: v is None or _is_date(v))
FLAG = Kind("true or false", lambda v: isinstance(v, bool))
NUMBER = Kind("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool))
NUMBER_OR_NULL = Kind("a whole number, or null", lambda v: v is None or NUMBER.fits(v))
AMOUNT_OR_NULL = Kind(
    "a number such as 2.1, or null",
    lambda v: v is None or (isinstance(v, int | float) and not isinstance(v, bool)),
)
REFERENCE = Kind(
    'a natural key such as ["hsct-risks"]',
    lambda v: isinstance(v, list) and len(v) == 1 and isinstance(v[0], str),
)
TEXTS = Kind(
    'an object of texts such as {"title": "…"}',
    lambda v: isinstance(v, dict) and all(isinstance(t, str) for t in v.values()),
)
VALUES = Kind(
    "a list of answer values",
    lambda v: isinstance(v, list) and all(isinstance(item, str) for item in v),
)


@dataclass(frozen=True)
class Format:
    """One model's rows: the fields that name a row (its natural key), the fields it must
    have, those it may have, and which fields refer to a row of another model."""

    key: tuple[str, ...]
    required: Mapping[str, Kind]
    optional: Mapping[str, Kind] = field(default_factory=dict)
    refers: Mapping[str, str] = field(default_factory=dict)  # field -> model it names


# Every model a fixture may hold, in the order rows load: a row refers only to models above it.
FORMATS: dict[str, Format] = {
    "triage.section": Format(
        key=("slug",),
        required={
            "slug": TEXT,
            "title": TEXT,
            "summary": TEXT,
            "body": TEXT,
            "last_reviewed": DATE,
            "next_review": DATE,
        },
        optional={"indicator": TEXT, "active": FLAG},
    ),
    "triage.source": Format(
        key=("section", "position"),
        required={"section": REFERENCE, "label": TEXT, "url": TEXT},
        optional={"position": NUMBER, "year": NUMBER_OR_NULL, "checked": DATE_OR_NULL},
        refers={"section": "triage.section"},
    ),
    "triage.rule": Format(
        key=("key",),
        required={"key": TEXT, "section": REFERENCE},
        optional={"description": TEXT, "priority": NUMBER, "active": FLAG},
        refers={"section": "triage.section"},
    ),
    "triage.condition": Format(
        key=("rule", "question"),
        required={"rule": REFERENCE, "question": TEXT, "values": VALUES},
        optional={"operator": TEXT},
        refers={"rule": "triage.rule"},
    ),
    # Compare your options (authoring/comparison.py, docs/comparison.md).
    "triage.option": Format(
        key=("slug",),
        required={"slug": TEXT, "title": TEXT},
        optional={"order": NUMBER, "conditions": VALUES, "offered_only": FLAG, "active": FLAG},
    ),
    "triage.gridrow": Format(
        key=("slug",),
        required={"slug": TEXT, "question": TEXT},
        optional={"order": NUMBER},
    ),
    "triage.cell": Format(
        key=("option", "row", "condition"),
        required={
            "option": REFERENCE,
            "row": REFERENCE,
            "text": TEXT,
            "last_reviewed": DATE,
            "next_review": DATE,
        },
        optional={
            "condition": TEXT,
            "per_100": AMOUNT_OR_NULL,
            "outcome": TEXT,
            "who": TEXT,
            "time_frame": TEXT,
            "study": TEXT,
            "year": NUMBER_OR_NULL,
            "study_type": TEXT,
            "source_label": TEXT,
            "source_url": TEXT,
        },
        refers={"option": "triage.option", "row": "triage.gridrow"},
    ),
    # Content translations (engine/translations.py): no references, as a translation's key
    # may name a section, option, row or cell; the verdict refuses one that names nothing.
    "triage.translation": Format(
        key=("kind", "key", "language"),
        required={
            "kind": TEXT,
            "key": TEXT,
            "language": TEXT,
            "texts": TEXTS,
            "source_fingerprint": TEXT,
        },
        optional={"translator": TEXT, "status": TEXT},
    ),
}


class FixtureError(ValueError):
    """Fixture rows that cannot be read as rules and sections: one line per problem, each
    naming the file and the row."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Row:
    """A checked fixture row, with where it was read (for messages)."""

    model: str
    fields: Mapping[str, object]
    file: str
    number: int  # counted from 1

    @property
    def origin(self) -> str:
        return _origin(self.file, self.number)

    @property
    def key(self) -> tuple[object, ...]:
        """The row's natural key, references as the key they name ("hsct-risks", not a list)."""
        fmt = FORMATS[self.model]
        values = (self.fields.get(name, 1 if name == "position" else None) for name in fmt.key)
        return tuple(v[0] if isinstance(v, list) and v else v for v in values)

    @property
    def where(self) -> str:
        """ "rules.json row 3 (triage.rule 'hsct-risks-high-risk')": the file, row and key."""
        named = " ".join(repr(v) for v in self.key if v is not None)
        return f"{self.origin} ({self.model}{' ' + named if named else ''})"

    def as_fixture(self) -> dict:
        return {"model": self.model, "fields": dict(self.fields)}


# --- reading ------------------------------------------------------------------------------


def _origin(file: str, number: int) -> str:
    return _("%(file)s row %(number)d") % {"file": file, "number": number}


def _row_problems(row: Row) -> list[str]:
    fmt = FORMATS[row.model]
    missing = [name for name in fmt.required if name not in row.fields]
    problems = []
    if missing:
        names = ", ".join(repr(name) for name in missing)
        problems.append(_("missing field %(names)s") % {"names": names})
    for name, value in row.fields.items():
        kind = fmt.required.get(name) or fmt.optional.get(name)
        if kind is None:
            problems.append(_("unknown field %(name)r") % {"name": name})
        elif not kind.fits(value):
            problems.append(_("%(name)r must be %(kind)s") % {"name": name, "kind": kind.name})
    return [f"{row.where}: {'; '.join(problems)}"] if problems else []


def rows_of(objects: object, origin: str) -> list[Row]:
    """The rows of one fixture (a JSON list of {"model", "fields"} objects), each checked
    against its model's format; FixtureError names every row that does not fit."""
    if not isinstance(objects, list):
        raise FixtureError([_("%(origin)s: a fixture is a JSON list of rows") % {"origin": origin}])
    found: list[Row] = []
    problems: list[str] = []
    for number, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict) or not isinstance(obj.get("fields"), dict):
            at = _origin(origin, number)
            problems.append(_('%(at)s: a row is an object with "model" and "fields"') % {"at": at})
            continue
        extra = sorted(set(obj) - {"model", "fields"})
        if obj.get("model") not in FORMATS or extra:
            reason = (
                _("unexpected model %(model)r") % {"model": obj.get("model")}
                if obj.get("model") not in FORMATS
                else _("unknown key %(key)r") % {"key": extra[0]}
            )
            problems.append(f"{_origin(origin, number)}: {reason}")
            continue
        row = Row(obj["model"], obj["fields"], origin, number)
        row_problems = _row_problems(row)
        problems.extend(row_problems)
        if not row_problems:
            found.append(row)
    if problems:
        raise FixtureError(problems)
    return found


def check_references(rows: list[Row], known: Mapping[str, Iterable[str]] | None = None) -> None:
    """Every row names a row that exists (in `rows`, or among the `known` natural keys by
    model), and no two rows share a natural key; FixtureError names each row that does not."""
    first: dict[tuple[str, tuple[object, ...]], Row] = {}
    problems: list[str] = []
    for row in rows:
        seen = first.setdefault((row.model, row.key), row)
        if seen is not row:
            problems.append(
                _("%(where)s: also at %(other)s") % {"where": row.where, "other": seen.origin}
            )
    keys = {model: {k[0] for (m, k) in first if m == model} for model in FORMATS}
    for model, names in (known or {}).items():
        keys[model] |= set(names)
    for row in rows:
        for name, model in FORMATS[row.model].refers.items():
            target = row.fields[name][0]  # type: ignore[index]
            if target not in keys[model]:
                problems.append(
                    _("%(where)s: unknown %(name)s %(target)r")
                    % {"where": row.where, "name": name, "target": target}
                )
    if problems:
        raise FixtureError(problems)


def read(paths: Iterable[Path], known: Mapping[str, Iterable[str]] | None = None) -> list[Row]:
    """Every row of the fixture files, checked: each row against its model's format, then
    every reference against the rows of all the files (and the `known` natural keys)."""
    rows: list[Row] = []
    problems: list[str] = []
    for path in paths:
        try:
            objects = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(
                _("%(path)s: not a readable JSON fixture (%(error)s)")
                % {"path": path, "error": exc}
            )
            continue
        try:
            rows.extend(rows_of(objects, str(path)))
        except FixtureError as exc:
            problems.extend(exc.problems)
    if problems:
        raise FixtureError(problems)
    check_references(rows, known)
    return rows


def ruleset_from_rows(rows: Iterable[Row]) -> rules.RuleSet:
    """The engine's ruleset of checked rows: switched-off sections and rules left out."""
    by_model: dict[str, list[Row]] = {model: [] for model in FORMATS}
    for row in rows:
        by_model[row.model].append(row)
    sources: dict[str, list[Mapping]] = {}
    for row in by_model["triage.source"]:
        sources.setdefault(str(row.key[0]), []).append(row.fields)
    conditions: dict[str, list[Mapping]] = {}
    for row in by_model["triage.condition"]:
        conditions.setdefault(str(row.key[0]), []).append(row.fields)
    sections = [
        rules.Section.from_row(row.fields, sources.get(str(row.key[0]), []))
        for row in by_model["triage.section"]
        if row.fields.get("active", True)
    ]
    live = {s.slug for s in sections}
    built = [
        rules.Rule.from_row(row.fields, conditions.get(str(row.key[0]), []))
        for row in by_model["triage.rule"]
    ]
    # The comparison grid's rows (options, rows, cells) are read in authoring/comparison.py.
    from triage.authoring.comparison import MODELS, grid_from_objects

    grid = grid_from_objects(row.as_fixture() for model in MODELS for row in by_model[model])
    # A switched-off section's translations wait with it (shown again when it is switched on).
    dormant = {str(row.key[0]) for row in by_model["triage.section"]} - live
    translated = [
        Translation.from_row(row.fields)
        for row in by_model["triage.translation"]
        if not (row.fields.get("kind") == "section" and row.fields.get("key") in dormant)
    ]
    return rules.RuleSet.build(
        sections, [r for r in built if r.active and r.section in live], grid, translated
    )


def ruleset_from_objects(objects: object, origin: str = "snapshot") -> rules.RuleSet:
    """The ruleset of fixture rows held in memory (a version's snapshot), checked as a file is."""
    return ruleset_from_rows(rows_of(objects, origin))


def load_files(paths: Iterable[Path]) -> rules.RuleSet:
    """The ruleset of fixture files, without a database; FixtureError names any bad row."""
    return ruleset_from_rows(read(paths))


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
    rows.extend(translation_rows(ruleset.translations))
    return rows


def translation_rows(translations: Iterable[Translation]) -> list[dict]:
    """Translations as fixture rows, sorted by language, kind (in KINDS' order) and key."""
    order = list(KINDS)
    ordered = sorted(
        translations,
        key=lambda t: (t.language, order.index(t.kind) if t.kind in order else 99, t.key),
    )
    return [{"model": "triage.translation", "fields": t.as_row()} for t in ordered]


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


def database_translation_files() -> dict[str, list[dict]]:
    """The translations in the database, by the file that holds them: es-sections.json
    (sections), es-comparison.json (options, rows and cells)."""
    from triage.models import Translation as TranslationRow

    found: dict[str, list[dict]] = {}
    for row in translation_rows(t.to_engine() for t in TranslationRow.objects.all()):
        fields = row["fields"]
        pattern = TRANSLATION_FILES["section" if fields["kind"] == "section" else "grid"]
        found.setdefault(pattern.format(language=fields["language"]), []).append(row)
    return found


def write_database(directory: Path) -> list[Path]:
    """Write sections.json, rules.json and comparison.json, and each language's translation
    files, from the database into `directory` (made if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    named = list(zip(FILES, database_objects(), strict=True))
    named += sorted(database_translation_files().items())
    for name, rows in named:
        path = directory / name
        path.write_text(dump(rows), encoding="utf-8")
        written.append(path)
    return written

"""The comparison grid as authored: its fixture rows (read and written), the grid in the
database, and what the one verdict refuses in it.

``refusals`` is one of ``verdict.CHECKS``, so ``load_rules``, ``verify_rules``, the admin and the
system check refuse the same grids with the same codes and words, one line per cell:

* ``grid-benefit-without-harm``: a benefit number without a harm number, with a time frame, for
  the same option and condition (principle 12; the proof over every answer combination checks
  it again, for the columns each person sees);
* ``grid-no-unproven``: the unproven-clinic column missing or switched off (principle 12);
* ``grid-too-hard``: a cell's text above reading grade 8 (``readability.grade``);
* ``grid-no-source``: a cell without a source label and web address;
* ``grid-ranking``: a word that ranks or recommends an option, or gives advice
  (``advice.find_ranking``);
* and the names, numbers and dates a grid must get right (unknown slugs or conditions, a number
  outside 0 to 100, a number without who, time frame, study, year and type).
"""

from __future__ import annotations

from collections.abc import Iterable

from triage.authoring import readability
from triage.engine import advice
from triage.engine import comparison as grid_engine
from triage.engine.comparison import Cell, Grid, Option, Row
from triage.engine.rules import Refusal, RuleSet

MODELS = ("triage.option", "triage.gridrow", "triage.cell")
FILE = "comparison.json"
CELL_GRADE_LIMIT = 8.0

# --- reading and writing fixture rows -------------------------------------------------------


def grid_from_objects(objects: Iterable[dict]) -> Grid | None:
    """The grid in fixture rows, or None when they hold none of its models."""
    options, rows, cells = [], [], []
    for obj in objects:
        model, f = obj.get("model"), obj.get("fields") or {}
        if model == "triage.option":
            options.append(
                Option(
                    slug=f["slug"],
                    title=f.get("title", ""),
                    order=f.get("order", 100),
                    conditions=tuple(map(str, f.get("conditions") or ())),
                    active=f.get("active", True),
                    offered_only=f.get("offered_only", False),
                )
            )
        elif model == "triage.gridrow":
            rows.append(
                Row(slug=f["slug"], question=f.get("question", ""), order=f.get("order", 100))
            )
        elif model == "triage.cell":
            cells.append(
                Cell(
                    option=f["option"][0],
                    row=f["row"][0],
                    condition=f.get("condition") or "",
                    text=f.get("text", ""),
                    # 15 and 15.0 are one number (the database keeps a float): one version.
                    per_100=None if f.get("per_100") is None else float(f["per_100"]),
                    outcome=f.get("outcome") or "",
                    who=f.get("who") or "",
                    time_frame=f.get("time_frame") or "",
                    study=f.get("study") or "",
                    year=f.get("year"),
                    study_type=f.get("study_type") or "none",
                    source_label=f.get("source_label") or "",
                    source_url=f.get("source_url") or "",
                    last_reviewed=f.get("last_reviewed") or "",
                    next_review=f.get("next_review") or "",
                )
            )
    if not (options or rows or cells):
        return None
    return Grid.build(options, rows, cells)


def grid_rows(grid: Grid | None) -> list[dict]:
    """The grid as fixture rows: options and rows in their order, cells by natural key, each
    row's keys in the shipped file's order."""
    if grid is None:
        return []
    out: list[dict] = []
    for o in grid.options:
        fields = {"slug": o.slug, "title": o.title, "order": o.order}
        fields.update(conditions=list(o.conditions), offered_only=o.offered_only, active=o.active)
        out.append({"model": "triage.option", "fields": fields})
    for r in grid.rows:
        fields = {"slug": r.slug, "question": r.question, "order": r.order}
        out.append({"model": "triage.gridrow", "fields": fields})
    for c in grid.cells:
        stored = c.as_stored()
        fields = {"option": [c.option], "row": [c.row]}
        fields.update({k: v for k, v in stored.items() if k not in ("option", "row")})
        if c.per_100 is not None and float(c.per_100).is_integer():
            fields["per_100"] = int(c.per_100)  # written as people write it: 15, not 15.0
        out.append({"model": "triage.cell", "fields": fields})
    return out


def database_grid() -> Grid:
    """The grid in the database, switched-off options included (three queries)."""
    from triage.models import Cell as CellRow
    from triage.models import GridRow
    from triage.models import Option as OptionRow

    return Grid.build(
        [o.to_engine() for o in OptionRow.objects.all()],
        [r.to_engine() for r in GridRow.objects.all()],
        [c.to_engine() for c in CellRow.objects.select_related("option", "row")],
    )


def with_grid(current: RuleSet, grid: Grid) -> RuleSet:
    """`current` with another grid: the candidate an edit to an option, row or cell makes."""
    from triage.authoring.translations import still_named

    return still_named(
        RuleSet.build(current.sections.values(), current.rules, grid, current.translations)
    )


def grid_without(grid: Grid, *, option: str = "", row: str = "", cell=None) -> Grid:
    """The grid with one option, row (each with its cells) or cell (a natural key) removed."""
    return Grid.build(
        [o for o in grid.options if o.slug != option],
        [r for r in grid.rows if r.slug != row],
        [c for c in grid.cells if c.option != option and c.row != row and c.key != cell],
    )


def grid_with(
    grid: Grid,
    *,
    option: Option | None = None,
    row: Row | None = None,
    cell: Cell | None = None,
    old: str | tuple[str, str, str] | None = None,
) -> Grid:
    """The grid with one option, row or cell put in (replacing `old`, its slug or natural key
    before the edit, so a renamed option keeps its cells)."""
    options, rows, cells = list(grid.options), list(grid.rows), list(grid.cells)
    if option is not None:
        old_slug = old or option.slug
        options = [o for o in options if o.slug not in (old_slug, option.slug)] + [option]
        cells = [_moved(c, option=(old_slug, option.slug)) for c in cells]
    if row is not None:
        old_slug = old or row.slug
        rows = [r for r in rows if r.slug not in (old_slug, row.slug)] + [row]
        cells = [_moved(c, row=(old_slug, row.slug)) for c in cells]
    if cell is not None:
        drop = {old or cell.key, cell.key}
        cells = [c for c in cells if c.key not in drop] + [cell]
    return Grid.build(options, rows, cells)


def _moved(cell: Cell, *, option=None, row=None) -> Cell:
    from dataclasses import replace

    if option and cell.option == option[0]:
        return replace(cell, option=option[1])
    if row and cell.row == row[0]:
        return replace(cell, row=row[1])
    return cell


# --- what is refused ----------------------------------------------------------------------


def refusals(ruleset: RuleSet) -> list[Refusal]:
    """Everything wrong with the ruleset's grid, one refusal per problem, each naming the cell,
    option or row (nothing when the ruleset has no grid)."""
    grid = ruleset.grid
    if grid is None:
        return []
    out: list[Refusal] = []
    out += _names(grid)
    out += _unproven(grid)
    for cell in grid.cells:
        out += cell_refusals(cell)
    out += benefit_without_harm(grid)
    return out


def _names(grid: Grid) -> list[Refusal]:
    known_conditions = set(grid_engine.conditions())
    options = {o.slug for o in grid.options}
    rows = {r.slug for r in grid.rows}
    out = []
    for o in grid.options:
        where = f"option {o.slug!r}"
        if o.slug not in grid_engine.OPTIONS:
            out.append(
                Refusal(
                    "grid-unknown-option",
                    f"{where}: not one of the contract's options ({', '.join(grid_engine.OPTIONS)})",
                    field="slug",
                )
            )
        for value in o.conditions:
            if value not in known_conditions:
                out.append(
                    Refusal(
                        "grid-unknown-condition",
                        f"{where}: unknown condition {value!r}",
                        field="conditions",
                    )
                )
        if not o.title.strip():
            out.append(Refusal("grid-no-text", f"{where}: needs a title", field="title"))
        out += _steering(where, "title", o.title)
    for r in grid.rows:
        where = f"row {r.slug!r}"
        if r.slug not in grid_engine.ROWS:
            out.append(
                Refusal(
                    "grid-unknown-row",
                    f"{where}: not one of the contract's rows ({', '.join(grid_engine.ROWS)})",
                    field="slug",
                )
            )
        if not r.question.strip():
            out.append(Refusal("grid-no-text", f"{where}: needs a question", field="question"))
        out += _steering(where, "question", r.question)
    for c in grid.cells:
        where = f"cell {c.name}"
        if c.option not in options:
            out.append(
                Refusal(
                    "grid-unknown-option", f"{where}: unknown option {c.option!r}", field="option"
                )
            )
        if c.row not in rows:
            out.append(Refusal("grid-unknown-row", f"{where}: unknown row {c.row!r}", field="row"))
        if c.condition and c.condition not in known_conditions:
            out.append(
                Refusal(
                    "grid-unknown-condition",
                    f"{where}: unknown condition {c.condition!r}",
                    field="condition",
                )
            )
    return out


def _unproven(grid: Grid) -> list[Refusal]:
    option = grid.option(grid_engine.UNPROVEN)
    if option is None or not option.active:
        state = "missing" if option is None else "switched off"
        return [
            Refusal(
                "grid-no-unproven",
                f"option {grid_engine.UNPROVEN!r} is {state}: people who were offered a "
                "treatment must always see it (principle 12)",
                field="active",
            )
        ]
    return []


def _steering(where: str, name: str, text: str) -> list[Refusal]:
    return [
        Refusal(
            "grid-ranking",
            f"{where}: the {name} ranks or recommends an option: \u201c{phrase}\u201d (set the "
            "options side by side and say what is known about each)",
            field=name,
        )
        for phrase in advice.find_ranking(text)
    ]


def cell_refusals(cell: Cell) -> list[Refusal]:
    """What is wrong with one cell on its own (the admin's form shows these beside it)."""
    where = f"cell {cell.name}"
    out: list[Refusal] = []
    if not cell.text.strip():
        out.append(Refusal("grid-no-text", f"{where}: needs a text", field="text"))
    for name in ("text", "outcome", "who"):
        out += _steering(where, name, getattr(cell, name))
    if not cell.source_label.strip() or not cell.source_url.strip():
        out.append(
            Refusal(
                "grid-no-source",
                f"{where}: needs a source (a label and a web address)",
                field="source_url",
            )
        )
    value = readability.grade(cell.text)
    if value > CELL_GRADE_LIMIT:
        sentence, sentence_grade = readability.hardest_sentence(cell.text)
        out.append(
            Refusal(
                "grid-too-hard",
                f"{where}: the text is too hard to read: grade {value:.1f}, above the limit of "
                f"{CELL_GRADE_LIMIT:.0f} (hardest sentence, grade {sentence_grade:.1f}: "
                f"\u201c{sentence}\u201d)",
                field="text",
            )
        )
    if cell.study_type not in grid_engine.STUDY_TYPES:
        out.append(
            Refusal(
                "grid-study-type",
                f"{where}: unknown study type {cell.study_type!r}",
                field="study_type",
            )
        )
    if cell.has_number:
        if not 0 <= float(cell.per_100) <= 100:  # type: ignore[arg-type]
            out.append(
                Refusal(
                    "grid-number-range",
                    f"{where}: {cell.per_100:g} is not between 0 and 100",
                    field="per_100",
                )
            )
        missing = [
            label
            for label, ok in (
                ("who the 100 are", cell.who.strip()),
                ("the time frame", cell.time_frame.strip()),
                ("the study", cell.study.strip()),
                ("its year", cell.year),
                ("its type", cell.study_type not in ("", "none")),
            )
            if not ok
        ]
        if missing:
            out.append(
                Refusal(
                    "grid-number-incomplete",
                    f"{where}: a number needs {', '.join(missing)}",
                    field="per_100",
                )
            )
    return out


def benefit_without_harm(grid: Grid) -> list[Refusal]:
    """Principle 12, cell by cell: wherever an option's column can show (each condition it
    lists, or every condition), a benefit number needs a harm number with a time frame. One
    refusal per benefit cell and reason, naming the conditions it is wrong for."""
    found: dict[tuple, list[str]] = {}
    for option in grid.options:
        if not option.active:
            continue
        listed = option.conditions or grid_engine.conditions()
        if option.slug == grid_engine.UNPROVEN:
            listed = grid_engine.conditions()
        for condition in listed:
            benefit = grid.cell(option.slug, grid_engine.BENEFIT, condition)
            if benefit is None or not benefit.has_number:
                continue
            harm = grid.cell(option.slug, grid_engine.HARM, condition)
            if grid_engine.harm_with_time(harm):
                continue
            if harm is None:
                why = "there is no harm cell"
            elif not harm.has_number:
                why = f"cell {harm.name} has no number"
            else:
                why = f"cell {harm.name} has no time frame"
            found.setdefault((benefit.name, why), []).append(condition)
    out = []
    for (name, why), where in found.items():
        conditions = (
            ", ".join(where) if len(where) < len(grid_engine.conditions()) else "every condition"
        )
        out.append(
            Refusal(
                "grid-benefit-without-harm",
                f"cell {name} gives a benefit number, but {why} (for {conditions}): a benefit "
                "number needs a harm number with a time frame beside it (principle 12)",
                field="per_100",
            )
        )
    return out

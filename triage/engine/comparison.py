"""Compare your options (contract, third version): the pure parts of the side-by-side grid.

Options are the columns, the questions people ask are the rows, and a cell is one short plain
answer for one option and one row, optionally for one condition (a cell whose ``condition`` is
"" is the default for every condition without a cell of its own). This module decides, for one
person's answers:

* which columns they see (``Grid.columns``): the active options whose ``conditions`` list holds
  their condition (an empty list means every condition), in ``order``, leaving out an
  ``offered_only`` option for people who were not offered a treatment; the unproven-clinic
  column whenever they said they were offered a treatment or ticked a warning sign, whatever
  its list says (principle 12);
* which cell fills each place (``Grid.cell``): the one for their condition, else the default;
* the grid as stored with their summary (``for_answers``), so a summary never changes under the
  person's feet when an editor changes the grid later;
* how an X-in-100 number is drawn (``icon_array``): 10 x 10 people, the affected ones grouped
  from the top left;
* what principle 12 asks of the grid they see (``principle_12``).

Numbers. ``per_100`` is how many in 100 (a float, or None where no reliable number exists). A
value of 1 or more is rounded half up to a whole person, and called "about" when it was not
whole already; a value below 1 (0 included: a small study that saw no event has not shown the
risk is nil) is "fewer than 1 in 100" and fills no icon.

Pure Python, no Django import: the principles proof, the verdict, the summary pages and the
admin's "Try the rules" all read it. Words a person reads are put together by the Django layer
(``triage.summary.comparison``), through gettext.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from triage.engine import questions, regions

# The contract's column and row slugs, in the contract's order.
OPTIONS = ("usual-care", "hsct", "msc", "car-t", "trial", "unproven-clinic")
UNPROVEN = "unproven-clinic"
ROWS = (
    "involves",
    "approved",
    "who-for",
    "benefit",
    "harm",
    "long-term",
    "recovery",
    "cost",
    "aftercare",
    "evidence",
    "later-options",
)
BENEFIT, HARM, APPROVED = "benefit", "harm", "approved"
NUMBER_ROWS = (BENEFIT, HARM)
STUDY_TYPES = ("rct", "registry", "case_series", "meta_analysis", "review", "none")
MAX_PRIORITIES = 3  # rows a person may mark as mattering most to them
SIDE = 10  # an icon array is SIDE x SIDE people


def conditions() -> tuple[str, ...]:
    """The contract's condition values, in the questionnaire's order."""
    return questions.BY_KEY["condition"].values


@dataclass(frozen=True)
class Option:
    slug: str
    title: str
    order: int = 0
    conditions: tuple[str, ...] = ()  # empty: every condition
    active: bool = True
    offered_only: bool = False  # shown only to people who were offered a treatment

    def listed_for(self, condition: str, offered: bool) -> bool:
        listed = not self.conditions or condition in self.conditions
        return listed and (offered or not self.offered_only)


@dataclass(frozen=True)
class Row:
    slug: str
    question: str
    order: int = 0


@dataclass(frozen=True)
class Cell:
    option: str
    row: str
    condition: str = ""  # "" = the default for every condition without a cell of its own
    text: str = ""
    per_100: float | None = None
    outcome: str = ""  # what happened to the X in 100, for the frequency sentence (optional)
    who: str = ""
    time_frame: str = ""
    study: str = ""
    year: int | None = None
    study_type: str = "none"
    source_label: str = ""
    source_url: str = ""
    last_reviewed: str = ""  # ISO dates, kept as text like the sections'
    next_review: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.option, self.row, self.condition)

    @property
    def name(self) -> str:
        """How messages name the cell: ``hsct/benefit`` or ``hsct/benefit (lupus)``."""
        where = f"{self.option}/{self.row}"
        return f"{where} ({self.condition})" if self.condition else where

    @property
    def has_number(self) -> bool:
        return self.per_100 is not None

    def as_stored(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Grid:
    options: tuple[Option, ...]
    rows: tuple[Row, ...]
    cells: tuple[Cell, ...]

    @classmethod
    def build(cls, options: Iterable[Option], rows: Iterable[Row], cells: Iterable[Cell]) -> Grid:
        """A grid in a canonical order, so equal content gives an equal version."""
        return cls(
            options=tuple(sorted(options, key=lambda o: (o.order, o.slug))),
            rows=tuple(sorted(rows, key=lambda r: (r.order, r.slug))),
            cells=tuple(sorted(cells, key=lambda c: c.key)),
        )

    @cached_property
    def _index(self) -> dict[tuple[str, str, str], Cell]:
        return {c.key: c for c in self.cells}

    def option(self, slug: str) -> Option | None:
        return next((o for o in self.options if o.slug == slug), None)

    def cell(self, option: str, row: str, condition: str) -> Cell | None:
        """The cell a person with this condition reads: their condition's own, else the default."""
        return self._index.get((option, row, condition)) or self._index.get((option, row, ""))

    def columns(self, answers: Mapping[str, object]) -> list[Option]:
        condition = str(answers.get("condition", ""))
        offered = shows_unproven(answers)
        return [
            o
            for o in self.options
            if o.active and (o.listed_for(condition, offered) or (o.slug == UNPROVEN and offered))
        ]

    def payload(self) -> dict:
        """Everything that can change what a person sees, for the ruleset's version."""
        return {
            "options": [asdict(o) for o in self.options],
            "rows": [asdict(r) for r in self.rows],
            "cells": [asdict(c) for c in self.cells],
        }


def shows_unproven(answers: Mapping[str, object]) -> bool:
    """Principle 12: the unproven-clinic column is shown to everyone who said they were
    offered a treatment, or who ticked a warning sign of an offer."""
    return answers.get("offer_received") == "yes" or questions.has_red_flag(answers)


def for_answers(grid: Grid, answers: Mapping[str, object]) -> dict:
    """The grid one person sees, as stored with their summary: the columns, then each row
    with one cell per column (None where the grid has nothing for that place). A row with no
    cell in any column is left out."""
    condition = str(answers.get("condition", ""))
    region = str(answers.get("region", ""))
    columns = grid.columns(answers)
    rows = []
    for row in grid.rows:
        cells = []
        for option in columns:
            cell = grid.cell(option.slug, row.slug, condition)
            if cell is None:
                cells.append(None)
                continue
            stored = cell.as_stored()
            if row.slug == APPROVED:
                stored["text"] = regions.lines_region_first(cell.text, region)
            cells.append(stored)
        if any(cells):
            rows.append({"slug": row.slug, "question": row.question, "cells": cells})
    return {
        "columns": [{"slug": o.slug, "title": o.title} for o in columns],
        "rows": rows,
    }


# --- numbers and the picture of 100 people ------------------------------------------------


@dataclass(frozen=True)
class Frequency:
    count: int  # whole people out of 100 drawn filled
    below_one: bool  # "fewer than 1 in 100"
    about: bool  # rounded from a number that was not whole


def frequency(per_100: float) -> Frequency:
    if per_100 < 1:
        return Frequency(count=0, below_one=True, about=False)
    exact = Decimal(str(per_100))
    whole = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return Frequency(count=min(whole, SIDE * SIDE), below_one=False, about=exact != whole)


@dataclass(frozen=True)
class Icon:
    column: int
    row: int
    filled: bool


def icon_positions(count: int) -> list[Icon]:
    """SIDE x SIDE places, read like text: the first `count` (the affected people) filled,
    grouped from the top left, so the filled part is one block that is easy to judge."""
    return [Icon(column=i % SIDE, row=i // SIDE, filled=i < count) for i in range(SIDE * SIDE)]


# --- principle 12 -------------------------------------------------------------------------


def harm_with_time(cell: Cell | None) -> bool:
    return cell is not None and cell.has_number and bool(cell.time_frame.strip())


def principle_12(grid: Grid, answers: Mapping[str, object]) -> list[str]:
    """What principle 12 finds wrong with the grid these answers see: a column that gives a
    benefit number without a harm number (with a time frame), and a missing unproven-clinic
    column for a person who was offered a treatment."""
    out: list[str] = []
    columns = grid.columns(answers)
    condition = str(answers.get("condition", ""))
    if shows_unproven(answers) and UNPROVEN not in {o.slug for o in columns}:
        out.append(f"the {UNPROVEN!r} column is not shown to a person who was offered a treatment")
    for option in columns:
        benefit = grid.cell(option.slug, BENEFIT, condition)
        harm = grid.cell(option.slug, HARM, condition)
        if benefit is not None and benefit.has_number and not harm_with_time(harm):
            out.append(
                f"the {option.slug!r} column gives a benefit number without a harm number "
                "with a time frame"
            )
    return out

"""The shipped "Compare your options" content, read from fixtures/comparison.json without a
database: every cell refers to a known option and row, no cell is given twice, a benefit number
always has a harm number for the same option and condition (principle 12), and every cell is
short, plain, sourced and free of advice or ranking words.

The page, the models and `load_rules` check the same things for anything an editor saves; this
proves the shipped file before it is ever loaded.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date

import pytest

from tests.fixture_rows import ROOT
from triage.authoring import readability
from triage.engine import advice, questions

FILE = ROOT / "fixtures" / "comparison.json"
ROWS = json.loads(FILE.read_text(encoding="utf-8"))
OPTIONS = {r["fields"]["slug"]: r["fields"] for r in ROWS if r["model"] == "triage.option"}
GRID_ROWS = {r["fields"]["slug"]: r["fields"] for r in ROWS if r["model"] == "triage.gridrow"}
CELLS = [r["fields"] for r in ROWS if r["model"] == "triage.cell"]
CONDITIONS = set(questions.BY_KEY["condition"].values)

CONTRACT_OPTIONS = ["usual-care", "hsct", "msc", "car-t", "trial", "unproven-clinic"]
CONTRACT_ROWS = [
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
]
STUDY_TYPES = {"rct", "registry", "case_series", "meta_analysis", "review", "none"}
# Ranking and recommending, on top of the advice guard's phrases (the examples).
RANKING = re.compile(
    r"\b(best|better option|safest|first choice|recommended|we recommend|most effective|"
    r"preferred|superior|winner)\b",
    re.IGNORECASE,
)
CELL_GRADE_LIMIT = 8.0


def cell_id(c: dict) -> str:
    return f"{c['option'][0]}/{c['row'][0]}/{c['condition'] or '*'}"


def cell_for(option: str, row: str, condition: str) -> dict | None:
    """The cell a person with `condition` sees: their own, else the default ("")."""
    own = [
        c
        for c in CELLS
        if (c["option"][0], c["row"][0], c["condition"]) == (option, row, condition)
    ]
    default = [
        c for c in CELLS if (c["option"][0], c["row"][0], c["condition"]) == (option, row, "")
    ]
    return (own or default or [None])[0]


def test_the_file_is_in_the_fixture_format_with_the_contract_options_and_rows():
    assert {r["model"] for r in ROWS} == {"triage.option", "triage.gridrow", "triage.cell"}
    assert sorted(OPTIONS, key=lambda s: OPTIONS[s]["order"]) == CONTRACT_OPTIONS
    assert sorted(GRID_ROWS, key=lambda s: GRID_ROWS[s]["order"]) == CONTRACT_ROWS
    for option in OPTIONS.values():
        assert set(option) == {"slug", "title", "order", "conditions", "offered_only", "active"}
        assert option["active"] and len(option["title"]) <= 80
        assert set(option["conditions"]) <= CONDITIONS, option["slug"]
    for row in GRID_ROWS.values():
        assert set(row) == {"slug", "question", "order"} and row["question"].endswith("?")


def test_the_unproven_clinic_and_usual_care_columns_are_there_for_every_condition():
    # shown to anyone offered a treatment (principle 12), whatever their condition
    assert OPTIONS["unproven-clinic"]["conditions"] == []
    assert [s for s, o in OPTIONS.items() if o["offered_only"]] == ["unproven-clinic"]
    assert OPTIONS["usual-care"]["conditions"] == [] and OPTIONS["trial"]["conditions"] == []


def test_every_cell_refers_to_a_known_option_row_and_condition_and_none_is_given_twice():
    for c in CELLS:
        assert c["option"][0] in OPTIONS and c["row"][0] in GRID_ROWS, cell_id(c)
        assert c["condition"] == "" or c["condition"] in CONDITIONS, cell_id(c)
        shown_for = OPTIONS[c["option"][0]]["conditions"]
        assert c["condition"] == "" or not shown_for or c["condition"] in shown_for, cell_id(c)
    twice = [k for k, n in Counter(cell_id(c) for c in CELLS).items() if n > 1]
    assert twice == []


@pytest.mark.parametrize("option", CONTRACT_OPTIONS)
def test_every_option_has_a_default_cell_for_every_row(option):
    missing = [
        row
        for row in CONTRACT_ROWS
        if not any(
            (c["option"][0], c["row"][0], c["condition"]) == (option, row, "") for c in CELLS
        )
    ]
    assert missing == []


def test_a_benefit_number_always_has_a_harm_number_with_a_time_frame_principle_12():
    for condition in sorted(CONDITIONS):
        for option in CONTRACT_OPTIONS:
            benefit = cell_for(option, "benefit", condition)
            if benefit is None or benefit["per_100"] is None:
                continue
            harm = cell_for(option, "harm", condition)
            assert harm is not None and harm["per_100"] is not None, (option, condition)
            assert harm["time_frame"] and benefit["time_frame"], (option, condition)


def test_number_cells_say_who_the_100_are_over_what_time_from_which_study():
    for c in CELLS:
        if c["per_100"] is None:
            continue
        assert isinstance(c["per_100"], int | float) and 0 <= c["per_100"] <= 100, cell_id(c)
        assert c["row"][0] in ("benefit", "harm"), cell_id(c)
        for field in ("who", "outcome", "time_frame", "study", "year"):
            assert c[field], (cell_id(c), field)
        assert len(c["time_frame"]) <= 80 and len(c["who"]) <= 200 and len(c["outcome"]) <= 160
        # the frequency sentence reads "About X in 100 {who} {outcome}, {time_frame}."
        assert not c["who"][0].isupper() and not c["outcome"][0].isupper(), cell_id(c)
        assert c["study_type"] != "none", cell_id(c)


def test_a_cell_without_a_number_says_why_when_it_is_a_benefit_or_harm():
    for c in CELLS:
        if c["row"][0] in ("benefit", "harm") and c["per_100"] is None:
            assert (
                re.search(
                    r"no reliable|not known|no single number|too few|depends|no count|no number",  # why
                    c["text"],
                    re.IGNORECASE,
                )
                or "own side effects" in c["text"]
            ), cell_id(c)


REGION_LINE = re.compile(r"^(UK|EU|US): \S")


@pytest.mark.parametrize("c", CELLS, ids=cell_id)
def test_every_cell_is_short_plain_sourced_and_gives_no_advice(c):
    text = c["text"]
    lines = text.split("\n")
    if len(lines) > 1:  # the approved row, one line per region so theirs can be shown first
        assert c["row"][0] == "approved" and len(lines) == 3, text
        assert sorted(line[:2] for line in lines) == ["EU", "UK", "US"], text
        assert all(REGION_LINE.match(line) for line in lines), text
        assert all(len(readability.sentences(line)) == 1 for line in lines), text
    else:
        assert 0 < len(readability.sentences(text)) <= 2, text
    assert readability.grade(text) <= CELL_GRADE_LIMIT, (round(readability.grade(text), 1), text)
    assert advice.find_advice(text) == [], text
    assert not RANKING.search(text), text
    assert c["source_label"] and c["source_url"].startswith(("https://", "http://"))
    assert "preview-" not in c["source_url"]
    assert c["study_type"] in STUDY_TYPES
    assert c["year"] is None or 1990 < c["year"] <= 2026
    reviewed, due = date.fromisoformat(c["last_reviewed"]), date.fromisoformat(c["next_review"])
    assert reviewed <= date(2026, 12, 1) < due and (due - reviewed).days <= 183


@pytest.mark.parametrize(
    "condition",
    [
        "ms_relapsing",
        "ms_progressive",
        "systemic_sclerosis",
        "lupus",
        "crohns",
        "type1_diabetes",
        "neuro_other",
    ],
)
def test_every_condition_has_a_benefit_and_a_harm_cell_for_each_option_it_shows(condition):
    for option, fields in OPTIONS.items():
        if fields["conditions"] and condition not in fields["conditions"]:
            continue
        for row in CONTRACT_ROWS:
            assert cell_for(option, row, condition) is not None, (option, row)


def test_the_numbers_match_the_studies_they_name():
    """The figures confirmed in December 2026 against the sources (see the closing note)."""
    expected = {
        ("hsct", "benefit", "ms_relapsing"): 94.5,  # MIST: 52 of 55 did not worsen
        ("usual-care", "benefit", "ms_relapsing"): 38,  # MIST: 21 of 55 (38.2)
        ("hsct", "harm", "ms_relapsing"): 2.1,  # Sormani 2017: 764 people, 15 studies
        ("hsct", "harm", "ms_progressive"): 2.1,  # the same studies (no separate figure found)
        ("usual-care", "harm", "ms_relapsing"): 0,  # MIST: no deaths ("fewer than 1 in 100")
        ("hsct", "benefit", "systemic_sclerosis"): 72.2,  # SCOT, everyone: 26 of 36
        ("usual-care", "benefit", "systemic_sclerosis"): 48.7,  # SCOT, everyone: 19 of 39
        ("hsct", "harm", "systemic_sclerosis"): 2.8,  # SCOT: 1 of 36 by 54 months
        ("usual-care", "harm", "systemic_sclerosis"): 0,
        ("hsct", "benefit", "lupus"): 29,  # Alchi 2013, 5 years
        ("hsct", "harm", "lupus"): 15,
        ("hsct", "harm", "crohns"): 6.4,  # Qiu 2017
    }
    found = {
        (c["option"][0], c["row"][0], c["condition"]): c["per_100"]
        for c in CELLS
        if c["per_100"] is not None
    }
    assert found == expected

"""The 15 questions people ask about stem-cell treatment (evidence notes 10.3: MS Society forum
and HSCT pages, AIMS "We asked the experts", the US National MS Society, the ISSCR's A Closer
Look at Stem Cells, FDA consumer warnings), mapped for each condition to the comparison row or
the section that answers them, or to the reason they cannot be answered yet.

The person for each condition is the one who needs most of the answers: their condition is still
active after two or more treatments (refractory), they are unsure how much risk they would take,
and they were offered a treatment abroad. A mapped section must be one this person is shown
(the engine's ``evaluate``); a mapped row must have a cell in a column this person is shown
(the fixture's options and cells, as the comparison page picks them).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.fixture_rows import FIXTURES, ROOT
from tests.stats import STATS
from triage.engine import questions
from triage.engine.rules import evaluate

QUESTIONS = {
    1: "Am I eligible (age, disability, type of disease, drugs already tried)?",
    2: "Does it work for progressive disease?",
    3: "Is it a cure; will disability improve?",
    4: "What is the risk of death or serious harm?",
    5: "How does it compare with the strongest drugs?",
    6: "Will the health service or insurer pay; what does it cost?",
    7: "How long in hospital or away from home; when can I work again?",
    8: "Fertility: egg or sperm freezing, early menopause?",
    9: "Long-term risks (infection, cancer, thyroid)?",
    10: "Who looks after me at home; will my own specialist keep seeing me?",
    11: "How do I judge a clinic abroad?",
    12: "Are MSC, 'your own cells' or embryonic-cell injections safe or approved?",
    13: "Do testimonials, a registry listing or 'FDA registered' prove anything?",
    14: "Can I join a trial; should I pay to take part?",
    15: "Why won't my doctor recommend it; who funds this information?",
}


def row(slug: str) -> tuple[str, str]:
    return ("row", slug)


def section(slug: str) -> tuple[str, str]:
    return ("section", slug)


def reason(text: str) -> tuple[str, str]:
    return ("reason", text)


# Reasons a question cannot be answered yet, each written once.
NO_FUNDING_PAGE = reason(
    "Nothing in the content says who funds this service, and no page explains why a "
    "specialist may not offer a treatment; the service owner has to supply the first."
)
NO_HEAD_TO_HEAD = reason(
    "No randomised trial has compared stem-cell treatment with the strongest medicines for "
    "this condition, as far as the December 2026 review found."
)
NOT_PROGRESSIVE = reason(
    "'Progressive disease' is a question about MS; for this condition the evidence page says "
    "when a transplant is discussed, and no study split results by disease course."
)

# What answers each question for most conditions; the table per condition overrides it.
COMMON: dict[int, tuple[str, str]] = {
    1: row("who-for"),
    2: NOT_PROGRESSIVE,
    3: row("benefit"),
    4: row("harm"),
    5: NO_HEAD_TO_HEAD,
    6: row("cost"),
    7: row("recovery"),
    8: section("hsct-risks"),
    9: section("hsct-risks"),
    10: row("aftercare"),
    11: section("tourism-warning"),
    12: section("msc-safety"),
    13: section("clinical-trials"),
    14: section("clinical-trials"),
    15: NO_FUNDING_PAGE,
}

BY_CONDITION: dict[str, dict[int, tuple[str, str]]] = {
    "ms_relapsing": {
        2: section("timing-and-disease-stage"),
        5: section("evidence-ms-relapsing"),  # MIST's comparison group; StarMS, BEAT-MS, RAM-MS
    },
    "ms_progressive": {
        2: section("evidence-ms-progressive"),
        5: NO_HEAD_TO_HEAD,
    },
    "systemic_sclerosis": {
        2: section("timing-and-disease-stage"),  # diffuse disease getting worse, within 5 years
        5: section("evidence-systemic-sclerosis"),  # ASTIS and SCOT against cyclophosphamide
    },
    "lupus": {},
    "crohns": {
        5: section("evidence-crohns"),  # ASTIClite against usual care
    },
    "type1_diabetes": {
        # no HSCT column or HSCT pages for type 1 diabetes: the trial and usual-care cells
        8: row("long-term"),
        9: row("long-term"),
    },
    "rheumatoid_arthritis": {},
    "vasculitis": {},
    "myositis": {},
    "neuro_other": {},
    "other": {
        8: row("long-term"),
        9: row("long-term"),
    },
}


def table(condition: str) -> dict[int, tuple[str, str]]:
    return {**COMMON, **BY_CONDITION[condition]}


def person(condition: str) -> dict[str, object]:
    answers: dict[str, object] = {
        "condition": condition,
        "activity": "active",
        "treatment_history": "two_plus_failed",
        "years_since_diagnosis": "2_to_5",
        "risk_tolerance": "unsure",
        "offer_received": "yes",
        "offer_features": ["travel_abroad"],
        "region": "uk",
    }
    if condition == "crohns":
        answers["crohns_fistula"] = "yes"
    return questions.validate_answers(answers)


GRID = json.loads((ROOT / "fixtures" / "comparison.json").read_text(encoding="utf-8"))
OPTIONS = {r["fields"]["slug"]: r["fields"] for r in GRID if r["model"] == "triage.option"}
ROWS = {r["fields"]["slug"] for r in GRID if r["model"] == "triage.gridrow"}
CELLS = {
    (r["fields"]["option"][0], r["fields"]["row"][0], r["fields"]["condition"])
    for r in GRID
    if r["model"] == "triage.cell"
}
SECTIONS = {
    r["fields"]["slug"]
    for p in FIXTURES
    if p.name != "comparison.json"
    for r in json.loads(p.read_text(encoding="utf-8"))
    if r["model"] == "triage.section"
}


def columns(answers: dict[str, object]) -> list[str]:
    """The options this person sees, as the contract picks them (listed for their condition,
    or for every condition; the unproven-clinic column for anyone offered a treatment)."""
    offered = answers.get("offer_received") == "yes" or questions.has_red_flag(answers)
    shown = []
    for slug, option in OPTIONS.items():
        listed = not option["conditions"] or answers["condition"] in option["conditions"]
        if listed and (offered or not option.get("offered_only")):
            shown.append(slug)
    return shown


def row_shown(slug: str, answers: dict[str, object]) -> bool:
    condition = str(answers["condition"])
    return slug in ROWS and any(
        (option, slug, condition) in CELLS or (option, slug, "") in CELLS
        for option in columns(answers)
    )


ALL_CONDITIONS = list(questions.BY_KEY["condition"].values)


def test_every_condition_of_the_contract_has_a_table_of_all_15_questions():
    assert sorted(BY_CONDITION) == sorted(ALL_CONDITIONS)
    for condition in ALL_CONDITIONS:
        assert sorted(table(condition)) == list(range(1, 16)), condition


@pytest.mark.parametrize("condition", ALL_CONDITIONS)
def test_each_mapped_row_or_section_exists_and_is_shown_to_a_person_with_the_condition(
    condition, shipped_ruleset
):
    answers = person(condition)
    shown = {s.slug for s in evaluate(answers, shipped_ruleset)}
    for number, (kind, target) in table(condition).items():
        where = (condition, number, QUESTIONS[number])
        if kind == "section":
            assert target in SECTIONS, where
            assert target in shown, where
        elif kind == "row":
            assert row_shown(target, answers), where
        else:
            assert kind == "reason" and len(target) > 40, where


def test_the_counts_per_condition():
    """Answered by a row, by a section, or not yet (with a reason): recorded for the report."""
    counts = {}
    for condition in ALL_CONDITIONS:
        kinds = Counter(kind for kind, _ in table(condition).values())
        counts[condition] = (kinds["row"], kinds["section"], kinds["reason"])
        assert sum(counts[condition]) == 15
    STATS["questions people ask"] = "; ".join(
        f"{c} {r} rows + {s} sections, {n} not yet" for c, (r, s, n) in counts.items()
    )
    # every condition gets at least 12 of the 15 answered
    assert all(r + s >= 12 for r, s, _ in counts.values()), counts

"""The journey's decisions (engine/journey.py), with no request and no database."""

import itertools

import pytest

from tests import answers as people
from tests import samples
from triage.engine import journey, questions
from triage.engine.journey import CHECK, FIRST, Detour

CROHNS = people.CROHNS_FISTULA_LOW_RISK


def upto(answers, last):
    """The answers a person has given up to and including question `last`."""
    keys = [q.key for q in questions.applicable(answers)]
    return {k: answers[k] for k in keys[: keys.index(last) + 1]}


def stored_from(raw):
    return lambda key: raw.get(key)


def test_stored_answers_are_read_in_order_up_to_the_first_gap():
    raw = {"condition": ["lupus"], "activity": ["active"], "years_since_diagnosis": ["2_to_5"]}
    assert journey.read_answers(stored_from(raw)) == {"condition": "lupus", "activity": "active"}


def test_a_stored_answer_that_breaks_the_contract_is_not_read():
    raw = {"condition": ["lupus"], "activity": ["<script>"], "treatment_history": ["unsure"]}
    assert journey.read_answers(stored_from(raw)) == {"condition": "lupus"}
    assert journey.read_answers(stored_from({"condition": ["lupus", "crohns"]})) == {}


def test_a_stale_answer_to_a_question_that_no_longer_applies_is_skipped():
    raw = {"condition": ["lupus"], "crohns_fistula": ["yes"], "activity": ["active"]}
    assert journey.read_answers(stored_from(raw)) == {"condition": "lupus", "activity": "active"}


def test_checkboxes_are_read_as_a_list():
    raw = {k: [v] for k, v in people.OFFERED_ABROAD.items() if k != "offer_features"}
    raw["offer_features"] = list(people.OFFERED_ABROAD["offer_features"])
    assert journey.read_answers(stored_from(raw)) == people.OFFERED_ABROAD


def test_the_steps_follow_the_answers():
    assert journey.active_steps({}) == [q.key for q in questions.applicable({})]
    assert "crohns_fistula" not in journey.active_steps({"condition": "lupus"})
    steps = journey.active_steps({"condition": "crohns"})
    assert steps[:3] == ["condition", "crohns_fistula", "activity"]


def test_first_missing_is_the_first_unanswered_step_or_none():
    assert journey.first_missing({}) == FIRST
    assert journey.first_missing({"condition": "crohns"}) == "crohns_fistula"
    assert journey.first_missing(upto(CROHNS, "activity")) == "treatment_history"
    assert journey.first_missing(CROHNS) is None


def test_next_step_walks_forward_then_to_check_answers():
    assert journey.next_step("condition", {"condition": "crohns"}) == "crohns_fistula"
    assert journey.next_step("condition", {"condition": "lupus"}) == "activity"
    assert journey.next_step("region", CROHNS) == CHECK


def test_next_step_from_an_earlier_question_is_the_one_after_it_not_the_first_unanswered():
    answered = upto(CROHNS, "risk_tolerance")
    assert journey.next_step("activity", answered) == "treatment_history"
    assert journey.next_step("condition", answered) == "crohns_fistula"
    assert journey.next_step("risk_tolerance", answered) == "offer_received"


def test_changing_an_answer_returns_to_check_answers_unless_a_follow_up_needs_answering():
    changed = {**people.TYPE1_DIABETES, "condition": "crohns"}
    assert journey.next_step("condition", changed, changing=True) == "crohns_fistula"
    assert journey.next_step("risk_tolerance", CROHNS, changing=True) == CHECK
    # Without "changing", the next question comes, even though it is answered already.
    assert journey.next_step("risk_tolerance", CROHNS) == "offer_received"


def test_previous_step_is_the_question_before_or_none_on_the_first():
    assert journey.previous_step(FIRST, CROHNS) is None
    assert journey.previous_step("crohns_fistula", CROHNS) == "condition"
    assert journey.previous_step("activity", CROHNS) == "crohns_fistula"
    assert journey.previous_step("activity", people.LUPUS_UNSURE) == "condition"


@pytest.mark.parametrize(
    ("step", "answers", "started", "finished", "expected"),
    [
        ("no_such_question", CROHNS, True, False, Detour.UNKNOWN),
        ("no_such_question", {}, False, True, Detour.UNKNOWN),
        (FIRST, {}, False, False, None),  # a fresh journey begins here
        (FIRST, {}, False, True, None),  # ... even after a finished one
        ("activity", {}, False, False, Detour.NOT_STARTED),
        ("activity", {}, False, True, Detour.FINISHED),
        ("crohns_fistula", {"condition": "lupus"}, True, False, Detour.INACTIVE),
        ("region", {"condition": "lupus"}, True, False, Detour.OUT_OF_ORDER),
        ("activity", {"condition": "lupus"}, True, False, None),
        ("condition", {"condition": "lupus"}, True, False, None),  # going back is fine
        ("region", CROHNS, True, False, None),
    ],
)
def test_why_a_question_takes_a_detour(step, answers, started, finished, expected):
    assert journey.detour(step, answers, started=started, finished=finished) is expected


@pytest.mark.parametrize(
    ("answers", "started", "finished", "expected"),
    [
        ({}, False, False, Detour.NOT_STARTED),
        ({}, False, True, Detour.FINISHED),
        (upto(CROHNS, "activity"), True, False, Detour.INCOMPLETE),
        (upto(CROHNS, "activity"), True, True, Detour.INCOMPLETE),
        (CROHNS, True, False, None),
    ],
)
def test_why_check_answers_takes_a_detour(answers, started, finished, expected):
    assert journey.check_detour(answers, started=started, finished=finished) is expected


def test_back_goes_only_to_an_earlier_question():
    answers = upto(CROHNS, "activity")
    assert journey.back_detour("activity", "condition", answers) is None
    assert journey.back_detour("activity", "crohns_fistula", answers) is None
    for goto in ("activity", "region", "no_such", "offer_features"):
        assert journey.back_detour("activity", goto, answers) is Detour.NOT_EARLIER, goto


def test_next_step_walks_every_path_through_the_questionnaire_in_order():
    """From the first question, next_step visits exactly the questions each person is asked,
    for a sample holding every combination of the answers that open a follow-up question."""
    sample = samples.covering()
    for person in sample:
        visited, step = [], FIRST
        while step != CHECK:
            visited.append(step)
            step = journey.next_step(step, upto(person, step))
        assert visited == [q.key for q in questions.applicable(person)]
    assert samples.covers_every_answer(sample)
    follow_ups = [q.key for q in questions.QUESTIONS if q.asked_when]
    walked = samples.paths(sample)
    for asked in itertools.product((True, False), repeat=len(follow_ups)):
        expected = {key for key, on in zip(follow_ups, asked, strict=True) if on}
        assert any(set(path) & set(follow_ups) == expected for path in walked), expected


def test_every_detour_has_a_page_in_the_catalogue():
    from triage.platform.pages import PAGES

    assert {r.value for r in Detour} <= set(PAGES)

import itertools
import random

import pytest

from tests import answers as people
from triage.engine import principles, questions
from triage.engine.questions import AnswerError, validate_answers


def test_every_person_in_the_tests_follows_the_contract():
    for name in dir(people):
        if name.isupper():
            assert validate_answers(getattr(people, name))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "blue"}, "unknown question 'colour'"),
        ({"condition": "flu"}, "unknown value 'flu' for 'condition'"),
        ({"crohns_fistula": "yes"}, "'crohns_fistula' does not apply"),
        ({"offer_features": ["pay_upfront"]}, "'offer_features' does not apply"),
        ({"risk_tolerance": ["high"]}, "unknown value ['high'] for 'risk_tolerance'"),
        (
            {"offer_received": "yes", "offer_features": []},
            "'offer_features' takes a non-empty list",
        ),
    ],
)
def test_it_names_the_key_or_value_that_breaks_the_contract(change, message):
    with pytest.raises(AnswerError, match=message.replace("[", r"\[").replace("]", r"\]")):
        validate_answers({**people.TYPE1_DIABETES, **change})


def test_it_refuses_missing_answers_and_none_of_these_with_others():
    incomplete = dict(people.TYPE1_DIABETES)
    del incomplete["region"]
    with pytest.raises(AnswerError, match="missing answer for 'region'"):
        validate_answers(incomplete)
    for alone in (["none_of_these", "pay_upfront"], ["pay_upfront", "not_sure"]):
        mixed = {**people.OFFERED_ABROAD, "offer_features": alone}
        with pytest.raises(AnswerError, match="cannot be combined"):
            validate_answers(mixed)
    both = {**people.OFFERED_ABROAD, "offer_features": ["none_of_these", "not_sure"]}
    with pytest.raises(AnswerError, match="'none_of_these' cannot be combined"):
        validate_answers(both)
    with pytest.raises(AnswerError, match="JSON object"):
        validate_answers(["condition"])


def test_derived_terms_follow_the_contract():
    assert questions.is_refractory({"treatment_history": "two_plus_failed", "activity": "stable"})
    assert questions.is_refractory({"treatment_history": "one_failed", "activity": "active"})
    assert not questions.is_refractory({"treatment_history": "one_failed", "activity": "unsure"})
    assert questions.has_red_flag({"offer_features": ["testimonials"]})
    assert not questions.has_red_flag({"offer_features": ["none_of_these"]})
    assert not questions.has_red_flag({"offer_features": ["not_sure"]})
    assert not questions.has_red_flag({})


def answers_varying(keys, rng):
    """Every combination of answers to the questions `keys`, then random complete answer sets."""
    base = principles.random_answers(rng)
    options = [principles._options(questions.BY_KEY[key]) for key in keys]
    for combination in itertools.product(*options):
        yield {**base, **dict(zip(keys, combination, strict=True))}
    for _ in range(2000):
        yield principles.random_answers(rng, pick=0.3)


@pytest.mark.parametrize("term", sorted(questions.DERIVED))
def test_a_derived_term_has_one_value_for_answers_its_declared_tests_see_alike(term):
    """The proofs split the answer space by each derived term's declared tests: two answer sets
    those tests cannot tell apart must get the same value, or the proof would be too coarse."""
    derived = questions.DERIVED[term]
    keys = sorted({key for key, _ in derived.depends_on})
    value_of = {}
    for answers in answers_varying(keys, random.Random(term)):
        seen = tuple(
            bool(set(a) & values) if isinstance(a := answers.get(key), list) else a in values
            for key, values in derived.depends_on
        )
        assert value_of.setdefault(seen, derived.holds(answers)) == derived.holds(answers), answers
    assert set(value_of.values()) == {True, False}


def test_each_warning_sign_alone_is_a_red_flag_and_the_answers_that_stand_alone_are_not():
    stand_alone = ("none_of_these", "not_sure")
    for value in questions.BY_KEY["offer_features"].values:
        answers = {**people.OFFERED_ABROAD, "offer_features": [value]}
        assert validate_answers(answers) == answers
        assert questions.has_red_flag(answers) is (value not in stand_alone), value

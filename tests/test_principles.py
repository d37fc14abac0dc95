"""Every principle in the contract, over every possible answer combination."""

import dataclasses
import random
import re
import time

import pytest

from tests import answers as people
from tests import space
from tests.stats import STATS
from triage.engine import principles
from triage.engine.rules import RuleSet, Shown, evaluate


def test_every_principle_holds_for_every_answer_combination(shipped_ruleset):
    started = time.perf_counter()
    report = principles.verify(shipped_ruleset)
    elapsed = time.perf_counter() - started
    assert report.violations == []
    assert report.combinations == principles.space_size() == space.from_the_declaration()
    assert report.classes == sum(1 for _ in principles.answer_classes(shipped_ruleset))
    STATS["principles"] = (
        f"{report.combinations:,} answer combinations ({report.classes:,} classes) "
        f"checked in {elapsed:.2f} s"
    )


def test_the_space_is_counted_from_the_declaration_too():
    # Arithmetic over questions.py, not a walk: "I'm not sure" about an offer is one more answer
    # for each of the two offer answers that ask about it.
    assert principles.space_size() == space.from_the_declaration()


def test_any_answer_gets_the_same_sections_as_its_class_representative(shipped_ruleset):
    rng = random.Random(20261122)
    for _ in range(3000):
        answers = principles.random_answers(rng, pick=0.4)
        rep = principles.representative(answers, shipped_ruleset)
        got = [s.slug for s in evaluate(answers, shipped_ruleset)]
        assert got == [s.slug for s in evaluate(rep, shipped_ruleset)], answers


def test_every_shipped_section_is_reachable_and_every_rule_can_fire(shipped_ruleset):
    shown, fired = set(), set()
    for answers, _ in principles.answer_classes(shipped_ruleset):
        for item in evaluate(answers, shipped_ruleset):
            shown.add(item.slug)
            fired.update(item.rules)
    assert shown == set(shipped_ruleset.sections)
    assert fired == {r.key for r in shipped_ruleset.rules}


def without(ruleset, predicate):
    return RuleSet.build(ruleset.sections.values(), [r for r in ruleset.rules if not predicate(r)])


def broken(ruleset, **changes_by_key):
    rules = [
        dataclasses.replace(r, **changes_by_key[r.key]) if r.key in changes_by_key else r
        for r in ruleset.rules
    ]
    return RuleSet.build(ruleset.sections.values(), rules)


@pytest.mark.parametrize(
    ("mutate", "principle"),
    [
        (lambda rs: without(rs, lambda r: r.section == "tourism-warning"), 2),
        (lambda rs: without(rs, lambda r: r.key == "hsct-risks-high-risk"), 3),
        (lambda rs: without(rs, lambda r: r.key == "evidence-lupus"), 4),
        (lambda rs: without(rs, lambda r: r.key == "msc-safety-crohns-fistula"), 5),
        (lambda rs: without(rs, lambda r: r.key == "hsct-journey-refractory-ms-ssc"), 6),
        (lambda rs: without(rs, lambda r: r.section == "weighing-risks"), 7),
        (lambda rs: without(rs, lambda r: r.key == "trials-everyone"), 8),
        (lambda rs: without(rs, lambda r: r.key == "car-t-refractory"), 10),
    ],
)
def test_a_ruleset_that_breaks_a_principle_is_caught_with_an_example(
    shipped_ruleset, mutate, principle
):
    report = principles.verify(mutate(shipped_ruleset), stop_after=1)
    assert report.violations, "the broken ruleset passed"
    violation = report.violations[0]
    assert violation.principle == principle
    # The example pins the break on the edit: the shipped rules get these answers right.
    assert principles.check(violation.answers, evaluate(violation.answers, shipped_ruleset)) == []
    # The editor reads which principle broke, in words, then what went wrong.
    words = re.search(
        rf"principle {principle} \((.*?)\) would no longer hold", violation.describe()
    )
    assert words and words.group(1).strip(), violation.describe()


def test_a_risk_answer_that_hides_a_warning_section_is_caught(shipped_ruleset):
    from triage.engine.rules import Condition

    risky = [
        dataclasses.replace(
            r,
            conditions=(*r.conditions, Condition("risk_tolerance", "in", frozenset({"low"}))),
        )
        if r.section == "msc-safety"
        else r
        for r in shipped_ruleset.rules
    ]
    report = principles.verify(RuleSet.build(shipped_ruleset.sections.values(), risky))
    assert any(v.principle == 7 and "msc-safety" in v.message for v in report.violations)


def test_the_named_people_get_what_the_principles_promise(shipped_ruleset):
    for name in dir(people):
        if name.isupper():
            answers = getattr(people, name)
            assert principles.check(answers, evaluate(answers, shipped_ruleset)) == [], name


@pytest.mark.parametrize("offer", ["yes", "unsure"])
def test_not_sure_what_an_offer_included_counts_as_no_warning_sign(shipped_ruleset, offer):
    def sections(features):
        answers = {**people.LUPUS_UNSURE, "offer_received": offer, "offer_features": features}
        return [(s.slug, s.rules, s.reasons()) for s in evaluate(answers, shipped_ruleset)]

    not_sure = sections(["not_sure"])
    assert not_sure == sections(["none_of_these"])
    assert all("tourism-red-flag" not in rules for _, rules, _ in not_sure)
    # The warning still shows, for the offer itself (principle 2 for "yes"), never for the sign.
    [warning] = [rules for slug, rules, _ in not_sure if slug == "tourism-warning"]
    assert warning == ("tourism-offer",)


def test_principle_11_catches_a_tourism_warning_that_does_not_name_the_signs(shipped_ruleset):
    answers = people.OFFERED_ABROAD
    shown = evaluate(answers, shipped_ruleset)
    warning = next(s for s in shown if s.slug == "tourism-warning")
    assert warning.named == (
        "you were asked to pay up front",
        "you would have to travel to another country",
        "the evidence offered was patient stories",
    )
    assert principles.check(answers, shown) == []
    silent = [dataclasses.replace(s, named=()) if s is warning else s for s in shown]
    assert [n for n, _ in principles.check(answers, silent)] == [11]
    wrong = [dataclasses.replace(s, named=warning.named[:1]) if s is warning else s for s in shown]
    assert [n for n, _ in principles.check(answers, wrong)] == [11]


class _Unexplained(Shown):
    """A section shown with the reasons given, whatever its matches say."""

    def __init__(self, shown: Shown, said: list[str]):
        super().__init__(**{f.name: getattr(shown, f.name) for f in dataclasses.fields(shown)})
        object.__setattr__(self, "said", said)

    def reasons(self, language=None):
        return self.said


@pytest.mark.parametrize("said", [[], ["  "], ["because you said so", ""]], ids=repr)
def test_a_section_shown_without_a_reason_in_words_breaks_principle_9(shipped_ruleset, said):
    answers = people.REFRACTORY_MS_HIGH_RISK
    shown = evaluate(answers, shipped_ruleset)
    assert principles.check(answers, shown) == []
    unexplained = [_Unexplained(shown[-1], said)]
    broken = principles.check(answers, shown[:-1] + unexplained)
    assert broken == [(9, f"{shown[-1].slug!r} has no reason")]


def test_each_of_the_contracts_thirteen_principles_has_words_for_the_editor():
    """A violation is described by its principle's words (Violation.describe), for every
    principle the contract numbers."""
    assert sorted(principles.PRINCIPLES) == list(range(1, 14))
    assert all(words.strip() for words in principles.PRINCIPLES.values())

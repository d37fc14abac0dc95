"""The contract's principles, checked over every possible answer combination.

The answer space is finite (about two million complete answer sets). Rather than evaluate each
one, the space is split into classes of answers that no rule condition and no principle can
tell apart: two values of a question fall in the same class when every value set that a rule
or a principle tests on that question contains both or neither (for the multi-choice question,
when every tested set overlaps both selections or neither). The engine's choice of sections is
the same for every member of a class, so checking one member per class, weighted by the class
size, covers the whole space. ``tests/test_principles.py`` also samples the full space to show
that each sampled answer set gets the same sections as its class representative.

Pure Python: used by tests, ``load_rules`` and ``verify_rules`` alike.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from triage.engine import comparison, questions, translations
from triage.engine.rules import RuleSet, Shown, evaluate, sections_shown
from triage.engine.slugs import (
    APPROVED_PROTOCOLS,
    CAR_T,
    CLINICAL_TRIALS,
    EVIDENCE,
    HSCT_HOW_IT_WORKS,
    HSCT_JOURNEY,
    HSCT_RISKS,
    MANDATORY,
    MSC_HOW_IT_WORKS,
    MSC_SAFETY,
    NOT_MEDICAL_ADVICE,
    QUESTIONS_TO_ASK,
    TOURISM_WARNING,
    WEIGHING_RISKS,
)

HSCT_CORE = (HSCT_HOW_IT_WORKS, HSCT_JOURNEY, HSCT_RISKS)
MSC_FISTULA = (MSC_HOW_IT_WORKS, MSC_SAFETY, EVIDENCE["crohns"])
CAR_T_CONDITIONS = frozenset({"lupus", "myositis", "systemic_sclerosis", "neuro_other"})
ALWAYS = (CLINICAL_TRIALS, QUESTIONS_TO_ASK)
# Sections that warn; a person's risk answer must never take one of these away.
RISK_BLIND = (TOURISM_WARNING, MSC_SAFETY)

# Value sets the principles themselves test, so the classes are fine enough for them.
PRINCIPLE_TESTS: tuple[tuple[str, frozenset[str]], ...] = (
    *(("condition", frozenset({v})) for v in EVIDENCE),
    ("crohns_fistula", frozenset({"yes", "unsure"})),
    ("condition", CAR_T_CONDITIONS),
    ("offer_received", frozenset({"yes"})),
    *(("risk_tolerance", frozenset({v})) for v in questions.BY_KEY["risk_tolerance"].values),
    *(d for derived in questions.DERIVED.values() for d in derived.depends_on),
)


# Each principle of the contract in a line, for messages; check() below tests them. A new
# principle is a row here and a test in check().
PRINCIPLES = {
    1: f"every summary starts with {NOT_MEDICAL_ADVICE!r} and contains {APPROVED_PROTOCOLS!r}",
    2: f"a red flag, or an offer received, shows {TOURISM_WARNING!r} right after the mandatory "
    "sections",
    3: f"where HSCT is described, {HSCT_RISKS!r} is shown too",
    4: "the condition's evidence section is always shown",
    5: "Crohn's with a fistula shows {!r}, {!r} and {!r}".format(*MSC_FISTULA),
    6: "refractory relapsing MS or systemic sclerosis shows the HSCT sections",
    7: f"a low or unsure risk answer shows {WEIGHING_RISKS!r}, and the risk answer never hides "
    "safety information",
    8: "{!r} and {!r} are always shown".format(*ALWAYS),
    9: "every shown section says why it is shown",
    10: "refractory lupus, myositis, systemic sclerosis or nerve conditions show "
    f"{CAR_T!r}, with its risks",
    11: "the tourism warning names the warning signs the person ticked, in their own words",
    12: "in the comparison, every option that gives a benefit number gives a harm number with "
    "a time frame, and a person who was offered a treatment sees the unproven-clinic column",
    13: "a Spanish summary contains the same sections, in the same order, as the English "
    "summary for the same answers; a stale or missing translation falls back to English, "
    "never to nothing",
}


@dataclass(frozen=True)
class Violation:
    principle: int
    message: str
    answers: Mapping[str, object]

    @property
    def code(self) -> str:
        return f"principle-{self.principle}"

    def describe(self) -> str:
        """The broken principle, what went wrong and an answer set it goes wrong for, in words."""
        return (
            f"principle {self.principle} ({PRINCIPLES.get(self.principle, '')}) would no longer "
            f"hold: {self.message}. For example, for these answers: "
            f"{questions.answers_sentence(self.answers)}"
        )

    def __str__(self) -> str:
        return self.describe()


def check(
    answers: Mapping[str, object],
    shown: list[Shown],
    language: str | None = None,
) -> list[tuple[int, str]]:
    """The principles one result breaks (all but the cross-answer part of principle 7), its
    reasons read in the active language (`language`, when the caller has looked it up)."""
    slugs = [s.slug for s in shown]
    present = set(slugs)
    out: list[tuple[int, str]] = []
    if slugs[:1] != [MANDATORY[0]] or not set(MANDATORY) <= present:
        out.append((1, "the summary does not start with the mandatory sections"))
    if questions.has_red_flag(answers) or answers.get("offer_received") == "yes":
        if TOURISM_WARNING not in present:
            out.append((2, f"{TOURISM_WARNING!r} is missing"))
        elif slugs.index(TOURISM_WARNING) != len(MANDATORY):
            out.append((2, f"{TOURISM_WARNING!r} is not right after the mandatory sections"))
    if HSCT_HOW_IT_WORKS in present and HSCT_RISKS not in present:
        out.append((3, f"HSCT is described without {HSCT_RISKS!r}"))
    evidence = EVIDENCE.get(str(answers.get("condition")))
    if evidence not in present:
        out.append((4, f"the condition's evidence section {evidence!r} is missing"))
    if answers.get("condition") == "crohns" and answers.get("crohns_fistula") in {"yes", "unsure"}:
        for slug in sorted(set(MSC_FISTULA) - present):
            out.append((5, f"{slug!r} is missing for Crohn's with a fistula"))
    if questions.is_refractory(answers) and answers.get("condition") in {
        "ms_relapsing",
        "systemic_sclerosis",
    }:
        for slug in sorted(set(HSCT_CORE) - present):
            out.append((6, f"{slug!r} is missing for refractory MS or systemic sclerosis"))
    if answers.get("risk_tolerance") in {"low", "unsure"} and WEIGHING_RISKS not in present:
        out.append((7, f"{WEIGHING_RISKS!r} is missing for a low or unsure risk answer"))
    for slug in sorted(set(ALWAYS) - present):
        out.append((8, f"{slug!r} is missing"))
    for item in shown:
        reasons = item.reasons(language)
        if not reasons or not all(r.strip() for r in reasons):
            out.append((9, f"{item.slug!r} has no reason"))
    out.extend(_car_t(answers, present))
    out.extend(check_named_signs(answers, shown))
    return out


def _car_t(answers: Mapping[str, object], present: set[str]) -> list[tuple[int, str]]:
    """Principle 10: refractory lupus, myositis, systemic sclerosis or nerve conditions show
    the CAR-T section (which carries its own risks)."""
    refractory = answers.get("condition") in CAR_T_CONDITIONS and questions.is_refractory(answers)
    if refractory and CAR_T not in present:
        return [(10, f"{CAR_T!r} is missing for refractory {answers['condition']}")]
    return []


def check_named_signs(answers: Mapping[str, object], shown: list[Shown]) -> list[tuple[int, str]]:
    """Principle 11: the tourism warning names each warning sign the person ticked, in the
    words declared beside the choice, and nothing they did not tick."""
    warning = next((s for s in shown if s.slug == TOURISM_WARNING), None)
    if warning is None:
        return []
    question = questions.BY_KEY["offer_features"]
    ticked = set(answers.get("offer_features") or ())  # type: ignore[arg-type]
    expected = [c.said for c in question.choices if c.value in questions.RED_FLAGS & ticked]
    if any(not words.strip() for words in expected) or list(warning.named) != expected:
        return [(11, f"{TOURISM_WARNING!r} does not name the warning signs that were ticked")]
    return []


def check_grid(
    answers: Mapping[str, object], grid: comparison.Grid | None
) -> list[tuple[int, str]]:
    """Principle 12, for the comparison these answers see (nothing to check without a grid).
    The grid depends only on the condition, the offer and the warning signs, which the answer
    classes already tell apart (PRINCIPLE_TESTS)."""
    if grid is None:
        return []
    return [(12, message) for message in comparison.principle_12(grid, answers)]


def check_languages(
    shown: list[Shown], ruleset: RuleSet, found: translations.Index | None = None
) -> list[tuple[int, str]]:
    """Principle 13, for every language content is translated into: the summary in that
    language (``translations.localise_cards``, as the summary page builds it) has the English
    summary's sections in the same order, and every one of them has a title, key point and
    text, translated or English."""
    found = translations.index(ruleset.translations) if found is None else found
    cards = []
    for item in shown:
        section = ruleset.section(item.slug)
        cards.append(
            {
                "slug": item.slug,
                "title": section.title,
                "summary": section.summary,
                "detail": section.body,
            }
        )
    english = [c["slug"] for c in cards]
    out: list[tuple[int, str]] = []
    for language in translations.LANGUAGES:
        localised = translations.localise_cards(cards, language, found)
        if [c.get("slug") for c in localised] != english:
            out.append(
                (13, f"the {language!r} summary does not have the English sections in order")
            )
            continue
        for card in localised:
            empty = [f for f in ("title", "detail") if not str(card.get(f) or "").strip()]
            if empty:
                out.append(
                    (13, f"section {card['slug']!r} shows no {' or '.join(empty)} in {language!r}")
                )
    return out


def _every_offer_features_answer() -> list[object]:
    question = questions.BY_KEY["offer_features"]
    return _options(question)


def _tests(ruleset: RuleSet) -> dict[str, list[frozenset[str]]]:
    tests: dict[str, list[frozenset[str]]] = {q.key: [] for q in questions.QUESTIONS}
    for rule in ruleset.rules:
        for cond in rule.conditions:
            if cond.question in questions.DERIVED:
                for key, values in questions.DERIVED[cond.question].depends_on:
                    tests[key].append(values)
            elif cond.question in tests:
                tests[cond.question].append(cond.values)
    for key, values in PRINCIPLE_TESTS:
        tests[key].append(values)
    return tests


def _options(question: questions.Question) -> list[object]:
    """Every answer a person can give: one value, or for the multi-choice question any value
    that stands alone, or any non-empty set of the others."""
    if not question.multiple:
        return list(question.values)
    others = [v for v in question.values if v not in question.exclusive]
    subsets: list[object] = [[v] for v in question.exclusive]
    for size in range(1, len(others) + 1):
        subsets.extend(list(combo) for combo in itertools.combinations(others, size))
    return subsets


def _groups(question: questions.Question, tests: list[frozenset[str]]) -> list[list[object]]:
    """This question's possible answers, grouped into classes no test can tell apart."""
    groups: dict[tuple[bool, ...], list[object]] = {}
    for option in _options(question):
        chosen = set(option) if isinstance(option, list) else {option}
        signature = tuple(bool(chosen & t) for t in tests)
        groups.setdefault(signature, []).append(option)
    return list(groups.values())


def answer_classes(ruleset: RuleSet) -> Iterator[tuple[dict[str, object], int]]:
    """One answer set per class of the answer space, with the number of answer sets it stands for."""
    tests = _tests(ruleset)
    classes = {
        q.key: [(members[0], len(members)) for members in _groups(q, tests[q.key])]
        for q in questions.QUESTIONS
    }
    yield from _walk(0, {}, 1, lambda q: classes[q.key])


def representative(answers: Mapping[str, object], ruleset: RuleSet) -> dict[str, object]:
    """The answer set that stands for `answers` in answer_classes()."""
    tests = _tests(ruleset)
    out: dict[str, object] = {}
    for key, value in answers.items():
        for members in _groups(questions.BY_KEY[key], tests[key]):
            if value in members:
                out[key] = members[0]
    return out


def random_answers(rng: random.Random, pick: float = 0.3) -> dict[str, object]:
    """A complete answer set drawn at random from the contract (for sampling and benchmarks);
    each warning sign of an offer is chosen with probability `pick`."""
    answers: dict[str, object] = {}
    for q in questions.QUESTIONS:
        if not questions.applies(q, answers):
            continue
        if q.multiple:
            others = [v for v in q.values if v not in q.exclusive]
            answers[q.key] = [v for v in others if rng.random() < pick] or [rng.choice(q.exclusive)]
        else:
            answers[q.key] = rng.choice(q.values)
    return answers


_GATES = {q.asked_when.question for q in questions.QUESTIONS if q.asked_when}


def space_size() -> int:
    """How many complete answer sets there are, counted without listing them."""

    def count(index: int, answers: dict[str, object]) -> int:
        if index == len(questions.QUESTIONS):
            return 1
        question = questions.QUESTIONS[index]
        if not questions.applies(question, answers):
            return count(index + 1, answers)
        options = _options(question)
        if question.key not in _GATES:  # nothing later depends on it: multiply
            return len(options) * count(index + 1, answers)
        return sum(count(index + 1, {**answers, question.key: o}) for o in options)

    return count(0, {})


def _walk(index, answers, weight, options_for):
    if index == len(questions.QUESTIONS):
        yield dict(answers), weight
        return
    question = questions.QUESTIONS[index]
    if not questions.applies(question, answers):
        yield from _walk(index + 1, answers, weight, options_for)
        return
    for option, size in options_for(question):
        answers[question.key] = option
        yield from _walk(index + 1, answers, weight * size, options_for)
    del answers[question.key]


@dataclass
class Report:
    combinations: int
    classes: int
    violations: list[Violation]


def verify(ruleset: RuleSet, stop_after: int = 0) -> Report:
    """Check every principle over the whole answer space; `stop_after` > 0 stops early."""
    violations: list[Violation] = []
    combinations = classes = 0
    risk_values = questions.BY_KEY["risk_tolerance"].values
    named_checked: set[object] = set()
    found = translations.index(ruleset.translations)
    language = questions.active_language()
    for answers, weight in answer_classes(ruleset):
        combinations += weight
        classes += 1
        shown = evaluate(answers, ruleset)
        broken = check(answers, shown, language) + check_grid(answers, ruleset.grid)
        for number, message in broken + check_languages(shown, ruleset, found):
            violations.append(Violation(number, message, answers))
        # Principle 7, second half: the risk answer never hides a warning section.
        present = {s.slug for s in shown}
        for other in risk_values:
            if other == answers["risk_tolerance"]:
                # `break` would compare each pair of risk answers once, from the later answer's
                # class, and find the same violations: an equivalent mutant.
                continue  # no mutate
            alt = sections_shown({**answers, "risk_tolerance": other}, ruleset)
            for slug in RISK_BLIND:
                if (slug in alt) != (slug in present):
                    violations.append(
                        Violation(
                            7,
                            f"changing only the risk answer to {other!r} changes whether "
                            f"{slug!r} is shown",
                            answers,
                        )
                    )
        # Principle 11 over every possible answer to the warning-sign question: the classes
        # above do not tell single signs apart, and the engine names signs from that answer
        # alone, so each selection is tried once for each answer that asks the question.
        offer = answers.get("offer_received")
        if "offer_features" in answers and offer not in named_checked:
            named_checked.add(offer)
            for features in _every_offer_features_answer():
                alt_answers = {**answers, "offer_features": features}
                for number, message in check_named_signs(
                    alt_answers, evaluate(alt_answers, ruleset)
                ):
                    violations.append(Violation(number, message, alt_answers))
        if stop_after and len(violations) >= stop_after:
            break
    return Report(combinations=combinations, classes=classes, violations=violations)

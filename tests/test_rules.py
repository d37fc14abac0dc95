"""The engine and its validator, with no database."""

import dataclasses

import pytest

from triage.engine.rules import (
    Condition,
    Refusal,
    Rule,
    RuleSet,
    Section,
    Source,
    evaluate,
    problems,
)
from triage.engine.slugs import MANDATORY


def section(slug, **kw):
    return Section(
        slug=slug,
        title=kw.pop("title", slug.title()),
        summary="One sentence.",
        body="Body.",
        sources=kw.pop("sources", (Source("A source", "https://example.org/"),)),
        **kw,
    )


def cond(question, *values, operator="in"):
    return Condition(question, operator, frozenset(values))


def ruleset(*rules, extra_sections=()):
    slugs = {r.section for r in rules} | set(extra_sections)
    return RuleSet.build([section(s) for s in sorted(slugs)], rules)


def slugs(result):
    return [s.slug for s in result]


def test_a_rule_needs_all_its_conditions_and_a_section_any_of_its_rules():
    rs = ruleset(
        Rule("both", "a", (cond("condition", "lupus"), cond("risk_tolerance", "high"))),
        Rule("either-1", "b", (cond("condition", "crohns"),)),
        Rule("either-2", "b", (cond("risk_tolerance", "low"),)),
    )
    assert slugs(evaluate({"condition": "lupus", "risk_tolerance": "high"}, rs))[2:] == ["a"]
    assert slugs(evaluate({"condition": "lupus", "risk_tolerance": "low"}, rs))[2:] == ["b"]
    assert slugs(evaluate({"condition": "crohns", "risk_tolerance": "moderate"}, rs))[2:] == ["b"]


def test_a_missing_answer_makes_a_condition_false_even_when_negated():
    rs = ruleset(
        Rule("fistula", "a", (cond("crohns_fistula", "yes"),)),
        Rule("no-fistula", "b", (cond("crohns_fistula", "yes", operator="not_in"),)),
    )
    assert slugs(evaluate({"condition": "lupus"}, rs)) == list(MANDATORY)
    assert slugs(evaluate({"condition": "crohns", "crohns_fistula": "no"}, rs))[2:] == ["b"]


def test_list_answers_match_when_any_chosen_value_is_listed():
    rs = ruleset(
        Rule("flag", "a", (cond("offer_features", "pay_upfront", "testimonials"),)),
        Rule("calm", "b", (cond("offer_features", "pay_upfront", operator="not_in"),)),
    )
    assert slugs(evaluate({"offer_features": ["travel_abroad", "testimonials"]}, rs))[2:] == [
        "a",
        "b",
    ]
    assert slugs(evaluate({"offer_features": ["pay_upfront"]}, rs))[2:] == ["a"]


def test_derived_terms_can_be_used_like_questions():
    rs = ruleset(
        Rule("refr", "a", (cond("refractory", "yes"),)), Rule("rf", "b", (cond("red_flag", "yes"),))
    )
    result = evaluate({"treatment_history": "one_failed", "activity": "active"}, rs)
    assert slugs(result)[2:] == ["a"]
    assert result[2].reasons() == [
        "your answers say your condition is still active after standard treatment"
    ]


def test_mandatory_sections_come_first_even_with_no_data_for_them():
    rs = ruleset(Rule("always", "zzz"))
    result = evaluate({}, rs)
    assert slugs(result) == [*MANDATORY, "zzz"]
    assert rs.section("approved-protocols").title
    assert rs.section("not-medical-advice").sources


def test_data_cannot_hide_or_reorder_the_mandatory_sections():
    rs = ruleset(
        Rule("first", "aaa", priority=1),
        Rule("sneaky", "approved-protocols", (cond("condition", "lupus"),), priority=1),
    )
    assert slugs(evaluate({"condition": "crohns"}, rs)) == [*MANDATORY, "aaa"]


def test_order_is_mandatory_then_tourism_warning_then_priority_then_slug():
    rs = ruleset(
        Rule("late", "b-late", priority=50),
        Rule("early", "z-early", priority=5),
        Rule("tie", "a-tie", priority=50),
        Rule("warn", "tourism-warning", priority=99),
    )
    assert slugs(evaluate({}, rs)) == [*MANDATORY, "tourism-warning", "z-early", "a-tie", "b-late"]


def test_reasons_are_built_from_the_answers_that_matched():
    rs = ruleset(
        Rule("r1", "a", (cond("condition", "lupus", "crohns"), cond("risk_tolerance", "low"))),
        Rule("r2", "a", (cond("offer_features", "pay_upfront", "travel_abroad"),)),
    )
    answers = {
        "condition": "lupus",
        "risk_tolerance": "low",
        "offer_features": ["pay_upfront", "travel_abroad"],
    }
    reasons = evaluate(answers, rs)[2].reasons()
    assert reasons == [
        "you told us your condition is \u201cLupus (systemic lupus erythematosus, SLE)\u201d",
        "you answered \u201cLow\u201d when we asked how much risk you would consider",
        "you told us the offer included \u201cI was asked to pay up front\u201d"
        " and \u201cI would have to travel to another country\u201d",
    ]
    assert evaluate({}, ruleset(Rule("x", "a")))[2].reasons() == [
        "it applies to everyone, whatever their answers"
    ]


def test_inactive_rules_and_rules_for_missing_sections_never_fire():
    rs = RuleSet.build([section("a")], [Rule("off", "a", active=False), Rule("ghost", "nope")])
    assert slugs(evaluate({}, rs)) == list(MANDATORY)


@pytest.mark.parametrize(
    ("rule", "field", "question", "problem"),
    [
        (
            Rule("q", "a", (cond("shoe_size", "9"),)),
            "question",
            "shoe_size",
            "unknown question 'shoe_size'",
        ),
        (
            Rule("v", "a", (cond("condition", "flu"),)),
            "values",
            "condition",
            "unknown value 'flu' for 'condition'",
        ),
        (Rule("s", "missing"), "section", "", "unknown section 'missing'"),
        (
            Rule("o", "a", (Condition("condition", "like", frozenset({"lupus"})),)),
            "operator",
            "condition",
            "unknown operator 'like'",
        ),
        (
            Rule("e", "a", (Condition("condition", "in", frozenset()),)),
            "values",
            "condition",
            "condition on 'condition' lists no values",
        ),
        (
            Rule("m", "not-medical-advice"),
            "section",
            "",
            "section 'not-medical-advice' is always shown and takes no rules",
        ),
        (
            Rule("r", "a", (cond("condition", "lupus"), cond("condition", "crohns"))),
            "question",
            "condition",
            "more than one condition on 'condition'",
        ),
    ],
)
def test_problems_name_what_is_unknown_and_the_rule_field_and_condition_it_is_in(
    rule, field, question, problem
):
    rs = RuleSet.build([section("a"), section("not-medical-advice")], [rule])
    [found] = problems(rs)
    assert found.message == f"rule {rule.key!r}: {problem}"
    assert (found.rule, found.field, found.question, found.section) == (
        rule.key,
        field,
        question,
        "",
    )


def test_a_section_needs_sources_a_known_indicator_and_text_each_named_by_field():
    rs = RuleSet.build([section("a", sources=(), indicator="loud", title=" ")], [])
    assert problems(rs) == [
        Refusal("unknown-indicator", "section 'a': unknown indicator 'loud'", "indicator", "a"),
        Refusal("no-source", "section 'a': needs at least one source", "sources", "a"),
        Refusal("no-text", "section 'a': needs a title", "title", "a"),
    ]


@pytest.mark.parametrize(
    ("title", "body", "missing"),
    [("", "Body.", ["title"]), ("Title", " ", ["body"]), ("", "", ["title", "body"])],
)
def test_a_section_needs_a_title_and_a_body(title, body, missing):
    rs = RuleSet.build([dataclasses.replace(section("a"), title=title, body=body)], [])
    assert [(p.code, p.field) for p in problems(rs)] == [("no-text", name) for name in missing]


def test_the_version_changes_with_any_content_and_only_then():
    base = ruleset(Rule("r", "a", (cond("condition", "lupus"),)))
    same = ruleset(Rule("r", "a", (cond("condition", "lupus"),)))
    other_rule = ruleset(Rule("r", "a", (cond("condition", "crohns"),)))
    other_text = RuleSet.build([section("a", title="New")], base.rules)
    assert base.version == same.version
    assert len({base.version, other_rule.version, other_text.version}) == 3


def test_the_version_changes_when_a_rules_section_priority_or_activity_changes():
    def version(**changes):
        rule = Rule(
            **{"key": "r", "section": "a", "conditions": (cond("condition", "lupus"),), **changes}
        )
        return ruleset(rule, extra_sections=("a", "b")).version

    versions = [version(), version(section="b"), version(priority=5), version(active=False)]
    versions.append(version(key="renamed"))
    assert len(set(versions)) == len(versions)
    assert version() == version()

"""What is refused everywhere (load_rules, the system check, verify_rules), the effect of an
edit, export_rules and ruleset versions, without the admin's forms."""

import io
import json
import random
import re
import shutil
from unittest import mock

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError

from tests.admin_posts import (
    change_url,
    condition_prefix,
    field_errors,
    open_change,
    ruleset_errors,
)
from tests.factories import editor
from tests.fixture_rows import (
    FIXTURES,
    ROOT,
    shipped_row,
    shipped_rows,
    shipped_section_row,
    with_fields,
)
from tests.texts import HARD_BODY, HARD_KEY_POINT
from triage.authoring import comparison, translations, verdict
from triage.authoring.files import load_files, ruleset_from_objects, ruleset_objects
from triage.authoring.loading import RulesetRefused, ruleset_load
from triage.authoring.ruleset import load_ruleset
from triage.engine import advice, principles, rules
from triage.models import Condition, Rule, RulesetVersion, Section, Source

# --- the advice phrases -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("We recommend HSCT for you.", ["We recommend"]),
        ("you\n  SHOULD stop", ["you SHOULD"]),
        ("You **should** ask", ["You should"]),
        ("you shouldn\u2019t wait", ["you shouldn't"]),
        ("It is not a cure.", ["cure"]),
        ("Results are guaranteed.", ["guaranteed"]),
        ("This may be right for you.", ["right for you"]),
        ("A secure procedure; curettage.", []),
        ("Ask your specialist team about HSCT.", []),
        ("Talk it through with your specialist team.", []),
    ],
)
def test_advice_is_matched_on_words_whatever_the_case(text, found):
    assert advice.find_advice(text) == found


A_SOURCE = rules.Source("A source", "https://example.org/")


def section(slug, body="What is known."):
    return rules.Section(slug=slug, title=slug, summary="One line.", body=body, sources=(A_SOURCE,))


def test_the_validator_names_the_section_the_field_and_quotes_the_phrase():
    ruleset = rules.RuleSet.build([section("evidence-lupus", body="We recommend it.")], [])
    [problem] = rules.problems(ruleset)
    assert problem.code == "advice"
    assert problem.message.startswith("section 'evidence-lupus': the body gives advice")
    assert "\u201cWe recommend\u201d" in problem.message


def test_no_shipped_section_gives_advice(shipped_ruleset):
    assert rules.problems(shipped_ruleset) == []
    for s in shipped_ruleset.sections.values():
        assert advice.find_advice(f"{s.title}\n{s.summary}\n{s.body}") == [], s.slug


# --- load_rules refuses, and changes nothing --------------------------------------------


def snapshot():
    return (
        sorted(Section.objects.values_list("slug", "title", "summary", "body", "active")),
        sorted(Source.objects.values_list("section__slug", "position", "label", "url")),
        sorted(Rule.objects.values_list("key", "priority", "active", "section__slug")),
        sorted((c.rule.key, c.question, json.dumps(c.values)) for c in Condition.objects.all()),
        Section.history.count() + Rule.history.count() + Condition.history.count(),
        RulesetVersion.objects.count(),
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [with_fields(shipped_section_row("evidence-lupus"), body="We recommend HSCT.")],
            "section 'evidence-lupus': the body gives advice about a person's own treatment: "
            "\u201cWe recommend\u201d",
        ),
        (
            [with_fields(shipped_section_row("hsct-risks"), summary="A cure, guaranteed.")],
            "\u201ccure\u201d",
        ),
        (
            [with_fields(shipped_section_row("msc-safety"), slug="msc-new", title="New")],
            "section 'msc-new': needs at least one source",
        ),
        (
            [with_fields(shipped_section_row("not-medical-advice"), active=False)],
            "section 'not-medical-advice' is mandatory",
        ),
        (
            [
                {
                    "model": "triage.condition",
                    "fields": {
                        "rule": ["weighing-risks-cautious"],
                        "question": "risk_tolerance",
                        "values": ["low"],
                    },
                }
            ],
            "principle 7",
        ),
        (
            [
                {
                    "model": "triage.rule",
                    "fields": {"key": "x", "section": ["hsct-how-it-works"], "priority": 5},
                }
            ],
            "principle 3",
        ),
    ],
)
def test_loading_a_broken_file_is_refused_and_changes_nothing(
    loaded_rules, tmp_path, rows, message
):
    before = snapshot()
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(rows))
    with pytest.raises(RulesetRefused) as info:
        ruleset_load([path], replace=False)
    assert any(message in r.message for r in info.value.refusals)
    assert snapshot() == before


# --- one verdict, four ways in ------------------------------------------------------------

WEIGHING_RISKS_CONDITION = {
    "model": "triage.condition",
    "fields": {"rule": ["weighing-risks-cautious"], "question": "risk_tolerance", "operator": "in"},
}

# One broken row per kind of refusal: each of verdict.CHECKS, then the principles proof; with
# the field the admin shows it beside ("" is the section or rule itself, "condition" the row
# of the condition the broken row is; None: above the form, about the ruleset as a whole).
BROKEN = {
    "advice": (
        with_fields(shipped_section_row("evidence-lupus"), body="We recommend HSCT."),
        ("", "body"),
    ),
    "hard-text": (with_fields(shipped_section_row("evidence-lupus"), body=HARD_BODY), ("", "body")),
    "hard-key-point": (
        with_fields(shipped_section_row("evidence-lupus"), summary=HARD_KEY_POINT),
        ("", "summary"),
    ),
    "mandatory-off": (
        with_fields(shipped_section_row("not-medical-advice"), active=False),
        ("", "active"),
    ),
    "unknown-value": (
        with_fields(WEIGHING_RISKS_CONDITION, values=["low", "unsure", "reckless"]),
        ("condition", "values"),
    ),
    "rule-on-mandatory": (
        with_fields(
            shipped_row("triage.rule", "weighing-risks-cautious"), section=["approved-protocols"]
        ),
        ("", "section"),
    ),
    "principle": (with_fields(shipped_row("triage.rule", "trials-everyone"), active=False), None),
}


def with_row(row):
    """The shipped ruleset with `row` in place of the shipped row it edits."""
    rows = shipped_rows()
    key = row_key(row)
    return ruleset_from_objects([row if row_key(r) == key else r for r in rows])


def row_key(row):
    fields = row["fields"]
    return (
        row["model"],
        fields.get("slug") or fields.get("key") or fields.get("rule"),
        fields.get("question"),
    )


def admin_edit(client, row):
    """Post the change form of the section or rule that `row` edits, with the row's values, as
    an editor would; returns the response and the form prefix of a condition row."""
    fields = row["fields"]
    if row["model"] == "triage.section":
        obj = Section.objects.get(slug=fields["slug"])
    else:
        obj = Rule.objects.get(key=(fields.get("key") or fields["rule"][0]))
    data = open_change(client, obj)
    prefix = ""
    if row["model"] == "triage.condition":
        prefix = condition_prefix(data, fields["question"])
        data[f"{prefix}-values"] = [f"{fields['question']}:{v}" for v in fields["values"]]
    for name, value in fields.items():
        if row["model"] == "triage.condition" or name in ("slug", "key"):
            continue
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value[0] if isinstance(value, list) else value
    return client.post(change_url(obj), data), prefix


@pytest.mark.parametrize("case", BROKEN)
def test_load_rules_verify_rules_the_admin_and_the_system_check_refuse_alike(
    loaded_rules, tmp_path, client, case
):
    """One broken row through each way in: the same codes and messages, word for word, and the
    admin shows them beside the field they are about."""
    row, placed = BROKEN[case]
    expected = [(r.code, r.message) for r in verdict.refusals(with_row(row))]
    assert expected

    path = tmp_path / "broken.json"
    path.write_text(json.dumps([row]))
    with pytest.raises(CommandError) as info:
        call_command("load_rules", str(path))
    assert coded_lines(str(info.value)) == expected

    client.force_login(editor())
    response, prefix = admin_edit(client, row)
    assert response.status_code == 200
    above, beside = ruleset_errors(response), field_errors(response)
    if placed is None:
        assert above == expected and beside == {}
    else:
        form, field = placed
        where = prefix if form == "condition" else form
        assert beside == {(where, field): expected}
        assert [code for code, _ in above] == ["refused"]

    call_command("loaddata", str(path), verbosity=0)  # past every check, into the database
    assert [(e.id, e.msg) for e in triage_errors()] == [(f"triage.{c}", m) for c, m in expected]
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_rules", stdout=out)
    assert coded_lines(out.getvalue())[: len(expected)] == expected


def test_every_check_of_the_verdict_has_a_broken_row_above():
    """A check the comparison above does not exercise could be missing from any way in. The
    comparison grid's check has its own four ways in (tests/test_comparison.py), and so has
    the content translations' (tests/test_translations.py)."""
    for check in verdict.CHECKS:
        if check in (comparison.refusals, translations.refusals):
            continue
        assert any(check(with_row(row)) for row, _ in BROKEN.values()), check.__qualname__
    assert any(
        r.code.startswith("principle-") for r in verdict.refusals(with_row(BROKEN["principle"][0]))
    )


def coded_lines(text):
    """The "[code] message" lines the commands print, as (code, message) pairs."""
    return [
        (m.group(1), m.group(2))
        for m in re.finditer(
            r"^\s*(?:\x1b\[[\d;]*m)?\[([a-z0-9-]+)\] (.*?)(?:\x1b\[0m)?$", text, re.M
        )
    ]


def test_a_refused_principle_names_an_answer_set_that_breaks_it(loaded_rules, tmp_path):
    path = tmp_path / "broken.json"
    row = {"model": "triage.rule", "fields": {"key": "trials-everyone", "active": False}}
    row["fields"]["section"] = ["clinical-trials"]
    path.write_text(json.dumps([row]))
    with pytest.raises(CommandError) as info:
        call_command("load_rules", str(path))
    assert "[principle-8] principle 8" in str(info.value)
    example = str(info.value).split("For example, for these answers: ", 1)[1]
    assert example.startswith("Condition: ") and "Where you live: " in example


def test_a_refused_replacing_load_leaves_the_database_exactly_as_it_was(
    loaded_rules, tmp_path, monkeypatch
):
    for path in FIXTURES:
        shutil.copy(path, tmp_path / path.name)
    sections = tmp_path / "sections.json"
    rows = json.loads(sections.read_text())
    for row in rows:
        if row["model"] == "triage.section" and row["fields"]["slug"] == "hsct-journey":
            row["fields"]["body"] += "\n\nYou should plan for six months off work."
    sections.write_text(json.dumps(rows))
    monkeypatch.setattr("triage.management.commands.load_rules.FIXTURES_DIR", tmp_path)
    before = snapshot()
    with pytest.raises(CommandError, match="\u201cYou should\u201d"):
        call_command("load_rules")
    assert snapshot() == before


# --- the system check -------------------------------------------------------------------


def triage_errors():
    return run_checks(tags=["triage"], databases=["default"])


def test_the_system_check_passes_the_shipped_rules(loaded_rules):
    assert triage_errors() == []


def test_the_system_check_fails_on_a_broken_principle(loaded_rules):
    Rule.objects.filter(key="trials-everyone").update(active=False)
    [error] = triage_errors()
    assert error.id == "triage.principle-8" and error.is_serious()
    assert "principle 8" in error.msg and "For example, for these answers" in error.msg


def test_the_system_check_fails_on_advice_and_on_a_missing_mandatory_section(loaded_rules):
    Section.objects.filter(slug="weighing-risks").update(body="We advise caution.")
    Section.objects.filter(slug="approved-protocols").update(active=False)
    errors = {e.id: e.msg for e in triage_errors()}
    assert "\u201cWe advise\u201d" in errors["triage.advice"]
    assert "'approved-protocols' is mandatory" in errors["triage.mandatory-missing"]


def test_the_system_check_names_an_unknown_question_value_or_section(loaded_rules):
    Condition.objects.filter(rule__key="timing-ms-ssc", question="condition").update(
        question="shoe_size"
    )
    Condition.objects.filter(rule__key="evidence-lupus").update(values=["flu"])
    errors = [(e.id, e.msg) for e in triage_errors()]
    assert (
        "triage.unknown-question",
        "rule 'timing-ms-ssc': unknown question 'shoe_size'",
    ) in errors
    assert (
        "triage.unknown-value",
        "rule 'evidence-lupus': unknown value 'flu' for 'condition'",
    ) in (errors)


def test_the_system_check_is_quiet_before_the_tables_exist(loaded_rules):
    Rule.objects.filter(key="trials-everyone").update(active=False)
    with mock.patch(
        "triage.authoring.ruleset.load_ruleset", side_effect=OperationalError("no table")
    ):
        assert triage_errors() == []
    plan = "django.db.migrations.executor.MigrationExecutor.migration_plan"
    with mock.patch(plan, return_value=[("pending", False)]):
        assert triage_errors() == []
    assert run_checks(tags=["triage"]) == []  # reads the database only when asked to


# --- verify_rules -----------------------------------------------------------------------


def test_verify_rules_proves_the_principles_and_reports_what_never_happens(loaded_rules):
    Rule.objects.filter(key="basics-everyone").update(active=False)  # its section: unreachable
    silent = Rule.objects.get(key="timing-ms-ssc")
    Condition.objects.create(
        rule=silent, question="region", operator="not_in", values=["us", "eu", "uk", "other"]
    )
    Section.objects.filter(slug="msc-safety").update(next_review="2020-01-01")
    out = io.StringIO()
    call_command("verify_rules", stdout=out)
    text = out.getvalue()
    assert f"Checked {principles.space_size():,} answer combinations" in text and " s." in text
    assert "Every principle holds." in text
    assert "Rules that can never fire (1):\n  - timing-ms-ssc" in text
    assert "Sections no answer can reach (1):\n  - stem-cells-basics" in text
    assert "Reviews overdue (1):\n  - msc-safety (next review 2020-01-01)" in text


def test_verify_rules_exits_non_zero_on_a_broken_principle(loaded_rules):
    Rule.objects.filter(key="questions-everyone").update(active=False)
    out = io.StringIO()
    with pytest.raises(CommandError, match="must not be used"):
        call_command("verify_rules", stdout=out)
    assert "principle 8" in out.getvalue()


def test_verify_rules_checks_fixture_files_without_the_database(tmp_path):
    rows = shipped_rows()
    drop = "weighing-risks-cautious"
    rows = [r for r in rows if drop not in (r["fields"].get("key"), *r["fields"].get("rule", []))]
    path = tmp_path / "all.json"
    path.write_text(json.dumps(rows))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_rules", str(path), stdout=out)
    assert "principle 7" in out.getvalue()


# --- export_rules -----------------------------------------------------------------------


def exported(directory):
    return {
        name: (directory / name).read_text(encoding="utf-8")
        for name in ("sections.json", "rules.json", "comparison.json")
    }


def test_export_then_load_rebuilds_the_same_ruleset_version(loaded_rules, tmp_path):
    condition = Condition.objects.get(rule__key="weighing-risks-cautious")
    condition.values = ["unsure", "moderate", "low"]
    condition.save()
    Section.objects.filter(slug="hsct-risks").update(title="Risks of HSCT \u2013 reworded")
    edited = load_ruleset().version
    call_command("export_rules", str(tmp_path), stdout=io.StringIO())

    Condition.objects.all().delete()
    Rule.objects.all().delete()
    Source.objects.all().delete()
    Section.objects.all().delete()  # and their translations with them (authoring/signals.py)
    call_command(
        "load_rules",
        *(str(tmp_path / n) for n in ("sections.json", "rules.json", "es-sections.json")),
        stdout=io.StringIO(),
    )
    assert load_ruleset().version == edited

    again = tmp_path / "again"
    call_command("export_rules", str(again), stdout=io.StringIO())
    assert exported(again) == exported(tmp_path)  # stable: the same text both times
    text = exported(tmp_path)["rules.json"]
    assert '"values": [\n        "low",\n        "moderate",\n        "unsure"\n      ]' in text
    assert "Risks of HSCT \u2013 reworded" in exported(tmp_path)["sections.json"]


def test_export_is_sorted_by_natural_key_and_holds_the_shipped_rows(loaded_rules, tmp_path):
    call_command("export_rules", str(tmp_path), stdout=io.StringIO())
    shipped = shipped_rows()
    names = ("sections.json", "rules.json", "comparison.json")
    names += ("es-sections.json", "es-comparison.json")  # the content translations
    assert sorted(p.name for p in tmp_path.glob("*.json")) == sorted(names)
    out = [r for n in names for r in json.loads((tmp_path / n).read_text())]
    for name in names[3:]:  # written back exactly as shipped
        assert (tmp_path / name).read_text() == (ROOT / "fixtures" / name).read_text()

    def canonical(rows):
        return sorted(json.dumps(r, sort_keys=True) for r in rows)

    assert canonical(out) == canonical(shipped)
    slugs = [r["fields"]["slug"] for r in out if r["model"] == "triage.section"]
    keys = [r["fields"]["key"] for r in out if r["model"] == "triage.rule"]
    assert slugs == sorted(slugs) and keys == sorted(keys)
    assert out[0]["model"] == "triage.section" and out[1]["model"] == "triage.source"
    assert exported(tmp_path)["rules.json"].endswith("}\n]\n")


# --- the effect of an edit --------------------------------------------------------------


def test_an_edit_that_changes_nothing_has_no_effect(shipped_ruleset):
    assert verdict.effect(shipped_ruleset, shipped_ruleset).changed == 0


def weighing_for_moderate(ruleset):
    old = next(r for r in ruleset.rules if r.key == "weighing-risks-cautious")
    cond = rules.Condition("risk_tolerance", "in", frozenset({"low", "moderate", "unsure"}))
    new = rules.Rule(old.key, old.section, (cond,), old.priority, True)
    return verdict.with_rule(ruleset, new, old_key=old.key)


def test_the_effect_counts_combinations_and_gives_examples(shipped_ruleset):
    after = weighing_for_moderate(shipped_ruleset)
    found = verdict.effect(shipped_ruleset, after)
    assert found.total == principles.space_size()
    assert found.changed == found.total // 4  # every answer set with a moderate risk answer
    [example] = found.examples
    assert example.answers["risk_tolerance"] == "moderate"
    assert example.added == ["weighing-risks"] and example.combinations == found.changed


def test_the_effect_of_each_answer_set_matches_its_class(shipped_ruleset):
    after = weighing_for_moderate(shipped_ruleset)
    after = verdict.with_rule(after, None, old_key="timing-long-refractory")
    both = rules.RuleSet(sections={}, rules=shipped_ruleset.rules + after.rules)
    rng = random.Random(3)

    def differs(answers):
        before = [(s.slug, s.reasons()) for s in rules.evaluate(answers, shipped_ruleset)]
        return before != [(s.slug, s.reasons()) for s in rules.evaluate(answers, after)]

    for _ in range(1500):
        answers = principles.random_answers(rng)
        rep = principles.representative(answers, both)
        assert differs(answers) == differs(rep), answers


def test_a_section_text_edit_changes_every_summary_that_shows_it(shipped_ruleset):
    old = shipped_ruleset.sections["tourism-warning"]
    new = rules.Section(**{**old.__dict__, "body": old.body + "\n\nMore."})
    after = verdict.with_section(
        shipped_ruleset,
        new,
        old_slug=old.slug,
        rules_of_section=[r for r in shipped_ruleset.rules if r.section == old.slug],
    )
    found = verdict.effect(shipped_ruleset, after)
    assert 0 < found.changed < found.total
    assert all(ex.changed == {"tourism-warning": ["text"]} for ex in found.examples)
    assert verdict.refusals(after) == []


def test_removing_the_tourism_warning_is_refused_with_an_answer_set(shipped_ruleset):
    after = verdict.with_section(shipped_ruleset, None, old_slug="tourism-warning")
    [refusal] = verdict.refusals(after)
    assert refusal.code == "principle-2"
    assert refusal.message.startswith("principle 2 (a red flag, or an offer received, shows")
    assert "For example, for these answers: Condition:" in refusal.message


# --- ruleset versions -------------------------------------------------------------------


def test_a_snapshot_rebuilds_its_version(shipped_ruleset):
    rows = ruleset_objects(shipped_ruleset)
    assert ruleset_from_objects(rows).version == shipped_ruleset.version


def test_load_rules_records_the_version_it_loaded(loaded_rules):
    RulesetVersion.objects.all().delete()
    call_command("load_rules", stdout=io.StringIO())
    record = RulesetVersion.objects.get(version=load_ruleset().version)
    assert record.recorded_by == "load_rules"
    assert ruleset_from_objects(record.snapshot).version == record.version
    assert load_files(FIXTURES).version == record.version


def test_load_rules_records_history_for_what_it_adds_or_changes(loaded_rules, tmp_path):
    section = Section.objects.get(slug="hsct-risks")
    first = Section.history.filter(id=section.pk).earliest("history_date")
    assert (first.history_type, first.history_change_reason) == ("+", "Loaded by load_rules")
    path = tmp_path / "reworded.json"
    path.write_text(json.dumps([with_fields(shipped_section_row("hsct-risks"), title="Reworded")]))
    before = Section.history.count()
    call_command("load_rules", str(path), stdout=io.StringIO())
    assert Section.history.count() == before + 1
    latest = Section.history.filter(id=section.pk).latest("history_date")
    assert (latest.history_type, latest.title) == ("~", "Reworded")

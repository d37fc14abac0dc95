"""load_rules and evaluate, as an admin or a script would run them."""

import io
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import answers as people
from tests.fixture_rows import FIXTURES, ROOT, shipped_rows
from tests.shell import run_evaluate, run_manage
from triage.authoring.files import load_files
from triage.authoring.ruleset import load_ruleset
from triage.engine import principles
from triage.models import Condition, Rule, Section

pytestmark = pytest.mark.usefixtures("loaded_rules")


def test_evaluate_prints_cards_shaped_like_cds_hooks_cards(tmp_path):
    out = io.StringIO()
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(people.CROHNS_FISTULA_LOW_RISK))
    call_command("evaluate", str(path), stdout=out)
    document = json.loads(out.getvalue())
    assert document["ruleset_version"] == load_ruleset().version
    cards = document["cards"]
    assert [c["slug"] for c in cards[:2]] == ["not-medical-advice", "approved-protocols"]
    for card in cards:
        assert set(card) >= {"slug", "summary", "detail", "indicator", "source", "links", "reasons"}
        assert card["indicator"] in {"info", "warning", "critical"}
        assert card["source"]["label"] and card["source"]["url"].startswith("https://")
        assert card["reasons"]
        assert len(card["summary"]) <= 140
        assert all(link["type"] == "absolute" for link in card["links"])
    assert "msc-safety" in [c["slug"] for c in cards]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({**people.TYPE1_DIABETES, "favourite": "x"}, "unknown question 'favourite'"),
        ({**people.TYPE1_DIABETES, "region": "mars"}, "unknown value 'mars' for 'region'"),
        ({**people.TYPE1_DIABETES, "crohns_fistula": "no"}, "'crohns_fistula' does not apply"),
    ],
)
def test_evaluate_refuses_invalid_answers_in_one_line(document, message):
    result = run_evaluate(json.dumps(document))
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_evaluate_refuses_broken_json_without_a_traceback():
    result = run_evaluate("{not json")
    assert result.returncode != 0
    assert "invalid JSON" in result.stderr and "Traceback" not in result.stderr


def test_load_rules_loads_the_fixtures_and_reports_the_proof():
    out = io.StringIO()
    call_command("load_rules", stdout=out)
    every = f"Every principle holds over {principles.space_size():,} answer combinations"
    assert every in out.getvalue()
    assert Section.objects.filter(active=True).count() >= 22
    assert load_ruleset().version == load_files(FIXTURES).version


def snapshot():
    return (
        sorted(Section.objects.values_list("slug", "title", "body")),
        sorted(Rule.objects.values_list("key", "priority", "active")),
        sorted((c.rule.key, c.question, json.dumps(c.values)) for c in Condition.objects.all()),
    )


def write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text(json.dumps(rows) if not isinstance(rows, str) else rows)
    return str(path)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("[{not json", "broken.json: not a readable JSON fixture"),
        ([{"model": "auth.user", "fields": {}}], "broken.json row 1: unexpected model 'auth.user'"),
        (
            [{"model": "triage.rule", "fields": {"key": "x", "section": ["nope"], "priority": 5}}],
            "nope",
        ),
        (
            [
                {"model": "triage.rule", "fields": {"key": "bad", "section": ["evidence-lupus"]}},
                {
                    "model": "triage.condition",
                    "fields": {"rule": ["bad"], "question": "shoe_size", "values": ["9"]},
                },
            ],
            "unknown question 'shoe_size'",
        ),
        (
            [
                {
                    "model": "triage.condition",
                    "fields": {
                        "rule": ["evidence-lupus"],
                        "question": "condition",
                        "values": ["flu"],
                    },
                },
            ],
            "unknown value 'flu' for 'condition'",
        ),
        (
            [
                {
                    "model": "triage.rule",
                    "fields": {
                        "key": "trials-everyone",
                        "section": ["clinical-trials"],
                        "active": False,
                    },
                }
            ],
            "principle 8",
        ),
    ],
)
def test_load_rules_refuses_a_broken_file_and_changes_nothing(tmp_path, rows, message):
    before = snapshot()
    with pytest.raises(CommandError, match="Refused, nothing was changed") as info:
        call_command("load_rules", write(tmp_path, "broken.json", rows))
    assert message in str(info.value)
    assert snapshot() == before


def without_field(rows, model, key, field):
    """`rows` with `field` taken out of the row of `model` whose first field value is `key`."""
    for row in rows:
        if row["model"] == model and key in (row["fields"].get("slug"), row["fields"].get("key")):
            del row["fields"][field]
            return rows
    raise AssertionError(key)


def test_verify_rules_names_the_file_and_row_of_a_missing_field_in_one_line(tmp_path):
    rows = without_field(shipped_rows(), "triage.section", "hsct-risks", "title")
    number = 1 + next(i for i, r in enumerate(rows) if r["fields"].get("slug") == "hsct-risks")
    path = write(tmp_path, "bad.json", rows)
    result = run_manage("verify_rules", path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert (result.stdout + result.stderr).strip().splitlines() == [
        f"CommandError: {path} row {number} (triage.section 'hsct-risks'): missing field 'title'"
    ]


def test_load_rules_names_the_file_and_row_of_a_missing_field_in_one_line(tmp_path):
    rows = [{"model": "triage.rule", "fields": {"key": "new-rule", "priority": 5}}]
    path = write(tmp_path, "bad.json", rows)
    before = snapshot()
    with pytest.raises(CommandError) as info:
        call_command("load_rules", path)
    assert str(info.value) == (
        f"Refused, nothing was changed: {path} row 1 (triage.rule 'new-rule'): "
        "missing field 'section'"
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            {"model": "triage.section", "fields": {"slug": "x", "title": "X"}},
            "row 1 (triage.section 'x'): missing field 'summary', 'body', 'last_reviewed', 'next_review'",
        ),
        (
            {"model": "triage.rule", "fields": {"key": "x", "section": "evidence-lupus"}},
            "row 1 (triage.rule 'x'): 'section' must be a natural key such as [\"hsct-risks\"]",
        ),
        (
            {
                "model": "triage.rule",
                "fields": {"key": "x", "section": ["evidence-lupus"], "colour": 1},
            },
            "row 1 (triage.rule 'x'): unknown field 'colour'",
        ),
        (
            {
                "model": "triage.condition",
                "fields": {"rule": ["nope"], "question": "region", "values": ["uk"]},
            },
            "row 1 (triage.condition 'nope' 'region'): unknown rule 'nope'",
        ),
        (
            {
                "model": "triage.condition",
                "fields": {"rule": ["evidence-lupus"], "question": "region", "values": "uk"},
            },
            "row 1 (triage.condition 'evidence-lupus' 'region'): 'values' must be a list of answer values",
        ),
        ({"model": "triage.rule"}, 'row 1: a row is an object with "model" and "fields"'),
    ],
)
def test_a_bad_row_is_named_by_file_and_row_by_both_commands(tmp_path, row, problem):
    """verify_rules checks a file without the database: a condition naming a rule that is not
    in its files is as unknown as a missing field."""
    path = write(tmp_path, "bad.json", [row])
    with pytest.raises(CommandError) as info:
        call_command("load_rules", path)
    assert str(info.value).endswith(f"{path} {problem}")
    with pytest.raises(CommandError) as info:
        call_command("verify_rules", path, stdout=io.StringIO())
    assert problem in str(info.value) and "\n" not in str(info.value)


def test_two_rows_with_one_natural_key_are_refused(tmp_path):
    row = {"model": "triage.rule", "fields": {"key": "x", "section": ["evidence-lupus"]}}
    path = write(tmp_path, "twice.json", [row, row])
    with pytest.raises(
        CommandError, match=r"twice.json row 2 \(triage.rule 'x'\): also at .*twice.json row 1"
    ):
        call_command("load_rules", path)


def test_load_rules_names_a_missing_file():
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_rules", "/nonexistent/rules.json")


REWORD_THEN_CHECK = """
import dataclasses, django
from triage.engine import questions

def reworded(q):
    choices = tuple(dataclasses.replace(c, label=c.label + " (new words)") for c in q.choices)
    return dataclasses.replace(q, check_label=q.check_label + " (new words)", choices=choices)

questions.QUESTIONS = tuple(reworded(q) for q in questions.QUESTIONS)
questions.BY_KEY.update({q.key: q for q in questions.QUESTIONS})
django.setup()
from django.core.management import call_command
call_command("makemigrations", "--check", "--dry-run", verbosity=1)
"""


def test_rewording_the_questions_needs_no_migration():
    """Labels are ours to improve: no model field may hold them as choices."""
    result = subprocess.run(
        [sys.executable, "-c", REWORD_THEN_CHECK],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout

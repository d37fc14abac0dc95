"""load_rules and evaluate, as an admin or a script would run them."""

import io
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import answers as people
from tests.clients import run_evaluate
from tests.shipped import FIXTURES, ROOT
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
        ("[{not json", "not a readable JSON fixture"),
        ([{"model": "auth.user", "fields": {}}], "unexpected model 'auth.user'"),
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

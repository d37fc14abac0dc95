"""Reading grade as a content check: measured like the issue measured it, refused above the
limits with the hardest sentence named, warned between target and limit, in the admin, in
load_rules and in verify_rules."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.admin_posts import change_url, confirm, open_change, page
from tests.fixture_rows import shipped_section_row, with_fields
from tests.texts import FAIRLY_HARD_KEY_POINT, HARD, HARD_BODY, HARD_KEY_POINT
from triage.authoring import readability
from triage.models import Section

# --- the measure --------------------------------------------------------------------------


def test_a_list_item_or_heading_counts_as_a_sentence_of_its_own():
    text = readability.plain_text("### Warning signs\n- Paying up front\n- No ethics approval")
    assert text.splitlines() == ["Warning signs.", "Paying up front.", "No ethics approval."]


def test_tags_and_markdown_are_not_read_as_words():
    body = 'The <abbr title="European Society for Blood and Marrow Transplantation">EBMT</abbr> **said** so.'
    assert readability.plain_text(body) == "The EBMT said so."


def test_the_hardest_sentence_is_the_one_named():
    sentence, grade = readability.hardest_sentence(readability.plain_text(HARD_BODY))
    assert sentence == HARD
    assert grade > readability.BODY_LIMIT


def test_easy_text_passes_fairly_hard_text_warns_and_hard_text_is_refused():
    assert (
        readability.check("Stem cells can make new cells.", "Stem cells can make new cells.") == []
    )
    warned = readability.check(FAIRLY_HARD_KEY_POINT, "A short, plain text.")
    assert [(f.code, f.refused) for f in warned] == [("key-point-hard", False)]
    refused = readability.check(HARD_KEY_POINT, HARD_BODY)
    assert [(f.code, f.refused) for f in refused] == [
        ("body-too-hard", True),
        ("key-point-too-hard", True),
    ]
    assert HARD in refused[0].message and "above the limit of 10" in refused[0].message
    assert HARD_KEY_POINT in refused[1].message and "above the limit of 12" in refused[1].message


# --- the admin ----------------------------------------------------------------------------

pytestmark = pytest.mark.usefixtures("loaded_rules")


@pytest.mark.usefixtures("proof_over_the_people")
def test_the_admin_refuses_a_body_above_grade_10_naming_the_hardest_sentence(editor_client):
    section = Section.objects.get(slug="evidence-lupus")
    data = open_change(editor_client, section)
    data["body"] = HARD_BODY
    response = editor_client.post(change_url(section), data)
    assert response.status_code == 200
    assert "too hard to read" in page(response) and HARD in page(response)
    assert Section.objects.get(slug="evidence-lupus").body == section.body


@pytest.mark.usefixtures("proof_over_the_people")
def test_the_admin_refuses_a_key_point_above_grade_12_naming_it(editor_client):
    section = Section.objects.get(slug="evidence-lupus")
    data = open_change(editor_client, section)
    data["summary"] = HARD_KEY_POINT
    response = editor_client.post(change_url(section), data)
    assert "key point (summary) is too hard to read" in page(response)
    assert HARD_KEY_POINT in page(response)
    assert Section.objects.get(slug="evidence-lupus").summary == section.summary


@pytest.mark.usefixtures("proof_over_the_people")
def test_the_admin_saves_a_fairly_hard_key_point_with_a_warning(editor_client):
    section = Section.objects.get(slug="evidence-lupus")
    url = change_url(section)
    data = open_change(editor_client, section)
    data["summary"] = FAIRLY_HARD_KEY_POINT
    response = confirm(editor_client, url, editor_client.post(url, data))
    assert Section.objects.get(slug="evidence-lupus").summary == FAIRLY_HARD_KEY_POINT
    followed = editor_client.get(response.url)
    assert "harder to read than the target" in page(followed)


# --- load_rules and verify_rules -----------------------------------------------------------


def _section_row(**fields):
    return with_fields(shipped_section_row("evidence-lupus"), **fields)


@pytest.mark.parametrize(
    ("fields", "named"),
    [({"body": HARD_BODY}, HARD), ({"summary": HARD_KEY_POINT}, HARD_KEY_POINT)],
)
def test_load_rules_refuses_hard_text_and_changes_nothing(tmp_path, fields, named):
    path = tmp_path / "hard.json"
    path.write_text(json.dumps([_section_row(**fields)]))
    before = Section.objects.get(slug="evidence-lupus").body
    with pytest.raises(CommandError, match="Refused, nothing was changed") as info:
        call_command("load_rules", str(path))
    assert "too hard to read" in str(info.value) and named in str(info.value)
    assert Section.objects.get(slug="evidence-lupus").body == before


def test_load_rules_loads_fairly_hard_text_with_a_warning(tmp_path):
    path = tmp_path / "fair.json"
    path.write_text(json.dumps([_section_row(summary=FAIRLY_HARD_KEY_POINT)]))
    err = StringIO()
    call_command("load_rules", str(path), stdout=StringIO(), stderr=err)
    assert "harder to read than the target" in err.getvalue()
    assert Section.objects.get(slug="evidence-lupus").summary == FAIRLY_HARD_KEY_POINT


def test_verify_rules_prints_every_grade_and_the_grades_together():
    out = StringIO()
    call_command("verify_rules", stdout=out)
    text = out.getvalue()
    for section in Section.objects.all():
        assert section.slug in text
    line = next(line for line in text.splitlines() if "all together" in line)
    key_points, bodies = (float(v) for v in line.split()[-2:])
    assert key_points <= 8 and bodies <= 7
    assert "Sources more than 5 years older than their section's review" in text
    assert "Daikeler T et al." in text  # 2011, reviewed 2026

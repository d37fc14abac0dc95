"""Compare your options: the pure grid, the verdict's refusals through load_rules,
the page on the three roads, "What matters to you" and the admin."""

from __future__ import annotations

import dataclasses
import io
import json
import re

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests import answers as people
from tests.admin_posts import form_data
from tests.factories import editor, staff_client
from tests.fixture_rows import FIXTURES
from tests.journey import finish
from triage.authoring import comparison as authoring
from triage.authoring import verdict
from triage.authoring.files import load_files
from triage.authoring.ruleset import load_ruleset
from triage.engine import advice, principles, regions
from triage.engine import comparison as grid_engine
from triage.engine.comparison import Cell, Grid, Option, Row
from triage.models import Cell as CellRow
from triage.models import GridRow, RulesetVersion, Submission
from triage.models import Option as OptionRow
from triage.summary.comparison import frequency_sentence, frequency_words, row_questions
from triage.summary.services import submission_create

OFFERED_MS = {
    **people.REFRACTORY_MS_HIGH_RISK,
    "offer_received": "yes",
    "offer_features": ["pay_upfront"],
}

# --- the pure grid ------------------------------------------------------------------------


def cell(option, row, condition="", **fields):
    base = {"text": "Plain words.", "source_label": "A source", "source_url": "https://example.org"}
    return Cell(option=option, row=row, condition=condition, **{**base, **fields})


def small_grid(*cells, unproven_conditions=()):
    options = [
        Option("usual-care", "Usual care", 1),
        Option("hsct", "HSCT", 2, ("ms_relapsing",)),
        Option("unproven-clinic", "Paid clinic", 3, tuple(unproven_conditions), offered_only=True),
    ]
    rows = [Row("involves", "What?", 1), Row("benefit", "Help?", 2), Row("harm", "Harm?", 3)]
    return Grid.build(options, rows, cells)


def slugs(columns):
    return [o.slug for o in columns]


def test_columns_follow_the_condition_and_the_offer():
    grid = small_grid()
    ms = people.REFRACTORY_MS_HIGH_RISK
    assert slugs(grid.columns(ms)) == ["usual-care", "hsct"]
    assert slugs(grid.columns(people.TYPE1_DIABETES)) == ["usual-care"]
    assert slugs(grid.columns(OFFERED_MS)) == ["usual-care", "hsct", "unproven-clinic"]
    # A warning sign ticked for an offer they were not sure about shows it too; none does not.
    unsure_sign = {**ms, "offer_received": "unsure", "offer_features": ["travel_abroad"]}
    unsure_none = {**ms, "offer_received": "unsure", "offer_features": ["none_of_these"]}
    assert "unproven-clinic" in slugs(grid.columns(unsure_sign))
    assert "unproven-clinic" not in slugs(grid.columns(unsure_none))


def test_the_unproven_clinic_column_shows_when_offered_whatever_its_list_says():
    grid = small_grid(unproven_conditions=("lupus",))
    assert "unproven-clinic" in slugs(grid.columns(OFFERED_MS))
    assert "unproven-clinic" not in slugs(grid.columns(people.REFRACTORY_MS_HIGH_RISK))


def test_a_condition_cell_wins_over_the_default():
    grid = small_grid(
        cell("hsct", "benefit", text="Default."), cell("hsct", "benefit", "lupus", text="Lupus.")
    )
    assert grid.cell("hsct", "benefit", "lupus").text == "Lupus."
    assert grid.cell("hsct", "benefit", "crohns").text == "Default."
    assert grid.cell("hsct", "harm", "lupus") is None


def test_the_stored_grid_has_a_cell_per_column_and_drops_empty_rows():
    grid = small_grid(cell("usual-care", "involves"), cell("hsct", "benefit", "ms_relapsing"))
    stored = grid_engine.for_answers(grid, people.REFRACTORY_MS_HIGH_RISK)
    assert [c["slug"] for c in stored["columns"]] == ["usual-care", "hsct"]
    assert [r["slug"] for r in stored["rows"]] == ["involves", "benefit"]
    involves, benefit = stored["rows"]
    assert involves["cells"][1] is None and benefit["cells"][0] is None
    assert benefit["cells"][1]["condition"] == "ms_relapsing"
    json.dumps(stored)  # stored in a JSONField


@pytest.mark.parametrize(
    ("per_100", "count", "below_one", "about", "words"),
    [
        (82.9, 83, False, True, "about 83 in 100"),
        (2, 2, False, False, "2 in 100"),
        (2.5, 3, False, True, "about 3 in 100"),  # half up, not to even
        (0.4, 0, True, False, "fewer than 1 in 100"),
        (0, 0, True, False, "fewer than 1 in 100"),
        (100, 100, False, False, "100 in 100"),
    ],
)
def test_numbers_become_whole_people(per_100, count, below_one, about, words):
    found = grid_engine.frequency(per_100)
    assert (found.count, found.below_one, found.about) == (count, below_one, about)
    assert frequency_words(per_100) == words


def test_affected_people_are_grouped_from_the_top_left():
    icons = grid_engine.icon_positions(23)
    assert len(icons) == 100
    filled = [(i.row, i.column) for i in icons if i.filled]
    assert len(filled) == 23
    assert filled == sorted(filled) and filled[0] == (0, 0)
    assert filled[-1] == (2, 2)  # two full rows, then three from the left
    assert not any(i.filled for i in grid_engine.icon_positions(0))


def test_the_frequency_sentence_says_how_many_who_what_and_when():
    stored = cell(
        "hsct",
        "harm",
        per_100=2.1,
        who="people with MS in 15 studies",
        outcome="died",
        time_frame="over 2 years",
    ).as_stored()
    assert (
        frequency_sentence(stored)
        == "About 2 in 100 people with MS in 15 studies died, over 2 years."
    )
    assert frequency_sentence({**stored, "per_100": 0.2}).startswith("Fewer than 1 in 100 people")


def test_approved_says_the_persons_region_first():
    text = "EU: approved for X.\nUK: available on the NHS.\nUS: not approved."
    assert regions.lines_region_first(text, "uk").splitlines()[0] == "UK: available on the NHS."
    assert regions.lines_region_first(text, "us").splitlines() == [
        "US: not approved.",
        "EU: approved for X.",
        "UK: available on the NHS.",
    ]
    assert regions.lines_region_first(text, "other") == text
    assert regions.lines_region_first("No regions here.", "uk") == "No regions here."


def test_principle_12_for_one_person():
    benefit = cell("hsct", "benefit", per_100=80, who="w", time_frame="t")
    assert grid_engine.principle_12(small_grid(benefit), people.REFRACTORY_MS_HIGH_RISK) == [
        "the 'hsct' column gives a benefit number without a harm number with a time frame"
    ]
    harm_untimed = cell("hsct", "harm", per_100=2, who="w")
    assert grid_engine.principle_12(
        small_grid(benefit, harm_untimed), people.REFRACTORY_MS_HIGH_RISK
    )
    harm = cell("hsct", "harm", per_100=2, who="w", time_frame="t")
    assert grid_engine.principle_12(small_grid(benefit, harm), people.REFRACTORY_MS_HIGH_RISK) == []
    no_clinic = Grid.build(small_grid().options[:2], small_grid().rows, [])
    assert grid_engine.principle_12(no_clinic, OFFERED_MS) == [
        "the 'unproven-clinic' column is not shown to a person who was offered a treatment"
    ]


def test_the_proof_over_every_answer_combination_checks_principle_12(shipped_ruleset):
    """A benefit number without its harm, for HSCT in lupus only: the CHECKS would refuse it
    first, so the proof is asked directly, and finds a lupus answer set that breaks it."""
    grid = authoring.grid_with(shipped_ruleset.grid, cell=cell("hsct", "harm", "lupus"))
    benefit = cell(
        "hsct",
        "benefit",
        "lupus",
        per_100=50,
        who="w",
        time_frame="t",
        study="s",
        year=2020,
        study_type="rct",
    )
    broken = authoring.with_grid(shipped_ruleset, authoring.grid_with(grid, cell=benefit))
    report = principles.verify(broken, stop_after=1)
    [violation] = report.violations
    assert violation.principle == 12 and violation.answers["condition"] == "lupus"
    assert "principle 12 (in the comparison" in violation.describe()
    assert principles.verify(shipped_ruleset, stop_after=1).violations == []


def test_ranking_words_are_caught_in_grid_texts_but_plain_comparisons_are_not():
    assert advice.find_ranking("HSCT is the best option.") == ["the best"]
    assert advice.find_ranking("The best option is a trial.") == ["The best"]
    assert advice.find_ranking("It is our preferred option.") == ["preferred option"]
    assert advice.find_ranking("We recommend a trial.") == ["We recommend"]
    assert advice.find_ranking("It works better than drugs.") == ["better than"]
    assert advice.find_ranking("Most people had no worse disability.") == []


# --- the shipped grid and the verdict -----------------------------------------------------


def test_the_shipped_grid_passes_the_verdict(shipped_ruleset):
    assert shipped_ruleset.grid is not None
    assert authoring.refusals(shipped_ruleset) == []
    assert {o.slug for o in shipped_ruleset.grid.options} <= set(grid_engine.OPTIONS)
    assert grid_engine.UNPROVEN in {o.slug for o in shipped_ruleset.grid.options}


def test_the_grid_is_part_of_the_ruleset_version(shipped_ruleset):
    cell_ = shipped_ruleset.grid.cells[0]
    edited = authoring.grid_with(
        shipped_ruleset.grid, cell=dataclasses.replace(cell_, text="Other words.")
    )
    assert authoring.with_grid(shipped_ruleset, edited).version != shipped_ruleset.version
    rows = authoring.grid_rows(shipped_ruleset.grid)
    assert authoring.grid_from_objects(rows) == shipped_ruleset.grid


def shipped_rows():
    return [row for path in FIXTURES for row in json.loads(path.read_text())]


def grid_state():
    return (
        sorted(
            CellRow.objects.values_list(
                "option__slug", "row__slug", "condition", "text", "per_100", "source_url"
            )
        ),
        sorted(OptionRow.objects.values_list("slug", "active", "conditions")),
        CellRow.history.count(),
        RulesetVersion.objects.count(),
    )


def cell_row(option, row, condition="", **fields):
    base = {
        "option": [option],
        "row": [row],
        "condition": condition,
        "text": "Plain short words.",
        "source_label": "A source",
        "source_url": "https://example.org/source",
        "last_reviewed": "2026-12-01",
        "next_review": "2027-12-01",
    }
    return {"model": "triage.cell", "fields": {**base, **fields}}


NUMBER = {
    "who": "people in a study",
    "time_frame": "over 2 years",
    "study": "A study",
    "year": 2020,
    "study_type": "rct",
}


@pytest.mark.parametrize(
    ("rows", "code", "reason"),
    [
        (
            [
                cell_row("hsct", "benefit", "lupus", per_100=60, **NUMBER),
                cell_row("hsct", "harm", "lupus", text="No reliable number yet."),
            ],
            "grid-benefit-without-harm",
            "cell hsct/benefit (lupus) gives a benefit number, but cell hsct/harm (lupus) has no "
            "number (for lupus): a benefit number needs a harm number with a time frame beside it",
        ),
        (
            [
                cell_row("hsct", "benefit", "lupus", per_100=60, **NUMBER),
                cell_row("hsct", "harm", "lupus", per_100=5, **{**NUMBER, "time_frame": ""}),
            ],
            "grid-benefit-without-harm",
            "cell hsct/harm (lupus) has no time frame",
        ),
        (
            [cell_row("trial", "involves", text="A trial is the best option for most people.")],
            "grid-ranking",
            "cell trial/involves: the text ranks or recommends an option: \u201cthe best\u201d",
        ),
        (
            [cell_row("trial", "cost", text="We recommend asking about costs.")],
            "grid-ranking",
            "\u201cWe recommend\u201d",
        ),
        (
            [
                cell_row(
                    "trial",
                    "evidence",
                    text="Randomised multicentre investigations demonstrated considerably "
                    "improved immunological parameters notwithstanding heterogeneous "
                    "methodological characteristics.",
                )
            ],
            "grid-too-hard",
            "cell trial/evidence: the text is too hard to read: grade",
        ),
        (
            [cell_row("trial", "aftercare", source_label="", source_url="")],
            "grid-no-source",
            "cell trial/aftercare: needs a source (a label and a web address)",
        ),
        (
            [cell_row("hsct", "harm", "lupus", per_100=5)],
            "grid-number-incomplete",
            "cell hsct/harm (lupus): a number needs who the 100 are, the time frame, the study, its year, its type",
        ),
        (
            [cell_row("hsct", "harm", "lupus", per_100=140, **NUMBER)],
            "grid-number-range",
            "140 is not between 0 and 100",
        ),
        (
            [
                {
                    "model": "triage.option",
                    "fields": {
                        "slug": "unproven-clinic",
                        "title": "A paid treatment outside a trial",
                        "order": 60,
                        "active": False,
                    },
                }
            ],
            "grid-no-unproven",
            "option 'unproven-clinic' is switched off: people who were offered a treatment must always see it",
        ),
        (
            [cell_row("msc", "cost", "flu")],
            "grid-unknown-condition",
            "cell msc/cost (flu): unknown condition 'flu'",
        ),
    ],
)
def test_load_rules_refuses_each_broken_grid_with_a_one_line_reason(
    loaded_rules, tmp_path, rows, code, reason
):
    before = grid_state()
    path = tmp_path / "broken-grid.json"
    path.write_text(json.dumps(rows))
    with pytest.raises(CommandError) as info:
        call_command("load_rules", str(path), stdout=io.StringIO())
    lines = str(info.value).splitlines()
    assert lines[0] == "Refused, nothing was changed:"
    assert any(line.startswith(f"[{code}] ") and reason in line for line in lines[1:]), lines
    assert grid_state() == before


def test_a_cell_for_an_unknown_option_is_refused_before_loading(loaded_rules, tmp_path):
    path = tmp_path / "unknown.json"
    path.write_text(json.dumps([cell_row("homeopathy", "cost")]))
    with pytest.raises(
        CommandError,
        match=re.escape("row 1 (triage.cell 'homeopathy' 'cost' ''): unknown option 'homeopathy'"),
    ):
        call_command("load_rules", str(path), stdout=io.StringIO())


def test_load_rules_loads_the_grid_and_records_its_history(loaded_rules):
    out = io.StringIO()
    call_command("load_rules", stdout=out)
    assert f"{CellRow.objects.count()} comparison cells" in out.getvalue()
    assert CellRow.objects.count() == sum(1 for r in shipped_rows() if r["model"] == "triage.cell")
    assert CellRow.history.filter(history_change_reason="Loaded by load_rules").exists()
    assert load_ruleset().version == load_files(FIXTURES).version


def coded_lines(text):
    return re.findall(r"^\s*(?:\x1b\[[\d;]*m)?\[([a-z0-9-]+)\] (.*?)(?:\x1b\[0m)?$", text, re.M)


def test_load_rules_verify_rules_the_admin_and_the_system_check_refuse_a_grid_alike(
    loaded_rules, tmp_path, client
):
    """The unproven-clinic column switched off, through each way in: the same code and words."""
    row = {
        "model": "triage.option",
        "fields": {"slug": "unproven-clinic", "title": "A paid clinic", "active": False},
    }
    current = load_ruleset()
    off = dataclasses.replace(current.grid.option("unproven-clinic"), active=False)
    expected = [
        (r.code, r.message)
        for r in verdict.refusals(
            authoring.with_grid(current, authoring.grid_with(current.grid, option=off))
        )
    ]
    assert [code for code, _ in expected] == ["grid-no-unproven"]
    path = tmp_path / "clinic-off.json"
    path.write_text(json.dumps([row]))
    with pytest.raises(CommandError) as info:
        call_command("load_rules", str(path), stdout=io.StringIO())
    assert coded_lines(str(info.value)) == expected

    client.force_login(editor(username="grid-four-ways"))
    clinic = OptionRow.objects.get(slug="unproven-clinic")
    data = form_data(client.get(change_url(clinic)))
    data.pop("active")
    response = client.post(change_url(clinic), data)
    errors = response.context["adminform"].form.errors.as_data()
    assert [(e.code, e.messages[0]) for e in errors["active"]] == expected  # beside its field

    OptionRow.objects.filter(slug="unproven-clinic").update(active=False)  # past every check
    found = run_checks(tags=["triage"], databases=["default"])
    assert [(e.id, e.msg) for e in found] == [(f"triage.{c}", m) for c, m in expected]
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_rules", stdout=out)
    assert coded_lines(out.getvalue())[: len(expected)] == expected


# --- the page on every road ---------------------------------------------------------------


def columns_of(page: str) -> list[str]:
    head = re.search(r"<thead>.*?</thead>", page, re.S).group(0)
    return re.findall(r'<th scope="col" class="compare__option" data-option="([a-z-]+)"', head)


@pytest.mark.usefixtures("loaded_rules")
def test_this_browser_finds_the_comparison_from_the_key_points(client):
    summary = finish(client, OFFERED_MS).content.decode()
    submission = Submission.objects.get()
    url = reverse("triage:compare", kwargs={"pk": submission.pk})
    assert f'<a id="compare-link" class="compare-link__link" href="{url}">' in summary
    assert summary.index('id="key-points"') < summary.index('id="compare-link"')
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<table id="compare-options"' in page
    assert columns_of(page) == [c["slug"] for c in submission.comparison["columns"]]
    assert "unproven-clinic" in columns_of(page)
    assert '<h1 id="compare-title">Compare your options</h1>' in page
    # Another browser cannot open it by its id.
    assert Client().get(url).status_code == 404


@pytest.mark.usefixtures("loaded_rules")
def test_the_comparison_lists_its_questions_each_a_link_to_its_row():
    """On a phone every question is a long block of options, so the page starts with a list
    of the questions, each leading to its row."""
    submission = submission_create(answers=people.OFFERED_ABROAD)
    page = Client().get(f"/s/{submission.private_token}/compare/").content.decode()
    contents = page[page.index('<nav class="contents compare-contents') : page.index("</nav>")]
    links = re.findall(r'<a href="#row-([\w-]+)">([^<]+)</a>', contents)
    rows = submission.comparison["rows"]
    assert [slug for slug, _ in links] == [row["slug"] for row in rows]
    for slug, question in links:
        assert f'id="row-{slug}">{question}</th>' in page


@pytest.mark.usefixtures("loaded_rules")
def test_the_private_link_opens_the_comparison_with_no_cookies():
    submission = submission_create(answers=people.REFRACTORY_MS_HIGH_RISK)
    response = Client().get(f"/s/{submission.private_token}/compare/")
    page = response.content.decode()
    assert response.status_code == 200
    assert columns_of(page) == ["usual-care", "hsct", "trial"]  # not offered: no paid clinic
    for row in submission.comparison["rows"]:
        for column in submission.comparison["columns"]:
            assert f'data-option="{column["slug"]}" data-row="{row["slug"]}"' in page
    arrays = re.findall(
        r'<svg class="icon-array" data-count="(\d+)" data-of="100" role="img" aria-label="([^"]+)"(.*?)</svg>',
        page,
        re.S,
    )
    numbers = [
        cell["per_100"]
        for row in submission.comparison["rows"]
        for cell in row["cells"]
        if cell and cell["per_100"] is not None
    ]
    assert numbers, "the shipped grid has numbers for relapsing MS"
    assert sorted(int(count) for count, _, _ in arrays) == sorted(
        grid_engine.frequency(n).count for n in numbers
    )
    for count, label, icons in arrays:
        assert label.startswith(
            (f"About {count} in 100 ", f"{count} in 100 ", "Fewer than 1 in 100 ")
        )
        filled = re.search(r'<g class="icon-array__filled".*?</g>', icons) if int(count) else None
        assert (filled.group(0).count("<use ") if filled else 0) == int(count)
        assert icons.count("<use ") == 100
    # No score, ranking or recommendation anywhere on the page's own words.
    text = re.sub(r"<[^>]+>", " ", page)
    assert advice.find_ranking(text.replace("does not rank or recommend", "")) == []


@pytest.mark.usefixtures("loaded_rules")
def test_staff_see_the_comparison_and_the_priorities_read_only():
    submission = submission_create(answers=OFFERED_MS)
    submission.priorities = ["harm", "cost"]
    submission.save()
    nurse = staff_client()
    url = reverse("staff:compare", kwargs={"reference": submission.reference})
    assert nurse.get(url).status_code == 404  # look the code up first
    nurse.post("/staff/", {"code": submission.reference})
    summary = nurse.get(reverse("staff:summary", kwargs={"reference": submission.reference}))
    assert f'href="{url}"' in summary.content.decode()
    response = nurse.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "unproven-clinic" in columns_of(page)
    assert "What matters to the patient" in page
    questions = row_questions(submission)
    assert escape(questions["harm"]) in page and escape(questions["cost"]) in page
    assert 'name="priorities"' not in page and "<form" not in page.split('id="what-matters"')[1]
    assert nurse.post(url, {"priorities": ["benefit"]}).status_code == 405
    sheet = nurse.get(reverse("staff:sheet", kwargs={"reference": submission.reference}))
    sheet = sheet.content.decode()
    assert escape(questions["harm"]) in sheet  # the sheet staff print shows what matters too
    assert "sheet__compare" not in sheet  # but no address carrying the patient's secret
    submission.refresh_from_db()
    assert submission.priorities == ["harm", "cost"]


@pytest.mark.usefixtures("loaded_rules")
def test_a_summary_keeps_its_grid_when_the_grid_is_edited_later():
    submission = submission_create(answers=people.REFRACTORY_MS_HIGH_RISK)
    edited = CellRow.objects.get(option__slug="hsct", row__slug="involves", condition="")
    before = edited.text
    edited.text = "Edited later."
    edited.save()  # as the admin saves: every server process rebuilds its ruleset
    page = Client().get(f"/s/{submission.private_token}/compare/").content.decode()
    assert "Edited later." not in page
    assert escape(before.splitlines()[0]) in page
    assert "Edited later." in json.dumps(
        submission_create(answers=people.REFRACTORY_MS_HIGH_RISK).comparison
    )


@pytest.mark.usefixtures("loaded_rules")
def test_a_summary_made_before_the_comparison_says_it_has_none():
    submission = submission_create(answers=people.TYPE1_DIABETES)
    Submission.objects.filter(pk=submission.pk).update(comparison=None)
    link = f"/s/{submission.private_token}/"
    assert 'id="compare-link"' not in Client().get(link).content.decode()
    page = Client().get(link + "compare/").content.decode()
    assert "made before the comparison of options was added" in page
    assert "compare-options" not in page


@pytest.mark.usefixtures("loaded_rules")
def test_a_deleted_summary_has_no_comparison():
    submission = submission_create(answers=OFFERED_MS)
    submission.priorities = ["harm"]
    submission.erase()
    submission.refresh_from_db()
    assert submission.comparison is None and submission.priorities == []
    assert Client().get(f"/s/{submission.private_token}/compare/").status_code == 410


# --- what matters to you ------------------------------------------------------------------


@pytest.mark.usefixtures("loaded_rules")
def test_what_matters_is_saved_and_printed_on_the_sheet():
    submission = submission_create(answers=OFFERED_MS)
    questions = row_questions(submission)
    browser = Client(enforce_csrf_checks=True)
    url = f"/s/{submission.private_token}/compare/"
    page = browser.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(url, {"priorities": ["cost", "harm"], "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == url + "?saved=1#what-matters"
    submission.refresh_from_db()
    assert submission.priorities == ["harm", "cost"]  # in the grid's order
    saved = browser.get(response["Location"]).content.decode()
    assert "Saved. Your appointment sheet now shows what you marked." in saved
    assert 'id="priorities-harm" value="harm" checked' in saved
    sheet = browser.get(url.replace("compare/", "sheet/")).content.decode()
    line = re.search(r'<p class="sheet__priorities".*?</p>', sheet, re.S).group(0)
    assert escape(f"{questions['harm']}; {questions['cost']}") in line
    # Marking nothing is allowed: the question is optional.
    assert browser.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    submission.refresh_from_db()
    assert submission.priorities == []
    assert (
        "sheet__priorities" not in browser.get(url.replace("compare/", "sheet/")).content.decode()
    )


@pytest.mark.usefixtures("loaded_rules")
@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        (["involves", "benefit", "harm", "cost"], "Choose up to 3 questions. You chose 4."),
        (
            ["benefit", "score"],
            "Choose from the questions in the list. \u201cscore\u201d is not one of them.",
        ),
        (["benefit", "<script>"], "\u201c&lt;script&gt;\u201d is not one of them."),
        (
            ["side-effects"],
            "\u201cside-effects\u201d is not one of them.",
        ),  # a row this grid left out
    ],
)
def test_bad_priorities_are_refused_with_a_clear_message(chosen, message):
    submission = submission_create(answers=OFFERED_MS)
    submission.priorities = ["harm"]
    submission.save()
    response = Client().post(f"/s/{submission.private_token}/compare/", {"priorities": chosen})
    page = response.content.decode()
    assert response.status_code == 400
    assert page.count(message) == 2  # the error summary and beside the question
    assert "<title>Error: Compare your options" in page
    first = submission.comparison["rows"][0]["slug"]
    assert f'<a href="#priorities-{first}">' in page  # the summary links to the first box
    submission.refresh_from_db()
    assert submission.priorities == ["harm"]


@pytest.mark.usefixtures("loaded_rules")
def test_priorities_need_the_csrf_token_and_an_owner():
    submission = submission_create(answers=OFFERED_MS)
    response = Client(enforce_csrf_checks=True).post(
        f"/s/{submission.private_token}/compare/", {"priorities": ["harm"]}
    )
    assert response.status_code == 403
    url = reverse("triage:compare", kwargs={"pk": submission.pk})
    assert Client().post(url, {"priorities": ["harm"]}).status_code == 404  # not this browser's
    submission.refresh_from_db()
    assert submission.priorities == []


def test_priorities_never_reach_the_rules(shipped_ruleset):
    """The engine reads answers only: a summary's cards and grid are the same whatever the
    person marked, because priorities are not an answer and the contract has no such key."""
    from triage.engine import questions

    assert "priorities" not in questions.BY_KEY
    with pytest.raises(questions.AnswerError):
        questions.validate_answers({**people.TYPE1_DIABETES, "priorities": ["harm"]})


# --- the admin ----------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, loaded_rules, monkeypatch):
    # The proof over the named people only (as tests/test_admin_authoring.py does): form plumbing.
    named = [getattr(people, n) for n in dir(people) if n.isupper()]
    monkeypatch.setattr(principles, "answer_classes", lambda ruleset: ((dict(a), 1) for a in named))
    client.force_login(editor(username="grid-editor"))
    return client


def change_url(obj):
    return reverse(f"admin:triage_{obj._meta.model_name}_change", args=[obj.pk])


def test_an_editor_edits_a_cell_and_its_history_is_kept(editor_client):
    target = CellRow.objects.get(option__slug="hsct", row__slug="involves", condition="")
    data = form_data(editor_client.get(change_url(target)))
    data["text"] = "Strong medicine, then your own stem cells go back in."
    response = editor_client.post(change_url(target), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.text.endswith("go back in.")
    assert target.history.count() >= 2
    history = editor_client.get(reverse("admin:triage_cell_history", args=[target.pk]))
    assert history.status_code == 200 and "go back in." in history.content.decode()
    assert RulesetVersion.objects.filter(
        version=load_ruleset().version, recorded_by="admin"
    ).exists()


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        ({"per_100": "80", **NUMBER}, "per_100", "gives a benefit number, but"),
        ({"text": "This is the best option for you."}, "text", "ranks or recommends an option"),
        ({"source_url": "", "source_label": ""}, "source_url", "needs a source"),
    ],
)
def test_the_admin_refuses_what_the_verdict_refuses(editor_client, edit, field, message):
    # The paid clinic has no reliable numbers: a benefit number there has no harm number beside it.
    target = CellRow.objects.get(option__slug="unproven-clinic", row__slug="benefit", condition="")
    harm = load_ruleset().grid.cell("unproven-clinic", "harm", "")
    assert target.per_100 is None and harm is not None and not harm.has_number
    data = form_data(editor_client.get(change_url(target)))
    data.update({k: str(v) for k, v in edit.items()})
    response = editor_client.post(change_url(target), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(message in e for e in errors.get(field, [])), errors
    assert CellRow.objects.get(pk=target.pk).text == target.text


def test_the_unproven_clinic_column_cannot_be_switched_off_or_deleted(editor_client):
    clinic = OptionRow.objects.get(slug="unproven-clinic")
    data = form_data(editor_client.get(change_url(clinic)))
    data.pop("active", None)
    response = editor_client.post(change_url(clinic), data)
    assert "people who were offered a treatment must always see it" in response.content.decode()
    delete = reverse("admin:triage_option_delete", args=[clinic.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert OptionRow.objects.get(slug="unproven-clinic").active


def harm_cell_a_benefit_needs():
    """A harm cell whose deletion would leave a benefit number without its harm."""
    grid = load_ruleset().grid
    for found in grid.cells:
        if found.row == "harm" and found.has_number:
            without = authoring.grid_without(grid, cell=found.key)
            if authoring.benefit_without_harm(without):
                return CellRow.objects.get(
                    option__slug=found.option, row__slug="harm", condition=found.condition
                )
    raise AssertionError("the shipped grid has a benefit number beside a harm number")


def test_deleting_a_harm_cell_beside_a_benefit_number_is_refused(editor_client):
    harm = harm_cell_a_benefit_needs()
    response = editor_client.post(
        reverse("admin:triage_cell_delete", args=[harm.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert CellRow.objects.filter(pk=harm.pk).exists()
    followed = editor_client.get(response["Location"]).content.decode()
    assert "cannot be deleted" in followed and "principle 12" in followed


def test_a_row_can_be_renamed_in_its_own_words(editor_client):
    row = GridRow.objects.get(slug="cost")
    data = form_data(editor_client.get(change_url(row)))
    data["question"] = "What does it cost?"
    assert editor_client.post(change_url(row), data).status_code == 302
    assert GridRow.objects.get(slug="cost").question == "What does it cost?"


def test_try_the_rules_shows_the_grid_too(editor_client):
    response = editor_client.get(reverse("admin:triage_rule_try"), OFFERED_MS)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Compare your options, for these answers" in page
    assert columns_of(page) == ["usual-care", "hsct", "trial", "unproven-clinic"]
    stored = grid_engine.for_answers(load_ruleset().grid, OFFERED_MS)
    counts = [
        grid_engine.frequency(c["per_100"]).count
        for row in stored["rows"]
        for c in row["cells"]
        if c and c["per_100"] is not None
    ]
    assert re.findall(r'class="icon-array" data-count="(\d+)"', page) == [str(n) for n in counts]

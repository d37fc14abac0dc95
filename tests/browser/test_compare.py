"""Compare your options in a real browser: for seven kinds of person the grid has the
columns their answers call for, every benefit cell sits above a harm cell for the same option,
each picture of 100 people fills as many people as its sentence says, the page passes axe and
the HTML checker at 375 px and 1280 px and printed, and nothing scrolls sideways at 320 px. On
paper it prints on landscape A4 pages with the reference code and page numbers; what matters to
the person is saved with no JavaScript and printed on the one-page sheet."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import Group, User
from pypdf import PdfReader

from tests import answers as people
from tests.browser.checks import ARTIFACTS, HTML_PAGES, assert_valid_html, in_ci, screenshots_wanted
from tests.browser.test_print import flat
from tests.browser.walk import finish, submit
from tests.fixture_rows import FIXTURES
from tests.stats import STATS
from triage.authoring.files import load_files
from triage.clinic.views import STAFF_GROUP
from triage.engine import comparison as grid_engine
from triage.models import Submission
from triage.summary.services import submission_create

pytestmark = pytest.mark.browser

SHIPPED = load_files(FIXTURES)
EXTREMES = people.extremes(SHIPPED)
OFFERED_UNSURE_WITH_A_SIGN = {
    "condition": "rheumatoid_arthritis",
    "activity": "stable",
    "treatment_history": "responding",
    "years_since_diagnosis": "over_10",
    "risk_tolerance": "low",
    "offer_received": "unsure",
    "offer_features": ["travel_abroad", "testimonials"],
    "region": "eu",
}
PEOPLE = {
    "ms-refractory-high-risk": people.REFRACTORY_MS_HIGH_RISK,
    "offered-treatment-abroad": people.OFFERED_ABROAD,
    "crohns-fistula-low-risk": people.CROHNS_FISTULA_LOW_RISK,
    "lupus-unsure": people.LUPUS_UNSURE,
    "type1-diabetes": people.TYPE1_DIABETES,
    "systemic-sclerosis-refractory": people.SYSTEMIC_SCLEROSIS_REFRACTORY,
    "offer-unsure-with-a-warning-sign": OFFERED_UNSURE_WITH_A_SIGN,
}
PHONE = {"width": 375, "height": 812}

GRID = """() => {
  const table = document.querySelector('#compare-options');
  const columns = [...table.querySelectorAll('thead th[data-option]')].map((th) => th.dataset.option);
  const rows = [...table.querySelectorAll('tbody tr[data-row]')].map((tr) => tr.dataset.row);
  const look = (el) => {
    const s = getComputedStyle(el);
    return [s.backgroundColor, s.color, s.fontWeight, s.fontSize, s.borderTopColor,
            s.borderTopWidth, s.outlineStyle].join(' ');
  };
  const headLooks = [...new Set([...table.querySelectorAll('thead th[data-option]')].map(look))];
  const cellLooks = [...new Set([...table.querySelectorAll('tbody td')].map(look))];
  const cells = [...table.querySelectorAll('tbody td')].map((td) => ({
    option: td.dataset.option, row: td.dataset.row,
    rowOfParent: td.closest('tr').dataset.row,
    number: Boolean(td.querySelector('svg.icon-array')),
  }));
  return {columns, rows, cells, headLooks, cellLooks};
}"""

ARRAYS = """() => [...document.querySelectorAll('svg.icon-array')].map((svg) => {
  const box = svg.getBoundingClientRect();
  const caption = svg.closest('figure').querySelector('figcaption');
  return {
    count: Number(svg.dataset.count), of: Number(svg.dataset.of), role: svg.getAttribute('role'),
    label: svg.getAttribute('aria-label'), caption: caption ? caption.textContent.trim() : '',
    filled: svg.querySelectorAll('.icon-array__filled use').length,
    icons: svg.querySelectorAll('use').length,
    filledFill: svg.querySelector('.icon-array__filled use')
      ? getComputedStyle(svg.querySelector('.icon-array__filled use')).fill : null,
    emptyFill: svg.querySelector('.icon-array__empty use')
      ? getComputedStyle(svg.querySelector('.icon-array__empty use')).fill : 'none',
    emptyStroke: svg.querySelector('.icon-array__empty use')
      ? getComputedStyle(svg.querySelector('.icon-array__empty use')).stroke : 'currentColor',
    adjust: getComputedStyle(svg).forcedColorAdjust,
    width: Math.round(box.width), height: Math.round(box.height),
  };
})"""


STACKED = """() => {
  const table = document.querySelector('#compare-options');
  const cells = [...table.querySelectorAll('td.compare__cell')];
  return {
    width: table.getBoundingClientRect().width,
    narrowest: Math.min(...cells.map((td) => td.getBoundingClientRect().width)),
    unlabelled: cells.filter((td) => {
      const label = td.querySelector('.compare__cell-option');
      return !label || label.getClientRects().length === 0;
    }).length,
  };
}"""


def number_in(sentence: str) -> int:
    """The number of people a frequency sentence names: "fewer than 1 in 100" is none drawn."""
    if sentence.lower().startswith("fewer than 1 in 100"):
        return 0
    return int(re.match(r"(?:About )?(\d+) in 100 ", sentence).group(1))


def expected_columns(answers: dict) -> list[str]:
    return [o.slug for o in SHIPPED.grid.columns(answers)]


def check_grid(page, answers: dict) -> dict:
    """What every comparison must show, checked on the page as it is now."""
    grid = page.evaluate(GRID)
    assert grid["columns"] == expected_columns(answers)
    offered = answers["offer_received"] == "yes" or any(
        v not in ("none_of_these", "not_sure") for v in answers.get("offer_features", [])
    )
    assert ("unproven-clinic" in grid["columns"]) == offered
    # No option is highlighted: every column heading, and every cell, is styled alike.
    assert len(grid["headLooks"]) == 1, grid["headLooks"]
    assert len(grid["cellLooks"]) == 1, grid["cellLooks"]
    for cell in grid["cells"]:
        assert cell["option"] in grid["columns"] and cell["row"] == cell["rowOfParent"]
    per_row = {row: [c for c in grid["cells"] if c["row"] == row] for row in grid["rows"]}
    for row, cells in per_row.items():
        assert [c["option"] for c in cells] == grid["columns"], row
    # Every benefit cell is beside (straight above) a harm cell for the same option, and a
    # benefit picture never comes without a harm picture (principle 12).
    if "benefit" in grid["rows"]:
        assert grid["rows"][grid["rows"].index("benefit") + 1] == "harm"
        harms = {c["option"]: c for c in per_row["harm"]}
        for cell in per_row["benefit"]:
            assert cell["option"] in harms
            if cell["number"]:
                assert harms[cell["option"]]["number"], cell["option"]
    arrays = page.evaluate(ARRAYS)
    for array in arrays:
        assert array["of"] == 100 and array["icons"] == 100 and array["role"] == "img"
        assert array["label"] == array["caption"]
        assert array["filled"] == array["count"] == number_in(array["label"]), array
        assert array["emptyFill"] == "none" and array["emptyStroke"] != "none"
    assert len({(a["width"], a["height"]) for a in arrays}) <= 1, "pictures of different sizes"
    return {"columns": grid["columns"], "arrays": arrays}


def pdf_pages(page, name: str, **options) -> tuple[list[str], list[tuple[float, float]]]:
    data = page.pdf(print_background=False, **options)
    (ARTIFACTS / f"{name}.pdf").write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    return [p.extract_text() or "" for p in reader.pages], sizes


@pytest.mark.parametrize("who", PEOPLE)
def test_the_comparison_for_each_kind_of_person(recorder, who):
    answers = PEOPLE[who]
    page = recorder.page
    submission = submission_create(answers=answers)
    page.goto(f"/s/{submission.private_token}/compare/")
    found = check_grid(page, answers)
    page.set_viewport_size(PHONE)
    check_grid(page, answers)  # the same grid, stacked on a phone:
    stacked = page.evaluate(STACKED)
    assert stacked["narrowest"] >= 0.8 * stacked["width"], stacked  # one answer per line
    assert stacked["unlabelled"] == 0, stacked  # each naming its option
    page.set_viewport_size({"width": 1280, "height": 800})
    recorder.capture(f"compare-{who}")
    recorder.capture(f"compare-{who}-print", print_media=True)
    STATS[f"compare {who}"] = (
        f"{len(found['columns'])} columns ({', '.join(found['columns'])}), "
        f"{len(found['arrays'])} pictures of 100 people"
    )


def test_the_pictures_stay_readable_in_forced_colours(new_context):
    submission = submission_create(answers=people.OFFERED_ABROAD)
    context = new_context(forced_colors="active")
    page = context.new_page()
    page.goto(f"/s/{submission.private_token}/compare/")
    arrays = page.evaluate(ARRAYS)
    assert arrays
    for array in arrays:
        assert array["adjust"] == "none"  # our CanvasText, not the browser's guess
        assert array["emptyFill"] == "none" and array["emptyStroke"] != "none"
        if array["count"]:
            assert array["filledFill"] not in ("none", array["emptyFill"])
            assert array["filledFill"] == array["emptyStroke"]  # one colour: CanvasText
    if screenshots_wanted():
        page.screenshot(
            path=str(ARTIFACTS / "screenshots" / "compare-forced-colours-1280.png"), full_page=True
        )


def test_the_comparison_prints_on_landscape_a4_with_the_code_and_page_numbers(new_context):
    answers = {**people.OFFERED_ABROAD}
    submission = submission_create(answers=answers)
    submission.priorities = ["benefit", "harm", "cost"]
    submission.save()
    page = new_context().new_page()
    page.goto(f"/s/{submission.private_token}/compare/")
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """[...document.querySelectorAll('.back-link, button, .btn, .what-matters__form, .site-footer')]
           .filter((e) => getComputedStyle(e).display !== 'none').map((e) => e.outerHTML.slice(0, 80))"""
    )
    assert hidden == []
    pages, sizes = pdf_pages(page, "compare-landscape-a4", prefer_css_page_size=True)
    assert all(abs(w - 841.9) < 2 and abs(h - 595.3) < 2 for w, h in sizes), sizes  # A4 landscape
    for number, text in enumerate(pages, start=1):
        text = flat(text)
        assert f"Reference {submission.display_reference}" in text, number
        assert f"Page {number} of {len(pages)}" in text, number
    whole = flat(" ".join(pages))
    for column in submission.comparison["columns"]:
        assert flat(column["title"]) in whole.replace("- ", "")
    assert flat(_question(submission, "harm")) in whole
    assert "You marked these questions as mattering most to you" in whole
    assert "Save what matters to me" not in whole
    STATS["compare print"] = (
        f"{len(submission.comparison['columns'])} options print on {len(pages)} landscape A4 pages"
    )


def test_the_patient_compares_marks_what_matters_and_sees_it_on_the_sheet(recorder):
    """This browser's road, with no JavaScript needed: key points -> compare -> mark three ->
    saved; four is refused with the error summary; the sheet prints the three."""
    page = recorder.page
    finish(page, people.OFFERED_ABROAD)
    with page.expect_navigation():
        page.click("#compare-link")
    assert page.locator("h1").inner_text() == "Compare your options"
    check_grid(page, people.OFFERED_ABROAD)
    questions = page.locator(".what-matters .choice__label").all_inner_texts()
    for slug in ("benefit", "harm", "cost", "evidence"):
        page.check(f"#priorities-{slug}")
    submit(page, ".what-matters__save")
    assert page.title().startswith("Error: ")
    assert "Choose up to 3 questions. You chose 4." in page.locator(".error-summary").inner_text()
    assert page.evaluate("() => Boolean(document.activeElement.closest('.error-summary'))")
    recorder.capture("compare-priorities-error")
    page.uncheck("#priorities-evidence")
    submit(page, ".what-matters__save")
    assert page.url.endswith("?saved=1#what-matters")
    assert "Saved." in page.locator(".what-matters__saved").inner_text()
    recorder.capture("compare-priorities-saved")
    submission = Submission.objects.get(
        reference=page.locator(".compare-page__code").text_content().split()[-1].replace("-", "")
    )
    assert submission.priorities == ["benefit", "harm", "cost"]
    with page.expect_navigation():
        page.click("text=Print the one-page appointment sheet")
    line = page.locator("#sheet-priorities").inner_text()
    for slug in ("benefit", "harm", "cost"):
        question = next(q for q in questions if q == _question(submission, slug))
        assert question in line


def _question(submission, slug):
    return next(r["question"] for r in submission.comparison["rows"] if r["slug"] == slug)


def test_the_patient_can_mark_what_matters_without_javascript(new_context):
    submission = submission_create(answers=people.CROHNS_FISTULA_LOW_RISK)
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"/s/{submission.private_token}/compare/")
    first = submission.comparison["rows"][0]["slug"]
    page.check(f"#priorities-{first}")
    submit(page, ".what-matters__save")
    submission.refresh_from_db()
    assert submission.priorities == [first]


def test_staff_see_the_comparison_read_only(recorder):
    page = recorder.page
    nurse = User.objects.create_user("compare-nurse", password="a long compare-test password")
    nurse.groups.add(Group.objects.get_or_create(name=STAFF_GROUP)[0])
    submission = submission_create(answers=people.OFFERED_ABROAD)
    submission.priorities = ["harm"]
    submission.save()
    page.goto("/staff/login/")
    page.fill("#id_username", "compare-nurse")
    page.fill("#id_password", "a long compare-test password")
    submit(page)
    page.fill("#id_code", submission.display_reference)
    submit(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.click("#compare-link")
    check_grid(page, people.OFFERED_ABROAD)
    assert page.locator("input[name=priorities]").count() == 0
    assert _question(submission, "harm") in page.locator("#what-matters").inner_text()
    recorder.capture("compare-staff")


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("combination", ["longest", "most-key-points"])
def test_the_sheet_with_three_priorities_still_prints_on_one_page(new_context, combination, paper):
    submission = submission_create(answers=EXTREMES[combination])
    rows = submission.comparison["rows"]
    longest = sorted(rows, key=lambda r: -len(r["question"]))[: grid_engine.MAX_PRIORITIES]
    submission.priorities = [r["slug"] for r in longest]
    submission.save()
    page = new_context().new_page()
    page.goto(f"/s/{submission.private_token}/sheet/")
    page.emulate_media(media="print")
    pages, _ = pdf_pages(page, f"sheet-priorities-{combination}-{paper.lower()}", format=paper)
    text = flat(" ".join(pages))
    assert len(pages) == 1, f"the {combination} sheet with priorities prints on {len(pages)} pages"
    for row in longest:
        assert flat(row["question"]) in text
    assert "/compare/" in text.replace(" ", "")
    STATS[f"sheet with 3 priorities, {combination} {paper}"] = f"prints on {len(pages)} page"


def test_every_captured_page_is_valid_html(browser, tmp_path):
    """The Nu HTML Checker over every comparison state above (conftest.py puts this last)."""
    if not HTML_PAGES:
        reason = "no page state was captured in this run"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    assert_valid_html(tmp_path)

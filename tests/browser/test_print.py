"""The longest summary printed to PDF on A4 and US Letter, as a clinic would print it."""

from __future__ import annotations

import io
import unicodedata

import pytest
from django.contrib.auth.models import Group, User
from pypdf import PdfReader

from tests.browser.checks import ARTIFACTS
from tests.browser.walk import finish
from tests.fixture_rows import FIXTURES
from tests.stats import STATS
from triage.authoring.files import load_files
from triage.clinic.views import STAFF_GROUP
from triage.engine import principles
from triage.engine.rules import evaluate

pytestmark = pytest.mark.browser


def longest_answers() -> dict:
    """The answer set whose summary has the most sections and the most text."""
    ruleset = load_files(FIXTURES)

    def size(answers):
        shown = evaluate(answers, ruleset)
        return (len(shown), sum(len(ruleset.section(s.slug).body) for s in shown))

    return max((answers for answers, _ in principles.answer_classes(ruleset)), key=size)


LONGEST = longest_answers()


def pdf_pages(page, paper: str) -> list[str]:
    data = page.pdf(format=paper, print_background=False)
    (ARTIFACTS / f"summary-{paper.lower()}.pdf").write_bytes(data)
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Whitespace folded and ligatures (the PDF's "ﬁ") undone."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def section_titles(page) -> list[str]:
    """Visible section headings (without the visually hidden "Important:" prefix)."""
    return page.evaluate(
        """[...document.querySelectorAll('section.info-section h2')].map(h => {
             const copy = h.cloneNode(true);
             copy.querySelectorAll('.visually-hidden').forEach(e => e.remove());
             return copy.textContent.trim();
           })"""
    )


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_longest_summary_prints_cleanly(new_context, paper):
    page = new_context().new_page()
    finish(page, LONGEST)
    titles = section_titles(page)
    code = page.locator("#reference-code").inner_text()
    page.emulate_media(media="print")
    colour = page.evaluate("getComputedStyle(document.querySelector('.info-section p')).color")
    assert colour == "rgb(0, 0, 0)"
    hidden = page.evaluate(
        """[...document.querySelectorAll('.back-link, button, .btn, nav, .site-footer')]
           .filter(e => getComputedStyle(e).display !== 'none').map(e => e.outerHTML)"""
    )
    assert hidden == []

    pages = pdf_pages(page, paper)
    text = flat(" ".join(pages))
    assert code in text
    assert "Rules version" in text and "Made on" in text
    assert "not medical advice" in text.lower()
    assert "Your answers" in text
    for title in titles:
        assert flat(title) in text, title
    # Sources are numbered in each section; each address is printed once, at the end.
    assert text.rindex("Web addresses") > text.rindex("Sources") and "https://" in flat(pages[-1])
    for absent in ("Delete my answers", "Print or save", "Skip to main content"):
        assert absent not in text
    # No section heading left alone at the foot of a page.
    for number, page_text in enumerate(pages[:-1], start=1):
        lines = [flat(line) for line in page_text.splitlines() if line.strip()]
        last = lines[-1] if lines else ""
        assert not any(flat(t).startswith(last) and len(last) > 8 for t in titles), (
            f"page {number} ends with the heading {last!r}"
        )
    assert len(pages) <= 40
    STATS[f"print {paper}"] = (
        f"longest summary ({len(titles)} sections) prints on {len(pages)} {paper} pages"
    )


def test_staff_print_the_same_summary_the_patient_saw(new_context, live_server):
    patient = new_context().new_page()
    finish(patient, LONGEST)
    code = patient.locator("#reference-code").inner_text()
    patient_titles = patient.locator("section.info-section h2").all_inner_texts()

    nurse = User.objects.create_user("print-nurse", password="a long print-test password")
    nurse.groups.add(Group.objects.get_or_create(name=STAFF_GROUP)[0])
    staff = new_context().new_page()
    staff.goto("/staff/login/")
    staff.fill("#id_username", "print-nurse")
    staff.fill("#id_password", "a long print-test password")
    with staff.expect_navigation():
        staff.click("main button[type=submit]")
    staff.fill("#id_code", code.lower().replace("-", " "))
    with staff.expect_navigation():
        staff.click("main form button[type=submit]")
    assert staff.locator("#reference-code").inner_text() == code
    assert staff.locator("section.info-section h2").all_inner_texts() == patient_titles
    staff.emulate_media(media="print")
    text = flat(" ".join(pdf_pages(staff, "A4")))
    assert code in text and "not medical advice" in text.lower()

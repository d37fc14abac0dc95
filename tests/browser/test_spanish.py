"""The questionnaire in Spanish at 375 px, for three kinds of person (README, Languages).

Every page is Spanish (`lang="es"`, no English interface text: its visible words are checked
against the English catalogue), passes axe and, with the rest of the captured states, the Nu
HTML Checker; the summary shows the same sections in the same order as the English summary for
the same answers (principle 13); and the appointment sheet prints on one A4 and one Letter page.

Section and comparison texts are content, translated as rows by the content side: until every
shipped section has a Spanish row they may be English, so those parts are left out of the "no
English" check (CONTENT below).
"""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from django.contrib.auth.models import Group, User
from pypdf import PdfReader

from tests import answers as people
from tests.browser.checks import ARTIFACTS, HTML_PAGES, PHONE, assert_valid_html, in_ci
from tests.browser.walk import answer, finish, submit
from tests.spanish import catalogue
from triage.clinic.views import STAFF_GROUP
from triage.engine import questions

pytestmark = pytest.mark.browser

PEOPLE = {
    "crohns-fistula-low-risk": people.CROHNS_FISTULA_LOW_RISK,
    "lupus-unsure": people.LUPUS_UNSURE,
    "offered-abroad": people.OFFERED_ABROAD,
}
# Content, not interface: sections (titles, key points, bodies, reasons and sources), the
# comparison grid and its sources, the sheet's key points and questions, the registers' names.
CONTENT = ", ".join(
    [
        "section.info-section",
        "#key-points",
        "#compare-options",
        ".compare-sources__list",
        ".what-matters .choice__label",
        ".what-matters__list",
        ".sheet__key-points",
        ".sheet__list",
        ".sheet__links",
        ".sheet__notice",
        ".sheet__priorities",
        ".web-addresses",
        ".private-link__printed",
    ]
)
VISIBLE_TEXT = """(content) => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll(content).forEach(e => e.remove());
  copy.querySelectorAll('[lang]:not([lang="es"])').forEach(e => e.remove());
  document.body.append(copy);
  copy.style.position = 'absolute';
  const text = copy.innerText;
  copy.remove();
  return text;
}"""


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def english_phrases() -> list[str]:
    """The English catalogue's sentences (12 characters or more) whose Spanish differs, without
    placeholders or markup, as they would read on a page."""
    phrases = []
    for entry in catalogue():
        english = entry["msgid"]
        if re.search(r"%\(|\{\w+\}|%s", english) or english in entry["msgstr"].values():
            continue
        english = flat(re.sub(r"<[^>]+>", "", english))
        if len(english) >= 12:
            phrases.append(english)
    return phrases


ENGLISH = english_phrases()


def assert_spanish(page, name: str) -> None:
    assert page.evaluate("document.documentElement.lang") == "es", name
    text = flat(page.evaluate(VISIBLE_TEXT, CONTENT))
    english = [phrase for phrase in ENGLISH if phrase in text]
    assert english == [], f"{name}: English interface text: {english}"
    assert page.locator("#language-switch").get_attribute("hreflang") == "en"


def section_ids(page) -> list[str]:
    return page.eval_on_selector_all("section.info-section", "els => els.map(e => e.id)")


def pdf_page_count(page, paper: str, name: str) -> int:
    data = page.pdf(format=paper, print_background=False)
    (ARTIFACTS / f"{name}-{paper.lower()}.pdf").write_bytes(data)
    return len(PdfReader(io.BytesIO(data)).pages)


def capture(recorder, name: str) -> None:
    """Spanish, then every check of a page state (axe at 1280 and 375 px, targets, focus,
    overflow, the HTML kept for the checker); then back to the phone's width."""
    assert_spanish(recorder.page, name)
    recorder.capture(name)
    recorder.page.set_viewport_size(PHONE)


@pytest.mark.parametrize("who", list(PEOPLE))
def test_the_questionnaire_in_spanish_on_a_phone(recorder, new_context, who):
    answers = PEOPLE[who]
    page = recorder.page
    page.set_viewport_size(PHONE)
    page.goto("/es/")
    capture(recorder, f"es-{who}-start")
    submit(page, "main a.btn-start")
    first = questions.applicable(answers)[0]
    # An error first, in Spanish.
    submit(page)
    capture(recorder, f"es-{who}-question-{first.key}-error")
    for question in questions.applicable(answers):
        assert page.url.endswith(f"/es/questions/{question.key}/")
        if question is not first:
            capture(recorder, f"es-{who}-question-{question.key}")
        answer(page, question, answers[question.key])
        submit(page)
    assert page.url.endswith("/es/questions/check/")
    capture(recorder, f"es-{who}-check")
    submit(page)
    assert "/es/summary/" in page.url
    assert page.locator("h1").inner_text() == "Su resumen de información"
    capture(recorder, f"es-{who}-summary")
    spanish_sections = section_ids(page)

    with page.expect_navigation():
        page.click("#compare-link")
    capture(recorder, f"es-{who}-compare")

    page.goto(page.url.replace("/compare/", "/sheet/"))
    capture(recorder, f"es-{who}-sheet")
    page.emulate_media(media="print")
    for paper in ("A4", "Letter"):
        assert pdf_page_count(page, paper, f"es-{who}-sheet") == 1, f"{who}: sheet on {paper}"
    page.emulate_media(media="screen")

    # The same answers in English: the same sections, in the same order (principle 13).
    english = new_context(viewport=PHONE).new_page()
    finish(english, answers)
    assert section_ids(english) == spanish_sections
    assert spanish_sections


def test_clinic_staff_read_a_spanish_summary_in_spanish_and_print_it_in_english(
    recorder, new_context
):
    patient = new_context(viewport=PHONE).new_page()
    patient.goto("/es/")
    for question in questions.applicable(people.LUPUS_UNSURE):
        patient.goto(f"/es/questions/{question.key}/")
        answer(patient, question, people.LUPUS_UNSURE[question.key])
        submit(patient)
    submit(patient)
    code = patient.locator("#reference-code").inner_text()

    nurse = User.objects.create_user("es-nurse", password="a long spanish-test password")
    nurse.groups.add(Group.objects.get_or_create(name=STAFF_GROUP)[0])
    page = recorder.page
    page.set_viewport_size(PHONE)
    page.goto("/es/staff/login/")
    capture(recorder, "es-staff-login")
    page.fill("#id_username", "es-nurse")
    page.fill("#id_password", "a long spanish-test password")
    submit(page)
    capture(recorder, "es-staff-lookup")
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/es/staff/summaries/" in page.url
    capture(recorder, "es-staff-summary")
    english = page.locator("#print-sheet-english")
    assert english.inner_text() == "Print in English" and english.get_attribute("lang") == "en"
    with page.expect_navigation():
        english.click()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h1").inner_text() == "Appointment sheet"
    page.emulate_media(media="print")
    for paper in ("A4", "Letter"):
        assert pdf_page_count(page, paper, "staff-sheet-in-english") == 1, paper


def test_every_captured_page_is_valid_html(browser, tmp_path):
    """The Nu HTML Checker over every Spanish state above (conftest.py puts this last)."""
    if not HTML_PAGES:
        reason = "no page state was captured in this run"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    assert_valid_html(tmp_path)

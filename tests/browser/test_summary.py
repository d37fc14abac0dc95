"""The summary in a real browser: key points first on a phone, the private link in a browser
with no cookies, the one-page appointment sheet on A4 and US Letter, and the full print with
the reference code and page number on every page."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from tests import answers as people
from tests.browser.checks import ARTIFACTS
from tests.browser.reading import KEY_POINTS, ORDER, WORDS_BEFORE
from tests.browser.test_print import flat
from tests.browser.walk import finish, submit
from tests.fixture_rows import FIXTURES
from tests.stats import STATS
from triage.authoring.files import load_files
from triage.clinic.views import STAFF_GROUP
from triage.engine import questions
from triage.models import Lookup, Submission
from triage.summary.services import submission_create

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}
EXTREMES = people.extremes(load_files(FIXTURES))
# Six kinds of person, walked through the questionnaire on a phone.
WALKED = {
    "refractory-ms-high-risk": people.REFRACTORY_MS_HIGH_RISK,
    "crohns-fistula-low-risk": people.CROHNS_FISTULA_LOW_RISK,
    "lupus-unsure": people.LUPUS_UNSURE,
    "type1-diabetes": people.TYPE1_DIABETES,
    "offered-treatment-abroad": people.OFFERED_ABROAD,
    "other-condition": people.OTHER_CONDITION,
    "most-key-points": EXTREMES["most-key-points"],
}
MAX_WORDS_BEFORE_KEY_POINTS = 120


def said(value: str) -> str:
    return next(c.said for c in questions.BY_KEY["offer_features"].choices if c.value == value)


def pdf(page, paper: str, name: str) -> list[str]:
    data = page.pdf(format=paper, print_background=False)
    (ARTIFACTS / f"{name}-{paper.lower()}.pdf").write_bytes(data)
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("who", WALKED)
def test_key_points_come_first_on_a_phone(new_context, who):
    answers = WALKED[who]
    page = new_context(viewport=PHONE).new_page()
    finish(page, answers)
    sections = page.eval_on_selector_all("section.info-section", "els => els.map(e => e.id)")
    points = page.evaluate(KEY_POINTS)
    assert page.evaluate(ORDER), "the key points are not before the first section"
    assert [p["href"] for p in points] == [f"#{slug}" for slug in sections]
    for point in points:  # each link leads to a section that exists
        assert page.locator(point["href"]).count() == 1
    before = page.evaluate(WORDS_BEFORE)
    assert before < MAX_WORDS_BEFORE_KEY_POINTS, f"{before} words before the key points"
    ticked = [v for v in answers.get("offer_features", []) if v in questions.RED_FLAGS]
    if ticked:
        warning = next(p["text"] for p in points if p["href"] == "#tourism-warning")
        for value in ticked:
            assert said(value) in warning, value
    words = sum(len(p["text"].split()) for p in points)
    STATS[f"key points, {who}"] = (
        f"{before} words before the key points; {len(points)} key points, {words} words "
        f"({words / 200:.1f} minutes at 200 words a minute)"
    )


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("combination", ["longest", "most-key-points"])
def test_the_sheet_prints_on_one_page(new_context, combination, paper):
    submission = submission_create(answers=EXTREMES[combination])
    page = new_context().new_page()
    page.goto(f"/s/{submission.private_token}/sheet/")
    assert page.locator("#appointment-sheet").count() == 1
    link = page.locator(".sheet__link a").inner_text()
    page.emulate_media(media="print")
    pages = pdf(page, paper, f"sheet-{combination}")
    text = flat(" ".join(pages))
    assert len(pages) == 1, f"the {combination} sheet prints on {len(pages)} {paper} pages"
    assert submission.display_reference in text
    assert flat(link).replace(" ", "") in text.replace(" ", "")
    assert "not medical advice" in text.lower()
    assert "Five questions to ask" in text
    for value in EXTREMES[combination].get("offer_features", []):
        if value in questions.RED_FLAGS:
            assert flat(said(value)) in text, value
    STATS[f"sheet {combination} {paper}"] = f"prints on {len(pages)} page"


def test_the_full_print_has_the_code_and_page_number_on_every_page(new_context):
    submission = submission_create(answers=EXTREMES["longest"])
    page = new_context().new_page()
    page.goto(f"/s/{submission.private_token}/")
    page.emulate_media(media="print")
    # Folded parts and the answers are open on paper, with no script run.
    closed = page.evaluate(
        """() => [...document.querySelectorAll('details:not([open]) > :not(summary)')]
             .filter((el) => el.getBoundingClientRect().height === 0).length"""
    )
    assert closed == 0
    pages = pdf(page, "A4", "summary-numbered")
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        text = flat(text)
        assert f"Reference {submission.display_reference}" in text, number
        assert f"Page {number} of {len(pages)}" in text, number
    whole = flat(" ".join(pages))
    assert whole.rindex("Web addresses") > whole.rindex("Sources")
    assert whole.count("https://doi.org/10.1038/bmt.2011.185") <= 1  # each address once
    STATS["full print longest A4"] = f"{len(pages)} A4 pages, code and page number on each"


def test_the_private_link_opens_the_summary_anywhere_until_deleted(new_context):
    patient = new_context().new_page()
    finish(patient, people.OFFERED_ABROAD)
    code = patient.locator("#reference-code").inner_text()
    link = patient.locator("#private-link-field").input_value()
    assert patient.locator("#private-link").get_by_text("Anyone with the link").count() == 1

    elsewhere = new_context()
    assert elsewhere.cookies() == []
    other = elsewhere.new_page()
    response = other.goto(link)
    assert response.status == 200
    assert other.locator("#reference-code").inner_text() == code
    assert other.locator("#key-points > li").count() > 0
    other.click("#print-sheet")
    assert other.locator("#appointment-sheet").count() == 1
    other.go_back()
    with other.expect_navigation():
        other.click("text=Delete my answers")
    submit(other)
    for url in (link, link + "sheet/"):
        assert new_context().new_page().goto(url).status == 410
    assert patient.goto(patient.url).status == 410


def test_an_expired_or_wrong_link(new_context):
    submission = submission_create(answers=people.TYPE1_DIABETES)
    link = f"/s/{submission.private_token}/"
    Submission.objects.filter(pk=submission.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    page = new_context().new_page()
    assert page.goto(link).status == 410
    call_command("purge_expired", verbosity=0)
    assert page.goto(link).status == 410
    assert "expired" in page.locator("h1").inner_text()
    before = Lookup.objects.filter(outcome="bad_link").count()
    assert page.goto("/s/" + "Q" * 32 + "/").status == 404
    assert Lookup.objects.filter(outcome="bad_link").count() == before + 1


def test_every_new_page_state_passes_the_checks(recorder):
    page = recorder.page
    submission = submission_create(answers=EXTREMES["most-key-points"])
    link = f"/s/{submission.private_token}/"
    page.goto(link)
    recorder.capture("private-link-summary")
    page.click("#your-answers > summary")
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    recorder.capture("private-link-summary-details-open")
    recorder.capture("private-link-summary-print", print_media=True)
    page.goto(link + "sheet/")
    recorder.capture("appointment-sheet")
    recorder.capture("appointment-sheet-print", print_media=True)
    page.goto(link + "delete/")
    submit(page)
    assert page.locator("h1").inner_text() == "This summary has been deleted"
    recorder.capture("private-link-deleted")
    page.goto("/s/" + "Z" * 32 + "/")
    recorder.capture("private-link-not-found")


def test_the_copy_button_and_folds_work_without_javascript(new_context):
    submission = submission_create(answers=people.REFRACTORY_MS_HIGH_RISK)
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"/s/{submission.private_token}/")
    field = page.locator("#private-link-field")
    assert field.get_attribute("readonly") is not None
    assert field.input_value().endswith(f"/s/{submission.private_token}/")
    assert not page.locator(".js-copy").is_visible()  # nothing that cannot work
    fold = page.locator("#hsct-risks details.fold").first
    assert fold.get_attribute("open") is None
    fold.locator("summary").click()
    assert fold.get_attribute("open") is not None


@pytest.mark.parametrize(
    ("language", "said"), [("en", "Link copied."), ("es", "Enlace copiado.")], ids=["en", "es"]
)
def test_the_copy_button_copies_the_link_and_says_so_in_the_summarys_language(
    new_context, language, said
):
    submission = submission_create(answers=people.TYPE1_DIABETES, language=language)
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"/s/{submission.private_token}/")
    page.click(".js-copy")
    # The clipboard answers after the click returns: wait for the status, do not read it at once.
    expect(page.locator(".private-link__status")).to_have_text(re.compile(rf"^{re.escape(said)}"))
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.locator("#private-link-field").input_value()


def test_staff_print_the_sheet_by_default(recorder):
    page = recorder.page
    nurse = User.objects.create_user("sheet-nurse", password="a long sheet-test password")
    nurse.groups.add(Group.objects.get_or_create(name=STAFF_GROUP)[0])
    submission = submission_create(answers=EXTREMES["longest"])
    page.goto("/staff/login/")
    page.fill("#id_username", "sheet-nurse")
    page.fill("#id_password", "a long sheet-test password")
    submit(page)
    page.fill("#id_code", submission.display_reference)
    submit(page, "main form button[type=submit]")
    sheet_button = page.locator("#print-sheet")
    full_button = page.get_by_role("button", name="Print the full summary")
    assert sheet_button.is_visible() and full_button.is_visible()
    assert sheet_button.bounding_box()["y"] < page.locator("#key-points").bounding_box()["y"]
    with page.expect_navigation():
        sheet_button.click()
    assert page.locator("#appointment-sheet").count() == 1
    recorder.capture("staff-appointment-sheet")
    page.emulate_media(media="print")
    assert len(pdf(page, "A4", "staff-sheet")) == 1


def test_the_start_button_is_in_view_on_a_small_phone(new_context):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/")
    box = page.locator("a.btn-start").bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box

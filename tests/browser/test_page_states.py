"""Every page state, in a real browser, passes the checks in checks.Recorder.capture.

The states: the start page; every question empty and after an empty submit; check answers;
the summary for several different people, on screen and printed; the clinic staff pages; the
admin login; the pages that explain a problem; and the pages after the summary (Back, Start
again). To cover a new page, add a walk below (or a
line to URL_STATES when a plain visit shows it) and call `recorder.capture("its-name")`.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from tests import answers as people
from tests.browser.checks import HTML_PAGES, assert_valid_html, in_ci
from tests.browser.walk import answer, finish, question_url, submit
from triage.clinic.views import STAFF_GROUP
from triage.engine import questions
from triage.summary.services import submission_create

pytestmark = pytest.mark.browser

PEOPLE = {
    "ms-refractory-high-risk": people.REFRACTORY_MS_HIGH_RISK,
    "crohns-fistula-low-risk": people.CROHNS_FISTULA_LOW_RISK,
    "lupus-unsure": people.LUPUS_UNSURE,
    "type1-diabetes": people.TYPE1_DIABETES,
    "offered-treatment-abroad": people.OFFERED_ABROAD,
    "other-condition": people.OTHER_CONDITION,
    "systemic-sclerosis-refractory": people.SYSTEMIC_SCLEROSIS_REFRACTORY,
    # With the people above, these two see every one of the shipped sections.
    "nerve-condition-refractory": {
        "condition": "neuro_other",
        "activity": "active",
        "treatment_history": "two_plus_failed",
        "years_since_diagnosis": "5_to_10",
        "risk_tolerance": "high",
        "offer_received": "no",
        "region": "uk",
    },
    "rheumatoid-arthritis-unsure-offer": {
        "condition": "rheumatoid_arthritis",
        "activity": "stable",
        "treatment_history": "responding",
        "years_since_diagnosis": "over_10",
        "risk_tolerance": "low",
        "offer_received": "unsure",
        "offer_features": ["none_of_these"],
        "region": "eu",
    },
}
# Check answers and the printed summary are captured for these people only (time).
IN_FULL = {"ms-refractory-high-risk", "crohns-fistula-low-risk", "offered-treatment-abroad"}
# Question states are the same for everyone: each is captured by the first walk that meets it.
CAPTURED: set[str] = set()
STAFF_PASSWORD = "a long browser-test password"


def check_error_state(recorder, question: questions.Question) -> None:
    """An empty submit: 'Error: ' title, focus on the summary, whose link focuses the input."""
    page = recorder.page
    submit(page)
    assert page.title().startswith("Error: "), page.title()
    assert page.evaluate("() => Boolean(document.activeElement.closest('.error-summary'))")
    links = page.locator(".error-summary a")
    assert links.count() == 1
    inline = page.locator(".error-message").inner_text().removeprefix("Error:").strip()
    assert links.first.inner_text().strip() == inline
    recorder.capture(f"question-{question.key}-error")
    links.first.focus()
    page.keyboard.press("Enter")
    focused = page.evaluate("() => [document.activeElement.id, document.activeElement.type]")
    assert focused == [question.key, "checkbox" if question.multiple else "radio"]


def walk_questions(recorder, answers: dict) -> None:
    page = recorder.page
    for question in questions.applicable(answers):
        assert page.url.endswith(question_url(question.key)), page.url
        state = f"question-{question.key}"
        if state not in CAPTURED:
            CAPTURED.add(state)
            assert page.locator("input:checked").count() == 0
            recorder.capture(state)
            check_error_state(recorder, question)
        answer(page, question, answers[question.key])
        submit(page)


@pytest.mark.parametrize("who", PEOPLE)
def test_the_journey_for_each_person(recorder, who):
    page = recorder.page
    answers = PEOPLE[who]
    page.goto("/")
    if "start" not in CAPTURED:
        CAPTURED.add("start")
        recorder.capture("start")
    submit(page, "a.btn-start")
    walk_questions(recorder, answers)

    assert page.url.endswith(question_url("check"))
    assert page.locator(".summary-list__row").count() == len(questions.applicable(answers))
    if who in IN_FULL:
        recorder.capture(f"check-answers-{who}")
    submit(page)

    assert page.locator("h1").inner_text() == "Your information summary"
    recorder.capture(f"summary-{who}")
    if who in IN_FULL:
        recorder.capture(f"summary-{who}-print", print_media=True)


def test_the_summary_prints_black_on_white_without_controls(recorder):
    page = recorder.page
    finish(page, people.OFFERED_ABROAD)
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => [...document.querySelectorAll('.back-link, button, .btn, .contents')]
             .filter((el) => getComputedStyle(el).display !== 'none').map((el) => el.outerHTML)"""
    )
    assert hidden == []
    assert page.evaluate("() => getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    addresses = page.locator(".web-addresses")
    assert addresses.is_visible() and "https://" in addresses.inner_text()  # printed once


def staff_user() -> User:
    user = User.objects.create_user("nurse", password=STAFF_PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=STAFF_GROUP)[0])
    return user


def test_the_clinic_staff_pages(recorder):
    page = recorder.page
    staff_user()
    submission = submission_create(answers=people.LUPUS_UNSURE)

    page.goto(reverse("staff:login"))
    recorder.capture("staff-sign-in")
    submit(page)
    assert page.title().startswith("Error: ")
    assert page.evaluate("() => Boolean(document.activeElement.closest('.error-summary'))")
    recorder.capture("staff-sign-in-error")

    page.fill("input[name=username]", "nurse")
    page.fill("input[name=password]", STAFF_PASSWORD)
    submit(page)
    assert page.url.endswith(reverse("staff:lookup"))
    recorder.capture("staff-look-up")
    submit(page)
    assert page.title().startswith("Error: ")
    recorder.capture("staff-look-up-error")
    page.fill("input[name=code]", "K7M2-9QHX")
    submit(page)
    recorder.capture("staff-look-up-not-found")

    page.fill("input[name=code]", submission.display_reference)
    submit(page)
    assert page.locator("#reference-code").inner_text() == submission.display_reference
    recorder.capture("staff-summary")
    recorder.capture("staff-summary-print", print_media=True)


def test_the_admin_sign_in(recorder):
    page = recorder.page
    page.goto(reverse("admin:login"))
    recorder.capture("admin-sign-in")
    page.fill("input[name=username]", "nobody")
    page.fill("input[name=password]", "not the password")
    submit(page, "input[type=submit]")
    recorder.capture("admin-sign-in-error")


# Pages a plain visit shows: (state name, path).
URL_STATES = [
    ("page-not-found", "/no-such-page/"),
    ("answers-no-longer-available", "/questions/activity/"),
]


def test_the_pages_that_explain_a_problem(recorder):
    page = recorder.page
    for name, path in URL_STATES:
        page.goto(path)
        recorder.capture(name)
    # Deleting answers: the confirmation page, then the page the old address shows.
    submission_id = finish(page, people.TYPE1_DIABETES)
    # After the summary: the page behind its Back button, and "Start again" asking first.
    page.goto(question_url("check"))
    recorder.capture("finished-back-to-summary")
    page.goto(reverse("triage:start_again") + f"?summary={submission_id}")
    recorder.capture("start-again-confirm")
    page.goto(reverse("triage:delete", kwargs={"pk": submission_id}))
    recorder.capture("delete-confirm")
    submit(page)
    recorder.capture("summary-deleted")


def test_every_captured_page_is_valid_html(browser, tmp_path):
    """The Nu HTML Checker over every state above, in one run (conftest.py puts this last)."""
    if not HTML_PAGES:
        reason = "no page state was captured in this run (run the whole of tests/browser)"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    assert_valid_html(tmp_path)

"""The summary as a patient and clinic staff reach it: key points first, the private link, the
appointment sheet, and the pages an expired, deleted or wrong link answers with."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests import answers as people
from tests.factories import staff_client
from tests.journey import finish
from triage.engine import questions
from triage.engine.rules import evaluate
from triage.models import Lookup, Submission
from triage.platform.throttle import LINK_GUESSES_PER_ADDRESS
from triage.summary import private_links
from triage.summary.services import submission_create
from triage.summary.sheet import key_questions

pytestmark = pytest.mark.usefixtures("loaded_rules")

ALL_SIGNS = [v for v in questions.BY_KEY["offer_features"].values if v in questions.RED_FLAGS]


def link_of(submission: Submission) -> str:
    return f"/s/{submission.private_token}/"


def key_point_links(page: str) -> list[str]:
    block = re.search(r'<ul id="key-points".*?</ul>', page, re.S).group(0)
    return re.findall(r'<a href="#([a-z0-9-]+)"', block)


def test_key_points_come_first_one_linked_sentence_per_section(client):
    page = finish(client, people.OFFERED_ABROAD).content.decode()
    submission = Submission.objects.get()
    slugs = [card["slug"] for card in submission.result]
    assert key_point_links(page) == slugs
    assert page.index('id="key-points"') < page.index('<section id="not-medical-advice"')
    assert page.index('id="reference-code"') < page.index('id="key-points"')
    # Answers are folded away by default; the rules version is for staff and print only.
    assert re.search(r'<details class="your-answers" id="your-answers">', page)
    assert "Rules version" not in re.sub(r'<p class="print-only print-footer">.*?</p>', "", page)


def test_the_tourism_key_point_names_each_ticked_sign_in_the_persons_words(client):
    answers = {**people.OFFERED_ABROAD, "offer_features": ALL_SIGNS}
    page = finish(client, answers).content.decode()
    block = re.search(r'<ul id="key-points".*?</ul>', page, re.S).group(0)
    for value in ALL_SIGNS:
        said = next(c.said for c in questions.BY_KEY["offer_features"].choices if c.value == value)
        assert said.replace("'", "&#x27;") in block, said
    section = page[page.index('<section id="tourism-warning"') :]
    assert section.index('<ul class="named-signs">') < section.index("Warning signs<")
    named = re.search(r'<ul class="named-signs">(.*?)</ul>', section, re.S).group(1)
    assert len(re.findall("<li>", named)) == len(ALL_SIGNS)


def test_no_warning_sign_key_point_without_ticked_signs(client):
    page = finish(client, people.LUPUS_UNSURE).content.decode()
    assert "The offer you told us about has" not in page


def test_every_warning_sign_has_words_to_say_it_back():
    for choice in questions.BY_KEY["offer_features"].choices:
        assert bool(choice.said) == (choice.value in questions.RED_FLAGS), choice.value


def test_long_sections_fold_their_detail_under_named_headings(client):
    page = finish(client, people.REFRACTORY_MS_HIGH_RISK).content.decode()
    section = re.search(r'<section id="hsct-risks".*?</section>', page, re.S).group(0)
    assert '<details class="fold"><summary class="fold__summary">' in section
    assert "<h3>" not in section.split('class="info-section__body"')[1].split("</div>")[0]


def test_sources_are_numbered_with_each_address_once_at_the_end(client):
    page = finish(client, people.REFRACTORY_MS_HIGH_RISK).content.decode()
    assert '<ol class="sources">' in page
    notes = re.search(r'<ol class="web-addresses__list">(.*?)</ol>', page, re.S).group(1)
    addresses = re.findall(r"<li value=\"\d+\">(.*?)</li>", notes)
    assert addresses and len(addresses) == len(set(addresses))


# --- the private link ------------------------------------------------------------------------


def test_the_private_link_opens_the_summary_in_another_browser(client):
    page = finish(client, people.TYPE1_DIABETES).content.decode()
    submission = Submission.objects.get()
    token = submission.private_token
    assert len(token) >= 22 and token not in (str(submission.pk), submission.reference)
    assert private_links.was_issued(token)
    field = re.search(r'id="private-link-field"[^>]*value="([^"]+)"', page).group(1)
    assert field == f"http://testserver/s/{token}/"
    assert "Anyone with the link can read your summary" in page
    other = Client().get(link_of(submission))
    assert other.status_code == 200
    assert submission.display_reference in other.content.decode()
    assert Client().get(f"/s/{token}/sheet/").status_code == 200


def test_private_links_never_repeat_and_no_stretch_of_them_is_fixed():
    """A link is as hard to guess as 128 random bits: among 20,000 new links none repeats (links
    with 24 random bits would repeat about a dozen times), and at least 22 of its URL-safe
    characters (6 bits each) take nearly every value, so no part is fixed or padded."""
    tokens = [private_links.new_token() for _ in range(20_000)]
    assert len(set(tokens)) == len(tokens)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", token) for token in tokens)
    width = min(map(len, tokens))
    varied = [i for i in range(width) if len({token[i] for token in tokens}) >= 60]
    assert len(varied) * 6 >= 128, f"only {len(varied)} characters vary"


def test_a_wrong_token_is_404_and_counted_like_a_failed_lookup():
    submission = submission_create(answers=people.TYPE1_DIABETES)
    wrong = submission.private_token[:-2] + (
        "AA" if submission.private_token[-2:] != "AA" else "BB"
    )
    for token in (wrong, "x" * 32):
        response = Client().get(f"/s/{token}/")
        assert response.status_code == 404
    assert Lookup.objects.filter(outcome="bad_link").count() == 2
    # Not a token at all (wrong length or alphabet): no address matches, nothing is counted.
    assert Client().get("/s/nonsense/").status_code == 404
    assert Lookup.objects.filter(outcome="bad_link").count() == 2


def test_wrong_tokens_are_refused_after_the_limit_but_a_real_link_still_opens():
    browser = Client()
    for _ in range(LINK_GUESSES_PER_ADDRESS.most):
        assert browser.get("/s/" + "x" * 32 + "/").status_code == 404
    refused = browser.get("/s/" + "x" * 32 + "/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    submission = submission_create(answers=people.TYPE1_DIABETES)
    assert browser.get(link_of(submission)).status_code == 200


def test_deleting_from_the_private_link_stops_the_link_the_code_and_the_sheet():
    submission = submission_create(answers=people.OFFERED_ABROAD)
    browser = Client()
    page = browser.get(link_of(submission)).content.decode()
    assert f'href="/s/{submission.private_token}/delete/"' in page
    response = browser.post(f"/s/{submission.private_token}/delete/")
    assert response.status_code == 302
    for path in (link_of(submission), f"/s/{submission.private_token}/sheet/"):
        gone = Client().get(path)
        assert gone.status_code == 410
        assert "This summary has been deleted" in gone.content.decode()
    staff = staff_client()
    assert staff.post("/staff/", {"code": submission.reference}).status_code == 410


def test_an_expired_link_is_410_before_and_after_the_purge():
    submission = submission_create(answers=people.TYPE1_DIABETES)
    Submission.objects.filter(pk=submission.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = Client().get(link_of(submission))
    assert response.status_code == 410
    assert "This summary has expired" in response.content.decode()
    call_command("purge_expired", verbosity=0)
    assert not Submission.objects.filter(pk=submission.pk).exists()
    after = Client().get(link_of(submission))
    assert after.status_code == 410
    assert "This summary has expired" in after.content.decode()
    assert not Lookup.objects.filter(outcome="bad_link").exists()


# --- the appointment sheet ---------------------------------------------------------------------


def test_the_sheet_holds_what_the_appointment_needs(client):
    answers = {**people.OFFERED_ABROAD, "region": "uk"}
    summary = finish(client, answers).content.decode()
    submission = Submission.objects.get()
    sheet_url = re.search(r'id="print-sheet"[^>]*href="([^"]+)"', summary)
    sheet_url = sheet_url or re.search(r'href="([^"]+)"[^>]*id="print-sheet"', summary)
    assert sheet_url
    response = client.get(f"/summary/{submission.pk}/sheet/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="appointment-sheet"' in page
    assert submission.display_reference in page
    assert f"/s/{submission.private_token}/" in page
    assert "not medical advice" in page.lower()
    for card in submission.result:
        if card["slug"] != "not-medical-advice" and card["slug"] != "tourism-warning":
            assert card["summary"].replace("'", "&#x27;") in page, card["slug"]
    assert "you were asked to pay up front" in page
    assert "isrctn.com" in page and "clinicaltrials.gov" in page
    asking = next(c for c in submission.result if c["slug"] == "questions-to-ask")
    picked = key_questions(asking["detail"])
    assert len(picked) == 5
    for question in picked:
        assert question.replace("'", "&#x27;") in page


def answers_line(page: str) -> str:
    return html.unescape(re.search(r'<p class="sheet__answers">(.*?)</p>', page, re.S).group(1))


@pytest.mark.parametrize(
    ("offer_features", "said"),
    [
        (["pay_upfront", "travel_abroad", "testimonials"], "3 warning signs (named below)"),
        (["same_day_procedure"], "1 warning sign (named below)"),
        (["none_of_these"], "None of these"),
        (["not_sure"], "I'm not sure"),
    ],
)
def test_the_sheets_answers_line_says_what_the_offer_included(offer_features, said):
    answers = {**people.OFFERED_ABROAD, "offer_features": offer_features}
    submission = submission_create(answers=answers)
    line = answers_line(Client().get(f"/s/{submission.private_token}/sheet/").content.decode())
    assert f"What the offer included: {said};" in line
    assert line.startswith("Condition: Progressive multiple sclerosis (MS);")
    assert "Offered a stem-cell treatment: Yes;" in line


def test_the_five_questions_are_picked_from_the_sections_own_order():
    body = "Intro\n\n### A\n- a1\n- a2\n\n### B\n- **b1**\n\n### C\n- c1\n- c2\n- c3\n"
    assert key_questions(body) == ["a1", "b1", "c1", "a2", "c2"]


def test_staff_get_the_sheet_after_a_lookup_and_not_before():
    submission = submission_create(answers=people.LUPUS_UNSURE)
    staff = staff_client()
    sheet = f"/staff/summaries/{submission.reference}/sheet/"
    assert staff.get(sheet).status_code == 404
    staff.post("/staff/", {"code": submission.reference})
    summary = staff.get(f"/staff/summaries/{submission.reference}/").content.decode()
    assert f'href="{sheet}"' in summary and 'id="print-sheet"' in summary
    assert "Print the full summary" in summary
    assert "Rules version" in summary
    assert "private-link-field" not in summary
    page = staff.get(sheet)
    assert page.status_code == 200 and 'id="appointment-sheet"' in page.content.decode()


def test_a_stranger_cannot_open_the_sheet_by_its_session_address(client):
    finish(client, people.LUPUS_UNSURE)
    submission = Submission.objects.get()
    assert Client().get(f"/summary/{submission.pk}/sheet/").status_code == 404


# --- words that are true ---------------------------------------------------------------------


def test_the_risk_hint_says_what_low_and_unsure_really_add(shipped_ruleset):
    question = questions.BY_KEY["risk_tolerance"]
    assert "only changes" not in question.hint
    assert "weighing risks" in question.hint
    for value in ("low", "unsure"):
        assert f"\u2018{question.label_for(value)}\u2019" in question.hint
        answers = {**people.TYPE1_DIABETES, "risk_tolerance": value}
        assert "weighing-risks" in [s.slug for s in evaluate(answers, shipped_ruleset)]
    answers = {**people.TYPE1_DIABETES, "risk_tolerance": "moderate"}
    assert "weighing-risks" not in [s.slug for s in evaluate(answers, shipped_ruleset)]


def test_the_condition_error_names_the_real_label():
    question = questions.BY_KEY["condition"]
    assert question.label_for("other") in question.error


def test_warning_signs_say_what_happened_not_what_a_clinic_would_deny():
    for choice in questions.BY_KEY["offer_features"].choices:
        assert "not proven" not in choice.label and "unproven" not in choice.label
    assert questions.BY_KEY["offer_features"].label_for("pay_upfront") == (
        "I was asked to pay up front"
    )


def test_the_start_page_says_how_long_answering_and_reading_take(client):
    page = client.get("/").content.decode()
    assert "(about 3 minutes)" in page
    assert "key points take about 2 minutes to read" in page
    assert page.index("btn-start") < page.index("The summary covers")

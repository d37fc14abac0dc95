"""The patient journey, walked with the test client for different people."""

import html
import re

import pytest
from django.test import Client

from tests import answers as people
from tests.journey import PREFIX, answer_all, finish, post_answer, url
from triage.authoring.ruleset import load_ruleset
from triage.engine.rules import evaluate
from triage.models import Submission

pytestmark = pytest.mark.usefixtures("loaded_rules")


def section_ids(response):
    return re.findall(r'<section id="([a-z0-9-]+)"', response.content.decode())


@pytest.mark.parametrize(
    ("person", "expected_in_order"),
    [
        (
            people.REFRACTORY_MS_HIGH_RISK,
            [
                "not-medical-advice",
                "approved-protocols",
                "evidence-ms-relapsing",
                "hsct-how-it-works",
                "hsct-risks",
                "hsct-journey",
                "clinical-trials",
            ],
        ),
        (
            people.CROHNS_FISTULA_LOW_RISK,
            [
                "not-medical-advice",
                "approved-protocols",
                "evidence-crohns",
                "msc-how-it-works",
                "msc-safety",
                "weighing-risks",
                "clinical-trials",
            ],
        ),
        (
            people.LUPUS_UNSURE,
            [
                "not-medical-advice",
                "approved-protocols",
                "tourism-warning",
                "evidence-lupus",
                "weighing-risks",
                "clinical-trials",
                "questions-to-ask",
            ],
        ),
        (
            people.TYPE1_DIABETES,
            [
                "not-medical-advice",
                "approved-protocols",
                "evidence-type1-diabetes",
                "clinical-trials",
                "questions-to-ask",
            ],
        ),
        (
            people.OFFERED_ABROAD,
            [
                "not-medical-advice",
                "approved-protocols",
                "tourism-warning",
                "evidence-ms-progressive",
                "msc-how-it-works",
                "msc-safety",
                "clinical-trials",
            ],
        ),
        (
            people.OTHER_CONDITION,
            ["not-medical-advice", "approved-protocols", "evidence-other", "clinical-trials"],
        ),
        (
            people.SYSTEMIC_SCLEROSIS_REFRACTORY,
            [
                "not-medical-advice",
                "approved-protocols",
                "evidence-systemic-sclerosis",
                "hsct-how-it-works",
                "hsct-risks",
                "hsct-journey",
                "timing-and-disease-stage",
            ],
        ),
    ],
)
def test_each_person_reads_a_summary_that_fits_their_answers(client, person, expected_in_order):
    page = finish(client, person)
    assert page.status_code == 200
    shown = section_ids(page)
    positions = [shown.index(slug) for slug in expected_in_order]
    assert positions == sorted(positions), shown
    assert shown == [s.slug for s in evaluate(person, load_ruleset())]
    submission = Submission.objects.get()
    assert submission.answers == person
    assert submission.ruleset_version == load_ruleset().version
    assert [c["slug"] for c in submission.result] == shown
    text = page.content.decode()
    assert "Why you are seeing this" in text
    assert "Being listed is not approval" in text
    assert "clinicaltrials.gov/search?cond=" in text
    assert "aggFilters=status:rec" in text


def test_the_summary_explains_why_with_the_persons_own_answers(client):
    page = finish(client, people.REFRACTORY_MS_HIGH_RISK).content.decode()
    hsct = page[page.index('<section id="hsct-how-it-works"') :]
    hsct = hsct[: hsct.index("</section>")]
    assert "Relapsing multiple sclerosis (MS)" in hsct
    assert "still active after standard treatment" in hsct
    assert "Sources" in hsct and 'href="https://' in hsct
    assert "Page last reviewed:" in hsct


def test_trial_links_follow_the_region(client):
    page = finish(client, people.CROHNS_FISTULA_LOW_RISK).content.decode()
    assert "cond=Crohn+Disease" in page
    assert "euclinicaltrials.eu/ctis-public/search#searchCriteria=" in page
    assert "isrctn.com" not in page


def test_the_summary_is_saved_and_opened_by_its_own_url(client):
    answer_all(client, people.TYPE1_DIABETES)
    response = client.post(url("check"))
    submission = Submission.objects.get()
    assert response["Location"] == f"/summary/{submission.id}/"
    assert client.get(response["Location"]).status_code == 200
    # The answers are gone from the session once saved: a question page leads to the summary.
    page = client.get(url("activity")).content.decode()
    assert "You have finished the questionnaire" in page
    assert f'href="/summary/{submission.id}/"' in page


def test_another_browser_cannot_open_the_summary(client):
    finish(client, people.TYPE1_DIABETES)
    submission = Submission.objects.get()
    stranger = Client().get(f"/summary/{submission.id}/")
    assert stranger.status_code == 404
    assert "only opens a summary in the browser that finished" in stranger.content.decode()


def test_an_expired_summary_says_so(client):
    from django.utils import timezone

    finish(client, people.TYPE1_DIABETES)
    submission = Submission.objects.get()
    Submission.objects.filter(pk=submission.pk).update(expires_at=timezone.now())
    response = client.get(f"/summary/{submission.id}/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_question_pages_follow_the_pattern(client):
    page = client.get(url("risk_tolerance"))
    assert page.status_code == 400  # not started: earlier questions first
    client.get(url("condition"))
    page = client.get(url("condition")).content.decode()
    assert "<legend" in page and '<h1 class="fieldset__heading">Which condition' in page
    assert "novalidate" in page and " required" not in page
    assert "checked" not in page
    assert page.index('class="back-link"') < page.index("<main")
    assert "Continue</button>" in page
    assert 'id="condition"' in page  # the first radio carries the field's id


def test_the_risk_question_is_radios_from_low_to_high(client):
    answer_all(client, people.TYPE1_DIABETES)
    page = client.get(url("risk_tolerance")).content.decode()
    values = re.findall(r'name="risk_tolerance-answer" id="[^"]+" value="([a-z]+)"', page)
    assert values == ["low", "moderate", "high", "unsure"]
    assert 'type="range"' not in page


def test_an_empty_answer_shows_an_error_summary_and_keeps_earlier_answers(client):
    client.get(url("condition"))
    post_answer(client, "condition", "lupus")
    response = post_answer(client, "activity", None)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Has your condition been active" in page
    assert "There is a problem" in page
    assert 'href="#activity"' in page
    message = "Select whether your condition has been active in the past year, or"
    assert page.count(message) == 2  # the summary and the inline message say the same
    assert 'aria-describedby="activity-hint activity-error"' in page
    assert 'value="lupus" checked' in client.get(url("condition")).content.decode()


def test_back_keeps_answers_on_both_pages(client):
    client.get(url("condition"))
    post_answer(client, "condition", "crohns")
    # Back from the fistula question, with "unsure" chosen on it.
    response = post_answer(client, "crohns_fistula", "unsure", wizard_goto_step="condition")
    assert response["Location"] == url("condition")
    assert 'value="crohns" checked' in client.get(url("condition")).content.decode()
    post_answer(client, "condition", "crohns")
    assert 'value="unsure" checked' in client.get(url("crohns_fistula")).content.decode()


def test_answering_again_after_going_back_leads_to_the_next_question_not_the_first_unanswered(
    client,
):
    client.get(url("condition"))
    for key in ("condition", "crohns_fistula", "activity", "treatment_history"):
        post_answer(client, key, people.CROHNS_FISTULA_LOW_RISK[key])
    client.get(url("activity"))  # back two questions
    response = post_answer(client, "activity", "stable")
    assert response["Location"] == url("treatment_history")
    page = client.get(url("treatment_history")).content.decode()
    assert 'value="one_failed" checked' in page  # the later answer is still there


def test_back_links_point_to_the_previous_question(client):
    client.get(url("condition"))
    assert 'class="back-link" href="/"' in client.get(url("condition")).content.decode()
    post_answer(client, "condition", "lupus")
    page = client.get(url("activity")).content.decode()
    assert f'href="{url("condition")}" data-keep-answer="condition"' in page


def test_change_returns_to_check_answers_after_any_new_follow_up(client):
    answer_all(client, people.TYPE1_DIABETES)
    check = client.get(url("check")).content.decode()
    assert (
        'href="/questions/condition/?change=1">Change<span class="visually-hidden"> condition'
        in check
    )
    client.get(url("condition") + "?change=1")
    response = post_answer(client, "condition", "crohns")
    assert response["Location"] == url("crohns_fistula")  # the new follow-up comes first
    response = post_answer(client, "crohns_fistula", "no")
    assert response["Location"] == url("check")
    client.get(url("risk_tolerance") + "?change=1")
    assert post_answer(client, "risk_tolerance", "high")["Location"] == url("check")


def test_answers_that_no_longer_apply_are_dropped(client):
    answer_all(client, people.OFFERED_ABROAD)
    client.get(url("offer_received") + "?change=1")
    post_answer(client, "offer_received", "no")
    check = client.get(url("check")).content.decode()
    assert "What the offer included" not in check
    # Saying "yes" again asks the follow-up afresh instead of reusing the old answer.
    client.get(url("offer_received") + "?change=1")
    assert post_answer(client, "offer_received", "yes")["Location"] == url("offer_features")
    assert "checked" not in client.get(url("offer_features")).content.decode()
    assert client.get(url("check")).status_code == 400  # the follow-up needs an answer again
    client.get(url("offer_received") + "?change=1")
    assert post_answer(client, "offer_received", "no")["Location"] == url("check")
    page = finish_confirm(client)
    assert "offer_features" not in Submission.objects.get().answers
    assert 'id="tourism-warning"' not in page


def finish_confirm(client):
    response = client.post(url("check"))
    return client.get(response["Location"]).content.decode()


def test_answers_come_back_empty_when_a_follow_up_is_asked_again(client):
    answer_all(client, people.OFFERED_ABROAD)
    client.get(url("offer_received") + "?change=1")
    post_answer(client, "offer_received", "no")
    client.get(url("offer_received") + "?change=1")
    assert post_answer(client, "offer_received", "yes")["Location"] == url("offer_features")
    assert "checked" not in client.get(url("offer_features")).content.decode()


def test_a_tampered_value_is_refused_and_nothing_is_lost(client):
    client.get(url("condition"))
    post_answer(client, "condition", "lupus")
    response = post_answer(client, "activity", "<script>alert(1)</script>")
    assert response.status_code == 400
    assert "Select one of the answers on this page" in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    assert 'value="lupus" checked' in client.get(url("condition")).content.decode()


def test_none_of_these_with_other_boxes_is_a_clear_error(client):
    answer_all(client, people.OFFERED_ABROAD)
    client.get(url("offer_features") + "?change=1")
    response = post_answer(client, "offer_features", ["none_of_these", "travel_abroad"])
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    message = "Select 'None of these' on its own, or select what the offer included"
    assert page.count(message) == 2  # the error summary and the inline message


def test_a_skipped_step_gets_a_clear_page(client):
    client.get(url("condition"))
    post_answer(client, "condition", "lupus")
    for response in (client.get(url("region")), post_answer(client, "region", "uk")):
        assert response.status_code == 400
        assert "Answer the earlier questions first" in response.content.decode()
    assert client.get(url("check")).status_code == 400
    assert client.post(url("check")).status_code == 400
    assert Submission.objects.count() == 0


def test_a_question_that_does_not_apply_is_not_found(client):
    client.get(url("condition"))
    post_answer(client, "condition", "lupus")
    assert client.get(url("crohns_fistula")).status_code == 404
    assert client.get(url("no_such_question")).status_code == 404


def test_a_missing_or_wrong_management_form_is_a_clear_400(client):
    client.get(url("condition"))
    response = client.post(url("condition"), {"condition-answer": "lupus"})
    assert response.status_code == 400
    assert "could not read your answer" in response.content.decode()
    response = client.post(
        url("condition"), {f"{PREFIX}-current_step": "region", "condition-answer": "lupus"}
    )
    assert response.status_code == 400
    response = client.post(
        url("condition"), {f"{PREFIX}-current_step": "no_such", "condition-answer": "lupus"}
    )
    assert response.status_code == 400


def test_an_expired_session_gets_a_clear_page(client):
    client.get(url("condition"))
    post_answer(client, "condition", "lupus")
    client.cookies.clear()  # what an expired session looks like to the server
    for response in (
        post_answer(client, "activity", "active"),
        client.get(url("activity")),
        client.get(url("check")),
        client.post(url("check")),
    ):
        assert response.status_code == 400
        assert "Your answers are no longer available" in response.content.decode()


def test_a_missing_csrf_token_gets_a_friendly_403():
    browser = Client(enforce_csrf_checks=True)
    browser.get(url("condition"))
    response = post_answer(browser, "condition", "lupus")
    assert response.status_code == 403
    assert "could not be sent" in response.content.decode()


def test_the_start_page_says_what_the_tool_is_and_is_not(client):
    page = client.get("/").content.decode()
    assert "not medical advice" in page
    assert "about 3 minutes" in page
    assert "do not ask for your name" in page
    assert "Start now" in page


def test_every_page_carries_the_not_medical_advice_notice(client):
    pages = [client.get("/"), client.get(url("condition")), client.get("/nowhere/")]
    answer_all(client, people.TYPE1_DIABETES)
    pages.append(client.get(url("check")))
    for page in pages:
        assert "This tool is not medical advice" in page.content.decode()

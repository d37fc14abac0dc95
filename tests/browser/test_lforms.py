"""Our Questionnaire in a real SDC form filler: LHC-Forms (npm `lforms`, served by this test from
node_modules, never from a CDN) in Chromium. The conditional questions appear only when
enabled; LHC-Forms' own QuestionnaireResponse gets the expected sections from /api/cards.

What LHC-Forms 40 does with our SDC features (checked below): it honours enableWhen with
enableBehavior "any", the radio-button and check-box item controls, `required` and help items
(a "?" button that opens the hint). It does not honour optionExclusive: "None of these" can be
ticked beside a warning sign, and the cards API refuses that response, naming the item.
"""

from __future__ import annotations

import mimetypes

import pytest

from tests import answers as people
from tests.browser.checks import LFORMS
from triage.authoring.ruleset import load_ruleset
from triage.engine import fhir, questions
from triage.summary.cards import build_cards

pytestmark = pytest.mark.browser

PREFIX = "/lforms-test/"
# The charset matters: without it LHC-Forms' FHIRPath parser fails with a bare UUID.
HOST_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>LHC-Forms host</title>
<link rel="stylesheet" href="webcomponent/styles.css">
<script src="webcomponent/assets/lib/zone.min.js"></script>
<script src="webcomponent/runtime.js" type="module"></script>
<script src="webcomponent/polyfills.js" type="module"></script>
<script src="webcomponent/main.js" type="module"></script>
</head><body><main><div id="form"></div></main></body></html>"""

LOAD_FORM = """async () => {
  const q = await (await fetch('/fhir/Questionnaire/stem-cell-triage')).json();
  await LForms.Util.addFormToPage(q, document.getElementById('form'), {fhirVersion: 'R4'});
}"""
EXPORT = "() => LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', document.getElementById('form'))"
POST_CARDS = """async (response) => {
  const reply = await fetch('/api/cards', {method: 'POST',
    headers: {'Content-Type': 'application/fhir+json'}, body: JSON.stringify(response)});
  return {status: reply.status, body: await reply.json()};
}"""


def serve_lforms(route):
    """The host page and LHC-Forms' files, straight from node_modules."""
    path = route.request.url.split(PREFIX, 1)[1].split("?")[0]
    if path == "":
        return route.fulfill(body=HOST_PAGE, content_type="text/html; charset=utf-8")
    target = (LFORMS / path).resolve()
    if LFORMS.resolve() not in target.parents or not target.is_file():
        return route.fulfill(status=404, body="")
    kind = "text/javascript" if target.suffix == ".js" else mimetypes.guess_type(target.name)[0]
    return route.fulfill(body=target.read_bytes(), content_type=kind or "application/octet-stream")


@pytest.fixture
def form(new_context, live_server):
    context = new_context()
    context.route(f"**{PREFIX}**", serve_lforms)

    def open_form():
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(PREFIX)
        page.wait_for_function("() => window.LForms && window.LForms.Util")
        page.add_script_tag(url=PREFIX + "fhir/R4/lformsFHIR.min.js")
        page.wait_for_function("() => window.LForms.Util.getFormFHIRData && window.LForms.FHIR")
        page.evaluate(LOAD_FORM)
        page.locator('[id="item-condition/1"]').wait_for()
        page.errors = errors
        return page

    return open_form


def option(page, key: str, value: str):
    return page.locator(f'[id="{key}/1|{fhir.code_system(key)}|{value}"]')


def shown(page, key: str) -> bool:
    return page.locator(f'[id="item-{key}/1"]').count() == 1


def choose(page, key: str, value: str) -> None:
    option(page, key, value).click()


def fill_in(page, answers: dict) -> None:
    for question in questions.applicable(answers):
        chosen = answers[question.key]
        for value in chosen if isinstance(chosen, list) else [chosen]:
            choose(page, question.key, value)


def test_conditional_questions_appear_only_when_enabled(form):
    page = form()
    assert not shown(page, "crohns_fistula") and not shown(page, "offer_features")
    choose(page, "condition", "crohns")
    assert shown(page, "crohns_fistula")
    choose(page, "condition", "lupus")
    assert not shown(page, "crohns_fistula")
    choose(page, "offer_received", "yes")
    assert shown(page, "offer_features")
    choose(page, "offer_received", "no")
    assert not shown(page, "offer_features")
    choose(page, "offer_received", "unsure")  # the second enableWhen: enableBehavior "any"
    assert shown(page, "offer_features")
    assert not page.errors


def test_the_hint_is_a_help_button(form):
    page = form()
    page.locator('[id="help-button-risk_tolerance/1"]').click()
    help_text = page.locator(".lhc-popover-help").inner_text()
    assert questions.BY_KEY["risk_tolerance"].hint in help_text
    assert "High: Serious risks" in help_text


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            people.REFRACTORY_MS_HIGH_RISK,
            {"hsct-how-it-works", "hsct-risks", "evidence-ms-relapsing"},
        ),
        (people.CROHNS_FISTULA_LOW_RISK, {"msc-how-it-works", "msc-safety", "weighing-risks"}),
        (people.LUPUS_UNSURE, {"evidence-lupus", "weighing-risks"}),
        (people.OFFERED_ABROAD, {"tourism-warning", "evidence-ms-progressive"}),
    ],
    ids=["refractory MS", "Crohn's with a fistula", "lupus, unsure", "offered abroad"],
)
def test_lhc_forms_response_gets_the_expected_cards(form, answers, expected):
    page = form()
    fill_in(page, answers)
    exported = page.evaluate(EXPORT)
    assert exported["status"] == "completed"
    assert exported["questionnaire"] == fhir.canonical()
    assert fhir.from_response(exported) == questions.validate_answers(answers)
    reply = page.evaluate(POST_CARDS, exported)
    assert reply["status"] == 200, reply
    slugs = [card["slug"] for card in reply["body"]["cards"]]
    assert slugs == [card["slug"] for card in build_cards(answers, load_ruleset())]
    assert slugs[:2] == ["not-medical-advice", "approved-protocols"]
    assert expected <= set(slugs)
    assert not page.errors


def test_an_exclusive_answer_beside_a_warning_sign_never_reaches_the_cards(form):
    """LHC-Forms 40 leaves both ticked (it ignores optionExclusive); the API refuses them."""
    page = form()
    fill_in(page, {**people.OFFERED_ABROAD, "offer_features": ["pay_upfront"]})
    choose(page, "offer_features", "none_of_these")
    exported = page.evaluate(EXPORT)
    features = next(i for i in exported["item"] if i["linkId"] == "offer_features")
    codes = [a["valueCoding"]["code"] for a in features["answer"]]
    reply = page.evaluate(POST_CARDS, exported)
    if codes == ["none_of_these"]:  # a renderer that honours optionExclusive
        assert reply["status"] == 200
    else:
        assert codes == ["pay_upfront", "none_of_these"]
        assert reply["status"] == 400
        assert reply["body"]["item"] == "offer_features"

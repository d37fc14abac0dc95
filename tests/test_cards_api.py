"""Cards from any SDC form: POST /api/cards and `manage.py evaluate --fhir` give the cards for an
answers document or a QuestionnaireResponse, refuse bad ones by name, and never fail with a 500."""

import copy
import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from tests import answers as people
from tests.shell import run_evaluate
from triage.engine import fhir, questions
from triage.fhir import views as fhir_views
from triage.models import RateCount, Submission
from triage.platform import throttle

pytestmark = pytest.mark.usefixtures("loaded_rules")

PEOPLE = [
    people.REFRACTORY_MS_HIGH_RISK,
    people.CROHNS_FISTULA_LOW_RISK,
    people.LUPUS_UNSURE,
    people.OFFERED_ABROAD,
]


def post(client, document, content_type="application/json", **extra):
    body = document if isinstance(document, str | bytes) else json.dumps(document)
    return client.post("/api/cards", body, content_type=content_type, **extra)


def printed_by_evaluate(answers, tmp_path, *flags, document=None) -> dict:
    path = tmp_path / "document.json"
    path.write_text(json.dumps(document if document is not None else answers))
    out = io.StringIO()
    call_command("evaluate", str(path), *flags, stdout=out)
    return json.loads(out.getvalue())


def coding_for(key, value):
    return fhir.coding(questions.BY_KEY[key], value)


def response_of(answers):
    return fhir.to_response(answers, reference="K7M2-9QHX", authored="2026-11-30T09:15:00+00:00")


# --- the same cards for either document, from the API and the command --------------------------


@pytest.mark.parametrize("answers", PEOPLE, ids=lambda a: a["condition"])
def test_either_document_gets_the_cards_evaluate_prints(answers, tmp_path):
    expected = printed_by_evaluate(answers, tmp_path)
    assert printed_by_evaluate(answers, tmp_path, "--fhir", document=response_of(answers)) == (
        expected
    )
    client = Client(enforce_csrf_checks=True)  # no token, no session: still served
    plain = post(client, answers)
    assert plain.status_code == 200, plain.content
    assert plain.json() == expected
    as_fhir = post(client, response_of(answers), content_type="application/fhir+json")
    assert as_fhir.status_code == 200, as_fhir.content
    assert as_fhir.json() == expected
    assert not plain.cookies and not as_fhir.cookies
    assert Submission.objects.count() == 0


def test_the_cards_start_with_the_mandatory_sections():
    cards = post(Client(), response_of(people.OFFERED_ABROAD)).json()["cards"]
    assert [c["slug"] for c in cards[:3]] == [
        "not-medical-advice",
        "approved-protocols",
        "tourism-warning",
    ]


# --- refusals, by name -------------------------------------------------------------------------


def bad(change):
    document = response_of(people.CROHNS_FISTULA_LOW_RISK)
    change(document)
    return document


def item(document, key):
    return next(i for i in document["item"] if i["linkId"] == key)


BAD_RESPONSES = {
    "unknown linkId": (
        lambda d: d["item"].append({"linkId": "favourite_colour", "answer": []}),
        "favourite_colour",
    ),
    "code from another system": (
        lambda d: item(d, "activity")["answer"][0]["valueCoding"].update(
            system="http://snomed.info/sct"
        ),
        "activity",
    ),
    "unknown code": (
        lambda d: item(d, "region")["answer"][0]["valueCoding"].update(code="mars"),
        "region",
    ),
    "answer to an item not enabled": (
        lambda d: d["item"].insert(
            6,
            {
                "linkId": "offer_features",
                "answer": [{"valueCoding": coding_for("offer_features", "pay_upfront")}],
            },
        ),
        "offer_features",
    ),
    "missing required answer": (
        lambda d: d["item"].remove(item(d, "treatment_history")),
        "treatment_history",
    ),
    "empty answer to a required item": (
        lambda d: item(d, "treatment_history").update(answer=[]),
        "treatment_history",
    ),
    "second answer to a single-choice item": (
        lambda d: item(d, "condition")["answer"].append(
            {"valueCoding": coding_for("condition", "lupus")}
        ),
        "condition",
    ),
    "a value that is not a coding": (
        lambda d: item(d, "region").update(answer=[{"valueString": "uk"}]),
        "region",
    ),
    "an item twice": (lambda d: d["item"].append(copy.deepcopy(item(d, "region"))), "region"),
}


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"risk_tolerance": "reckless"}, "risk_tolerance"),
        ({"offer_received": "yes", "offer_features": []}, "offer_features"),
        (
            {"offer_received": "yes", "offer_features": ["pay_upfront", "none_of_these"]},
            "offer_features",
        ),
    ],
    ids=["unknown value", "no warning sign chosen", "none of these with a sign"],
)
def test_a_bad_answers_document_is_refused_naming_the_item(change, key):
    response = post(Client(), {**people.TYPE1_DIABETES, **change})
    assert response.status_code == 400
    assert response.json()["item"] == key
    assert repr(key) in response.json()["error"]


@pytest.mark.parametrize("case", BAD_RESPONSES, ids=str)
def test_a_bad_response_is_refused_naming_the_item(case, tmp_path):
    change, key = BAD_RESPONSES[case]
    document = bad(change)
    response = post(Client(), document)
    assert response.status_code == 400
    assert response.json()["item"] == key
    assert repr(key) in response.json()["error"]
    path = tmp_path / "response.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError) as refused:
        call_command("evaluate", "--fhir", str(path), stdout=io.StringIO())
    message = str(refused.value)
    assert "\n" not in message and repr(key) in message


def test_evaluate_fhir_prints_one_line_and_exits_non_zero_for_a_bad_response():
    document = response_of(people.LUPUS_UNSURE)
    item(document, "condition")["answer"][0]["valueCoding"]["system"] = "http://loinc.org"
    result = run_evaluate(json.dumps(document), "--fhir")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "CommandError: invalid QuestionnaireResponse: item 'condition': code system "
        f"'http://loinc.org' is not '{fhir.code_system('condition')}'"
    ]


def test_exclusive_answers_are_refused_together():
    document = response_of(people.OFFERED_ABROAD)
    item(document, "offer_features")["answer"].append(
        {"valueCoding": coding_for("offer_features", "none_of_these")}
    )
    response = post(Client(), document)
    assert response.status_code == 400
    assert response.json()["item"] == "offer_features"


@pytest.mark.parametrize(
    "document",
    [
        {"resourceType": "Patient", "name": [{"family": "Smith"}]},
        {**response_of(people.TYPE1_DIABETES), "status": "in-progress"},
        {**response_of(people.TYPE1_DIABETES), "questionnaire": "http://example.com/Q|1"},
        {**response_of(people.TYPE1_DIABETES), "item": {"linkId": "condition"}},
    ],
    ids=["another resource", "in progress", "another questionnaire", "items not a list"],
)
def test_a_response_to_something_else_is_refused(document):
    response = post(Client(), document)
    assert response.status_code == 400
    assert response.json()["error"]


@pytest.mark.parametrize(
    "body",
    [
        "{",
        "null",
        "[]",
        "42",
        '"condition"',
        "[" * 30_000 + "]" * 30_000,
        '{"condition": "crohns", "condition": "lupus"}',
        '{"resourceType": "QuestionnaireResponse", "status": "completed", "item": [null]}',
        '{"resourceType": "QuestionnaireResponse", "status": "completed", "item": [{"linkId": 7}]}',
        '{"resourceType": "QuestionnaireResponse", "status": "completed", '
        '"item": [{"linkId": "condition", "answer": "lupus"}]}',
        '{"resourceType": "QuestionnaireResponse", "status": "completed", '
        '"item": [{"linkId": "condition", "answer": [{"valueCoding": []}]}]}',
        '{"resourceType": "QuestionnaireResponse", "status": "completed", '
        '"item": [{"linkId": "condition", "answer": [{"valueCoding": {"code": {}}}]}]}',
        '{"resourceType": ["QuestionnaireResponse"]}',
        '{"condition": ["lupus"]}',
        "1" * 5000,
        b"\xff\xfe{}",
        "NaN",
    ],
)
def test_malformed_json_gets_a_400_never_a_500(body):
    response = post(Client(raise_request_exception=False), body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]


def test_only_json_is_accepted():
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        response = post(Client(), people.TYPE1_DIABETES, content_type=content_type)
        assert response.status_code == 415
    response = post(Client(), people.TYPE1_DIABETES, content_type="application/json; charset=utf-8")
    assert response.status_code == 200


def test_bodies_over_64_kb_are_refused():
    padded = {**response_of(people.TYPE1_DIABETES), "text": {"div": "x" * 70_000}}
    response = post(Client(), padded)
    assert response.status_code == 413
    just_under = json.dumps(people.TYPE1_DIABETES).ljust(fhir_views.MAX_BODY)
    assert post(Client(), just_under).status_code == 200


def test_only_post_is_accepted():
    response = Client().get("/api/cards")
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"  # OPTIONS: the CORS preflight


def test_too_many_requests_from_one_address_get_a_429_with_retry_after(monkeypatch):
    monkeypatch.setattr(throttle, "_now", lambda: 1_800_000_000.0)  # the start of a window
    client = Client()
    for _ in range(throttle.API_CALLS_PER_WINDOW):
        assert post(client, people.TYPE1_DIABETES).status_code == 200
    refused = post(client, people.TYPE1_DIABETES)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 60
    # Another address is not held back, and the count lives in the database, so every
    # server process sees it: one row per address and window.
    assert post(client, people.TYPE1_DIABETES, REMOTE_ADDR="10.0.0.9").status_code == 200
    assert RateCount.objects.count() == 2
    # A minute later the address may call again.
    monkeypatch.setattr(throttle, "_now", lambda: 1_800_000_060.0)
    assert post(client, people.TYPE1_DIABETES).status_code == 200


def test_purge_expired_clears_old_request_counts():
    post(Client(), people.TYPE1_DIABETES)
    RateCount.objects.update(ends=timezone.now() - timedelta(seconds=1))  # its window ended
    call_command("purge_expired", stdout=io.StringIO())
    assert not RateCount.objects.exists()


def test_evaluate_fhir_refuses_broken_json_in_one_line():
    result = run_evaluate("{not json", "--fhir")
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "invalid JSON" in result.stderr

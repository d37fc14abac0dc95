"""The questionnaire as a FHIR Questionnaire and answers as QuestionnaireResponses: valid R4B,
built from the declaration, and a lossless round trip for every path, value and set of warning signs."""

import dataclasses
import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from tests import answers as people
from tests import samples
from tests.factories import staff_client
from tests.journey import finish
from triage.engine import fhir, questions
from triage.models import Lookup, Submission

AUTHORED = "2026-11-30T09:15:00+00:00"


def by_link(resource):
    return {item["linkId"]: item for item in resource["item"]}


# --- the Questionnaire -------------------------------------------------------------------------


def test_the_questionnaire_is_valid_r4b_with_one_item_per_contract_key():
    resource = fhir.questionnaire()
    Questionnaire.model_validate(resource)
    assert [item["linkId"] for item in resource["item"]] == list(questions.KEYS)
    assert resource["url"] == fhir.CANONICAL
    assert resource["status"] == "active"
    assert resource["version"] and resource["title"]
    for field in ("description", "purpose"):
        assert "not medical advice" in resource[field] or "not a diagnosis" in resource[field]
        assert "specialist team" in resource[field]


def test_each_item_reads_as_on_screen_with_coded_options():
    items = by_link(fhir.questionnaire())
    for question in questions.QUESTIONS:
        item = items[question.key]
        assert item["text"] == question.text
        assert item["type"] == "choice" and item["required"] is True
        assert item["repeats"] is question.multiple
        codings = [option["valueCoding"] for option in item["answerOption"]]
        assert [c["code"] for c in codings] == list(question.values)
        assert [c["display"] for c in codings] == [c.label for c in question.choices]
        assert {c["system"] for c in codings} == {fhir.code_system(question.key)}
        (help_item,) = item["item"]
        assert help_item["type"] == "display"
        assert help_item["text"].startswith(question.hint)
        control = help_item["extension"][0]["valueCodeableConcept"]["coding"][0]
        assert control == {"system": fhir.ITEM_CONTROL_SYSTEM, "code": "help"}


def test_a_choice_hint_shown_under_its_label_is_in_the_help_text():
    help_text = by_link(fhir.questionnaire())["risk_tolerance"]["item"][0]["text"]
    assert "High: Serious risks, including a small risk of dying" in help_text


def test_exclusive_values_carry_option_exclusive_and_no_other_does():
    for question in questions.QUESTIONS:
        item = by_link(fhir.questionnaire())[question.key]
        flagged = [
            option["valueCoding"]["code"]
            for option in item["answerOption"]
            if {"url": fhir.OPTION_EXCLUSIVE, "valueBoolean": True} in option.get("extension", [])
        ]
        assert flagged == list(fhir.exclusive_values(question))
    assert "none_of_these" in fhir.exclusive_values(questions.BY_KEY["offer_features"])


def test_conditional_questions_are_enabled_by_the_declared_answers():
    items = by_link(fhir.questionnaire())
    for question in questions.QUESTIONS:
        item = items[question.key]
        if question.asked_when is None:
            assert "enableWhen" not in item
            continue
        assert item["enableBehavior"] == "any"
        gate = question.asked_when
        assert {
            (w["question"], w["operator"], w["answerCoding"]["system"], w["answerCoding"]["code"])
            for w in item["enableWhen"]
        } == {(gate.question, "=", fhir.code_system(gate.question), v) for v in gate.values}
    assert len(items["offer_features"]["enableWhen"]) == 2  # yes or unsure


def test_the_version_changes_when_a_question_changes(monkeypatch):
    before = fhir.version()
    changed = tuple(
        dataclasses.replace(q, hint=q.hint + " Changed.") if q.key == "region" else q
        for q in questions.QUESTIONS
    )
    monkeypatch.setattr(questions, "QUESTIONS", changed)
    fhir._built.cache_clear()
    try:
        assert fhir.version() != before
    finally:
        monkeypatch.undo()
        fhir._built.cache_clear()
    assert fhir.version() == before


def test_the_version_is_the_first_12_hex_digits_of_a_sha256_of_the_rest():
    """As docs/contract.md promises: anyone can check a Questionnaire's version themselves."""
    resource = fhir.questionnaire()
    version = resource.pop("version")
    digest = hashlib.sha256(json.dumps(resource, sort_keys=True).encode()).hexdigest()
    assert version == digest[:12] == fhir.version()


def test_the_url_serves_the_questionnaire_as_fhir_json(client):
    response = client.get("/fhir/Questionnaire/stem-cell-triage")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert json.loads(response.content) == fhir.questionnaire()
    assert response["ETag"] == f'"{fhir.version()}"'
    again = client.get("/fhir/Questionnaire/stem-cell-triage", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.post("/fhir/Questionnaire/stem-cell-triage").status_code == 405


def test_the_export_command_writes_the_same_json(tmp_path):
    out = io.StringIO()
    call_command("export_fhir_questionnaire", stdout=out)
    assert json.loads(out.getvalue()) == fhir.questionnaire()
    target = tmp_path / "questionnaire.json"
    call_command("export_fhir_questionnaire", "--output", str(target), stderr=io.StringIO())
    assert json.loads(target.read_text()) == json.loads(
        Client().get("/fhir/Questionnaire/stem-cell-triage").content
    )


# --- responses --------------------------------------------------------------------------------


def test_every_path_value_and_warning_sign_set_round_trips_through_a_valid_response():
    """answers -> QuestionnaireResponse (valid R4B) -> answers is the identity, for a sample
    holding every path through the questionnaire, every value of every question and every set
    of warning signs (the rules' whole answer space is proved in test_principles.py)."""
    sample = samples.covering()
    for answers in sample:
        response = fhir.to_response(answers, reference="K7M2-9QHX", authored=AUTHORED)
        QuestionnaireResponse.model_validate(response)
        assert fhir.from_response(json.loads(json.dumps(response))) == answers
    assert samples.covers_every_answer(sample)


def test_each_answer_in_a_response_shows_the_label_the_person_chose():
    for answers in samples.covering():
        items = by_link(fhir.to_response(answers))
        for question in questions.applicable(answers):
            chosen = answers[question.key]
            values = chosen if isinstance(chosen, list) else [chosen]
            assert [a["valueCoding"] for a in items[question.key]["answer"]] == [
                {
                    "system": fhir.code_system(question.key),
                    "code": value,
                    "display": question.label_for(value),
                }
                for value in values
            ]
            assert items[question.key]["text"] == question.text


def test_a_response_holds_coded_answers_and_the_reference_and_nothing_personal():
    response = fhir.to_response(people.OFFERED_ABROAD, reference="K7M2-9QHX", authored=AUTHORED)
    assert set(response) == {
        "resourceType",
        "language",
        "identifier",
        "questionnaire",
        "status",
        "authored",
        "item",
    }
    assert response["status"] == "completed"
    assert response["questionnaire"] == f"{fhir.CANONICAL}|{fhir.version()}"
    assert response["identifier"] == {"system": fhir.REFERENCE_SYSTEM, "value": "K7M2-9QHX"}
    features = by_link(response)["offer_features"]["answer"]
    assert [a["valueCoding"]["code"] for a in features] == [
        "pay_upfront",
        "travel_abroad",
        "testimonials",
    ]
    assert "crohns_fistula" not in by_link(response)


# --- downloads for clinic staff and the patient -----------------------------------------------


@pytest.mark.usefixtures("loaded_rules")
def test_staff_download_the_looked_up_summary_as_a_response_and_it_is_recorded():
    finish(Client(), people.CROHNS_FISTULA_LOW_RISK)
    submission = Submission.objects.get()
    staff = staff_client()
    url = f"/staff/summaries/{submission.reference}/questionnaire-response.json"
    assert staff.get(url).status_code == 404  # not looked up yet
    staff.post("/staff/", {"code": submission.reference})
    page = staff.get(f"/staff/summaries/{submission.reference}/").content.decode()
    assert f'id="fhir-response" href="{url}"' in page
    response = staff.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store, private"
    resource = json.loads(response.content)
    QuestionnaireResponse.model_validate(resource)
    assert resource["identifier"]["value"] == submission.display_reference
    assert resource["authored"] == submission.created.isoformat(timespec="seconds")
    assert fhir.from_response(resource) == submission.answers
    record = Lookup.objects.get(outcome="exported")
    assert (record.submission, record.username) == (submission, "nurse")


@pytest.mark.usefixtures("loaded_rules")
def test_only_clinic_staff_may_download_a_response():
    finish(Client(), people.LUPUS_UNSURE)
    submission = Submission.objects.get()
    url = f"/staff/summaries/{submission.reference}/questionnaire-response.json"
    assert Client().get(url)["Location"].startswith("/staff/login/")
    stranger = Client()
    from django.contrib.auth.models import User

    stranger.force_login(User.objects.create_user("visitor", password="a long test password"))
    assert stranger.get(url).status_code == 403
    assert not Lookup.objects.filter(outcome="exported").exists()


@pytest.mark.usefixtures("loaded_rules")
def test_the_patient_downloads_their_own_response_from_their_summary():
    patient = Client()
    page = finish(patient, people.OFFERED_ABROAD).content.decode()
    submission = Submission.objects.get()
    url = f"/summary/{submission.pk}/questionnaire-response.json"
    assert f'id="fhir-response" href="{url}"' in page
    response = patient.get(url)
    assert response.status_code == 200
    assert fhir.from_response(json.loads(response.content)) == submission.answers
    assert Client().get(url).status_code == 404  # another browser
    patient.post(f"/summary/{submission.pk}/delete/")
    assert patient.get(url).status_code == 410


# --- languages ---------------------------------------------------------------------------------


def spanish(element: dict, name: str) -> str:
    """The Spanish of element[name], from its translation extension."""
    [extension] = [
        e
        for e in element["_" + name]["extension"]
        if e["url"] == fhir.TRANSLATION and {"url": "lang", "valueCode": "es"} in e["extension"]
    ]
    [content] = [e["valueString"] for e in extension["extension"] if e["url"] == "content"]
    return content


def test_the_questionnaire_carries_spanish_text_and_displays_and_stays_valid():
    document = fhir.questionnaire()
    assert document["language"] == "en"
    validated = Questionnaire.model_validate(document)
    # The extensions survive validation (not dropped as unknown fields).
    assert validated.model_dump(mode="json")["item"][0]["_text"] == document["item"][0]["_text"]
    items = by_link(document)
    assert spanish(items["condition"], "text") == "¿Qué enfermedad tiene?"
    for question in questions.QUESTIONS:
        item = items[question.key]
        assert spanish(item, "text") and spanish(item, "text") != item["text"]
        for option in item["answerOption"]:
            coding = option["valueCoding"]
            if coding["display"] not in ("No", "Vasculitis"):  # the same words in Spanish
                assert spanish(coding, "display") != coding["display"], coding
        if "item" in item:
            assert spanish(item["item"][0], "text")
    displays = {o["valueCoding"]["code"]: o["valueCoding"] for o in items["region"]["answerOption"]}
    assert spanish(displays["us"], "display") == "Estados Unidos"


def test_a_response_records_its_language_and_is_in_it():
    english = fhir.to_response(people.OFFERED_ABROAD, reference="K7M2-9QHX", authored=AUTHORED)
    assert english["language"] == "en"
    response = fhir.to_response(
        people.OFFERED_ABROAD, reference="K7M2-9QHX", authored=AUTHORED, language="es"
    )
    QuestionnaireResponse.model_validate(response)
    assert response["language"] == "es"
    region = by_link(response)["region"]
    assert region["text"] == "¿Dónde vive?"
    # Codes never change with the language; the answers read back the same.
    assert fhir.from_response(json.loads(json.dumps(response))) == fhir.from_response(english)


@pytest.mark.usefixtures("loaded_rules")
def test_a_spanish_summary_downloads_as_a_spanish_response(client):
    from tests.spanish import spanish_summary

    submission = spanish_summary(client)
    download = client.get(f"/es/summary/{submission.pk}/questionnaire-response.json")
    resource = json.loads(download.content)
    QuestionnaireResponse.model_validate(resource)
    assert resource["language"] == "es"


def test_wording_a_language_leaves_unchanged_carries_no_translation_for_it():
    """A translation extension says the text differs in that language; where the catalogue
    gives the English back (an untranslated or identical string), there is none."""
    saved = dict(fhir._translations)
    fhir.set_translations({"es": lambda text: text})
    try:
        assert fhir.TRANSLATION not in json.dumps(fhir.questionnaire())
    finally:
        fhir.set_translations(saved)
    assert fhir.TRANSLATION in json.dumps(fhir.questionnaire())

"""The questionnaire as a FHIR R4 SDC Questionnaire, and answers to and from a QuestionnaireResponse.

Built from the declaration in ``questions.py`` and nothing else, so a question, value or
condition changed there reaches the exported form, its version and the mapping at once.
The mapping is the contract's (``docs/contract.md``): linkId = question key, one code
system per question under our canonical base, code = contract value, display = label.
Pure Python, like the rest of the engine: the views and commands adapt it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from functools import cache

from triage.engine import questions
from triage.engine.questions import AnswerError, Question

# An identifier, not a web address anyone must reach: FHIR canonical URLs name a resource.
# Changing it changes every code system, so a response from the old form would be refused.
BASE = "https://stem-cell-triage.example.org/fhir"
QUESTIONNAIRE_ID = "stem-cell-triage"
CANONICAL = f"{BASE}/Questionnaire/{QUESTIONNAIRE_ID}"
REFERENCE_SYSTEM = f"{BASE}/NamingSystem/reference-code"
CONTENT_TYPE = "application/fhir+json"

SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition"
OPTION_EXCLUSIVE = f"{SDC}/sdc-questionnaire-optionExclusive"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
HELP_SUFFIX = "-help"
# The standard extension for a translation of a string element (on `_text`, `_display`).
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
BASE_LANGUAGE = "en"
# Spanish, and any other language, as a translate function per language code; installed by the
# app (triage/apps.py) from Django's catalogues, empty for the pure engine.
_translations: dict[str, Callable[[str], str]] = {}


def set_translations(translations: Mapping[str, Callable[[str], str]]) -> None:
    """The translate function of each language besides English; rebuilds the Questionnaire."""
    _translations.clear()
    _translations.update(translations)
    _built.cache_clear()


def _translated(text: str) -> dict | None:
    """`{"extension": [translation, ...]}` for a string element, or None when no language
    has its own wording for it."""
    extensions = []
    for code, translate in sorted(_translations.items()):
        content = translate(text)
        if content and content != text:
            extensions.append(
                {
                    "url": TRANSLATION,
                    "extension": [
                        {"url": "lang", "valueCode": code},
                        {"url": "content", "valueString": content},
                    ],
                }
            )
    return {"extension": extensions} if extensions else None


def _with_translations(element: dict, name: str) -> dict:
    """Adds `_name` with the translations of element[name]."""
    translated = _translated(element[name])
    if translated:
        element["_" + name] = translated
    return element


# Statuses of a response that holds a person's finished answers.
FINISHED = ("completed", "amended")

TITLE = "Stem Cell Triage: information about stem-cell treatments for autoimmune conditions"
DESCRIPTION = (
    "A short questionnaire for people with an autoimmune condition. The answers choose which "
    "information to show about stem-cell treatments (HSCT and MSC therapy), the evidence for "
    "the person's condition, registered clinical trials and the warning signs of unproven "
    "clinics. It gives information, not medical advice: it does not say whether a treatment "
    "is right for anyone, and it points every person to approved treatment protocols, "
    "registered trials and their own specialist team."
)
PURPOSE = (
    "To give people plain-language information that fits their situation, to take to their "
    "specialist team. Not medical advice, not a diagnosis and not a referral: decisions about "
    "treatment belong with the person's own specialist team."
)


class FhirError(AnswerError):
    """A document that is not a response to this questionnaire; `key` names the item."""


def code_system(key: str) -> str:
    """Each question's values form their own code system: `yes` under one question is not
    `yes` under another."""
    return f"{BASE}/CodeSystem/{key}"


def exclusive_values(question: Question) -> tuple[str, ...]:
    """The values that must stand alone, whether the declaration names one or several."""
    exclusive = question.exclusive
    if not exclusive:
        return ()
    if isinstance(exclusive, str):
        return (exclusive,)
    return tuple(exclusive)


def coding(question: Question, value: str, translate: Callable[[str], str] | None = None) -> dict:
    label = question.label_for(value)
    return {
        "system": code_system(question.key),
        "code": value,
        "display": translate(label) if translate else label,
    }


def _control(code: str) -> dict:
    return {
        "url": ITEM_CONTROL,
        "valueCodeableConcept": {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code}]},
    }


def _help_text(question: Question, translate: Callable[[str], str] = questions._) -> str:
    """The hint under the question, then each choice's own hint, as the page shows them."""
    lines = [translate(question.hint)] if question.hint else []
    lines += [f"{translate(c.label)}: {translate(c.hint)}" for c in question.choices if c.hint]
    return "\n".join(lines)


def _help_translations(question: Question) -> dict | None:
    """The help text's translations, built line by line from the catalogue's entries."""
    extensions = []
    english = _help_text(question)
    for code, translate in sorted(_translations.items()):
        content = _help_text(question, translate)
        if content != english:
            extensions.append(
                {
                    "url": TRANSLATION,
                    "extension": [
                        {"url": "lang", "valueCode": code},
                        {"url": "content", "valueString": content},
                    ],
                }
            )
    return {"extension": extensions} if extensions else None


def _item(question: Question) -> dict:
    exclusive = exclusive_values(question)
    options = []
    for choice in question.choices:
        option: dict = {
            "valueCoding": _with_translations(coding(question, choice.value), "display")
        }
        if choice.value in exclusive:
            option["extension"] = [{"url": OPTION_EXCLUSIVE, "valueBoolean": True}]
        options.append(option)
    item: dict = {
        "extension": [_control("check-box" if question.multiple else "radio-button")],
        "linkId": question.key,
        "text": question.text,
        "type": "choice",
        "required": True,
        "repeats": question.multiple,
    }
    _with_translations(item, "text")
    gate = question.asked_when
    if gate is not None:
        gated_by = questions.BY_KEY[gate.question]
        item["enableWhen"] = [
            {"question": gate.question, "operator": "=", "answerCoding": coding(gated_by, value)}
            for value in gated_by.values
            if value in gate.values
        ]
        item["enableBehavior"] = "any"
    item["answerOption"] = options
    help_text = _help_text(question)
    if help_text:
        help_item: dict = {
            "extension": [_control("help")],
            "linkId": question.key + HELP_SUFFIX,
            "text": help_text,
            "type": "display",
        }
        help_translated = _help_translations(question)
        if help_translated:
            help_item["_text"] = help_translated
        item["item"] = [help_item]
    return item


@cache
def _built() -> tuple[str, str]:
    """The Questionnaire as JSON text, and its version."""
    body = {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "language": BASE_LANGUAGE,
        "url": CANONICAL,
        "name": "StemCellTriage",
        "title": TITLE,
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "Stem Cell Triage",
        "description": DESCRIPTION,
        "purpose": PURPOSE,
        "item": [_item(q) for q in questions.QUESTIONS],
    }
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    # The version is the declaration's fingerprint: any change to a question, value, label,
    # hint or condition gives a new version, with no one having to remember to bump it.
    return json.dumps({**body, "version": digest[:12]}), digest[:12]


def questionnaire() -> dict:
    """The Questionnaire resource (a fresh copy each call)."""
    return json.loads(_built()[0])


def version() -> str:
    return _built()[1]


def canonical() -> str:
    """The canonical reference to this version, as a response's `questionnaire` holds it."""
    return f"{CANONICAL}|{version()}"


def to_response(
    answers: Mapping[str, object],
    *,
    reference: str = "",
    authored: str = "",
    language: str = BASE_LANGUAGE,
) -> dict:
    """A completed QuestionnaireResponse for a complete answers document.

    `reference` is the summary's reference code, `authored` an ISO 8601 date and time,
    `language` the language the person answered in (the item texts and displays are in it).
    The resource holds the coded answers and nothing else about the person.
    """
    translate = _translations.get(language) if language != BASE_LANGUAGE else None
    cleaned = questions.validate_answers(dict(answers))
    items = []
    for question in questions.applicable(cleaned):
        chosen = cleaned[question.key]
        values = chosen if isinstance(chosen, list) else [chosen]
        items.append(
            {
                "linkId": question.key,
                "text": translate(question.text) if translate else question.text,
                "answer": [{"valueCoding": coding(question, v, translate)} for v in values],
            }
        )
    response: dict = {
        "resourceType": "QuestionnaireResponse",
        "language": language,
    }
    if reference:
        response["identifier"] = {"system": REFERENCE_SYSTEM, "value": reference}
    response.update({"questionnaire": canonical(), "status": "completed"})
    if authored:
        response["authored"] = authored
    response["item"] = items
    return response


def is_response(document: object) -> bool:
    return isinstance(document, dict) and "resourceType" in document


def from_response(document: object) -> dict[str, str | list[str]]:
    """The answers document a QuestionnaireResponse stands for, checked against the contract.

    Refuses, naming the item: an unknown linkId, a code from another system or not in the
    question's values, an answer to an item that is not enabled, a missing required answer,
    and more than one answer to a single-choice item.
    """
    if not isinstance(document, dict):
        raise FhirError("a QuestionnaireResponse must be a JSON object")
    if document.get("resourceType") != "QuestionnaireResponse":
        raise FhirError(
            f"expected a QuestionnaireResponse, got resourceType {document.get('resourceType')!r}"
        )
    _check_header(document)
    items = document.get("item", [])
    if not isinstance(items, list):
        raise FhirError("'item' must be a list")
    answers: dict[str, object] = {}
    for item in items:
        key, values = _read_item(item)
        if key in answers:
            raise FhirError(f"item {key!r} appears more than once", key=key)
        if values:
            question = questions.BY_KEY[key]
            answers[key] = values if question.multiple else values[0]
    return questions.validate_answers(answers)


def _check_header(document: dict) -> None:
    target = document.get("questionnaire")
    if target is not None and (not isinstance(target, str) or target.split("|")[0] != CANONICAL):
        raise FhirError(f"this response answers {target!r}, not {CANONICAL!r}")
    status = document.get("status")
    if status not in FINISHED:
        raise FhirError(f"status must be one of {list(FINISHED)}, not {status!r}")


def _read_item(item: object) -> tuple[str, list[str]]:
    if not isinstance(item, dict) or not isinstance(item.get("linkId"), str):
        raise FhirError("every item needs a linkId")
    key = item["linkId"]
    question = questions.BY_KEY.get(key)
    if question is None:
        raise FhirError(f"unknown linkId {key!r}", key=key)
    if item.get("item"):
        raise FhirError(f"item {key!r} has no nested items", key=key)
    answers = item.get("answer", [])
    if not isinstance(answers, list):
        raise FhirError(f"'answer' of item {key!r} must be a list", key=key)
    if len(answers) > 1 and not question.multiple:
        raise FhirError(f"item {key!r} takes one answer, not {len(answers)}", key=key)
    values = []
    for answer in answers:
        if not isinstance(answer, dict) or not isinstance(answer.get("valueCoding"), dict):
            raise FhirError(f"answers to item {key!r} must be valueCoding", key=key)
        if answer.get("item"):
            raise FhirError(f"an answer to item {key!r} has no nested items", key=key)
        value = answer["valueCoding"]
        if value.get("system") != code_system(key):
            raise FhirError(
                f"item {key!r}: code system {value.get('system')!r} is not {code_system(key)!r}",
                key=key,
            )
        code = value.get("code")
        if code not in question.values:
            raise FhirError(f"item {key!r}: unknown code {code!r}", key=key)
        values.append(code)
    return key, values

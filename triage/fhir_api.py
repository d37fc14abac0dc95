"""FHIR for clinics and form fillers: the questionnaire as a Questionnaire, a summary's answers
as a QuestionnaireResponse, and the cards for answers sent from any SDC form.

The mapping itself is pure (triage/engine/fhir.py, described in docs/contract.md); this module
only adapts it to HTTP. The cards API stores nothing but a count of requests per address,
which it needs for its rate limit and which `purge_expired` clears.
"""

from __future__ import annotations

import json
import math
from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import etag, require_safe

from triage.cards import cards_document
from triage.engine import fhir, questions
from triage.middleware import address_hash
from triage.models import ApiCall, Submission
from triage.selectors import active_ruleset

MAX_BODY = 64 * 1024
# A person filling in a form sends one document; a clinic's form server a few a second at most.
LIMIT_PER_MINUTE = 60
WINDOW = timedelta(minutes=1)
ACCEPTED = ("application/json", fhir.CONTENT_TYPE)


def fhir_json(body: dict, *, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, indent=2, ensure_ascii=False),
        status=status,
        content_type=f"{fhir.CONTENT_TYPE}; charset=utf-8",
    )


@require_safe
@etag(lambda request: fhir.version())
def questionnaire(request: HttpRequest) -> HttpResponse:
    """Public, the same for everyone: any form filler, on any site, may load it."""
    response = fhir_json(fhir.questionnaire())
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response


def response_for(submission: Submission) -> dict:
    """A stored summary's answers as a completed QuestionnaireResponse: coded answers, the
    reference code and when it was made; nothing else about the person."""
    return fhir.to_response(
        submission.answers,
        reference=submission.display_reference,
        authored=submission.created.isoformat(timespec="seconds"),
    )


def download(submission: Submission) -> HttpResponse:
    """The QuestionnaireResponse as a file to attach to a record."""
    response = fhir_json(response_for(submission))
    name = f"questionnaire-response-{submission.display_reference}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def refuse(status: int, message: str, item: str = "", **headers: str) -> JsonResponse:
    body = {"error": message}
    if item:
        body["item"] = item
    response = JsonResponse(body, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    response["Cache-Control"] = "no-store"
    return response


def retry_after(address: str) -> int | None:
    """Seconds until this address may call again, or None while it is under the limit.

    Counted in the database, so every server process and worker shares one count."""
    now = timezone.now()
    with transaction.atomic():
        recent = ApiCall.objects.filter(address_hash=address, created__gt=now - WINDOW)
        if recent.count() >= LIMIT_PER_MINUTE:
            oldest = recent.order_by("-created")[LIMIT_PER_MINUTE - 1].created
            return max(1, math.ceil((oldest + WINDOW - now).total_seconds()))
        ApiCall.objects.create(address_hash=address, created=now)
    return None


@csrf_exempt  # no session, no cookie: nothing a forged request could borrow
def cards(request: HttpRequest) -> HttpResponse:
    """POST an answers document or a QuestionnaireResponse; get back the cards, as
    `manage.py evaluate` prints them. Nothing is stored."""
    if request.method != "POST":
        return refuse(405, "POST an answers document or a QuestionnaireResponse", Allow="POST")
    wait = retry_after(address_hash(request))
    if wait is not None:
        return refuse(
            429,
            f"more than {LIMIT_PER_MINUTE} requests a minute from this address; "
            f"try again in {wait} seconds",
            Retry_After=str(wait),
        )
    if request.content_type not in ACCEPTED:
        return refuse(415, f"send JSON, as {' or '.join(ACCEPTED)}")
    if (request.META.get("CONTENT_LENGTH") or "0").isdigit() and int(
        request.META.get("CONTENT_LENGTH") or 0
    ) > MAX_BODY:
        return refuse(413, f"the body is over {MAX_BODY // 1024} KB")
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        return refuse(413, f"the body is over {MAX_BODY // 1024} KB")
    try:
        document = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        return refuse(400, f"the body is not valid JSON: {exc}")
    try:
        if fhir.is_response(document):
            answers = fhir.from_response(document)
        else:
            answers = questions.validate_answers(document)
    except questions.AnswerError as exc:
        return refuse(400, str(exc), exc.key)
    response = JsonResponse(cards_document(answers, active_ruleset()))
    response["Cache-Control"] = "no-store"
    return response

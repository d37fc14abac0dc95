"""FHIR for clinics and form fillers: the questionnaire as a Questionnaire, a summary's answers
as a QuestionnaireResponse, and the cards for answers sent from any SDC form.

The mapping itself is pure (triage/engine/fhir.py, described in docs/contract.md); this module
only adapts it to HTTP. The cards API stores nothing but a count of requests per address,
which it needs for its rate limit and which `purge_expired` clears.
"""

from __future__ import annotations

import json
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import etag, require_http_methods, require_safe

from triage.authoring.ruleset import active_ruleset
from triage.engine import fhir, questions
from triage.models import Submission
from triage.platform import throttle
from triage.summary.access import linked_submission, own_submission
from triage.summary.cards import cards_document

MAX_BODY = 64 * 1024
ACCEPTED = ("application/json", fhir.CONTENT_TYPE)


def fhir_json(body: dict, *, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, indent=2, ensure_ascii=False),
        status=status,
        content_type=f"{fhir.CONTENT_TYPE}; charset=utf-8",
    )


def open_to_any_site(methods: str):
    """CORS for a resource any site's page may use (a browser-based form filler): every
    answer says `Access-Control-Allow-Origin: *`, and a preflight (OPTIONS) is answered with
    the methods and the request headers allowed. No credentials: nothing here reads a cookie,
    so none is asked for or allowed."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Allow"] = methods
                response["Access-Control-Allow-Methods"] = methods
                response["Access-Control-Allow-Headers"] = "Accept, Content-Type"
                response["Access-Control-Max-Age"] = "86400"
            else:
                response = view(request, *args, **kwargs)
            response["Access-Control-Allow-Origin"] = "*"
            return response

        return wrapper

    return decorator


@require_http_methods(["GET", "HEAD", "OPTIONS"])
@open_to_any_site("GET, HEAD, OPTIONS")
@cache_control(public=True, max_age=3600)  # outside the ETag check, so a 304 says it too
@etag(lambda request: fhir.version())
def questionnaire(request: HttpRequest) -> HttpResponse:
    """Public, the same for everyone: any form filler, on any site, may load it."""
    return fhir_json(fhir.questionnaire())


def response_for(submission: Submission) -> dict:
    """A stored summary's answers as a completed QuestionnaireResponse: coded answers, the
    reference code and when it was made; nothing else about the person."""
    return fhir.to_response(
        submission.answers,
        reference=submission.display_reference,
        authored=submission.created.isoformat(timespec="seconds"),
        language=submission.language,
    )


def download(submission: Submission) -> HttpResponse:
    """The QuestionnaireResponse as a file to attach to a record."""
    response = fhir_json(response_for(submission))
    name = f"questionnaire-response-{submission.display_reference}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store, private"
    return response


def refuse(status: int, message: str, item: str = "", **headers: str) -> JsonResponse:
    body = {"error": message}
    if item:
        body["item"] = item
    response = JsonResponse(body, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    response["Cache-Control"] = "no-store, private"
    return response


@csrf_exempt  # no session, no cookie: nothing a forged request could borrow
@open_to_any_site("POST, OPTIONS")
def cards(request: HttpRequest) -> HttpResponse:
    """POST an answers document or a QuestionnaireResponse; get back the cards, as
    `manage.py evaluate` prints them, with the editors' texts sanitised. Nothing is stored."""
    if request.method != "POST":
        return refuse(
            405, "POST an answers document or a QuestionnaireResponse", Allow="POST, OPTIONS"
        )
    try:
        wait = throttle.cards_api_wait(throttle.address_hash(request))
    except throttle.UnreadableAddress:
        return refuse(400, gettext("the proxy's X-Forwarded-For does not end with an address"))
    if wait is not None:
        return refuse(
            429,
            f"more than {throttle.API_CALLS_PER_WINDOW} requests a minute from this address; "
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
    response["Cache-Control"] = "no-store, private"
    return response


@require_safe
def response(request: HttpRequest, pk) -> HttpResponse:
    """The patient's own answers as a QuestionnaireResponse, on the same terms as their summary."""
    submission, refused = own_submission(request, pk)
    return refused or download(submission)


@require_safe
def link_response(request: HttpRequest, token: str) -> HttpResponse:
    """The same file from the private link, on any device."""
    submission, refused = linked_submission(request, token)
    return refused or download(submission)

"""A finished summary, however it is reached: the browser that made it, the patient's private
link, or clinic staff after a lookup. Also the one-page appointment sheet and the page an
expired or deleted summary answers with (410, never a 500).

The summary opens with key points (one sentence per shown section, linking to it), then the
answers, then the sections in full; see docs/contract.md, "The summary".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_safe

from triage import fhir_api, private_links, registries
from triage.confirm import SUBMISSIONS
from triage.engine import questions
from triage.engine.rules import TOURISM_WARNING
from triage.engine.safety import NOT_MEDICAL_ADVICE
from triage.middleware import address_hash
from triage.models import Lookup, Submission
from triage.pages import show
from triage.sheet import key_questions

QUESTIONS_TO_ASK = "questions-to-ask"


@dataclass(frozen=True)
class Access:
    """How this summary was reached, so its links stay on the same road."""

    kind: str  # "session", "link" or "staff"
    summary_url: str
    sheet_url: str
    delete_url: str | None  # None where nobody may delete (staff)
    fhir_url: str  # the answers as a FHIR QuestionnaireResponse, for a clinic's record


# Each road's URL names (summary, sheet, delete, FHIR download) and the key its URLs take.
ROADS = {
    "session": (("triage:summary", "triage:sheet", "triage:delete", "triage:fhir-response"), "pk"),
    "link": (
        ("triage:link", "triage:link-sheet", "triage:link-delete", "triage:link-fhir-response"),
        "token",
    ),
    "staff": (("staff:summary", "staff:sheet", None, "staff:fhir-response"), "reference"),
}
KEYS = {"pk": "pk", "token": "private_token", "reference": "reference"}


def road(kind: str, submission: Submission) -> Access:
    """The addresses a summary reached this way links to."""
    names, key = ROADS[kind]
    value = getattr(submission, KEYS[key])
    summary_url, sheet_url, delete_url, fhir_url = (
        reverse(name, kwargs={key: value}) if name else None for name in names
    )
    return Access(kind, summary_url, sheet_url, delete_url, fhir_url)


# --- what the pages show -------------------------------------------------------------------


def named_signs(card: Mapping, answers: Mapping[str, object]) -> list[str]:
    """The warning signs the engine named for the tourism warning (principle 11); summaries
    stored before the engine named them get the same words from their answers."""
    if card.get("slug") != TOURISM_WARNING:
        return []
    return list(card.get("named") or questions.named_signs(answers))


def join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def signs_intro(signs: list[str]) -> str:
    many = "warning signs" if len(signs) > 1 else "a warning sign"
    return f"The offer you told us about has {many} of an unproven clinic"


def key_point(card: Mapping, signs: list[str]) -> str:
    """One plain sentence for a section: its summary, or, for the tourism warning when the
    person ticked warning signs, those signs in their own words."""
    if signs:
        return f"{signs_intro(signs)}: {join_words(signs)}."
    return str(card.get("summary", ""))


def source_notes(cards: list[dict]) -> list[dict]:
    """Every web address the summary cites, once, numbered, for the end of the print."""
    numbers: dict[str, int] = {}
    for card in cards:
        for link in [*card.get("registry_links", []), *card.get("sources", [])]:
            numbers.setdefault(link["url"], len(numbers) + 1)
    return [{"number": n, "url": url} for url, n in numbers.items()]


def summary_context(
    submission: Submission, *, request: HttpRequest | None = None, access: Access | None = None
) -> dict:
    answers: Mapping[str, object] = submission.answers
    access = access or road("session", submission)
    notes = source_notes(submission.result)
    note_number = {n["url"]: n["number"] for n in notes}
    cards = []
    for stored in submission.result:
        card = dict(stored)
        card["signs"] = named_signs(card, answers)
        card["key_point"] = key_point(card, card["signs"])
        card["signs_intro"] = signs_intro(card["signs"]) if card["signs"] else ""
        card["numbered_sources"] = [
            {**s, "note": note_number.get(s["url"])} for s in card.get("sources", [])
        ]
        card["numbered_registry_links"] = [
            {**s, "note": note_number.get(s["url"])} for s in card.get("registry_links", [])
        ]
        cards.append(card)
    rows = [
        {"label": label, "answer": answer} for label, answer in questions.answers_in_words(answers)
    ]
    link = reverse("triage:link", kwargs={"token": submission.private_token})
    return {
        "submission": submission,
        "cards": cards,
        "rows": rows,
        "signs": [s for c in cards for s in c["signs"]],
        "notes": notes,
        "access": access,
        "staff_view": access.kind == "staff",
        "private_link": request.build_absolute_uri(link) if request else link,
        "not_approval": registries.NOT_APPROVAL,
        "retention_days": settings.SUMMARY_RETENTION_DAYS,
    }


def answers_line(answers: Mapping[str, object], signs: list[str]) -> str:
    """The answers in a few lines for the sheet; ticked warning signs are counted here
    because the key points name them."""
    parts = []
    for question in questions.applicable(answers):
        if question.key not in answers:
            continue
        answer = question.answer_text(answers[question.key])  # type: ignore[arg-type]
        if question.multiple and signs:
            answer = f"{len(signs)} warning sign{'s' if len(signs) > 1 else ''} (named below)"
        parts.append(f"{question.check_label}: {answer}")
    return "; ".join(parts)


def sheet_context(submission: Submission, *, request: HttpRequest, access: Access) -> dict:
    context = summary_context(submission, request=request, access=access)
    cards = context["cards"]
    by_slug = {c["slug"]: c for c in cards}
    trials = [c for c in cards if c.get("registry_links")]
    asking = by_slug.get(QUESTIONS_TO_ASK)
    notice = by_slug.get(NOT_MEDICAL_ADVICE, {})
    context.update(
        {
            "answers_line": answers_line(submission.answers, context["signs"]),
            "key_cards": [c for c in cards if c["slug"] != NOT_MEDICAL_ADVICE],
            "registry_links": [
                {**link, "site": urlsplit(link["url"]).netloc.removeprefix("www.")}
                for link in (trials[0]["registry_links"][:2] if trials else [])
            ],
            "registry_search": registries.plain_terms(str(submission.answers.get("condition")))
            + " stem cell",
            "key_questions": key_questions(asking["detail"]) if asking else [],
            "notice": notice.get("summary", ""),
        }
    )
    return context


# --- finding the summary -------------------------------------------------------------------


def gone(request: HttpRequest, submission: Submission | None) -> HttpResponse:
    """410: the summary existed and does not any more. Says which, and what to do next."""
    if submission is not None and submission.is_deleted:
        return show(
            request,
            "summary_deleted",
            date=date_format(submission.deleted_at, "j F Y"),
            code=submission.display_reference,
        )
    return show(request, "summary_expired", days=settings.SUMMARY_RETENTION_DAYS)


def _owned(request: HttpRequest, pk) -> bool:
    return str(pk) in request.session.get(SUBMISSIONS, [])


def _own_submission(request: HttpRequest, pk) -> tuple[Submission | None, HttpResponse | None]:
    """The patient's own summary (made in this browser), or the page that explains why not."""
    submission = Submission.objects.filter(pk=pk).first()
    if submission is None or not _owned(request, pk):
        return None, show(request, "summary_not_found")
    if submission.is_deleted or submission.is_expired:
        return None, gone(request, submission)
    return submission, None


def _linked_submission(
    request: HttpRequest, token: str
) -> tuple[Submission | None, HttpResponse | None]:
    """The summary a private link opens. A link we never issued is a 404 and is counted with
    the staff lookups, so links cannot be guessed faster than codes."""
    from triage.staff import WINDOW, over_limit  # staff links to these views: import late

    address = address_hash(request)
    if over_limit(None, address):
        Lookup.objects.create(
            username="", code="(private link)", outcome="limited", address_hash=address
        )
        return None, show(request, "too_many_links", minutes=int(WINDOW.total_seconds() // 60))
    submission = Submission.objects.filter(private_token=token).first()
    if submission is None and not private_links.was_issued(token):
        Lookup.objects.create(
            username="", code="(private link)", outcome="bad_link", address_hash=address
        )
        return None, show(request, "link_not_found")
    if submission is None or submission.is_deleted or submission.is_expired:
        return None, gone(request, submission)
    return submission, None


# --- the views -----------------------------------------------------------------------------


def _summary_page(request, submission: Submission, access: Access) -> HttpResponse:
    context = summary_context(submission, request=request, access=access)
    return render(request, "triage/summary.html", context)


def _sheet_page(request, submission: Submission, access: Access) -> HttpResponse:
    context = sheet_context(submission, request=request, access=access)
    return render(request, "triage/sheet.html", context)


def _delete_page(request, submission: Submission, access: Access) -> HttpResponse:
    """Ask once, then delete at once: the link, the code and the sheet stop working."""
    if request.method == "POST":
        submission.erase()
        return redirect(access.summary_url)
    return render(
        request, "triage/delete_confirm.html", {"submission": submission, "access": access}
    )


@require_http_methods(["GET"])
def summary(request: HttpRequest, pk) -> HttpResponse:
    submission, refused = _own_submission(request, pk)
    return refused or _summary_page(request, submission, road("session", submission))


@require_http_methods(["GET"])
def sheet(request: HttpRequest, pk) -> HttpResponse:
    submission, refused = _own_submission(request, pk)
    return refused or _sheet_page(request, submission, road("session", submission))


@require_http_methods(["GET", "POST"])
def delete_summary(request: HttpRequest, pk) -> HttpResponse:
    submission, refused = _own_submission(request, pk)
    return refused or _delete_page(request, submission, road("session", submission))


@require_http_methods(["GET"])
def link_summary(request: HttpRequest, token: str) -> HttpResponse:
    submission, refused = _linked_submission(request, token)
    return refused or _summary_page(request, submission, road("link", submission))


@require_http_methods(["GET"])
def link_sheet(request: HttpRequest, token: str) -> HttpResponse:
    submission, refused = _linked_submission(request, token)
    return refused or _sheet_page(request, submission, road("link", submission))


@require_http_methods(["GET", "POST"])
def link_delete(request: HttpRequest, token: str) -> HttpResponse:
    submission, refused = _linked_submission(request, token)
    return refused or _delete_page(request, submission, road("link", submission))


@require_safe
def response(request: HttpRequest, pk) -> HttpResponse:
    """The patient's own answers as a QuestionnaireResponse, on the same terms as their summary."""
    submission, refused = _own_submission(request, pk)
    return refused or fhir_api.download(submission)


@require_safe
def link_response(request: HttpRequest, token: str) -> HttpResponse:
    """The same file from the private link, on any device."""
    submission, refused = _linked_submission(request, token)
    return refused or fhir_api.download(submission)

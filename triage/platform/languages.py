"""Which language a page is in, and the address of the same page in the other language.

English addresses are unprefixed and Spanish ones live under /es/ (triage/urls.py). A summary
opens in the language it was made in: its unprefixed private link, or a clinic's unprefixed
staff address, sends a Spanish summary to its /es/ address. `?lang=en` is an explicit choice of
English (the language switcher on those pages, "Print in English" for staff) and stays.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse, translate_url
from django.utils import translation

ENGLISH_CHOSEN = "lang"  # ?lang=en
# The pages that open in the summary's language: the switcher's English link says so.
SUMMARY_LANGUAGE_PAGES = {
    "link",
    "link-sheet",
    "link-compare",
    "link-delete",
    "summary",
    "sheet",
    "compare",
}


def other_language(code: str | None) -> str:
    """The language the switcher offers: Spanish from English, English from Spanish."""
    return "en" if code == "es" else "es"


def in_language(request: HttpRequest, code: str) -> str:
    """This page's address in `code`: the same path and query, prefixed or not."""
    query = request.GET.copy()
    query.pop(ENGLISH_CHOSEN, None)
    path = translate_url(request.path, code)
    if code == settings.LANGUAGE_CODE and _opens_in_summary_language(request):
        query[ENGLISH_CHOSEN] = code
    encoded = query.urlencode()
    return f"{path}?{encoded}" if encoded else path


def _opens_in_summary_language(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and match.url_name in SUMMARY_LANGUAGE_PAGES and match.namespace)


def english_chosen(request: HttpRequest) -> bool:
    return request.GET.get(ENGLISH_CHOSEN) == settings.LANGUAGE_CODE


def summary_language_redirect(request: HttpRequest, submission) -> HttpResponse | None:
    """Send a GET of an unprefixed (English) address to the summary's own language, unless
    English was chosen (`?lang=en`); None when the page stays as it is."""
    language = submission.language
    current = translation.get_language()
    if request.method != "GET" or language in (current, settings.LANGUAGE_CODE):
        return None
    if current != settings.LANGUAGE_CODE or language not in dict(settings.LANGUAGES):
        return None
    if english_chosen(request):
        return None
    target = translate_url(request.path, language)
    if target == request.path:
        return None
    query = request.GET.urlencode()
    return HttpResponseRedirect(f"{target}?{query}" if query else target)


def keep_english(request: HttpRequest, access):
    """The summary's own links (summary, sheet, comparison, delete) carry `?lang=en` when the
    person chose English for a summary made in another language, so its pages stay English.
    Nothing is stored: no cookie, no session (the link road needs neither)."""
    if not english_chosen(request):
        return access
    english = {
        name: english_url(url)
        for name in ("summary_url", "sheet_url", "delete_url", "compare_url")
        if (url := getattr(access, name))
    }
    return dataclasses.replace(access, **english)


def english_url(url: str) -> str:
    """An address shown in English whatever the summary's language ("Print in English")."""
    parts = urlsplit(translate_url(url, settings.LANGUAGE_CODE))
    query = QueryDict(parts.query, mutable=True)
    query[ENGLISH_CHOSEN] = settings.LANGUAGE_CODE
    return f"{parts.path}?{query.urlencode()}"


def switcher(request: HttpRequest) -> dict:
    """Template context: the page's language and the link to the same page in the other."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    other = other_language(current)
    url = in_language(request, other)
    if urlsplit(url).path == request.path:  # no such page in the other language (a 404)
        with translation.override(other):
            url = reverse("triage:start")
    return {
        "language_code": current,
        "switch_language": {"code": other, "name": dict(settings.LANGUAGES)[other], "url": url},
    }

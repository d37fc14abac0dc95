"""/robots.txt: search engines may read the start page, and nothing with answers in it.

Every private page also says `X-Robots-Tag: noindex, nofollow` itself (middleware.py), for a
crawler that ignores this file or reaches a page by a link. The admin is not listed: its
address is meant to be hard to find, and this file is public.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# URL names whose addresses, and everything under them, no crawler should fetch.
PRIVATE_PREFIXES = ["triage:resume", "staff:lookup", "cards-api"]  # questions, staff, API
PRIVATE_PATHS = ["/summary/", "/s/"]  # a summary and a private link, by id or token


def disallowed() -> list[str]:
    return sorted({*(reverse(name) for name in PRIVATE_PREFIXES), *PRIVATE_PATHS})


@require_safe
@cache_control(public=True, max_age=24 * 60 * 60)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed())]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

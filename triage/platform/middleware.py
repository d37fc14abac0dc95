"""Response headers that Django has no setting for: the Permissions-Policy, and the headers
that keep pages with answers out of caches and search engines."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# What every page gets unless its view says otherwise: nearly every page shows answers, a
# summary, a reference code or a staff page, and none of those may be kept by the browser
# (Back after "Delete my answers" on a shared computer) or by a proxy, or be indexed.
PRIVATE = {"no_store": True, "private": True}
NOINDEX = "noindex, nofollow"


def permissions_policy(features: dict[str, list[str]]) -> str:
    """`{"camera": []}` -> `camera=()`; `{"fullscreen": ["self"]}` -> `fullscreen=(self)`."""
    return ", ".join(f"{name}=({' '.join(allow)})" for name, allow in features.items())


def is_private(response: HttpResponse) -> bool:
    directives = response.get("Cache-Control", "").lower()
    return "no-store" in directives or "private" in directives


class SecurityHeadersMiddleware:
    """Adds a Permissions-Policy (settings.PERMISSIONS_POLICY) to every response.

    Listed before WhiteNoise so static files carry it too. A view that sets its own
    header keeps it.

    Every response that does not say how it may be cached is `Cache-Control: no-store,
    private`: private by default, so a new page is covered without anyone remembering to.
    The few public responses say so themselves (static files through WhiteNoise, the start
    page, robots.txt, the FHIR Questionnaire). Every private response also carries
    `X-Robots-Tag: noindex, nofollow`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        if "Cache-Control" not in response and response.status_code != 304:
            patch_cache_control(response, **PRIVATE)
        if is_private(response):
            response.headers.setdefault("X-Robots-Tag", NOINDEX)
        return response

"""Response headers that Django has no setting for, and the client address behind a proxy."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def permissions_policy(features: dict[str, list[str]]) -> str:
    """`{"camera": []}` -> `camera=()`; `{"fullscreen": ["self"]}` -> `fullscreen=(self)`."""
    return ", ".join(f"{name}=({' '.join(allow)})" for name, allow in features.items())


class SecurityHeadersMiddleware:
    """Adds a Permissions-Policy (settings.PERMISSIONS_POLICY) to every response.

    Listed before WhiteNoise so static files carry it too. A view that sets its own
    header keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def client_ip(request: HttpRequest) -> str | None:
    """The address that sign-in throttling counts failures against.

    Behind a TLS-terminating proxy (DJANGO_BEHIND_TLS_PROXY) every request comes from the
    proxy, so the proxy's own record of the client, the last X-Forwarded-For entry, is used:
    the proxy appends it, and a client can only forge entries to its left.
    """
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")


def address_hash(request: HttpRequest) -> str:
    """The client address (the proxy's record of it behind a TLS proxy, as sign-in throttling
    counts it), keyed with the secret so a record that counts requests holds no readable
    address. Staff lookup limits and the cards API's rate limit both count by it."""
    address = client_ip(request) or ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:16]

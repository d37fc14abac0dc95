"""Signed cookies: what a browser keeps for itself instead of a session row on our server.

The questionnaire's unfinished answers (triage/journey/storage.py) and the list of summaries
this browser made (triage/summary/ownership.py) travel this way. The value is JSON signed with
the secret key and a salt of its own (django.core.signing): the browser can read it but not
change it, and a cookie older than its `max_age` is refused as if it were not there. Each has
the session cookie's flags: HttpOnly, SameSite and, in production, Secure.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse


def read(request: HttpRequest, name: str, *, salt: str, max_age: int) -> object | None:
    """The value the cookie holds, or None when it is missing, altered, unreadable or too old."""
    raw = request.COOKIES.get(name)
    if not raw:
        return None
    try:
        return signing.loads(raw, salt=salt, max_age=max_age)
    except (signing.BadSignature, ValueError):  # SignatureExpired is a BadSignature
        return None


def write(response: HttpResponse, name: str, value: object, *, salt: str, max_age: int) -> None:
    response.set_cookie(
        name,
        signing.dumps(value, salt=salt, compress=True),
        max_age=max_age,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )


def clear(response: HttpResponse, name: str) -> None:
    response.delete_cookie(name, path="/", samesite=settings.SESSION_COOKIE_SAMESITE)

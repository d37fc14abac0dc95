"""Path converters for the secrets in our addresses, registered on import: a private link's
token and a reference code. Anything else in their place (a NUL byte, a wrong length, a
character outside the alphabet) matches no address and is a 404 before any view, query or
count runs."""

from __future__ import annotations

from django.urls import register_converter

from triage.engine import codes
from triage.summary import private_links


class PrivateTokenConverter:
    """A private link's token: URL-safe base64 of its exact length."""

    regex = f"[A-Za-z0-9_-]{{{private_links.LENGTH}}}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ReferenceConverter:
    """A reference code as stored: eight characters of Crockford's base 32, no dash."""

    regex = f"[{codes.ALPHABET}]{{{codes.LENGTH}}}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PrivateTokenConverter, "token")
register_converter(ReferenceConverter, "reference")

"""Who is asking, and whether they have asked too often: the client address every limit
counts by, every rate limit, and every record of a lookup, in one vocabulary.

Counts live in the database so every server process and worker shares them. Addresses are
kept only as a keyed hash, so a record that counts requests holds no readable address.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from triage.models import ApiCall, Lookup, Submission

# Staff lookups and private links opened by anyone: a short window, counted per account and
# per address, so reference codes and links cannot be guessed by brute force.
LOOKUP_WINDOW = timedelta(minutes=10)
LOOKUPS_PER_USER = 30
LOOKUPS_PER_ADDRESS = 60
# A person filling in a form sends one document; a clinic's form server a few a second at most.
API_WINDOW = timedelta(minutes=1)
API_CALLS_PER_WINDOW = 60
# Outcomes that guess nothing (a refusal, a download after a found lookup) are not counted.
UNCOUNTED = ("limited", "exported")
PRIVATE_LINK = "(private link)"


def client_ip(request: HttpRequest) -> str | None:
    """The address that every limit, and sign-in throttling, counts against.

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
    """The client address keyed with the secret: what every count and record holds."""
    address = client_ip(request) or ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:16]


def lookups_over_limit(user, address: str) -> bool:
    """Too many lookups lately from this account or this address. Private links opened by
    anyone (`user` None) count by address only, with staff lookups from the same address."""
    since = timezone.now() - LOOKUP_WINDOW
    counted = Lookup.objects.filter(created__gte=since).exclude(outcome__in=UNCOUNTED)
    if user is not None and counted.filter(user=user).count() >= LOOKUPS_PER_USER:
        return True
    return counted.filter(address_hash=address).count() >= LOOKUPS_PER_ADDRESS


def lookup_minutes() -> int:
    return int(LOOKUP_WINDOW.total_seconds() // 60)


def record_lookup(
    request: HttpRequest,
    *,
    code: str,
    outcome: str,
    submission: Submission | None = None,
    address: str | None = None,
) -> Lookup:
    """One row of the lookup record: a staff lookup or download (with who), or an anonymous
    private-link guess (no user)."""
    user = request.user if request.user.is_authenticated else None
    return Lookup.objects.create(
        user=user,
        username=user.get_username() if user else "",
        code=code,
        outcome=outcome,
        submission=submission,
        address_hash=address or address_hash(request),
    )


def api_retry_after(address: str) -> int | None:
    """Seconds until this address may call the cards API again, or None while it is under the
    limit (and then this call is counted)."""
    now = timezone.now()
    with transaction.atomic():
        recent = ApiCall.objects.filter(address_hash=address, created__gt=now - API_WINDOW)
        if recent.count() >= API_CALLS_PER_WINDOW:
            oldest = recent.order_by("-created")[API_CALLS_PER_WINDOW - 1].created
            return max(1, math.ceil((oldest + API_WINDOW - now).total_seconds()))
        ApiCall.objects.create(address_hash=address, created=now)
    return None

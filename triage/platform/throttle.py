"""Who is asking, and whether they have asked too often: the client address every limit
counts by, every rate limit, and every record of a lookup, in one vocabulary.

Each limit (`Limit`) has a bucket of its own, so one kind of request never uses up another's
allowance: guessed private links are counted apart from staff lookups, and a private link
that carries our MAC is never counted at all. Counts live in the database so every server
process and worker shares them, one row per bucket, subject and window, raised by a single
INSERT ... ON CONFLICT DO UPDATE ... RETURNING statement: parallel requests queue on that row
and each reads the count it made, so a limit of 60 lets exactly 60 through, never 61.

Addresses are parsed with `ipaddress` (a port some proxies append is dropped; an IPv6 client
is counted by its /64, the block one household or phone is given) and kept only as a keyed
hash, so a count or record holds no readable address.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import connections, router
from django.http import HttpRequest
from django.utils import timezone

from triage.models import Lookup, RateCount, Submission


@dataclass(frozen=True)
class Limit:
    """At most `most` requests per `window` for one subject (an address, an account)."""

    bucket: str  # the name its counts are kept under; no two limits share one
    most: int
    window: timedelta

    @property
    def seconds(self) -> int:
        return int(self.window.total_seconds())

    @property
    def minutes(self) -> int:
        return max(1, self.seconds // 60)


# Staff lookups: a short window, per account and per address, so reference codes cannot be
# guessed by brute force.
STAFF_LOOKUPS_PER_ACCOUNT = Limit("lookup-account", 30, timedelta(minutes=10))
STAFF_LOOKUPS_PER_ADDRESS = Limit("lookup-address", 60, timedelta(minutes=10))
# Private links that do not carry our MAC: guesses, in a bucket of their own. A link we
# issued is never counted, so guessing can never lock a patient or a nurse out.
LINK_GUESSES_PER_ADDRESS = Limit("link-guess", 60, timedelta(minutes=10))
# A person filling in a form sends one document; a clinic's form server a few a second at most.
CARDS_API_PER_ADDRESS = Limit("cards-api", 60, timedelta(minutes=1))
# Failed sign-ins from one address, whatever the usernames (django-axes locks a username only
# at the address it failed from, see SignInHandler). Generous: a clinic may share an address.
SIGN_IN_FAILURES_PER_ADDRESS = Limit("sign-in", 30, timedelta(minutes=15))

# The names other modules and tests have long used.
LOOKUPS_PER_USER = STAFF_LOOKUPS_PER_ACCOUNT.most
LOOKUPS_PER_ADDRESS = STAFF_LOOKUPS_PER_ADDRESS.most
API_CALLS_PER_WINDOW = CARDS_API_PER_ADDRESS.most
API_WINDOW = CARDS_API_PER_ADDRESS.window
PRIVATE_LINK = "(private link)"
# Records of anonymous guesses (a made-up private link) are kept this long, then purged.
GUESS_RETENTION = timedelta(days=7)
# django-axes' records (failed and successful sign-ins: username, address, browser) likewise.
SIGN_IN_RECORD_RETENTION = timedelta(days=30)


# --- the client address ----------------------------------------------------------------------


class UnreadableAddress(SuspiciousOperation):
    """The proxy's record of the client (the last X-Forwarded-For entry) is not an address.
    A SuspiciousOperation, so Django answers 400 with the site's page, never 500."""


_UNSET = object()
MAX_ADDRESS = 64  # characters: the longest IPv6 address in brackets with a port is 47


def parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An address as proxies write it: `203.0.113.7`, `203.0.113.7:4444`, `2001:db8::1`,
    `[2001:db8::1]` or `[2001:db8::1]:4444`. Raises ValueError for anything else."""
    text = text.strip().strip('"')
    if not text or len(text) > MAX_ADDRESS:
        raise ValueError("empty or too long")
    port = ""
    if text.startswith("["):
        text, bracket, port = text[1:].partition("]")
        if not bracket or (port and not port.startswith(":")):
            raise ValueError("unbalanced brackets")
        if port == ":":
            raise ValueError("a colon without a port")
        port = port[1:]
    elif text.count(":") == 1:  # IPv4 with a port; an IPv6 address has two colons or more
        text, _, port = text.partition(":")
        if not port:
            raise ValueError("a colon without a port")
    if port and not (port.isascii() and port.isdigit() and int(port) <= 65535):
        raise ValueError("not a port")
    if "%" in text:  # a scope (link-local zone) is never a remote client
        raise ValueError("scoped address")
    address = ipaddress.ip_address(text)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def grouped(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """What a limit counts: an IPv4 address as it is, an IPv6 address by its /64 network (a
    client can pick any of the 2**64 addresses in its own block)."""
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)
    return str(address)


def client_ip(request: HttpRequest) -> str | None:
    """The address that every limit, and sign-in throttling (AXES_CLIENT_IP_CALLABLE), counts
    against: parsed, without a port, an IPv6 client grouped by its /64.

    Behind a TLS-terminating proxy (DJANGO_BEHIND_TLS_PROXY) every request comes from the
    proxy, so the proxy's own record of the client, the last X-Forwarded-For entry, is used:
    the proxy appends it, and a client can only forge entries to its left. An entry that is
    not an address raises UnreadableAddress (400). Without a usable address, None.
    """
    cached = getattr(request, "_triage_client_ip", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    result = None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR") if settings.BEHIND_TLS_PROXY else None
    if forwarded is not None:
        try:
            result = grouped(parse_address(forwarded.split(",")[-1]))
        except ValueError:
            raise UnreadableAddress("X-Forwarded-For does not end with an address") from None
    else:
        try:
            result = grouped(parse_address(request.META.get("REMOTE_ADDR") or ""))
        except ValueError:
            result = None  # e.g. a Unix socket: not the client's doing, so no 400
    request._triage_client_ip = result  # type: ignore[attr-defined]
    return result


def address_hash(request: HttpRequest) -> str:
    """The client address keyed with the secret: what every count and record holds."""
    address = client_ip(request) or ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:16]


# --- counting -----------------------------------------------------------------------------------


def _now() -> float:
    return timezone.now().timestamp()


UPSERT = (
    "INSERT INTO {table} ({bucket}, {subject}, {slot}, {hits}, {ends}) "
    "VALUES (%s, %s, %s, 1, %s) ON CONFLICT ({bucket}, {subject}, {slot}) "
    "DO UPDATE SET {hits} = {table}.{hits} + 1 RETURNING {hits}"
)


def _hit(limit: Limit, subject: str, slot: int) -> int:
    """Add one to this window's count and return the new count, in one statement."""
    alias = router.db_for_write(RateCount)
    connection = connections[alias]
    quote = connection.ops.quote_name
    names = {n: quote(n) for n in ("bucket", "subject", "slot", "hits", "ends")}
    # Only the quoted names of our own table and columns are formatted in; every value is a
    # query parameter.
    sql = UPSERT.format(table=quote(RateCount._meta.db_table), **names)  # nosec B608
    ends_at = datetime.fromtimestamp(slot + limit.seconds, tz=UTC)
    ends_value = RateCount._meta.get_field("ends").get_db_prep_value(ends_at, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit.bucket, subject, slot, ends_value])
        return int(cursor.fetchone()[0])


def _slot(limit: Limit, now: float) -> int:
    """The start of the window `now` falls in. Windows are fixed: one starts every
    `limit.window` from the epoch, the same for every process."""
    return int(now // limit.seconds) * limit.seconds


def tally(limit: Limit, subject: str) -> int:
    """Count one request against `limit` for `subject`; the count in this window with it."""
    return _hit(limit, subject, _slot(limit, _now()))


def take(limit: Limit, subject: str) -> int | None:
    """Count one request against `limit` for `subject`. None while it is within the limit;
    else the seconds until the window ends (for Retry-After)."""
    now = _now()
    slot = _slot(limit, now)
    if _hit(limit, subject, slot) <= limit.most:
        return None
    return max(1, math.ceil(slot + limit.seconds - now))


def reached(limit: Limit, subject: str) -> bool:
    """True when `subject` has used up this window's allowance (nothing is counted)."""
    slot = _slot(limit, _now())
    row = RateCount.objects.filter(bucket=limit.bucket, subject=subject, slot=slot).first()
    return row is not None and row.hits >= limit.most


def staff_lookup_wait(request: HttpRequest, address: str) -> int | None:
    """Count a staff lookup against the account and the address; seconds to wait, or None."""
    wait = take(STAFF_LOOKUPS_PER_ACCOUNT, str(request.user.pk))
    return wait if wait is not None else take(STAFF_LOOKUPS_PER_ADDRESS, address)


def link_guess_wait(address: str) -> int | None:
    """Count a private link without our MAC (a guess); seconds to wait, or None."""
    return take(LINK_GUESSES_PER_ADDRESS, address)


def cards_api_wait(address: str) -> int | None:
    """Count a call to the cards API; seconds to wait, or None."""
    return take(CARDS_API_PER_ADDRESS, address)


# --- records ----------------------------------------------------------------------------------


def record_lookup(
    request: HttpRequest,
    *,
    code: str,
    outcome: str,
    submission: Submission | None = None,
    address: str | None = None,
) -> Lookup:
    """One row of the lookup record: a staff lookup or download (with who), an admin's view
    of a summary, or an anonymous private-link guess (no user, purged after GUESS_RETENTION)."""
    user = request.user if request.user.is_authenticated else None
    return Lookup.objects.create(
        user=user,
        username=user.get_username() if user else "",
        code=code,
        outcome=outcome,
        submission=submission,
        address_hash=address or address_hash(request),
    )


# --- signing in (django-axes) -----------------------------------------------------------------


class SignInHandler(AxesDatabaseHandler):
    """django-axes' database handler (AXES_HANDLER) with one more limit.

    Axes locks a username only at the address it failed from (AXES_LOCKOUT_PARAMETERS), so no
    stranger can lock a named colleague out everywhere; on top, one address that fails too
    often whatever the usernames (SIGN_IN_FAILURES_PER_ADDRESS) is refused for a while, with
    the same lockout page.
    """

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return reached(SIGN_IN_FAILURES_PER_ADDRESS, address_hash(request))

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        refused = request is None or getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if refused:  # refused before any password was checked: not a failure to count
            return
        limit = SIGN_IN_FAILURES_PER_ADDRESS
        if tally(limit, address_hash(request)) >= limit.most:  # this failure reached it
            request.axes_locked_out = True
            request.axes_credentials = credentials

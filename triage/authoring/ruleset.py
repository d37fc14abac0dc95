"""Reads: the active ruleset, built from the database and cached per process.

Every server process (every gunicorn worker on every machine) keeps the ruleset it built, with
the token of the one-row ``RulesetState`` table it was built under. Each time a summary is
built, ``active_ruleset`` reads that token (one primary-key query) and rebuilds when it changed.
Whatever changes a section, source, rule or condition calls ``ruleset_changed`` (the model
signals do), which writes a new token in the same transaction as the change: once the editor's
save returns, the next summary built by any process uses the new rules.
"""

from __future__ import annotations

import threading
import uuid

from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone

from triage.engine import rules
from triage.models import Condition, Rule, RulesetState, Section

_lock = threading.Lock()
_cached: tuple[str, rules.RuleSet] | None = None  # (token it was built under, ruleset)
_TABLE = connection.ops.quote_name(RulesetState._meta.db_table)


def load_ruleset() -> rules.RuleSet:
    """Build the ruleset from the active rows, in three queries."""
    sections = Section.objects.filter(active=True).prefetch_related("sources")
    active_rules = (
        Rule.objects.filter(active=True, section__active=True)
        .select_related("section")
        .prefetch_related(Prefetch("conditions", queryset=Condition.objects.order_by("question")))
    )
    from triage.authoring.comparison import database_grid  # three more queries: the grid
    from triage.models import Translation  # and one: the content translations

    return rules.RuleSet.build(
        sections=[s.to_engine() for s in sections],
        rules=[r.to_engine() for r in active_rules],
        grid=database_grid(),
        # A switched-off section's translations wait with it, as in files.ruleset_from_rows.
        translations=[
            t.to_engine()
            for t in Translation.objects.exclude(
                kind="section", key__in=Section.objects.filter(active=False).values("slug")
            )
        ],
    )


def ruleset_token() -> str:
    """The current token: "" before the first change (or after a test flushes the table)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {_TABLE} WHERE id = 1")  # noqa: S608  # nosec B608
        row = cursor.fetchone()
    return row[0] if row else ""


def active_ruleset() -> rules.RuleSet:
    """The ruleset every process uses now: the cached one while the token is unchanged."""
    global _cached
    token = ruleset_token()
    cached = _cached
    if cached is not None and cached[0] == token:
        return cached[1]
    with _lock:
        # Read the token again after building: if a change committed between the two reads,
        # the three queries may have seen part of it, so build again. A change that commits
        # later gets a new token, which the next call sees.
        for _ in range(5):
            ruleset = load_ruleset()
            after = ruleset_token()
            if after == token:
                break
            token = after
        _cached = (token, ruleset)
        return ruleset


def ruleset_changed() -> None:
    """Record that the rules or sections changed: a new token, in the caller's transaction.

    A random token rather than a counter, so a table emptied and started again (tests flush
    it) can never give a stale cache the token it was built under.
    """
    clear_ruleset_cache()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (id, token, changed) VALUES (1, %s, %s) "  # noqa: S608  # nosec B608
            "ON CONFLICT (id) DO UPDATE SET token = excluded.token, changed = excluded.changed",
            [uuid.uuid4().hex, connection.ops.adapt_datetimefield_value(timezone.now())],
        )


def clear_ruleset_cache() -> None:
    """Forget this process's copy (tests; the next call rebuilds it)."""
    global _cached
    with _lock:
        _cached = None

"""Reads: the active ruleset, built from the database and cached per process.

The cache is cleared by signals when an admin saves or deletes a section, source, rule or
condition (see signals.py), and also expires after a minute so that other server processes
pick up an edit without a restart.
"""

from __future__ import annotations

import threading
import time

from django.db.models import Prefetch

from triage.engine import rules
from triage.models import Condition, Rule, Section

CACHE_SECONDS = 60
_lock = threading.Lock()
_cached: tuple[float, rules.RuleSet] | None = None


def load_ruleset() -> rules.RuleSet:
    """Build the ruleset from the active rows, in three queries."""
    sections = Section.objects.filter(active=True).prefetch_related("sources")
    active_rules = (
        Rule.objects.filter(active=True, section__active=True)
        .select_related("section")
        .prefetch_related(Prefetch("conditions", queryset=Condition.objects.order_by("question")))
    )
    return rules.RuleSet.build(
        sections=[s.to_engine() for s in sections],
        rules=[r.to_engine() for r in active_rules],
    )


def active_ruleset() -> rules.RuleSet:
    global _cached
    with _lock:
        if _cached is None or time.monotonic() - _cached[0] > CACHE_SECONDS:
            _cached = (time.monotonic(), load_ruleset())
        return _cached[1]


def clear_ruleset_cache() -> None:
    global _cached
    with _lock:
        _cached = None

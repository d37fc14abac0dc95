"""Every ruleset version that built a summary or was saved, kept so it can be looked up.

A submission stores only its ruleset version (a content hash). When a summary is saved with a
version not seen before (``summary.services.submission_create``), or an admin or ``load_rules`` saves
rules and sections, the version is recorded with a snapshot of what it contained, as fixture
rows (``ruleset_files.ruleset_objects``), from which ``ruleset_files.ruleset_from_objects``
rebuilds exactly that version.
"""

from __future__ import annotations

from triage.authoring.files import ruleset_objects
from triage.engine import rules
from triage.models import (
    Cell,
    Condition,
    GridRow,
    Option,
    Rule,
    RulesetVersion,
    Section,
    Source,
    Translation,
)


def record(ruleset: rules.RuleSet, *, recorded_by: str, user=None) -> RulesetVersion:
    """The record of this ruleset's version, made now if it does not exist yet."""
    version, _ = RulesetVersion.objects.get_or_create(
        version=ruleset.version,
        defaults={
            "recorded_by": recorded_by,
            "user": user if getattr(user, "pk", None) else None,
            "snapshot": ruleset_objects(ruleset),
        },
    )
    return version


def record_loaded(ruleset: rules.RuleSet) -> None:
    """After ``load_rules``: record the version, and a history row for every section, source,
    rule, condition, grid row and translation that it added or changed (loading fixtures saves rows "raw", which
    django-simple-history does not see), so the next edit in the admin shows what it changed."""
    record(ruleset, recorded_by="load_rules")
    for model in (Section, Source, Rule, Condition, Option, GridRow, Cell, Translation):
        history = model.history
        tracked = [f.attname for f in history.model.tracked_fields]
        latest = {h.id: h for h in history.latest_of_each() if h.history_type != "-"}
        added, changed = [], []
        for obj in model.objects.all():
            last = latest.get(obj.pk)
            if last is None:
                added.append(obj)
            elif any(getattr(last, name) != getattr(obj, name) for name in tracked):
                changed.append(obj)
        reason = "Loaded by load_rules"
        history.bulk_history_create(added, default_change_reason=reason)
        history.bulk_history_create(changed, update=True, default_change_reason=reason)

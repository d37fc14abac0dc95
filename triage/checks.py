"""A system check on the rules and sections in the database.

It refuses what the admin and ``load_rules`` refuse (unknown names, a section without a source
or with advice or too hard to read, a missing mandatory section, a broken principle). It reads the database, so it is
tagged ``database``: Django runs it for ``manage.py check --database default`` and ``migrate``,
not for every command. Before the tables exist, or while migrations are pending, it says nothing:
the ruleset cannot be read meaningfully yet.
"""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from triage import authoring, readability
from triage.engine import principles, rules

TAG = "triage"


@register(TAG, Tags.database)
def ruleset_check(app_configs=None, databases=None, **kwargs):
    if app_configs is not None and not any(c.label == "triage" for c in app_configs):
        return []
    if not databases or "default" not in databases:
        return []
    try:
        executor = MigrationExecutor(connections["default"])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return []
        from triage.selectors import load_ruleset

        ruleset = load_ruleset()
    except DatabaseError:
        return []
    hint = "Fix it in the admin, or correct fixtures/ and run manage.py load_rules."
    errors = [Error(p, hint=hint, id="triage.E001") for p in rules.problems(ruleset)]
    errors += [Error(p, hint=hint, id="triage.E002") for p in authoring.mandatory_problems(ruleset)]
    errors += [
        Error(p, hint=hint, id="triage.E004")
        for p in readability.refusals(ruleset.sections.values())
    ]
    if not errors:
        report = principles.verify(ruleset, stop_after=1)
        errors += [
            Error(authoring.describe_violation(v), hint=hint, id="triage.E003")
            for v in report.violations
        ]
    return errors

"""A system check on the rules and sections in the database.

It refuses what the admin and ``load_rules`` refuse (``verdict.refusals``: unknown names, a
section without a source or with advice, a missing mandatory section, a broken principle), each
as an error whose id is ``triage.`` and the refusal's code. It reads the database, so it is
tagged ``database``: Django runs it for ``manage.py check --database default`` and ``migrate``,
not for every command. Before the tables exist, or while migrations are pending, it says nothing:
the ruleset cannot be read meaningfully yet.
"""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from triage.authoring import verdict

TAG = "triage"
HINT = "Fix it in the admin, or correct fixtures/ and run manage.py load_rules."


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
        from triage.authoring.ruleset import load_ruleset

        ruleset = load_ruleset()
    except DatabaseError:
        return []
    return [
        Error(refusal.message, hint=HINT, id=f"{TAG}.{refusal.code}")
        for refusal in verdict.refusals(ruleset)
    ]

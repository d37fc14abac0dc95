"""Every change to what the ruleset is built from tells every server process, in the same
transaction (ruleset.ruleset_changed): admin saves and deletes, and load_rules' loaddata."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from triage.authoring.ruleset import ruleset_changed
from triage.models import Cell, Condition, GridRow, Option, Rule, Section, Source


@receiver([post_save, post_delete], sender=Option)
@receiver([post_save, post_delete], sender=GridRow)
@receiver([post_save, post_delete], sender=Cell)
@receiver([post_save, post_delete], sender=Section)
@receiver([post_save, post_delete], sender=Source)
@receiver([post_save, post_delete], sender=Rule)
@receiver([post_save, post_delete], sender=Condition)
def _ruleset_changed(**kwargs):
    ruleset_changed()

"""Clear the cached ruleset whenever what it is built from changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from triage.models import Condition, Rule, Section, Source
from triage.selectors import clear_ruleset_cache


@receiver([post_save, post_delete], sender=Section)
@receiver([post_save, post_delete], sender=Source)
@receiver([post_save, post_delete], sender=Rule)
@receiver([post_save, post_delete], sender=Condition)
def _ruleset_changed(**kwargs):
    clear_ruleset_cache()

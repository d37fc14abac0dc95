"""Every change to what the ruleset is built from tells every server process, in the same
transaction (ruleset.ruleset_changed): admin saves and deletes, and load_rules' loaddata."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from triage.authoring.ruleset import ruleset_changed
from triage.engine.slugs import MANDATORY
from triage.models import Cell, Condition, GridRow, Option, Rule, Section, Source, Translation


@receiver([post_save, post_delete], sender=Translation)
@receiver([post_save, post_delete], sender=Option)
@receiver([post_save, post_delete], sender=GridRow)
@receiver([post_save, post_delete], sender=Cell)
@receiver([post_save, post_delete], sender=Section)
@receiver([post_save, post_delete], sender=Source)
@receiver([post_save, post_delete], sender=Rule)
@receiver([post_save, post_delete], sender=Condition)
def _ruleset_changed(**kwargs):
    ruleset_changed()


# A translation goes with what it translates: deleted with it, and following it when renamed
# (it is then still current: the fingerprint is of the texts, not the name).
_KINDS = {Section: "section", Option: "option", GridRow: "gridrow"}


def _key_of(instance) -> str:
    if isinstance(instance, Cell):
        return f"{instance.option.slug}/{instance.row.slug}/{instance.condition}"
    return instance.slug


@receiver(post_delete, sender=Section)
@receiver(post_delete, sender=Option)
@receiver(post_delete, sender=GridRow)
@receiver(post_delete, sender=Cell)
def _translations_deleted(sender, instance, **kwargs):
    if isinstance(instance, Cell):
        try:
            key = _key_of(instance)
        except (Option.DoesNotExist, GridRow.DoesNotExist):
            return  # deleted with its option or row, whose own handler removes its cells' keys
        Translation.objects.filter(kind="cell", key=key).delete()
        return
    if sender is Section and instance.slug in MANDATORY:
        return  # its built-in text is shown instead (engine/safety.py), translated as before
    Translation.objects.filter(kind=_KINDS[sender], key=instance.slug).delete()
    if sender is Option:
        Translation.objects.filter(kind="cell", key__startswith=f"{instance.slug}/").delete()
    if sender is GridRow:
        Translation.objects.filter(kind="cell", key__contains=f"/{instance.slug}/").delete()


@receiver(pre_save, sender=Section)
@receiver(pre_save, sender=Option)
@receiver(pre_save, sender=GridRow)
def _translations_renamed(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old is None or old == instance.slug:
        return
    Translation.objects.filter(kind=_KINDS[sender], key=old).update(key=instance.slug)
    if sender is Option:
        for t in Translation.objects.filter(kind="cell", key__startswith=f"{old}/"):
            t.key = instance.slug + t.key[len(old) :]
            t.save(update_fields=["key", "updated"])
    if sender is GridRow:
        for t in Translation.objects.filter(kind="cell", key__contains=f"/{old}/"):
            option, _, condition = t.key.split("/")
            t.key = f"{option}/{instance.slug}/{condition}"
            t.save(update_fields=["key", "updated"])

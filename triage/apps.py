from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = "Stem Cell Triage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported for their side effects: ruleset cache invalidation and the ruleset check.
        from triage import checks  # noqa: F401
        from triage.authoring import signals  # noqa: F401

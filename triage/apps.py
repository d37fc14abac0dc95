from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = "Stem Cell Triage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from triage import signals  # noqa: F401  (ruleset cache invalidation)

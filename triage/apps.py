from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = "Stem Cell Triage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported for their side effects: ruleset cache invalidation, the ruleset system
        # check, and recording each ruleset version a summary is built with.
        from triage import checks, signals, versions  # noqa: F401

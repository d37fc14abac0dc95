from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = "Stem Cell Triage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported for their side effects: ruleset cache invalidation and the ruleset check.
        # The questionnaire's wording is marked in the engine, which imports no Django; it is
        # translated into the active language (/es/ pages: Spanish) where it is shown.
        from django.utils.translation import gettext

        from triage import checks  # noqa: F401
        from triage.authoring import signals  # noqa: F401
        from triage.engine import questions

        questions.set_translator(gettext)

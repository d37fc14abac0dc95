from django.apps import AppConfig
from django.conf import settings
from django.utils import translation


def _in(code: str):
    """Django's gettext for one language, whatever the active one."""

    def translate(text: str) -> str:
        with translation.override(code):
            return translation.gettext(text)

    return translate


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = "Stem Cell Triage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported for their side effects: ruleset cache invalidation and the ruleset check.
        from triage import checks  # noqa: F401
        from triage.authoring import signals  # noqa: F401
        from triage.engine import fhir, questions

        # The questionnaire's wording is marked in the engine, which imports no Django; it is
        # translated into the active language (/es/ pages: Spanish) where it is shown.
        questions.set_translator(translation.gettext, translation.get_language)
        # The FHIR Questionnaire carries each other language's wording (translation extension).
        fhir.set_translations(
            {code: _in(code) for code, _name in settings.LANGUAGES if code != fhir.BASE_LANGUAGE}
        )

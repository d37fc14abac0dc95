from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from triage.clinic import views as clinic_views
from triage.fhir import views as fhir_views
from triage.journey import confirm, wizard
from triage.platform import health, robots
from triage.summary import converters  # noqa: F401  (registers <token:...>, <reference:...>)
from triage.summary import views as summary_views

app_patterns = (
    [
        path("", wizard.start, name="start"),
        path("questions/", wizard.questionnaire, name="resume"),
        path("questions/start-again/", confirm.start_again, name="start_again"),
        re_path(r"^questions/(?P<step>[a-z0-9_]+)/$", wizard.questionnaire, name="question"),
        path("summary/<uuid:pk>/", summary_views.summary, name="summary"),
        path("summary/<uuid:pk>/sheet/", summary_views.sheet, name="sheet"),
        path("summary/<uuid:pk>/delete/", summary_views.delete_summary, name="delete"),
        path("summary/<uuid:pk>/compare/", summary_views.compare, name="compare"),
        # The patient's private link: opens the summary on any device, no cookies needed.
        path("s/<token:token>/", summary_views.link_summary, name="link"),
        path("s/<token:token>/sheet/", summary_views.link_sheet, name="link-sheet"),
        path("s/<token:token>/delete/", summary_views.link_delete, name="link-delete"),
        path("s/<token:token>/compare/", summary_views.link_compare, name="link-compare"),
        path(
            "summary/<uuid:pk>/questionnaire-response.json",
            fhir_views.response,
            name="fhir-response",
        ),
        path(
            "s/<token:token>/questionnaire-response.json",
            fhir_views.link_response,
            name="link-fhir-response",
        ),
    ],
    "triage",
)

# The patient's and the clinic's pages: English unprefixed (addresses unchanged), Spanish under /es/.
urlpatterns = i18n_patterns(
    path("", include(app_patterns)),
    path("staff/", include(clinic_views.urlpatterns)),
    prefix_default_language=False,
)
# Machine and admin addresses stay unprefixed, in one language.
urlpatterns += [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", robots.robots_txt, name="robots"),
    path(
        f"fhir/Questionnaire/{fhir_views.fhir.QUESTIONNAIRE_ID}",
        fhir_views.questionnaire,
        name="fhir-questionnaire",
    ),
    path("api/cards", fhir_views.cards, name="cards-api"),
]

handler400 = "triage.platform.errors.bad_request"
handler403 = "triage.platform.errors.permission_denied"
handler404 = "triage.platform.errors.not_found"
handler500 = "triage.platform.errors.server_error"

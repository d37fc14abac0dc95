from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from triage import confirm, fhir_api, health, staff, summaries, views

app_patterns = (
    [
        path("", views.start, name="start"),
        path("questions/", views.questionnaire, name="resume"),
        path("questions/start-again/", confirm.start_again, name="start_again"),
        re_path(r"^questions/(?P<step>[a-z0-9_]+)/$", views.questionnaire, name="question"),
        path("summary/<uuid:pk>/", summaries.summary, name="summary"),
        path("summary/<uuid:pk>/sheet/", summaries.sheet, name="sheet"),
        path("summary/<uuid:pk>/delete/", summaries.delete_summary, name="delete"),
        # The patient's private link: opens the summary on any device, no cookies needed.
        path("s/<str:token>/", summaries.link_summary, name="link"),
        path("s/<str:token>/sheet/", summaries.link_sheet, name="link-sheet"),
        path("s/<str:token>/delete/", summaries.link_delete, name="link-delete"),
        path(
            "summary/<uuid:pk>/questionnaire-response.json",
            summaries.response,
            name="fhir-response",
        ),
        path(
            "s/<str:token>/questionnaire-response.json",
            summaries.link_response,
            name="link-fhir-response",
        ),
    ],
    "triage",
)

urlpatterns = [
    path("", include(app_patterns)),
    path("staff/", include(staff.urlpatterns)),
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path(
        f"fhir/Questionnaire/{fhir_api.fhir.QUESTIONNAIRE_ID}",
        fhir_api.questionnaire,
        name="fhir-questionnaire",
    ),
    path("api/cards", fhir_api.cards, name="cards-api"),
]

handler400 = "triage.errors.bad_request"
handler403 = "triage.errors.permission_denied"
handler404 = "triage.errors.not_found"
handler500 = "triage.errors.server_error"

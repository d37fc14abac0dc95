"""Clinic staff: sign in, type the code a patient reads out, see and print that summary.

Only members of the "Clinic staff" group get in. Every lookup is recorded (who, when, which
code, what happened) and counted: too many in a short time, from one account or one address,
and further lookups are refused for a while, so codes cannot be guessed by brute force.
"""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from triage.engine import codes
from triage.fhir import views as fhir_views
from triage.models import Lookup, Submission
from triage.platform import throttle
from triage.platform.languages import keep_english, summary_language_redirect
from triage.platform.pages import show
from triage.platform.roles import CLINIC_STAFF as STAFF_GROUP
from triage.summary import converters  # noqa: F401  (registers <reference:...>)
from triage.summary.access import road
from triage.summary.comparison import comparison_context
from triage.summary.context import summary_context
from triage.summary.sheet import sheet_context

RECENT_LOOKUP = timedelta(hours=8)


def is_clinic_staff(user) -> bool:
    return user.is_authenticated and user.groups.filter(name=STAFF_GROUP).exists()


def staff_only(view):
    """Send strangers to sign in; refuse signed-in people who are not clinic staff."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("staff:login"))
        if not is_clinic_staff(request.user):
            return show(request, "not_clinic_staff")
        return view(request, *args, **kwargs)

    return wrapper


class LookupForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Reference code"),
        max_length=40,
        error_messages={
            "required": gettext_lazy("Enter the reference code, for example K7M2-9QHX")
        },
    )

    def clean_code(self) -> str:
        code = codes.normalise(self.cleaned_data["code"])
        if len(code) != codes.LENGTH or any(ch not in codes.VALUE for ch in code):
            raise forms.ValidationError(
                _("Enter the 8-character reference code, for example K7M2-9QHX"),
                code="format",
            )
        return code


MESSAGES = {
    "mistyped": gettext_lazy(
        "{code} is not a valid reference code. One character is probably wrong: "
        "check the code with the patient."
    ),
    "unknown": gettext_lazy(
        "There is no summary with the code {code}. Check the code with the patient."
    ),
    "expired": gettext_lazy(
        "The summary with the code {code} has expired. Summaries are kept for {days} "
        "days; the patient can fill in the questionnaire again."
    ),
    "deleted": gettext_lazy("The patient deleted the summary with the code {code}."),
}


def lookup_outcome(code: str, submission: Submission | None) -> str:
    """What a lookup found, in the words the lookup record keeps."""
    if not codes.is_valid(code):
        return "mistyped"
    if submission is None:
        return "unknown"
    if submission.is_deleted:
        return "deleted"
    if submission.is_expired:
        return "expired"
    return "found"


@require_http_methods(["GET", "POST"])
@staff_only
def lookup(request):
    form = LookupForm(request.POST or None)
    message = None
    status = 200
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        address = throttle.address_hash(request)
        wait = throttle.staff_lookup_wait(request, address)
        if wait is not None:
            throttle.record_lookup(request, code=code, outcome="limited", address=address)
            limit = throttle.STAFF_LOOKUPS_PER_ACCOUNT
            refused = show(request, "too_many_lookups", minutes=limit.minutes)
            refused["Retry-After"] = str(wait)
            return refused
        submission = Submission.objects.filter(reference=code).first()
        outcome = lookup_outcome(code, submission)
        throttle.record_lookup(
            request, code=code, outcome=outcome, submission=submission, address=address
        )
        if outcome == "found":
            return redirect("staff:summary", reference=code)
        message = str(MESSAGES[outcome]).format(
            code=codes.display(code), days=settings.SUMMARY_RETENTION_DAYS
        )
        status = 404 if outcome in ("unknown", "mistyped") else 410
    elif request.method == "POST":
        status = 400
    return render(
        request, "triage/staff/lookup.html", {"form": form, "message": message}, status=status
    )


def looked_up(request, reference: str) -> Submission | None:
    """The live summary with this code, if this user looked it up recently; else None."""
    submission = Submission.objects.filter(reference=reference).first()
    if submission is None or submission.is_deleted or submission.is_expired:
        return None
    recent = Lookup.objects.filter(
        user=request.user,
        submission=submission,
        outcome="found",
        created__gte=timezone.now() - RECENT_LOOKUP,
    ).exists()
    return submission if recent else None


def _staff_page(request, reference: str, build, template: str):
    submission = looked_up(request, reference)
    if submission is None:
        return show(request, "look_up_first")
    # A Spanish summary opens in Spanish for staff too; ?lang=en ("Print in English") stays.
    moved = summary_language_redirect(request, submission)
    if moved:
        return moved
    context = build(
        submission, request=request, access=keep_english(request, road("staff", submission))
    )
    return render(request, template, context)


@require_http_methods(["GET"])
@staff_only
def staff_summary(request, reference: str):
    """The summary exactly as it was built; only after this user looked the code up."""
    return _staff_page(request, reference, summary_context, "triage/summary.html")


@require_http_methods(["GET"])
@staff_only
def staff_sheet(request, reference: str):
    """The one-page appointment sheet: what staff print by default."""
    return _staff_page(request, reference, sheet_context, "triage/sheet.html")


@require_http_methods(["GET"])
@staff_only
def staff_compare(request, reference: str):
    """The options side by side, as stored with the summary; what matters to the patient is
    shown read-only."""
    return _staff_page(request, reference, comparison_context, "triage/compare.html")


@require_http_methods(["GET"])
@staff_only
def staff_response(request, reference: str):
    """The summary's answers as a FHIR QuestionnaireResponse for the clinic's record: on the
    same terms as the summary, and recorded like a lookup (who took which record, when)."""
    submission = looked_up(request, reference)
    if submission is None:
        return show(request, "look_up_first")
    throttle.record_lookup(
        request, code=submission.reference, outcome="exported", submission=submission
    )
    return fhir_views.download(submission)


class StaffLoginView(auth_views.LoginView):
    template_name = "triage/staff/login.html"
    redirect_authenticated_user = True

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if form.is_bound:  # shown again with errors: the error summary takes the focus
            form.fields["username"].widget.attrs.pop("autofocus", None)
        form.fields["username"].error_messages["required"] = _("Enter your username")
        form.fields["password"].error_messages["required"] = _("Enter your password")
        return form

    def get_default_redirect_url(self):
        return reverse("staff:lookup")


urlpatterns = (
    [
        path("", lookup, name="lookup"),
        path("summaries/<reference:reference>/", staff_summary, name="summary"),
        path("summaries/<reference:reference>/sheet/", staff_sheet, name="sheet"),
        path("summaries/<reference:reference>/compare/", staff_compare, name="compare"),
        path(
            "summaries/<reference:reference>/questionnaire-response.json",
            staff_response,
            name="fhir-response",
        ),
        path("login/", StaffLoginView.as_view(), name="login"),
        path(
            "logout/",
            auth_views.LogoutView.as_view(next_page=reverse_lazy("staff:login")),
            name="logout",
        ),
    ],
    "staff",
)

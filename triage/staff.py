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
from django.views.decorators.http import require_http_methods

from triage import fhir_api, summaries
from triage.engine import codes
from triage.middleware import address_hash
from triage.models import Lookup, Submission
from triage.pages import show
from triage.roles import CLINIC_STAFF as STAFF_GROUP

WINDOW = timedelta(minutes=10)
LIMIT_PER_USER = 30
LIMIT_PER_ADDRESS = 60
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


def over_limit(user, address: str) -> bool:
    """Too many lookups lately from this account or this address. Private links opened by
    anyone (`user` None) count by address only, with staff lookups from the same address."""
    since = timezone.now() - WINDOW
    # Downloads follow a found lookup, so they guess nothing: only lookups count.
    counted = Lookup.objects.filter(created__gte=since).exclude(outcome__in=["limited", "exported"])
    if user is not None and counted.filter(user=user).count() >= LIMIT_PER_USER:
        return True
    return counted.filter(address_hash=address).count() >= LIMIT_PER_ADDRESS


class LookupForm(forms.Form):
    code = forms.CharField(
        label="Reference code",
        max_length=40,
        error_messages={"required": "Enter the reference code, for example K7M2-9QHX"},
    )

    def clean_code(self) -> str:
        code = codes.normalise(self.cleaned_data["code"])
        if len(code) != codes.LENGTH or any(ch not in codes.VALUE for ch in code):
            raise forms.ValidationError(
                "Enter the 8-character reference code, for example K7M2-9QHX",
                code="format",
            )
        return code


MESSAGES = {
    "mistyped": "{code} is not a valid reference code. One character is probably wrong: "
    "check the code with the patient.",
    "unknown": "There is no summary with the code {code}. Check the code with the patient.",
    "expired": "The summary with the code {code} has expired. Summaries are kept for {days} "
    "days; the patient can fill in the questionnaire again.",
    "deleted": "The patient deleted the summary with the code {code}.",
}


@require_http_methods(["GET", "POST"])
@staff_only
def lookup(request):
    form = LookupForm(request.POST or None)
    message = None
    status = 200
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        address = address_hash(request)
        record = Lookup(user=request.user, username=request.user.get_username(), code=code)
        record.address_hash = address
        if over_limit(request.user, address):
            record.outcome = "limited"
            record.save()
            return show(request, "too_many_lookups", minutes=int(WINDOW.total_seconds() // 60))
        submission = Submission.objects.filter(reference=code).first()
        if not codes.is_valid(code):
            record.outcome = "mistyped"
        elif submission is None:
            record.outcome = "unknown"
        elif submission.is_deleted:
            record.outcome = "deleted"
        elif submission.is_expired:
            record.outcome = "expired"
        else:
            record.outcome = "found"
        record.submission = submission
        record.save()
        if record.outcome == "found":
            return redirect("staff:summary", reference=code)
        message = MESSAGES[record.outcome].format(
            code=codes.display(code), days=settings.SUMMARY_RETENTION_DAYS
        )
        status = 404 if record.outcome in ("unknown", "mistyped") else 410
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
    context = build(submission, request=request, access=summaries.road("staff", submission))
    return render(request, template, context)


@require_http_methods(["GET"])
@staff_only
def staff_summary(request, reference: str):
    """The summary exactly as it was built; only after this user looked the code up."""
    return _staff_page(request, reference, summaries.summary_context, "triage/summary.html")


@require_http_methods(["GET"])
@staff_only
def staff_sheet(request, reference: str):
    """The one-page appointment sheet: what staff print by default."""
    return _staff_page(request, reference, summaries.sheet_context, "triage/sheet.html")


@require_http_methods(["GET"])
@staff_only
def staff_response(request, reference: str):
    """The summary's answers as a FHIR QuestionnaireResponse for the clinic's record: on the
    same terms as the summary, and recorded like a lookup (who took which record, when)."""
    submission = looked_up(request, reference)
    if submission is None:
        return show(request, "look_up_first")
    Lookup.objects.create(
        user=request.user,
        username=request.user.get_username(),
        code=submission.reference,
        outcome="exported",
        submission=submission,
        address_hash=address_hash(request),
    )
    return fhir_api.download(submission)


class StaffLoginView(auth_views.LoginView):
    template_name = "triage/staff/login.html"
    redirect_authenticated_user = True

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if form.is_bound:  # shown again with errors: the error summary takes the focus
            form.fields["username"].widget.attrs.pop("autofocus", None)
        form.fields["username"].error_messages["required"] = "Enter your username"
        form.fields["password"].error_messages["required"] = "Enter your password"
        return form

    def get_default_redirect_url(self):
        return reverse("staff:lookup")


urlpatterns = (
    [
        path("", lookup, name="lookup"),
        path("summaries/<str:reference>/", staff_summary, name="summary"),
        path("summaries/<str:reference>/sheet/", staff_sheet, name="sheet"),
        path(
            "summaries/<str:reference>/questionnaire-response.json",
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

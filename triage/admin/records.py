"""What patients and staff leave behind, kept for audit: summaries (read-only, with their
reference and deletion), lookups (staff lookups and FHIR downloads, anonymous guesses at
private links) and the ruleset versions summaries were built with."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.urls import reverse
from django.utils.html import format_html

from triage.authoring.files import dump
from triage.models import Lookup, RulesetVersion, Submission
from triage.platform import throttle


def is_superuser(request) -> bool:
    return request.user.is_active and request.user.is_superuser


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Summaries, for superusers only (no group holds view_submission since migration 0015):
    clinic staff reach a summary through a recorded lookup, never here. Each opening of a
    summary here is recorded like a lookup (outcome "admin")."""

    list_display = ["reference", "created", "expires_at", "deleted_at", "version_link"]
    readonly_fields = [
        "id",
        "reference",
        "answers",
        "result",
        "version_link",
        "created",
        "expires_at",
        "deleted_at",
    ]
    search_fields = ["reference", "ruleset_version"]

    @admin.display(description="Ruleset version", ordering="ruleset_version")
    def version_link(self, obj):
        record = RulesetVersion.objects.filter(version=obj.ruleset_version).first()
        if record is None:
            return obj.ruleset_version
        url = reverse("admin:triage_rulesetversion_change", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, obj.ruleset_version)

    def has_module_permission(self, request):
        return is_superuser(request)

    def has_view_permission(self, request, obj=None):
        return is_superuser(request)

    def has_delete_permission(self, request, obj=None):
        return is_superuser(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        submission = self.get_object(request, unquote(object_id))
        if response.status_code == 200 and submission is not None:
            throttle.record_lookup(
                request, code=submission.reference, outcome="admin", submission=submission
            )
        return response


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records kept for audit: visible to admins, changed by no one."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Lookup)
class LookupAdmin(ReadOnlyAdmin):
    """Every attempt to reach a summary by its code: staff lookups (who, which code, what they
    were shown), staff downloads as FHIR and anonymous guesses at private links; read-only,
    for audit."""

    list_display = ["created", "username", "code", "outcome", "submission"]
    list_filter = ["outcome", "created"]
    search_fields = ["username", "code"]
    date_hierarchy = "created"


@admin.register(RulesetVersion)
class RulesetVersionAdmin(ReadOnlyAdmin):
    list_display = ["version", "created", "recorded_by", "user", "summaries"]
    list_filter = ["recorded_by"]
    search_fields = ["version"]
    readonly_fields = ["version", "created", "recorded_by", "user", "summaries", "contents"]
    exclude = ["snapshot"]

    @admin.display(description="Summaries built with it")
    def summaries(self, obj):
        return Submission.objects.filter(ruleset_version=obj.version).count()

    @admin.display(description="Sections and rules (fixture rows)")
    def contents(self, obj):
        if obj.snapshot is None:
            return "Not recorded: the ruleset changed before this version could be saved."
        text = dump(obj.snapshot)
        return format_html("<pre>{}</pre>", text)

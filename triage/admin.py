from django.contrib import admin

from triage.models import Condition, Rule, Section, Source, Submission


class SourceInline(admin.TabularInline):
    model = Source
    extra = 0
    min_num = 1


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "indicator", "last_reviewed", "next_review", "active"]
    list_filter = ["indicator", "active"]
    search_fields = ["slug", "title", "body"]
    inlines = [SourceInline]


class ConditionInline(admin.TabularInline):
    model = Condition
    extra = 0


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["key", "section", "priority", "active"]
    list_filter = ["active", "section"]
    search_fields = ["key", "description"]
    inlines = [ConditionInline]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["id", "created", "expires_at", "ruleset_version"]
    readonly_fields = ["id", "answers", "result", "ruleset_version", "created", "expires_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

"""List filters for the admin's change lists."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy

from triage.authoring import reviews


class ReviewFilter(admin.SimpleListFilter):
    """Sections by review state, as ``reviews.state`` decides it (a few dozen rows: read in
    Python, so the database is never asked a second version of the rule)."""

    title = gettext_lazy("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return list(reviews.LABELS.items())

    def queryset(self, request, queryset):
        if self.value() not in reviews.LABELS:
            return queryset
        rows = queryset.only("pk", "next_review")
        return queryset.filter(pk__in=[s.pk for s in reviews.in_state(rows, self.value())])

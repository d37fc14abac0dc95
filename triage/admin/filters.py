"""List filters for the admin's change lists."""

from __future__ import annotations

import datetime

from django.contrib import admin

DUE_SOON_DAYS = 30


class ReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("soon", f"Due within {DUE_SOON_DAYS} days"),
            ("ok", "Not due yet"),
        ]

    def queryset(self, request, queryset):
        today = datetime.date.today()
        soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
        if self.value() == "overdue":
            return queryset.filter(next_review__lt=today)
        if self.value() == "soon":
            return queryset.filter(next_review__gte=today, next_review__lte=soon)
        if self.value() == "ok":
            return queryset.filter(next_review__gt=soon)
        return queryset

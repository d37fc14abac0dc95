"""Template filters for the patient pages: a section's Markdown as safe HTML, dates in words."""

from __future__ import annotations

import datetime

from django import template
from django.utils.safestring import mark_safe

from triage.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text))  # noqa: S308  # nosec B308 B703 (nh3 in render_markdown)


@register.filter
def isodate(value: str) -> str:
    """'2026-11-22' as '22 November 2026'."""
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    return f"{day.day} {day:%B %Y}"

"""Section bodies are Markdown written by admins: render it, then sanitise it, so that no
script or raw HTML an editor typed can reach a patient's page."""

from __future__ import annotations

import datetime
import re
from functools import lru_cache

import markdown as md
import nh3
from django import template
from django.utils.safestring import mark_safe

from triage.engine.rules import source_when

register = template.Library()

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h3", "h4", "br", "blockquote", "abbr"}
# <abbr title="…">: an abbreviation's expansion, written out in words at its first use too
ALLOWED_ATTRIBUTES = {"a": {"href"}, "abbr": {"title"}}


LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+\.) ")


def separate_lists(text: str) -> str:
    """Start a list where an editor starts one: Python-Markdown needs a blank line between a
    paragraph and the list after it, or it runs the items into the paragraph as " - " text."""
    lines: list[str] = []
    in_list = False
    for line in text.splitlines():
        item = bool(LIST_ITEM.match(line))
        if item and not in_list and lines and lines[-1].strip():
            lines.append("")
        if not line.strip():
            in_list = False
        elif item:
            in_list = True
        lines.append(line)
    return "\n".join(lines)


@lru_cache(maxsize=512)
def render_markdown(text: str) -> str:
    html = md.markdown(separate_lists(text or ""), extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    )


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text))  # noqa: S308  # nosec B308 B703 (nh3 above)


@register.filter
def source_date(source) -> str:
    """A source's date in words ("2019", or "undated, checked 30 November 2026"), from a card's
    source (a dict) or an engine Source; "" for summaries stored before sources had dates."""
    if isinstance(source, dict):
        if "year" not in source:
            return ""
        return source_when(source.get("year"), source.get("checked"))
    return source_when(getattr(source, "year", None), getattr(source, "checked", ""))


@register.filter
def isodate(value: str) -> str:
    """'2026-11-22' as '22 November 2026'."""
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    return f"{day.day} {day:%B %Y}"

"""Template filters for the patient pages: a section's Markdown as safe HTML, dates in words."""

from __future__ import annotations

import datetime
import re
from functools import lru_cache

from django import template
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from triage.engine.rules import source_when
from triage.platform import languages
from triage.platform.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text))  # noqa: S308  # nosec B308 B703 (nh3 in render_markdown)


SUBHEADING = re.compile(r"<h3>(.*?)</h3>", re.S)


@lru_cache(maxsize=512)
def render_folded(text: str) -> str:
    """The section text with each `###` part folded under its heading in a native <details>:
    the opening paragraphs stay in view, the rest is a tap away, works without JavaScript and
    opens when printed (site.css). The heading text is nh3's output, already safe."""
    parts = SUBHEADING.split(render_markdown(text))
    html = [parts[0]]
    for title, body in zip(parts[1::2], parts[2::2], strict=True):
        html.append(
            f'<details class="fold"><summary class="fold__summary">{title}</summary>'
            f'<div class="fold__body">{body.strip()}</div></details>\n'
        )
    return "".join(html)


@register.filter
def folded_markdown(text: str) -> str:
    return mark_safe(render_folded(text))  # noqa: S308  # nosec B308 B703 (nh3 above)


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
    return date_format(day, gettext("j F Y"))  # "31 de diciembre de 2026" in Spanish


@register.filter
def in_english(url: str) -> str:
    """The same page shown in English whatever the summary's language ("Print in English")."""
    return languages.english_url(url)

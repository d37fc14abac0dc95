"""Section bodies are Markdown written by editors: render it, then sanitise it, so that no
script or raw HTML an editor typed can reach a patient's page (or the admin's preview)."""

from __future__ import annotations

import re
from functools import lru_cache

import markdown as md
import nh3

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
    """Safe HTML for a section's Markdown."""
    html = md.markdown(separate_lists(text or ""), extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    )

"""Section bodies are Markdown written by editors: render it, then sanitise it, so that no
script or raw HTML an editor typed can reach a patient's page (or the admin's preview).

Other systems get the same texts through the cards API and `manage.py evaluate`, and render
them themselves (a CDS Hooks client renders `detail` as Markdown). For them the same
sanitiser strips the raw HTML out of the Markdown (`markdown_without_html`) and out of the
plain-text fields (`plain_text`)."""

from __future__ import annotations

import html as html_entities
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


URL_SCHEMES = {"https", "http", "mailto"}
# A "<" that could open a tag (or a comment, or a declaration) once a client renders the text.
TAG_OPENING = re.compile(r"<(?=[A-Za-z/!?])")
AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
# [text](destination "title"): a Markdown inline link or image, with its destination.
INLINE_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+[^)]*)?\)")
# [label]: destination "title": a reference-style link's definition, on a line of its own.
LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*<?([^\s>]*)>?.*$", re.MULTILINE)
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def _strip_tags(text: str) -> str:
    """Every HTML tag gone (script and style with what they hold, comments too), the text
    between tags kept, entities decoded, and any "<" that could start a tag again escaped."""
    stripped = html_entities.unescape(nh3.clean(text or "", tags=set()))
    return TAG_OPENING.sub("&lt;", stripped)


def _allowed(destination: str) -> bool:
    scheme = SCHEME.match(destination)
    return not scheme or scheme.group(1).lower() in URL_SCHEMES


def _safe_definition(match: re.Match) -> str:
    return match.group(0) if _allowed(match.group(1)) else ""


def _safe_link(match: re.Match) -> str:
    bang, label, destination = match.group(1), match.group(2), match.group(3)
    if not _allowed(destination):
        return label  # javascript:, data: and the like: the words stay, the link goes
    return match.group(0) if not bang else f"[{label}]({destination})"


@lru_cache(maxsize=512)
def markdown_without_html(text: str) -> str:
    """An editor's Markdown with its raw HTML removed, for clients that render Markdown: tags
    dropped (`<abbr title="...">EBMT</abbr>` becomes `EBMT`), links kept only to the schemes
    the site allows, images kept as links, autolinks (`<https://...>`) kept as links."""
    text = AUTOLINK.sub(r"[\1](\1)", text or "")
    text = INLINE_LINK.sub(_safe_link, _strip_tags(text))
    return LINK_DEFINITION.sub(_safe_definition, text)


@lru_cache(maxsize=512)
def plain_text(text: str) -> str:
    """An editor's one-line text (a title, a summary, a source's label) with no HTML in it,
    its spaces tidied where tags were taken out."""
    return " ".join(_strip_tags(text or "").split())

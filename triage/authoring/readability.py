"""Reading grade of section text, checked like advice: a hard text is refused, a fairly hard
one gets a warning, before any patient reads it.

The measure is the Flesch-Kincaid grade from textstat (pinned at 0.7.4, which counts syllables
with pyphen and needs no download at run time); a reading age is about the grade plus 5. A body
is Markdown: it is rendered and each paragraph, list item and heading counts as a sentence of
its own (a list item or heading with no full stop is not run into the next one). The key point
is the section's ``summary``, the one sentence a skimmer reads at the top of the summary page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown as md
import textstat

from triage.engine.rules import Refusal, RuleSet
from triage.platform.markdown import separate_lists

# Targets and limits: above the limit is refused, between target and limit warned.
BODY_TARGET, BODY_LIMIT = 8.5, 10.0
KEY_POINT_TARGET, KEY_POINT_LIMIT = 10.0, 12.0
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dt", "dd"}
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^\s])")


class _Blocks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self._flush()

    def handle_data(self, data):
        self._open.append(data)

    def _flush(self):
        text = " ".join("".join(self._open).split())
        self._open = []
        if text:
            self.blocks.append(text if text[-1] in ".!?:;" else text + ".")

    def close(self):
        super().close()
        self._flush()


def plain_text(body: str) -> str:
    """The Markdown body as plain text, one block (paragraph, item, heading) per line."""
    parser = _Blocks()
    parser.feed(md.markdown(separate_lists(body or ""), extensions=["sane_lists"]))
    parser.close()
    return html.unescape("\n".join(parser.blocks))


def grade(text: str) -> float:
    """Flesch-Kincaid grade of plain text (0 for no text)."""
    return float(textstat.flesch_kincaid_grade(text)) if text.strip() else 0.0


def sentences(text: str) -> list[str]:
    return [s.strip() for line in text.splitlines() for s in SENTENCE_END.split(line) if s.strip()]


def hardest_sentence(text: str) -> tuple[str, float]:
    """The sentence with the highest grade, and that grade ("" and 0 for no text)."""
    scored = [(grade(s), s) for s in sentences(text)]
    if not scored:
        return "", 0.0
    value, sentence = max(scored, key=lambda pair: pair[0])
    return sentence, value


@dataclass(frozen=True)
class Grades:
    key_point: float
    body: float
    key_point_hardest: tuple[str, float]
    body_hardest: tuple[str, float]


def grades(summary: str, body: str) -> Grades:
    text = plain_text(body)
    return Grades(
        key_point=grade(summary),
        body=grade(text),
        key_point_hardest=hardest_sentence(summary),
        body_hardest=hardest_sentence(text),
    )


def grade_together(texts: Iterable[str]) -> float:
    """One grade for many texts read one after another (single sentences score noisily)."""
    return grade("\n".join(t for t in texts if t.strip()))


@dataclass(frozen=True)
class Finding:
    code: str  # body-too-hard, body-hard, key-point-too-hard, key-point-hard
    field: str  # "body" or "summary"
    refused: bool
    message: str


def check(summary: str, body: str, *, slug: str = "") -> list[Finding]:
    """Refusals (above the limit) and warnings (above the target) for one section's text."""
    g = grades(summary, body)
    where = f"section {slug!r}: " if slug else ""
    out: list[Finding] = []
    for field, name, value, hardest, target, limit in (
        ("body", "text", g.body, g.body_hardest, BODY_TARGET, BODY_LIMIT),
        (
            "summary",
            "key point (summary)",
            g.key_point,
            g.key_point_hardest,
            KEY_POINT_TARGET,
            KEY_POINT_LIMIT,
        ),
    ):
        if value <= target:
            continue
        refused = value > limit
        sentence, sentence_grade = hardest
        code = ("key-point" if field == "summary" else "body") + (
            "-too-hard" if refused else "-hard"
        )
        if refused:
            verdict = f"is too hard to read: grade {value:.1f}, above the limit of {limit:.0f}"
        else:
            verdict = f"is harder to read than the target: grade {value:.1f}, aim for {target:g}"
        out.append(
            Finding(
                code=code,
                field=field,
                refused=refused,
                message=(
                    f"{where}the {name} {verdict} (reading age about {value + 5:.0f}). "
                    f"Hardest sentence (grade {sentence_grade:.1f}): \u201c{sentence}\u201d "
                    "Shorter sentences and everyday words bring the grade down."
                ),
            )
        )
    return out


def warnings_for(summary: str, body: str, *, slug: str = "") -> list[str]:
    """Messages for a text harder than the target but not refused: saved or loaded, with a
    warning (the refusals are ``ruleset_refusals``, one of the verdict's checks)."""
    return [f.message for f in check(summary, body, slug=slug) if not f.refused]


def warnings(sections: Iterable) -> list[str]:
    """The warnings of every section (anything with slug, summary and body)."""
    return [w for s in sections for w in warnings_for(s.summary, s.body, slug=s.slug)]


def ruleset_refusals(ruleset: RuleSet) -> list[Refusal]:
    """The refused texts of a ruleset as coded refusals: one of ``authoring.CHECKS``, so the
    admin, ``load_rules``, ``verify_rules`` and the system check all refuse them alike."""
    return [
        Refusal(f.code, f.message, field=f.field, section=s.slug)
        for s in ruleset.sections.values()
        for f in check(s.summary, s.body, slug=s.slug)
        if f.refused
    ]

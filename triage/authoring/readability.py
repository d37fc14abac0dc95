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
from functools import lru_cache
from html.parser import HTMLParser

import markdown as md
import textstat
from textstat.textstat import textstatistics

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


# The measures below are pure functions of the text, and every check of a ruleset measures the
# same few hundred texts again (an admin save, load_rules, verify_rules, the system check), so
# each result is kept: rendering Markdown and counting syllables were most of a check's time.
# The shipped content has about 400 texts; a thousand whole bodies of a few KB each bound the
# memory a process spends on it to a few MB.
CACHED = 4096


@lru_cache(maxsize=1024)
def plain_text(body: str) -> str:
    """The Markdown body as plain text, one block (paragraph, item, heading) per line."""
    parser = _Blocks()
    parser.feed(md.markdown(separate_lists(body or ""), extensions=["sane_lists"]))
    parser.close()
    return html.unescape("\n".join(parser.blocks))


@lru_cache(maxsize=CACHED)
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


# --- Spanish ---------------------------------------------------------------------------------
#
# The Spanish translations are measured with the Fernández-Huerta reading ease (textstat 0.7.4,
# ``fernandez_huerta``): Flesch's reading ease recalibrated for Spanish (206.84 - 60 x syllables
# per word - 1.02 x words per sentence), read on Flesch's own table of school grades: 90-100
# grade 5, 80-90 grade 6, 70-80 grade 7, 60-70 grades 8-9, 50-60 grades 10-12, 30-50 college.
# Higher is easier, so a Spanish text is refused *below* its limit. Our English targets become:
#
# * body: FK grade 8.5 (target) and 10 (limit) -> FH 65 (the middle of the grade 8-9 band) and
#   FH 60 (where grade 10 starts). The shipped Spanish bodies score FH 70-85.
# * key point: FK 10 and 12 -> FH 60 as the target, as grade 10 is; but one sentence alone
#   scores far lower in Spanish than a paragraph of the same words (each word of a long sentence
#   costs 1.02 points, and everyday Spanish words are long: "medicamentos", "enfermedades"), so
#   the shipped key points, whose English are all within the target (FK 7.6-9.5), score FH
#   45-80. The limit is FH 40 (Flesch's "difficult", college level): a sentence below it is
#   genuinely hard, in any language, and is refused; one between 40 and 60 gets a warning.
# * grid cell: FK 8 (limit only) -> one or two short sentences, each line a sentence of its own,
#   scored as one text. For the reason above the shipped cells score FH 25-95 (the lowest is
#   three short lines of five-syllable words, "UK: muchos medicamentos están autorizados para
#   estas enfermedades."); the limit is FH 20, a floor that refuses a genuinely hard cell, and
#   the whole Spanish grid read together scores FH 81 (grade 6-7), checked by the tests.
#
# Szigriszt-Pazos (INFLESZ) gives the same picture about 5 points lower (bodies 65-80, "bastante
# fácil"; key points 43-85); the closing note of the translation work lists both.
#
# textstat's language is state of the object that computes: the English functions above use the
# module's shared object, and Spanish uses its own object below, set to Spanish once, so
# nothing computed here can change an English grade.
SPANISH_BODY_TARGET, SPANISH_BODY_LIMIT = 65.0, 60.0
SPANISH_KEY_POINT_TARGET, SPANISH_KEY_POINT_LIMIT = 60.0, 40.0
SPANISH_CELL_LIMIT = 20.0
_SPANISH = textstatistics()
_SPANISH.set_lang("es")


def lines_as_sentences(text: str) -> str:
    """Each non-empty line a sentence of its own (a full stop added where it has none)."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return "\n".join(line if line[-1] in ".!?:;" else line + "." for line in lines)


@lru_cache(maxsize=CACHED)
def ease_es(text: str) -> float:
    """Fernández-Huerta reading ease of plain Spanish text (higher is easier; 100 for none)."""
    return float(_SPANISH.fernandez_huerta(text)) if text.strip() else 100.0


def szigriszt_pazos_es(text: str) -> float:
    """Szigriszt-Pazos perspicuity of plain Spanish text, for reports (not a check)."""
    return float(_SPANISH.szigriszt_pazos(text)) if text.strip() else 100.0


def easiest_last(text: str) -> tuple[str, float]:
    """The Spanish sentence with the lowest reading ease, and that score."""
    scored = [(ease_es(s), s) for s in sentences(text)]
    if not scored:
        return "", 100.0
    value, sentence = min(scored, key=lambda pair: pair[0])
    return sentence, value


@dataclass(frozen=True)
class SpanishScores:
    key_point: float
    body: float


def spanish_scores(summary: str, body: str) -> SpanishScores:
    return SpanishScores(key_point=ease_es(summary), body=ease_es(plain_text(body)))


def check_spanish(summary: str, body: str, *, name: str) -> list[Finding]:
    """Refusals (below the limit) and warnings (below the target) for a Spanish section's
    text; `name` names the translation ("es translation of section 'hsct-risks'")."""
    text = plain_text(body)
    out: list[Finding] = []
    for field, label, plain, target, limit in (
        ("body", "body", text, SPANISH_BODY_TARGET, SPANISH_BODY_LIMIT),
        (
            "summary",
            "key point (summary)",
            summary,
            SPANISH_KEY_POINT_TARGET,
            SPANISH_KEY_POINT_LIMIT,
        ),
    ):
        value = ease_es(plain)
        if value >= target:
            continue
        refused = value < limit
        sentence, score = easiest_last(plain)
        code = ("key-point" if field == "summary" else "body") + (
            "-too-hard" if refused else "-hard"
        )
        if refused:
            verdict = (
                f"is too hard to read: Fernández-Huerta {value:.1f}, below the limit of {limit:.0f}"
            )
        else:
            verdict = (
                f"is harder to read than the target: Fernández-Huerta {value:.1f}, aim for "
                f"{target:g} or more"
            )
        out.append(
            Finding(
                code=code,
                field=field,
                refused=refused,
                message=(
                    f"{name}, {label}: the Spanish {verdict}. Hardest sentence "
                    f"(Fernández-Huerta {score:.1f}): \u201c{sentence}\u201d Shorter sentences "
                    "and everyday words make it easier."
                ),
            )
        )
    return out


def check_spanish_cell(text: str, *, name: str) -> list[Finding]:
    """A Spanish comparison cell below the cell limit, refused."""
    plain = lines_as_sentences(text)
    value = ease_es(plain)
    if value >= SPANISH_CELL_LIMIT:
        return []
    sentence, score = easiest_last(plain)
    return [
        Finding(
            code="grid-too-hard",
            field="text",
            refused=True,
            message=(
                f"{name}, text: the Spanish is too hard to read: Fernández-Huerta {value:.1f}, "
                f"below the limit of {SPANISH_CELL_LIMIT:.0f} (hardest sentence, "
                f"Fernández-Huerta {score:.1f}: \u201c{sentence}\u201d)"
            ),
        )
    ]

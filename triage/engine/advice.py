"""Phrases that turn information into advice about a person's own treatment.

Section texts explain what is known; they never tell the reader what to do about their own
treatment, and never promise an outcome. This is the maintained list of phrases that do, matched
case-insensitively on whole words, so 'cure' is caught but 'secure' and 'procedure' are not.
Editors may still write 'ask your specialist team about …', which names no decision.

Pure Python, no Django import: the rules validator (``rules.problems``) uses it, so the admin,
``load_rules``, ``verify_rules`` and the system check all refuse the same phrases.
"""

from __future__ import annotations

import re

# Lower case, words separated by single spaces. Add to this list, with a test, when review finds
# another way of giving advice; remove nothing without asking the clinical lead.
PHRASES: tuple[str, ...] = (
    # telling the reader what to do
    "you should",
    "you shouldn't",
    "you must",
    "you mustn't",
    "you need to",
    "you ought to",
    "you have to",
    "we recommend",
    "we advise",
    "we suggest",
    "we encourage you",
    "is recommended for you",
    "should start",
    "should stop",
    "start taking",
    "stop taking",
    # judging a treatment for this person
    "right for you",
    "best for you",
    "best option for you",
    "will work for you",
    "works for everyone",
    # promising an outcome
    "guarantee",
    "guaranteed",
    "guarantees",
    "cure",
    "cures",
    "cured",
    "miracle",
)

_MARKUP = re.compile(r"<[^>]*>|[*_`]")  # Markdown emphasis and any HTML tags
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})


def _pattern(phrase: str) -> str:
    words = [re.escape(w) for w in phrase.split()]
    return r"(?<![\w'-])" + r"\s+".join(words) + r"(?![\w'-])"


# Longest first, so 'you shouldn't' is reported rather than nothing, and 'guaranteed' rather
# than 'guarantee'.
_MATCHER = re.compile(
    "|".join(_pattern(p) for p in sorted(PHRASES, key=len, reverse=True)), re.IGNORECASE
)


def normalise(text: str) -> str:
    """The text as a reader sees the words: no emphasis marks or tags, straight apostrophes."""
    return _MARKUP.sub("", (text or "").translate(_APOSTROPHES))


def find_advice(text: str) -> list[str]:
    """Every advice phrase in `text`, as written there (original case, spaces collapsed)."""
    return [" ".join(m.group(0).split()) for m in _MATCHER.finditer(normalise(text))]


# Words that rank, score or recommend one option over another. The comparison grid
# (engine/comparison.py, principle 12) sets options side by side and must never steer: its
# texts are checked against these as well as PHRASES. Section texts are not, because they
# may report what a trial compared ("HSCT against the strongest drugs"); a grid cell may not.
RANKING: tuple[str, ...] = (
    "best option",
    "best choice",
    "best treatment",
    "the best",
    "better option",
    "better choice",
    "better than",
    "worse than",
    "safer than",
    "riskier than",
    "more effective than",
    "less effective than",
    "most effective",
    "least effective",
    "the safest",
    "the most effective",
    "first choice",
    "preferred option",
    "preferred treatment",
    "top choice",
    "number one",
    "recommended",
    "we recommend",
    "superior to",
    "inferior to",
    "the right choice",
    "the wrong choice",
)

_RANKING = re.compile(
    "|".join(_pattern(p) for p in sorted(RANKING, key=len, reverse=True)), re.IGNORECASE
)


def find_ranking(text: str) -> list[str]:
    """Every phrase in `text` that ranks or recommends an option (advice included), as written
    there, each once, in the order they first appear."""
    plain = normalise(text)
    found = [(m.start(), " ".join(m.group(0).split())) for m in _MATCHER.finditer(plain)]
    found += [(m.start(), " ".join(m.group(0).split())) for m in _RANKING.finditer(plain)]
    return list(dict.fromkeys(phrase for _, phrase in sorted(found)))

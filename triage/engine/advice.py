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
import unicodedata
from functools import lru_cache

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


def find_advice(text: str, language: str = "en") -> list[str]:
    """Every advice phrase in `text`, as written there (original case, spaces collapsed);
    `language` "es" checks Spanish text against the Spanish phrases (``SPANISH``)."""
    return list(_advice_in(text or "", language))


@lru_cache(maxsize=4096)  # every check of a ruleset reads the same texts again
def _advice_in(text: str, language: str) -> tuple[str, ...]:
    if language == "es":
        return tuple(_find_folded(text, _MATCHER_ES))
    return tuple(" ".join(m.group(0).split()) for m in _MATCHER.finditer(normalise(text)))


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


def find_ranking(text: str, language: str = "en") -> list[str]:
    """Every phrase in `text` that ranks or recommends an option (advice included), as written
    there, each once, in the order they first appear."""
    return list(_ranking_in(text or "", language))


@lru_cache(maxsize=4096)
def _ranking_in(text: str, language: str) -> tuple[str, ...]:
    if language == "es":
        found_es = _find_folded(text, _MATCHER_ES) + _find_folded(text, _RANKING_ES)
        return tuple(dict.fromkeys(found_es))
    plain = normalise(text)
    found = [(m.start(), " ".join(m.group(0).split())) for m in _MATCHER.finditer(plain)]
    found += [(m.start(), " ".join(m.group(0).split())) for m in _RANKING.finditer(plain)]
    return tuple(dict.fromkeys(phrase for _, phrase in sorted(found)))


# --- Spanish (neutral Latin-American), for the content translations ------------------------
# Written without accents: text and phrases are both matched with accents and case folded
# away (``fold``), so "debería", "deberia" and "DEBERÍA" are one phrase. Same rule as above:
# add with a test, remove nothing without asking the clinical lead.
SPANISH: tuple[str, ...] = (
    # telling the reader what to do
    "usted deberia",
    "deberia",
    "usted debe",
    "debe dejar",
    "debe empezar",
    "debe comenzar",
    "tiene que",
    "tiene que dejar",
    "usted necesita",
    "le recomendamos",
    "recomendamos",
    "le aconsejamos",
    "aconsejamos",
    "le sugerimos",
    "sugerimos",
    "le animamos",
    "se le recomienda",
    "deje de",
    "dejar de tomar",
    "empiece a tomar",
    "comience a tomar",
    # judging a treatment for this person
    "adecuado para usted",
    "adecuada para usted",
    "lo mejor para usted",
    "la mejor opcion para usted",
    "funcionara para usted",
    "le funcionara",
    "funciona para todos",
    # promising an outcome
    "garantia",
    "garantiza",
    "garantizado",
    "garantizada",
    "garantizamos",
    "cura",
    "curas",
    "curar",
    "curara",
    "curado",
    "curada",
    "milagro",
    "milagroso",
    "milagrosa",
)
RANKING_SPANISH: tuple[str, ...] = (
    "la mejor opcion",
    "mejor opcion",
    "la mejor eleccion",
    "el mejor tratamiento",
    "lo mejor",
    "mejor que",
    "peor que",
    "mas seguro que",
    "mas segura que",
    "mas arriesgado que",
    "mas arriesgada que",
    "mas eficaz que",
    "menos eficaz que",
    "mas efectivo que",
    "menos efectivo que",
    "el mas eficaz",
    "la mas eficaz",
    "el mas seguro",
    "la mas segura",
    "primera opcion",
    "primera eleccion",
    "opcion preferida",
    "tratamiento preferido",
    "recomendado",
    "recomendada",
    "recomendable",
    "superior a",
    "inferior a",
    "la opcion correcta",
    "la eleccion correcta",
    "la opcion equivocada",
    "la eleccion equivocada",
)


def fold(text: str) -> str:
    """Text with accents and case folded away, one character for each of the text's (in
    composed form), so a match's place in the folded text is its place in the text."""
    return "".join(
        unicodedata.normalize("NFD", c)[0] for c in unicodedata.normalize("NFC", text)
    ).lower()


def _compiled(phrases: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted((fold(p) for p in phrases), key=len, reverse=True)
    return re.compile("|".join(_pattern(p) for p in ordered))


_MATCHER_ES = _compiled(SPANISH)
_RANKING_ES = _compiled(RANKING_SPANISH)


def _find_folded(text: str, matcher: re.Pattern[str]) -> list[str]:
    """Every match of `matcher` in the folded text, as written in the text (accents kept)."""
    plain = unicodedata.normalize("NFC", normalise(text))
    folded = fold(plain)
    return [" ".join(plain[m.start() : m.end()].split()) for m in matcher.finditer(folded)]

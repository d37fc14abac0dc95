"""A stored summary in its reader's language, and whether Spanish can be offered at all.

The content translations live in the ruleset (``RuleSet.translations``, cached per process with
the ruleset token, ``authoring.ruleset``). A summary is stored in English; when it is shown in
Spanish each card and each grid option, row and cell is swapped for its translation *only when
the translation was made from the English stored with this summary* (its fingerprint,
``engine.translations``), so a stored summary never shows a translation of newer English. Anything
without such a translation is shown in English, with a notice in Spanish (principle 13).

* ``content_language(submission, language)``: the language to show content in: `language` when
  given (the staff "Print in English" link passes "en"), else the page's active language
  (``django.utils.translation.get_language()``; a summary's own pages open in its language).
* ``localised_cards`` and ``localised_grid``: the stored cards and grid in that language.
* ``spanish_available()``: whether Spanish may be offered (the language switcher asks): only
  while every mandatory section has a current Spanish translation. Cached per ruleset version.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

from django.utils.translation import get_language

from triage.authoring.ruleset import active_ruleset
from triage.engine import translations
from triage.engine.rules import RuleSet
from triage.engine.slugs import MANDATORY

_lock = threading.Lock()
_indexes: dict[str, translations.Index] = {}  # ruleset version -> its translations by key
_available: dict[str, bool] = {}  # ruleset version -> spanish_available()


def _index(ruleset: RuleSet) -> translations.Index:
    found = _indexes.get(ruleset.version)
    if found is None:
        found = translations.index(ruleset.translations)
        with _lock:
            _indexes.clear()  # only the current version is ever asked for again
            _indexes[ruleset.version] = found
    return found


def content_language(submission: object = None, language: str | None = None) -> str:
    """ "es" or "en": the language a summary's content is shown in (see the module's text)."""
    chosen = language or get_language() or translations.ENGLISH
    code = str(chosen).split("-")[0].lower()
    return code if code in translations.LANGUAGES else translations.ENGLISH


def mandatory_current(ruleset: RuleSet, language: str = translations.SPANISH) -> bool:
    """Whether every mandatory section (its row's text, or the built-in one) has a current
    translation into `language`."""
    found = _index(ruleset)
    for slug in MANDATORY:
        section = ruleset.section(slug)
        english = {"title": section.title, "summary": section.summary, "body": section.body}
        shown = translations.localise("section", slug, english, language, found)
        if not shown.translated:
            return False
    return True


def spanish_available() -> bool:
    """Whether Spanish may be offered now: the mandatory sections ("not-medical-advice",
    "approved-protocols") have current Spanish translations. One primary-key read (the
    ruleset token) per call; the answer is kept per ruleset version."""
    ruleset = active_ruleset()
    known = _available.get(ruleset.version)
    if known is None:
        known = mandatory_current(ruleset, translations.SPANISH)
        with _lock:
            _available.clear()
            _available[ruleset.version] = known
    return known


def localised_cards(cards: Iterable[Mapping], language: str) -> list[dict]:
    """Stored cards in `language` (English cards, unchanged but for ``language`` and ``notice``,
    when it is English: no query)."""
    if language == translations.ENGLISH:
        return [{**card, "language": translations.ENGLISH, "notice": ""} for card in cards]
    return translations.localise_cards(cards, language, _index(active_ruleset()))


def _cell(stored: Mapping, row: str, language: str, found, region: str) -> dict:
    key = translations.cell_key(str(stored.get("option")), row, str(stored.get("condition") or ""))
    shown = translations.localise_stored_cell(stored, key, language, found, region=region, row=row)
    notice = translations.SHORT_NOTICES[language] if shown.notice else ""
    return {**stored, **shown.texts, "language": shown.language, "notice": notice}


def localised_grid(stored: Mapping | None, language: str, region: object = "") -> Mapping | None:
    """A stored comparison grid in `language`: column titles, row questions and cells, each
    translated where a translation of the stored English exists, else English with a notice.
    The approved row's Spanish lines are put in the person's region's order too."""
    if not stored or not stored.get("columns") or language == translations.ENGLISH:
        return stored
    found = _index(active_ruleset())
    columns = []
    for column in stored["columns"]:
        shown = translations.localise("option", column["slug"], column, language, found)
        columns.append(
            {**column, **shown.texts, "language": shown.language, "notice": shown.notice}
        )
    rows = []
    for row in stored.get("rows", []):
        shown = translations.localise("gridrow", row["slug"], row, language, found)
        cells = [
            None if cell is None else _cell(cell, row["slug"], language, found, str(region or ""))
            for cell in row["cells"]
        ]
        rows.append(
            {
                **row,
                **shown.texts,
                "language": shown.language,
                "notice": shown.notice,
                "cells": cells,
            }
        )
    return {**stored, "language": language, "columns": columns, "rows": rows}
